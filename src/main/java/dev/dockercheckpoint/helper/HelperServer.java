package dev.dockercheckpoint.helper;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.engine.CheckpointEngine;
import dev.dockercheckpoint.engine.Engine;
import dev.dockercheckpoint.engine.Journal;
import dev.dockercheckpoint.engine.Recovery;
import dev.dockercheckpoint.protocol.Message;
import dev.dockercheckpoint.protocol.Protocol;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The privileged helper: a Unix domain socket server (mode 0660, owner root, the configured
 * group) that serves root and members of that group, checked per connection with the peer's
 * kernel credentials, and runs engine operations for them.
 */
public final class HelperServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HelperServer.class);

    private final CheckpointEngine engine;
    private final Engines engines;
    private final ServerSocketChannel server;
    private final Path socket;
    private final boolean ownsSocketFile;
    private final PeerAuthorizer authorizer;
    private final Operations operations = new Operations();
    private final HelperConfig config;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> connectionsPerUser = new HashMap<>();
    private final AtomicLong connectionNumbers = new AtomicLong();
    private volatile boolean closed;
    private volatile Recovery recovery;

    private HelperServer(CheckpointEngine engine, ServerSocketChannel server, Path socket, boolean ownsSocketFile,
            PeerAuthorizer authorizer, HelperConfig config, Function<String, CheckpointEngine> connect) {
        this.engine = engine;
        this.engines = new Engines(config, engine, connect);
        this.server = server;
        this.socket = socket;
        this.ownsSocketFile = ownsSocketFile;
        this.authorizer = authorizer;
        this.config = config;
    }

    /**
     * Checks that the helper can start (root, the group exists, no live helper on the socket),
     * binds the socket and starts repairing, beside the serving, what interrupted operations left
     * (the journal in {@code stateDir/journal}). Use {@link #serve()} next.
     */
    public static HelperServer start(Path socket, String group, Path stateDir, HelperConfig config) {
        if (!Posix.isRoot()) {
            throw new DcpException(ErrorCode.PERMISSION_DENIED, "the helper must run as root",
                    "start it with: sudo docker-checkpoint helper (or systemctl start docker-checkpoint.socket)");
        }
        GroupPrincipal groupPrincipal;
        try {
            groupPrincipal = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
        } catch (UserPrincipalNotFoundException e) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "group " + group + " does not exist",
                    "create it (groupadd " + group + ") or pass --group with an existing group");
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot look up group " + group + ": " + e.getMessage(),
                    "check the system's group database");
        }
        // one journal directory; each engine writes and repairs only its own entries
        Journal journal = Journal.at(stateDir.resolve("journal"));
        Engine engine = Engine.forHost(config.engine(null).host(), journal.forHost(config.engine(null).host(), true));
        ServerSocketChannel server;
        boolean owns;
        try {
            var inherited = System.inheritedChannel();
            if (inherited instanceof ServerSocketChannel activated) {
                LOG.info("serving the socket passed by the service manager");
                server = activated;
                owns = false;
            } else {
                server = bind(socket, groupPrincipal);
                owns = true;
            }
        } catch (IOException e) {
            engine.close();
            throw new DcpException(ErrorCode.IO_ERROR, "cannot listen on " + socket + ": " + e.getMessage(),
                    "check that " + socket.getParent() + " exists and is writable by root");
        } catch (DcpException e) {
            engine.close();
            throw e;
        }
        HelperServer helper = new HelperServer(engine, server, socket, owns,
                new PeerAuthorizer(group, engine.tools().runner()), config,
                host -> Engine.forHost(host, journal.forHost(host, false)));
        helper.recovery = helper.recover(engine);
        for (HelperConfig.EngineEntry other : config.engines().subList(1, config.engines().size())) {
            if (!journal.forHost(other.host(), false).entries().isEmpty()
                    && helper.engines.get(other.name()) instanceof Engine e) {
                LOG.info("repairing interrupted operations on engine {}", other.name());
                helper.recover(e);
            }
        }
        return helper;
    }

    /**
     * A helper on {@code engine} listening on {@code socket} (mode 0600, this process's user),
     * without the root and group checks of {@link #start}: for tests of the protocol and its
     * bookkeeping against an engine of their own.
     */
    static HelperServer serving(CheckpointEngine engine, Function<String, CheckpointEngine> connect, Path socket,
            PeerAuthorizer authorizer, HelperConfig config) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        return new HelperServer(engine, server, socket, true, authorizer,
                config, connect);
    }

    private static ServerSocketChannel bind(Path socket, GroupPrincipal group) throws IOException {
        Files.createDirectories(socket.getParent());
        if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            if (isLive(socket)) {
                throw new DcpException(ErrorCode.BUSY, "a helper is already running on " + socket,
                        "use that one, or stop it first (systemctl stop docker-checkpoint)");
            }
            LOG.info("replacing stale socket {}", socket);
            Files.delete(socket);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        // bound with the process umask (no write for others, so no one else can connect), then narrowed
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.getFileAttributeView(socket, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(group);
        // chmod by path: a socket cannot be opened, so the no-follow (open + fchmod) variant fails
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        return server;
    }

    private static boolean isLive(Path socket) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Starts the repairs of interrupted operations on a thread of their own: the helper serves at
     * once; containers under repair are answered {@code BUSY} until their repair ends.
     */
    private Recovery recover(Engine engine) {
        try {
            return engine.recover(new Recovery.Listener() {
                @Override
                public void repaired(String what) {
                    LOG.warn("repaired: {}", what);
                }

                @Override
                public void problem(String what) {
                    LOG.error("recovery: {}", what);
                }
            });
        } catch (RuntimeException e) {
            LOG.error("recovery after an interrupted run failed: {}", e.getMessage());
            return null;
        }
    }

    /** The repairs started at start (null when they could not start). */
    public Recovery recovery() {
        return recovery;
    }

    public Path socket() {
        return socket;
    }

    /** Accepts connections until {@link #close()}; each connection gets its own virtual thread. */
    public void serve() {
        LOG.info("docker-checkpoint helper {} listening on {} (group {})", Engine.toolVersion(), socket,
                authorizer.group());
        // the first client's hello then answers at once (a socket-activated helper starts for it)
        Thread.ofVirtual().name("helper-doctor").start(() -> {
            try {
                engines.doctor(null);
            } catch (RuntimeException e) {
                LOG.debug("first doctor report failed: {}", e.toString());
            }
        });
        while (!closed) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                break;
            } catch (IOException e) {
                if (closed) {
                    break;
                }
                LOG.warn("accept failed: {}", e.getMessage());
                continue;
            }
            Thread.ofVirtual().name("helper-conn").start(() -> handle(channel));
        }
    }

    private void handle(SocketChannel channel) {
        UnixDomainPrincipal peer;
        try {
            peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("refused a connection whose credentials cannot be read: {}", e.getMessage());
            closeQuietly(channel);
            return;
        }
        String refusal = authorizer.refusal(peer);
        if (refusal != null) {
            LOG.warn("refused connection from user {} (group {}): {}", peer.user().getName(), peer.group().getName(),
                    refusal);
            Connection.sendOnce(channel, new Message.Error(null, ErrorCode.PERMISSION_DENIED.name(),
                    "not allowed: " + refusal, "add the user to group " + authorizer.group()
                            + " (usermod -aG " + authorizer.group() + " " + peer.user().getName()
                            + ") and log in again", null, null));
            closeQuietly(channel);
            return;
        }
        String user = peer.user().getName();
        String limit = claimConnection(user);
        if (limit != null) {
            LOG.warn("refused connection from user {}: {}", user, limit);
            Connection.sendOnce(channel, new Message.Error(null, ErrorCode.BUSY.name(), "busy: " + limit,
                    "close connections you no longer use, or raise limits in the helper's configuration", null,
                    null));
            closeQuietly(channel);
            return;
        }
        try {
            Connection connection = new Connection(connectionNumbers.incrementAndGet(), channel,
                    new Peer(user, authorizer.uidOf(user)), engines, operations, config);
            LOG.debug("connection from {}", user);
            connections.add(connection);
            try {
                connection.run();
            } finally {
                connections.remove(connection);
            }
        } finally {
            releaseConnection(user);
        }
    }

    /** Counts a new connection of {@code user}; why not when a limit is reached. */
    private synchronized String claimConnection(String user) {
        int all = connectionsPerUser.values().stream().mapToInt(Integer::intValue).sum();
        if (all >= config.limits().connections()) {
            return "the helper already serves " + all + " connections, its limit";
        }
        int mine = connectionsPerUser.getOrDefault(user, 0);
        if (mine >= config.limits().connectionsPerUser()) {
            return "user " + user + " already has " + mine + " connections, the limit per user";
        }
        connectionsPerUser.put(user, mine + 1);
        return null;
    }

    private synchronized void releaseConnection(String user) {
        connectionsPerUser.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing
        }
        connections.forEach(Connection::close);
        if (ownsSocketFile) {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                // stale sockets are replaced at the next start
            }
        }
        engines.close();
    }
}
