package dev.dockercheckpoint.ui.logviewer;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;

/** Copies log lines to the system clipboard: read in the background, at most {@value #MAX_LINES}. */
final class ClipboardCopy {
    /** Most lines one copy puts on the clipboard. */
    static final int MAX_LINES = 100_000;

    private ClipboardCopy() {
    }

    /**
     * Copies {@code lines} (ascending) of {@code doc}, telling {@code status} how it went (FX
     * thread); the future completes with the copied text once it is on the clipboard.
     */
    static CompletableFuture<String> copy(LogDocument doc, List<Integer> lines, Consumer<String> status) {
        if (doc == null || lines.isEmpty()) {
            return CompletableFuture.completedFuture("");
        }
        int n = Math.min(lines.size(), MAX_LINES);
        int[] wanted = new int[n];
        for (int i = 0; i < n; i++) {
            wanted[i] = lines.get(i);
        }
        boolean truncated = lines.size() > n;
        status.accept("Copying\u2026");
        CompletableFuture<String> copied = new CompletableFuture<>();
        doc.textsAsync(wanted).whenComplete((texts, ex) -> Platform.runLater(() -> {
            if (ex != null) {
                status.accept("Copy failed: " + StatusTexts.message(ex));
                copied.completeExceptionally(ex);
                return;
            }
            String text = String.join("\n", texts);
            ClipboardContent content = new ClipboardContent();
            content.putString(text);
            Clipboard.getSystemClipboard().setContent(content);
            String count = StatusTexts.count(n, "line");
            status.accept(truncated ? "Copied the first " + count : "Copied " + count);
            copied.complete(text);
        }));
        return copied;
    }
}
