package dev.dockercheckpoint.core;

import java.time.Instant;

/** A container as listed for a user: name, id, image, state ("running", "exited"...), status text, creation. */
public record ContainerSummary(String id, String name, String image, String state, String status, Instant created) {
    public String shortId() {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
