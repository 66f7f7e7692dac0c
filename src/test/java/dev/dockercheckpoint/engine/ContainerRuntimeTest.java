package dev.dockercheckpoint.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime of a container read from a recorded shim layout (containerd 1.6 and 2.x look alike). */
class ContainerRuntimeTest {
    private static final String ID = "51bd7c548d87206e4a4aa7bfa466b71e08c01e796ed1d740f5788177f7e3eea1";
    @TempDir
    Path tmp;

    private Path shim(String pid, String id, String options, Path bin) throws IOException {
        Path proc = Files.createDirectories(tmp.resolve("proc"));
        Path dir = Files.createDirectories(proc.resolve(pid));
        Files.write(dir.resolve("cmdline"), String.join("\0", "/usr/bin/containerd-shim-runc-v2", "-namespace",
                "moby", "-id", id, "-address", "/run/docker/containerd/containerd.sock", "").getBytes(
                StandardCharsets.UTF_8));
        Files.write(dir.resolve("environ"), ("HOME=/root\0PATH=" + bin + ":/nonexistent\0").getBytes(
                StandardCharsets.UTF_8));
        Path bundle = Files.createDirectories(tmp.resolve("state/io.containerd.runtime.v2.task/moby").resolve(id));
        Path work = Files.createDirectories(tmp.resolve("root/io.containerd.runtime.v2.task/moby").resolve(id));
        Files.createSymbolicLink(bundle.resolve("work"), work);
        if (options != null) {
            Files.writeString(bundle.resolve("options.json"), options);
        }
        Files.createSymbolicLink(dir.resolve("cwd"), bundle);
        return proc;
    }

    private Path bin(String... tools) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("prefix/usr/sbin"));
        for (String t : tools) {
            Path p = Files.writeString(bin.resolve(t), "#!/bin/sh\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin;
    }

    @Test
    void theShimsOptionsNameRuncAndItsStateRoot() throws IOException {
        Path bin = bin("runc", "criu");
        Path proc = shim("4242", ID, "{\"binary_name\":\"runc\",\"root\":\"/var/run/docker/runtime-runc\"}", bin);
        shim("4243", "another", null, bin);

        ContainerRuntime rt = ContainerRuntime.locate(proc, ID).orElseThrow();

        assertEquals(bin.resolve("runc").toString(), rt.runc(), "runc is found on the shim's PATH, not ours");
        assertEquals("/var/run/docker/runtime-runc/moby", rt.runcRoot());
        assertEquals(bin.resolve("criu").toString(), rt.criu());
        assertTrue(rt.workDir().endsWith("root/io.containerd.runtime.v2.task/moby/" + ID), rt.workDir().toString());
    }

    @Test
    void anAbsoluteBinaryAndNoRootFallBackToTheShimsDefault() throws IOException {
        Path proc = shim("7", ID, "{\"BinaryName\":\"/opt/engine2/usr/sbin/runc\"}", bin());
        ContainerRuntime rt = ContainerRuntime.locate(proc, ID).orElseThrow();
        assertEquals("/opt/engine2/usr/sbin/runc", rt.runc());
        assertEquals("/run/containerd/runc/moby", rt.runcRoot());
        assertEquals(null, rt.criu());
    }

    @Test
    void noShimForTheContainerFindsNothing() throws IOException {
        Path proc = shim("9", "another", "{}", bin("runc"));
        assertTrue(ContainerRuntime.locate(proc, ID).isEmpty());
    }

    @Test
    void optionsAreReadFromTheArgumentList() {
        assertEquals("moby", ContainerRuntime.option(List.of("shim", "-namespace", "moby"), "-namespace"));
        assertEquals("x", ContainerRuntime.option(List.of("shim", "--id", "x"), "-id"));
        assertEquals("y", ContainerRuntime.option(List.of("shim", "-id=y"), "-id"));
        assertEquals(null, ContainerRuntime.option(List.of("shim", "-id"), "-id"));
    }
}
