package dev.dockercheckpoint.core.criulog;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * CRIU's own statistics of one dump or restore (the {@code stats-dump} / {@code stats-restore} file in
 * the images directory), for storing beside a checkpoint. Times are microseconds, counts are pages
 * (4 KiB) or pipes; fields CRIU did not write are null and left out of JSON.
 *
 * @param operation            "dump" or "restore" (which part the file held)
 * @param freezingTimeUs       dump: time to freeze the container
 * @param frozenTimeUs         dump: time the container stayed frozen
 * @param memdumpTimeUs        dump: time to collect memory
 * @param memwriteTimeUs       dump: time to write memory
 * @param pagesScanned         dump: pages looked at
 * @param pagesSkippedParent   dump: pages taken from the parent (pre-dump) image
 * @param pagesWritten         dump: pages written
 * @param irmapResolveUs       dump: time to resolve inotify paths
 * @param pagesLazy            dump: pages left for lazy restore
 * @param pagePipes            dump: pipes used to move pages
 * @param pagePipeBufs         dump: pipe buffers used
 * @param shpagesScanned       dump: shared-memory pages looked at
 * @param shpagesSkippedParent dump: shared-memory pages taken from the parent image
 * @param shpagesWritten       dump: shared-memory pages written
 * @param forkingTimeUs        restore: time to fork the process tree
 * @param restoreTimeUs        restore: time of the whole restore
 * @param pagesCompared        restore: pages compared with the parent
 * @param pagesSkippedCow      restore: pages shared copy-on-write
 * @param pagesRestored        restore: pages restored
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CriuStats(String operation, Long freezingTimeUs, Long frozenTimeUs, Long memdumpTimeUs,
        Long memwriteTimeUs, Long pagesScanned, Long pagesSkippedParent, Long pagesWritten, Long irmapResolveUs,
        Long pagesLazy, Long pagePipes, Long pagePipeBufs, Long shpagesScanned, Long shpagesSkippedParent,
        Long shpagesWritten, Long forkingTimeUs, Long restoreTimeUs, Long pagesCompared, Long pagesSkippedCow,
        Long pagesRestored) {
}
