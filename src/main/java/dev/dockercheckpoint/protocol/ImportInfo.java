package dev.dockercheckpoint.protocol;

import java.util.List;

/**
 * What an import made: the checkpoint {@code container}/{@code name} in directory {@code dir}
 * (the checkpoint's own), its files and their bytes, whether every file was checked against the
 * archive's manifest ({@code verified}), who made the archive ({@code origin}), entries left out,
 * how long it took, and what became of the checkpoint's own checksums ({@code checksums}, in words).
 */
public record ImportInfo(String container, String name, String dir, int files, long bytes, boolean verified,
        String origin, List<String> skipped, long millis, String checksums) {
    public ImportInfo {
        skipped = skipped == null ? List.of() : List.copyOf(skipped);
    }
}
