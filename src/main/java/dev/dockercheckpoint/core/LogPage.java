package dev.dockercheckpoint.core;

import java.util.List;

/**
 * A page of a log file: lines read from byte {@code offset}, where the next page starts, whether
 * the end of the file was reached, and the file's size when read.
 */
public record LogPage(String log, long offset, List<String> lines, long nextOffset, boolean eof, long size) {
    public LogPage {
        lines = List.copyOf(lines);
    }
}
