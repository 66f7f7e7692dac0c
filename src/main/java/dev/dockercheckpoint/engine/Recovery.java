package dev.dockercheckpoint.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.ContainerSpec.RestartPolicySpec;
import dev.dockercheckpoint.core.DcpException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The repairs after an interrupted run, beside the serving helper: runc.conf left by an
 * interrupted restore, then each journal entry on a thread of its own ({@link JournalRepair}).
 * Until its entry is repaired, a container is refused new checkpoints ({@code BUSY}): its own
 * CRIU may still be at work. An entry whose repair could not finish stays for the next start.
 */
public final class Recovery {
    /** Where the repairs are told. */
    public interface Listener {
        void repaired(String what);

        void problem(String what);
    }

    /** How long the processes of one interrupted operation are waited for (a dump may take 30 minutes). */
    static final Duration MAX_WAIT = Duration.ofMinutes(35);

    private final Thread thread;

    private Recovery(Thread thread) {
        this.thread = thread;
    }

    static Recovery start(Engine engine, Journal journal, RuncCriuConfig criuConfig, Listener listener,
            Duration maxWait) {
        return start(engine.repairing(), journal, criuConfig, new RealHost(engine), listener, maxWait);
    }

    /** Starts repairing the entries of {@code journal} on {@code host}; their containers are in {@code repairing} meanwhile. */
    static Recovery start(Set<String> repairing, Journal journal, RuncCriuConfig criuConfig, JournalRepair.Host host,
            Listener listener, Duration maxWait) {
        List<JournalEntry> entries = journal.entries();
        for (JournalEntry e : entries) {
            if (e.containerId() != null) {
                repairing.add(e.containerId());
            }
        }
        Thread thread = Thread.ofPlatform().daemon().name("recovery").start(() -> {
            try {
                if (criuConfig.repair()) {
                    listener.repaired("put back /etc/criu/runc.conf left modified by an interrupted restore");
                }
            } catch (RuntimeException e) {
                listener.problem("cannot check /etc/criu/runc.conf: " + e.getMessage());
            }
            List<Thread> workers = new ArrayList<>();
            for (JournalEntry e : entries) {
                workers.add(Thread.ofVirtual().name("recovery-" + e.id()).start(() -> {
                    try {
                        JournalRepair.Outcome o = JournalRepair.repair(e, host, maxWait);
                        o.repairs().forEach(listener::repaired);
                        o.problems().forEach(listener::problem);
                        if (o.done()) {
                            journal.remove(e.id());
                        }
                    } catch (RuntimeException ex) {
                        listener.problem("cannot repair journal entry " + e.id() + ": " + ex.getMessage());
                    } finally {
                        if (e.containerId() != null) {
                            repairing.remove(e.containerId());
                        }
                    }
                }));
            }
            for (Thread w : workers) {
                try {
                    w.join();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
        return new Recovery(thread);
    }

    /** Waits up to {@code max} for every repair to end; true when they have. */
    public boolean await(Duration max) throws InterruptedException {
        return thread.join(max);
    }

    /** The real host: Docker, runc and the checkpoint store. */
    private static final class RealHost implements JournalRepair.Host {
        private final Engine engine;

        RealHost(Engine engine) {
            this.engine = engine;
        }

        @Override
        public boolean alive(JournalEntry.Pid process) {
            return process.alive();
        }

        @Override
        public void pause(Duration duration) throws InterruptedException {
            Thread.sleep(duration);
        }

        @Override
        public JournalRepair.ContainerView container(String id) {
            JsonNode json = engine.docker().inspectContainer(id);
            if (json == null) {
                return null;
            }
            ContainerInfo info = ContainerInfo.of(json);
            boolean frozen = false;
            if (info.running()) {
                try {
                    ContainerRuntime rt = engine.tools().runtime(info.id());
                    ProcessResult state = engine.tools().runner().run(List.of(rt.runc(), "--root", rt.runcRoot(),
                            "state", info.id()), Duration.ofSeconds(10));
                    frozen = state.ok() && state.stdout().contains("\"paused\"");
                } catch (DcpException e) {
                    // no runc state: not frozen by it
                }
            }
            return new JournalRepair.ContainerView(info.name(), info.running(), info.paused(), frozen,
                    json.path("HostConfig").path("RestartPolicy").path("Name").asText(""));
        }

        @Override
        public boolean thaw(String id) {
            ContainerRuntime rt = engine.tools().runtime(id);
            return engine.tools().runner().run(List.of(rt.runc(), "--root", rt.runcRoot(), "resume", id),
                    Duration.ofSeconds(30)).ok();
        }

        @Override
        public boolean removeCopy(String dockerHost, String name) {
            try (Docker target = Docker.connect(dockerHost)) {
                for (String n : List.of(name, NetnsHolder.nameFor(name))) {
                    target.removeContainer(n);
                }
                return target.inspectContainer(name) == null;
            } catch (RuntimeException e) {
                return false;
            }
        }

        @Override
        public void removeFrozen(String id) {
            ContainerRuntime rt = engine.tools().runtime(id);
            JsonNode json = engine.docker().inspectContainer(id);
            String name = json == null ? id : ContainerInfo.of(json).name();
            if (json != null && !"no".equals(json.path("HostConfig").path("RestartPolicy").path("Name").asText("no"))
                    && !json.path("HostConfig").path("RestartPolicy").path("Name").asText("").isEmpty()) {
                engine.docker().updateRestartPolicy(id, "no", 0);
            }
            Freezer.killFrozen(engine.tools().runner(), rt.runc(), rt.runcRoot(), id, name);
            engine.docker().removeContainer(id);
        }

        @Override
        public void setRestartPolicy(String id, RestartPolicySpec policy) {
            engine.docker().updateRestartPolicy(id, policy.name(), policy.maximumRetryCount());
        }

        @Override
        public CheckpointStore.Repaired repairPartial(Path base, String container, String partial, boolean mayKeep) {
            return inStore(base, container, partial, mayKeep);
        }
    }

    /** A temporary directory's repair in the store: a finished dump is kept (when {@code mayKeep}), the rest removed. */
    static CheckpointStore.Repaired inStore(Path base, String container, String partial, boolean mayKeep) {
        return new CheckpointStore(base).repairPartial(container, partial, mayKeep ? Engine::dumpFinished : dir -> false,
                Engine.RECOVERED);
    }
}
