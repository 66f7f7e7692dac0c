package dev.dockercheckpoint.helper;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.engine.CheckpointEngine;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The Docker engines the helper serves, by the names of its configuration: the default one
 * (the first listed) from the start, the others connected when a client first picks them.
 */
final class Engines implements AutoCloseable {
    private final HelperConfig config;
    private final Function<String, CheckpointEngine> connect;
    private final Map<String, CheckpointEngine> open = new ConcurrentHashMap<>();

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

    @Override
    public void close() {
        open.values().forEach(CheckpointEngine::close);
    }
}
