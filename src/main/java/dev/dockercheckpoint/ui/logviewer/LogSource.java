package dev.dockercheckpoint.ui.logviewer;

import dev.dockercheckpoint.core.LogPage;

/** Where log pages come from (the helper for real checkpoints; a local file in tests and benchmarks). */
@FunctionalInterface
public interface LogSource {
    /** Up to maxLines whole lines from byte offset; see dev.dockercheckpoint.core.LogPage. */
    LogPage read(long offset, int maxLines) throws Exception;
}
