package dev.dockercheckpoint.helper;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Running long operations: at most one per container, each cancellable by the id of the request
 * that started it.
 */
final class Operations {
    private final Map<String, String> byContainer = new ConcurrentHashMap<>();
    private final Map<String, AtomicBoolean> byRequest = new ConcurrentHashMap<>();

    /** Claims {@code containerKey} for request {@code requestId}; false when another operation holds it. */
    boolean tryStart(String containerKey, String requestId) {
        return byContainer.putIfAbsent(containerKey, requestId) == null;
    }

    /** Registers a running operation; the returned flag turns true when it is cancelled. */
    AtomicBoolean running(String requestId) {
        AtomicBoolean flag = new AtomicBoolean();
        byRequest.put(requestId, flag);
        return flag;
    }

    void finish(String containerKey, String requestId) {
        byContainer.remove(containerKey, requestId);
        byRequest.remove(requestId);
    }

    /**
     * Asks the operation of request {@code requestId} to stop (a flag, not a thread interrupt: an
     * interrupt would close the connection's channel); false when none runs.
     */
    boolean cancel(String requestId) {
        AtomicBoolean flag = byRequest.get(requestId);
        if (flag == null) {
            return false;
        }
        flag.set(true);
        return true;
    }

    /** The request holding {@code containerKey}, or null. */
    String holder(String containerKey) {
        return byContainer.get(containerKey);
    }
}
