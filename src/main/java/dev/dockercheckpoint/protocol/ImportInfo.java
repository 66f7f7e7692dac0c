package dev.dockercheckpoint.protocol;

import java.util.List;

/**
 * What an import made: the checkpoint {@code container}/{@code name} in directory {@code dir}
 * (the checkpoint's own), its files and their bytes, whether every file was checked against the
 * archive's manifest ({@code verified}), who made the archive ({@code origin}), entries left out
 * and how long it took.
 */
public record ImportInfo(String container, String name, String dir, int files, long bytes, boolean verified,
        String origin, List<String> skipped, long millis) {
    public ImportInfo {
        skipped = skipped == null ? List.of() : List.copyOf(skipped);
    }
}
