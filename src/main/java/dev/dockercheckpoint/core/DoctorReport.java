package dev.dockercheckpoint.core;

import java.util.List;

/** Result of the preflight checks: each item ok or not, with what was found and how to fix it. */
public record DoctorReport(List<Item> items) {
    public DoctorReport {
        items = List.copyOf(items);
    }

    public boolean allOk() {
        return items.stream().allMatch(Item::ok);
    }

    public boolean isOk(String id) {
        return items.stream().anyMatch(i -> i.id().equals(id) && i.ok());
    }

    /** One check: stable id, title, ok, what was found, and a fix hint when not ok. */
    public record Item(String id, String title, boolean ok, String detail, String fix) {
    }
}
