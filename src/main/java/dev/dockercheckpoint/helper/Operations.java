package dev.dockercheckpoint.helper;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Running long operations: at most one per container, each cancellable by the id of the request
 * that started it.
 */
final class Operations {
    private final Map<String, String> byContainer = new ConcurrentHashMap<>();
    private final Map<String, Thread> byRequest = new ConcurrentHashMap<>();

    /** Claims {@code containerKey} for request {@code requestId}; false when another operation holds it. */
    boolean tryStart(String containerKey, String requestId) {
        return byContainer.putIfAbsent(containerKey, requestId) == null;
    }

    void running(String requestId, Thread thread) {
        byRequest.put(requestId, thread);
    }

    void finish(String containerKey, String requestId) {
        byContainer.remove(containerKey, requestId);
        byRequest.remove(requestId);
    }

    /** Interrupts the operation of request {@code requestId}; false when none runs. */
    boolean cancel(String requestId) {
        Thread t = byRequest.get(requestId);
        if (t == null) {
            return false;
        }
        t.interrupt();
        return true;
    }

    /** The request holding {@code containerKey}, or null. */
    String holder(String containerKey) {
        return byContainer.get(containerKey);
    }
}
