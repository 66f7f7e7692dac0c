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
    /** Completed by the helper's {@code stream} message of a transfer. */
    final CompletableFuture<Message.Stream> streamed = new CompletableFuture<>();
    private final ProgressListener listener;
    private final Consumer<Message> onEvent;
    /** Where an export's data goes (null for other requests). */
    private volatile DataSink sink;
    /** Asks the helper to stop an export whose data cannot be written. */
    private volatile Runnable cancel;
    /** Why the data could not be written, once it failed. */
    volatile java.io.IOException sinkFailure;

    /** Receives an export's archive, chunk by chunk, on the connection's reader thread. */
    interface DataSink {
        void write(byte[] data, int off, int length) throws java.io.IOException;
    }

    /** An export: its data goes to {@code sink}; {@code cancel} stops it when writing fails. */
    static PendingRequest export(ProgressListener listener, DataSink sink, Runnable cancel) {
        PendingRequest p = new PendingRequest(listener);
        p.sink = sink;
        p.cancel = cancel;
        return p;
    }

    DataSink sink() {
        return sink;
    }

    /** The sink failed: the rest of the data is dropped and the helper asked to stop. */
    void sinkFailed(java.io.IOException e) {
        if (sinkFailure == null) {
            sinkFailure = e;
            if (cancel != null) {
                cancel.run();
            }
        }
    }

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
