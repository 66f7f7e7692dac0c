package dev.dockercheckpoint.helper;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The running long operations of all clients. An operation is known by the connection that
 * started it and the id its client gave it (ids are the client's own, so two clients may use the
 * same one); it holds its container (one operation per container) and counts against its user's
 * limit. A client cancels its own operations, and those its user started on other connections;
 * root cancels any.
 */
final class Operations {
    /** An operation's identity: the connection and the request id. */
    record Key(long connection, String requestId) {
    }

    /** A running operation; {@code cancelled} turns true when it is asked to stop. */
    record Running(Key key, String user, String resource, AtomicBoolean cancelled) {
    }

    /** How a cancel ended: the operation it reached, or none. */
    record Cancel(boolean cancelled, Running target) {
    }

    private final Map<String, Running> byResource = new ConcurrentHashMap<>();
    private final Map<Key, Running> byKey = new ConcurrentHashMap<>();
    private final Map<String, Integer> perUser = new ConcurrentHashMap<>();

    /**
     * Claims {@code resource} (a container or a new container name) for the operation {@code key}
     * of {@code user}. Refused with BUSY when another operation holds it or the user already runs
     * {@code perUserLimit} operations, and with INVALID_INPUT when the connection already runs an
     * operation with that id.
     */
    synchronized Running start(Key key, String user, String resource, int perUserLimit) {
        if (byKey.containsKey(key)) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "request id " + key.requestId()
                    + " is already in use by a running operation on this connection",
                    "give every request on a connection its own id");
        }
        Running holder = byResource.get(resource);
        if (holder != null) {
            throw new DcpException(ErrorCode.BUSY, "busy: another operation (request " + holder.key().requestId()
                    + ") is running on " + resource.substring(resource.indexOf(':') + 1),
                    "wait for it to finish, or cancel it");
        }
        int running = perUser.getOrDefault(user, 0);
        if (running >= perUserLimit) {
            throw new DcpException(ErrorCode.BUSY, "busy: user " + user + " already runs " + running
                    + " operations, the helper's limit per user",
                    "wait for one to finish (the limit is limits.operationsPerUser in the helper's configuration)");
        }
        Running r = new Running(key, user, resource, new AtomicBoolean());
        byResource.put(resource, r);
        byKey.put(key, r);
        perUser.merge(user, 1, Integer::sum);
        return r;
    }

    synchronized void finish(Running r) {
        if (byKey.remove(r.key(), r)) {
            byResource.remove(r.resource(), r);
            perUser.computeIfPresent(r.user(), (u, n) -> n <= 1 ? null : n - 1);
        }
    }

    /**
     * Cancels the operation {@code target} for {@code user} on connection {@code connection}:
     * that connection's own first, then one of the user's on other connections (root: anyone's).
     * Refused when the only match is another user's, or when several match.
     */
    synchronized Cancel cancel(long connection, String user, String target) {
        Running own = byKey.get(new Key(connection, target));
        if (own == null) {
            boolean root = "root".equals(user);
            List<Running> matches = byKey.values().stream().filter(r -> r.key().requestId().equals(target)).toList();
            List<Running> allowed = matches.stream().filter(r -> root || r.user().equals(user)).toList();
            if (allowed.isEmpty() && !matches.isEmpty()) {
                throw new DcpException(ErrorCode.PERMISSION_DENIED, "operation " + target
                        + " was started by another user", "only root may cancel another user's operation");
            }
            if (allowed.size() > 1) {
                throw new DcpException(ErrorCode.INVALID_INPUT, allowed.size() + " running operations have id "
                        + target, "cancel it from the connection that started it");
            }
            own = allowed.isEmpty() ? null : allowed.getFirst();
        }
        if (own == null) {
            return new Cancel(false, null);
        }
        own.cancelled().set(true);
        return new Cancel(true, own);
    }

    /** Operations running for {@code user}. */
    synchronized int runningFor(String user) {
        return perUser.getOrDefault(user, 0);
    }

    /** The operation holding {@code resource}, or null. */
    Running holder(String resource) {
        return byResource.get(resource);
    }
}
