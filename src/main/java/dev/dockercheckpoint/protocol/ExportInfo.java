package dev.dockercheckpoint.protocol;

/**
 * What an export sent: the checkpoint, the archive's entries, the bytes of the checkpoint's files
 * read ({@code contentBytes}) and of the archive written ({@code archiveBytes}), its compression
 * and how long it took.
 */
public record ExportInfo(String container, String name, int entries, long contentBytes, long archiveBytes,
        String compression, long millis) {
}
