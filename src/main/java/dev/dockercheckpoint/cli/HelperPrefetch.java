package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.client.HelperClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The seed's checkpoint and restore start connecting to the helper, and saying hello, on a
 * thread of their own while the arguments are parsed: the JSON mapping's start-up and the
 * helper's answer then overlap the command line's own. {@link #take} hands the connection to
 * the command when it is to the socket the command picked; else it is closed.
 */
final class HelperPrefetch {
    private static volatile Prefetch started;

    private record Prefetch(Path socket, CompletableFuture<HelperClient> client) {
    }

    private HelperPrefetch() {
    }

    /** Starts connecting when {@code args} are the seed's command (not a subcommand, not help or version). */
    static void startFor(String[] args) {
        if (args.length == 0 || !args[0].startsWith("-")) {
            return;
        }
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")
                    || RootCommand.SUBCOMMANDS.containsKey(a)) {
                return;
            }
        }
        Path socket = CommandTarget.helperSocket();
        if (socket == null || !Files.exists(socket)) {
            return;
        }
        CompletableFuture<HelperClient> client = new CompletableFuture<>();
        started = new Prefetch(socket, client);
        Thread.ofPlatform().daemon().name("helper-prefetch").start(() -> {
            try {
                client.complete(HelperClient.connectAndBriefHello(socket, Duration.ZERO));
            } catch (RuntimeException e) {
                client.completeExceptionally(e);
            }
        });
    }

    /**
     * The connection started to {@code socket}, hello said; null when none was started to it or
     * it failed (the command then connects itself, and reports its own failure).
     */
    static HelperClient take(Path socket) {
        Prefetch p = started;
        started = null;
        if (p == null) {
            return null;
        }
        try {
            HelperClient client = p.client().get();
            if (p.socket().equals(socket)) {
                return client;
            }
            client.close();
            return null;
        } catch (ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
