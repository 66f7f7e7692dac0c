package dev.dockercheckpoint.helper;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.DoctorReport;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.engine.CheckpointEngine;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The Docker engines the helper serves, by the names of its configuration: the default one
 * (the first listed) from the start, the others connected when a client first picks them.
 */
final class Engines implements AutoCloseable {
    private final HelperConfig config;
    private final Function<String, CheckpointEngine> connect;
    private final Map<String, CheckpointEngine> open = new ConcurrentHashMap<>();
    private final Map<String, Report> reports = new ConcurrentHashMap<>();

    /** A report younger than this is answered as it is. */
    static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** A report older than this is made again before it is answered; between the two, made again after. */
    static final long STALE_NANOS = TimeUnit.MINUTES.toNanos(10);

    private record Report(DoctorReport report, long madeAt, AtomicBoolean renewing) {
    }

    /** {@code connect} makes an engine for a configured host ({@code unix://PATH}). */
    Engines(HelperConfig config, CheckpointEngine defaultEngine, Function<String, CheckpointEngine> connect) {
        this.config = config;
        this.connect = connect;
        open.put(config.engine(null).name(), defaultEngine);
    }

    /** The names clients may pick, the default first. */
    List<String> names() {
        return config.engines().stream().map(HelperConfig.EngineEntry::name).toList();
    }

    /** The name of the default engine. */
    String defaultName() {
        return config.engine(null).name();
    }

    /** The engine called {@code name} (null: the default); refused with the list when none has that name. */
    CheckpointEngine get(String name) {
        HelperConfig.EngineEntry entry = config.engine(name);
        if (entry == null) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "the helper serves no engine called " + name
                    + " (it serves " + String.join(", ", names()) + ")",
                    "pick one of those, or add it to \"engines\" in the helper's configuration");
        }
        return open.computeIfAbsent(entry.name(), n -> connect.apply(entry.host()));
    }

    /**
     * What the engine called {@code name} (null: the default) and the host can do, as hello tells
     * every client: the doctor's checks take about 100 ms (the engine, CRIU, runc), more than a
     * tiny checkpoint's command line may spend before it starts. A report younger than 5 s is
     * answered as it is; an older one (up to 10 minutes) is answered and made again in the
     * background for the next client; none, or an older one, is made first.
     */
    DoctorReport capabilities(String name) {
        CheckpointEngine engine = get(name);
        String key = name == null ? defaultName() : name;
        Report r = reports.get(key);
        long age = r == null ? Long.MAX_VALUE : System.nanoTime() - r.madeAt();
        if (age > STALE_NANOS) {
            return doctor(key, engine);
        }
        if (age > FRESH_NANOS && r.renewing().compareAndSet(false, true)) {
            Thread.ofVirtual().name("helper-doctor").start(() -> {
                try {
                    doctor(key, engine);
                } catch (RuntimeException e) {
                    r.renewing().set(false); // the next hello tries again
                }
            });
        }
        return r.report();
    }

    /** The doctor's report on the engine called {@code name} (null: the default), made now. */
    DoctorReport doctor(String name) {
        return doctor(name == null ? defaultName() : name, get(name));
    }

    private DoctorReport doctor(String key, CheckpointEngine engine) {
        DoctorReport report = engine.doctor();
        reports.put(key, new Report(report, System.nanoTime(), new AtomicBoolean()));
        return report;
    }

    @Override
    public void close() {
        open.values().forEach(CheckpointEngine::close);
    }
}
