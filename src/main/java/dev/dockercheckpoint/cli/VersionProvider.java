package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.engine.Engine;
import picocli.CommandLine.IVersionProvider;

/** Prints the tool version from the build. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"docker-checkpoint " + Engine.toolVersion()};
    }
}
