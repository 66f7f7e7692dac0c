package dev.dockercheckpoint.helper;

/** A connected client's user, from the kernel's peer credentials: name and uid (-1 when unknown). */
record Peer(String user, int uid) {
    boolean isRoot() {
        return uid == 0 || "root".equals(user);
    }
}
