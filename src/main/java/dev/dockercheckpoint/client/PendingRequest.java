package dev.dockercheckpoint.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.protocol.Message;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A request waiting for the helper: the future of its result, where its progress, log and check
 * events go, and for a subscription where its container events go (it stays registered after its
 * answer).
 */
final class PendingRequest {
    final CompletableFuture<JsonNode> result = new CompletableFuture<>();
    private final ProgressListener listener;
    private final Consumer<Message> onEvent;

    /** A request whose events go to {@code listener} (none when null). */
    PendingRequest(ProgressListener listener) {
        this(listener, null);
    }

    private PendingRequest(ProgressListener listener, Consumer<Message> onEvent) {
        this.listener = listener;
        this.onEvent = onEvent;
    }

    /** A subscription: its container events go to {@code onEvent} until it is forgotten. */
    static PendingRequest subscription(Consumer<Message> onEvent) {
        return new PendingRequest(null, onEvent);
    }

    ProgressListener listener() {
        return listener == null ? ProgressListener.NONE : listener;
    }

    /** Null unless a subscription. */
    Consumer<Message> onEvent() {
        return onEvent;
    }

    /** True for a subscription, which stays registered after its answer. */
    boolean keep() {
        return onEvent != null;
    }
}
