package dev.dockercheckpoint.e2e;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Local images of real applications for the end-to-end tests, built from the host's Debian
 * packages (scripts/setup-host installs them): no registry is reachable. Each image is a rootfs
 * folder with the program, the shared libraries {@code ldd} lists (and the dynamic loader), the
 * configuration it needs, /etc/passwd, /etc/group, /tmp (1777) and a static busybox with its
 * applets (so tests can {@code docker exec} shell commands), imported with {@code docker import}.
 * An image is built only when it is missing.
 */
final class TestImages {
    /** redis-server and redis-cli (Debian redis-server, redis-tools). */
    static final String REDIS = "dcp-redis:latest";
    /** nginx (Debian nginx-light) as root, in the foreground, on 127.0.0.1:8080, serving /srv/www. */
    static final String NGINX = "dcp-nginx:latest";
    /** python3 with its standard library and the program src/test/apps/state_counter.py. */
    static final String PYTHON = "dcp-python:latest";
    /** A jlink'd java.base runtime and the program src/test/apps/StateCounter.java, compiled. */
    static final String JVM = "dcp-jvm:latest";

    /** The content nginx serves as /file. */
    static final String NGINX_FILE = "served by dcp-nginx\n";

    static final String NGINX_CONF = """
            # runs as root: CRIU on the test machines cannot dump processes of another uid
            user root;
            worker_processes 2;
            daemon off;
            pid /tmp/nginx.pid;
            error_log stderr notice;
            events {
                worker_connections 64;
            }
            http {
                access_log /dev/stdout;
                client_body_temp_path /tmp/nginx-body;
                proxy_temp_path /tmp/nginx-proxy;
                fastcgi_temp_path /tmp/nginx-fastcgi;
                uwsgi_temp_path /tmp/nginx-uwsgi;
                scgi_temp_path /tmp/nginx-scgi;
                default_type text/plain;
                server {
                    listen 127.0.0.1:8080;
                    root /srv/www;
                }
            }
            """;

    private static final Path JDK = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    private static final Path PYTHON_LIB = Path.of("/usr/lib/python3.11");
    /** Parts of the Python standard library no workload here needs. */
    private static final Set<String> PYTHON_SKIP = Set.of("test", "__pycache__", "idlelib", "tkinter",
            "turtledemo", "ensurepip", "lib2to3", "pydoc_data", "distutils", "venv", "unittest",
            "config-3.11-x86_64-linux-gnu", "site-packages", "dist-packages");

    private static final Map<String, Long> BUILD_MILLIS = new LinkedHashMap<>();

    private TestImages() {
    }

    /** Builds the images that are missing; returns how long each build took (only those built now). */
    static synchronized Map<String, Long> ensure(DockerClient docker, String... images) {
        Map<String, Long> built = new LinkedHashMap<>();
        for (String image : images) {
            if (E2E.imageExists(docker, image)) {
                continue;
            }
            long t = System.nanoTime();
            switch (image) {
                case REDIS -> redis();
                case NGINX -> nginx();
                case PYTHON -> python();
                case JVM -> jvm();
                default -> throw new IllegalArgumentException("no recipe for " + image);
            }
            long ms = (System.nanoTime() - t) / 1_000_000;
            built.put(image, ms);
            BUILD_MILLIS.put(image, ms);
            System.out.printf("built image %s in %d ms%n", image, ms);
        }
        return built;
    }

    /** Build times of the images built by this JVM so far. */
    static synchronized Map<String, Long> buildMillis() {
        return new LinkedHashMap<>(BUILD_MILLIS);
    }

    private static void redis() {
        try (Rootfs fs = new Rootfs()) {
            // /usr/bin/redis-server is a symlink to redis-check-rdb and picks its mode from argv[0]:
            // the copy is a plain file under the server's own name
            fs.binary(Path.of("/usr/bin/redis-server"), "usr/bin/redis-server");
            fs.binary(Path.of("/usr/bin/redis-cli"), "usr/bin/redis-cli");
            fs.dir("data", "755");
            fs.importAs(REDIS, "WORKDIR /data",
                    "CMD [\"redis-server\", \"--bind\", \"127.0.0.1\", \"--save\", \"\", \"--appendonly\", \"no\"]");
        }
    }

    private static void nginx() {
        try (Rootfs fs = new Rootfs()) {
            fs.binary(Path.of("/usr/sbin/nginx"), "usr/sbin/nginx");
            fs.copy(Path.of("/etc/nginx/mime.types"), "etc/nginx/mime.types");
            fs.write("etc/nginx/nginx.conf", NGINX_CONF, "644");
            fs.write("srv/www/file", NGINX_FILE, "644");
            fs.importAs(NGINX, "CMD [\"nginx\"]");
        }
    }

    private static void python() {
        try (Rootfs fs = new Rootfs()) {
            fs.binary(Path.of("/usr/bin/python3.11"), "usr/bin/python3.11");
            fs.symlink("usr/bin/python3", "python3.11");
            fs.tree(PYTHON_LIB, "usr/lib/python3.11",
                    p -> PYTHON_SKIP.contains(p.getFileName().toString()) || p.toString().endsWith(".pyc"));
            try (Stream<Path> mods = Files.list(PYTHON_LIB.resolve("lib-dynload"))) {
                for (Path so : mods.filter(p -> p.toString().endsWith(".so")).toList()) {
                    fs.libraries(so);
                }
            }
            fs.copy(Path.of("src/test/apps/state_counter.py").toAbsolutePath(), "app/state_counter.py");
            fs.importAs(PYTHON, "ENV PYTHONDONTWRITEBYTECODE=1",
                    "CMD [\"python3\", \"-u\", \"/app/state_counter.py\"]");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void jvm() {
        try (Rootfs fs = new Rootfs()) {
            Path jdk = jdk();
            Path java = fs.root.resolve("opt/java");
            Files.createDirectories(java.getParent());
            run(List.of(jdk.resolve("bin/jlink").toString(), "--add-modules", "java.base", "--strip-debug",
                    "--no-header-files", "--no-man-pages", "--output", java.toString()));
            try (Stream<Path> files = Files.walk(java)) {
                for (Path f : files.filter(Files::isRegularFile)
                        .filter(p -> p.toString().endsWith(".so") || p.getParent().endsWith("bin")).toList()) {
                    fs.libraries(f);
                }
            }
            fs.symlink("usr/bin/java", "/opt/java/bin/java");
            Path app = fs.dir("app", "755");
            run(List.of(jdk.resolve("bin/javac").toString(), "-d", app.toString(),
                    Path.of("src/test/apps/StateCounter.java").toAbsolutePath().toString()));
            fs.importAs(JVM, "CMD [\"java\", \"-cp\", \"/app\", \"StateCounter\"]");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JDK whose jlink and javac build the image: the running one when it is a full JDK. */
    private static Path jdk() {
        Path running = Path.of(System.getProperty("java.home"));
        if (Files.isExecutable(running.resolve("bin/jlink")) && Files.isExecutable(running.resolve("bin/javac"))) {
            return running;
        }
        return JDK;
    }

    /** A rootfs folder being assembled; deleted on close. */
    private static final class Rootfs implements AutoCloseable {
        final Path root;
        private final Set<Path> copied = new LinkedHashSet<>();

        Rootfs() {
            try {
                root = Files.createTempDirectory("dcp-app-rootfs");
                for (String d : List.of("bin", "etc", "proc", "sys", "dev", "root", "usr/bin")) {
                    Files.createDirectories(root.resolve(d));
                }
                dir("tmp", "1777");
                Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"), StandardCopyOption.COPY_ATTRIBUTES);
                for (String a : run(List.of("/bin/busybox", "--list")).split("\n")) {
                    a = a.strip();
                    if (!a.isEmpty() && !a.equals("busybox")) {
                        Files.createSymbolicLink(root.resolve("bin").resolve(a), Path.of("busybox"));
                    }
                }
                write("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
                        "644");
                write("etc/group", "root:x:0:\nnogroup:x:65534:\n", "644");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Creates a directory (and its parents) with the given octal mode. */
        Path dir(String inside, String mode) {
            Path d = root.resolve(inside);
            try {
                Files.createDirectories(d);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            run(List.of("chmod", mode, d.toString()));
            return d;
        }

        void write(String inside, String content, String mode) {
            Path f = root.resolve(inside);
            try {
                Files.createDirectories(f.getParent());
                Files.writeString(f, content, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            run(List.of("chmod", mode, f.toString()));
        }

        void symlink(String inside, String target) {
            try {
                Path link = root.resolve(inside);
                Files.createDirectories(link.getParent());
                Files.createSymbolicLink(link, Path.of(target));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Copies a host file (its content, following symlinks) with its mode. */
        void copy(Path host, String inside) {
            try {
                Path target = root.resolve(inside);
                Files.createDirectories(target.getParent());
                Files.copy(host, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Copies an executable and every shared library it needs. */
        void binary(Path host, String inside) {
            copy(host, inside);
            libraries(host);
        }

        /** Copies the shared libraries and the loader ldd lists for an ELF file, at their host paths. */
        void libraries(Path elf) {
            for (Path lib : ldd(elf)) {
                // a library inside the rootfs itself (the jlink'd runtime's own) is already there
                if (!lib.startsWith(root) && copied.add(lib)) {
                    copy(lib, lib.toString().substring(1));
                }
            }
        }

        /** Copies a host directory tree, leaving out what {@code skip} matches and dangling symlinks. */
        void tree(Path host, String inside, Predicate<Path> skip) throws IOException {
            Path target = root.resolve(inside);
            try (Stream<Path> walk = Files.walk(host)) {
                for (Path p : (Iterable<Path>) walk::iterator) {
                    Path rel = host.relativize(p);
                    boolean skipped = false;
                    for (Path part : rel) {
                        if (!part.toString().isEmpty() && skip.test(part)) {
                            skipped = true;
                            break;
                        }
                    }
                    if (skipped) {
                        continue;
                    }
                    Path t = target.resolve(rel.toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(t);
                    } else if (Files.isRegularFile(p)) {
                        // a symlink's target is copied: some point outside the tree (sitecustomize.py)
                        Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }

        /** Tars the folder and imports it as {@code tag}, with Dockerfile instructions such as CMD. */
        void importAs(String tag, String... changes) {
            try {
                Path tar = Files.createTempFile("dcp-app-rootfs", ".tar");
                try {
                    run(List.of("tar", "-C", root.toString(), "-cf", tar.toString(), "."));
                    List<String> cmd = new ArrayList<>(List.of("docker", "import"));
                    for (String c : changes) {
                        cmd.add("-c");
                        cmd.add(c);
                    }
                    cmd.add(tar.toString());
                    cmd.add(tag);
                    run(cmd);
                } finally {
                    Files.deleteIfExists(tar);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            run(List.of("rm", "-rf", root.toString()));
        }
    }

    /** The libraries (and the loader) ldd lists for an ELF file; none for a static one. */
    static List<Path> ldd(Path elf) {
        String out = E2E.runAllowingFailure(List.of("ldd", elf.toString())).text();
        List<Path> libs = new ArrayList<>();
        for (String line : out.split("\n")) {
            line = line.strip();
            String path = null;
            int arrow = line.indexOf("=> ");
            if (arrow >= 0) {
                path = line.substring(arrow + 3);
            } else if (line.startsWith("/")) {
                path = line;
            }
            if (path == null || !path.startsWith("/")) {
                continue; // linux-vdso, "not found" (a sibling the program finds by its own path)
            }
            int paren = path.indexOf(" (");
            if (paren >= 0) {
                path = path.substring(0, paren);
            }
            libs.add(Path.of(path).normalize());
        }
        return libs;
    }

    static String run(List<String> cmd) {
        return E2E.run(cmd);
    }
}
