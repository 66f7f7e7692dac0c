package dev.dockercheckpoint.core;

import java.util.List;
import java.util.Objects;

/**
 * Result of the preflight checks: each item passed, warned or failed, with what was found and how
 * to fix it. A warning is something this host can checkpoint and restore without, with a limit the
 * user should know (no pre-dump, no processes of other uids).
 */
public record DoctorReport(List<Item> items) {
    public DoctorReport {
        items = List.copyOf(items);
    }

    /** How one check came out. */
    public enum Status {
        /** Passed. */
        OK,
        /** Checkpoints and restores work, with a limit. */
        WARN,
        /** Checkpoints or restores cannot work until this is fixed. */
        FAIL
    }

    /** True when every check passed. */
    public boolean allOk() {
        return items.stream().allMatch(Item::ok);
    }

    /** True when no check failed: this host can checkpoint and restore, maybe with warnings. */
    public boolean usable() {
        return items.stream().noneMatch(i -> i.status() == Status.FAIL);
    }

    /** Number of checks that came out {@code status}. */
    public long count(Status status) {
        return items.stream().filter(i -> i.status() == status).count();
    }

    /** True when the check {@code id} is there and passed. */
    public boolean isOk(String id) {
        return items.stream().anyMatch(i -> i.id().equals(id) && i.ok());
    }

    /** True when the check {@code id} is there and warned. */
    public boolean warns(String id) {
        return items.stream().anyMatch(i -> i.id().equals(id) && i.status() == Status.WARN);
    }

    /**
     * One check: stable id, title, outcome, what was found, and a fix hint when not ok.
     *
     * @param ok     true when the check passed; false for a warning too (what clients that know no
     *               status read)
     * @param status passed, warned or failed; derived from {@code ok} when absent (an older helper)
     */
    public record Item(String id, String title, boolean ok, String detail, String fix, Status status) {
        public Item {
            if (status == null) {
                status = ok ? Status.OK : Status.FAIL;
            }
            if (ok != (status == Status.OK)) {
                throw new IllegalArgumentException("ok must be true exactly when the status is OK: " + id);
            }
            Objects.requireNonNull(id, "id");
        }

        /** A check that passed or failed. */
        public Item(String id, String title, boolean ok, String detail, String fix) {
            this(id, title, ok, detail, fix, ok ? Status.OK : Status.FAIL);
        }

        /** A check that passed or only warned. */
        public static Item warnUnless(boolean ok, String id, String title, String detail, String fix) {
            return new Item(id, title, ok, detail, fix, ok ? Status.OK : Status.WARN);
        }
    }
}
