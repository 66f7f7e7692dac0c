package dev.dockercheckpoint.e2e;

import dev.dockercheckpoint.ui.containers.ContainersViewModel;
import dev.dockercheckpoint.ui.main.MainWindow;
import dev.dockercheckpoint.ui.services.FxDialogService;
import dev.dockercheckpoint.ui.services.FxTaskExecutor;
import dev.dockercheckpoint.ui.services.HelperCheckpointService;
import dev.dockercheckpoint.ui.services.Settings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.stage.Stage;

/**
 * Rerunnable GUI benchmark (not a test), against the real helper and Docker engine:
 * time from JVM start to the first frame of {@code docker-checkpoint gui} (median of 5), and how
 * fast a table of 200 containers reflects a Docker event (a container started; median and worst
 * of 10). Run with {@code sudo scripts/bench-gui} (uses Xvfb when DISPLAY is set, Monocle otherwise).
 */
public final class GuiBenchmark {
    public static void main(String[] args) throws Exception {
        E2E.engine();
        HelperProcess.ensureUsers();
        try (HelperProcess helper = new HelperProcess().start()) {
            firstFrame(helper);
            events(helper);
        } finally {
            E2E.removeAll();
        }
        System.exit(0);
    }

    private static void firstFrame(HelperProcess helper) throws Exception {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            List<String> cmd = new ArrayList<>(List.of(HelperProcess.JAVA, "--sun-misc-unsafe-memory-access=allow",
                    "--enable-native-access=ALL-UNNAMED", "-Ddockercheckpoint.reportStartup=true",
                    "-Dorg.slf4j.simpleLogger.log.dev.dockercheckpoint.ui.App=info"));
            if (System.getenv("DISPLAY") == null) {
                cmd.addAll(List.of("-Dglass.platform=Monocle", "-Dmonocle.platform=Headless", "-Dprism.order=sw"));
            }
            cmd.addAll(List.of("-jar", HelperProcess.JAR.toString(), "gui", "--socket", helper.socket.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("XDG_CONFIG_HOME", Files.createTempDirectory("dcp-bench-cfg").toString());
            Process p = pb.start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    int at = line.indexOf("first-frame-ms ");
                    if (at >= 0) {
                        times.add(Long.parseLong(line.substring(at + 15).strip()));
                        break;
                    }
                }
            } finally {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        times.sort(null);
        System.out.printf(Locale.ROOT, "| first frame after launch (java -jar ... gui), median of %d | %d ms |%n",
                times.size(), times.get(times.size() / 2));
    }

    private static void events(HelperProcess helper) throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String n = E2E.name("ev" + i);
            E2E.docker().createContainerCmd(E2E.BUSYBOX).withName(n).withCmd("sleep", "100000")
                    .withHostConfig(com.github.dockerjava.api.model.HostConfig.newHostConfig().withNetworkMode("none"))
                    .exec();
            names.add(n);
        }
        Platform.startup(() -> { });
        HelperCheckpointService service = new HelperCheckpointService(helper.socket);
        Path settings = Files.createTempDirectory("dcp-bench").resolve("settings.json");
        MainWindow window = fx(() -> {
            MainWindow w = new MainWindow(new Stage(), service, new FxTaskExecutor(), FxDialogService::new,
                    new Settings(settings), helper.socket, (o, d, c, l) -> { });
            w.show();
            return w;
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (fx(() -> window.containers().allRows().size()) < 200 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        System.out.printf(Locale.ROOT, "| containers in the table | %d |%n",
                fx(() -> window.containers().allRows().size()));
        List<Double> lags = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String name = names.get(i * 7);
            CompletableFuture<Long> seen = new CompletableFuture<>();
            ListChangeListener<ContainersViewModel.Row> l = c -> {
                for (ContainersViewModel.Row r : window.containers().allRows()) {
                    if (r.name().equals(name) && r.running()) {
                        seen.complete(System.nanoTime());
                    }
                }
            };
            fx(() -> {
                window.containers().allRows().addListener(l);
                return null;
            });
            Thread.sleep(300);
            // Docker sends the "start" event when the start call completes: measure from there
            E2E.docker().startContainerCmd(name).exec();
            long t0 = System.nanoTime();
            long t1;
            try {
                t1 = seen.get(20, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("the table did not show " + name + " running; rows: "
                        + fx(() -> window.containers().allRows().stream().filter(r -> r.name().equals(name)).toList())
                        + "; status: " + fx(() -> window.containers().statusProperty().get()) + "\n--- helper log\n"
                        + helper.log(), e);
            }
            lags.add(Math.max(0, t1 - t0) / 1e6);
            fx(() -> {
                window.containers().allRows().removeListener(l);
                return null;
            });
        }
        lags.sort(null);
        System.out.printf(Locale.ROOT, "| Docker event to table (200 containers), median / worst of %d | %.0f / %.0f ms |%n",
                lags.size(), (lags.get(4) + lags.get(5)) / 2, lags.getLast());
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
        System.out.printf(Locale.ROOT, "| GUI heap used with 200 containers (after GC) | %d MiB |%n", heap);
        service.close();
    }

    private static <T> T fx(java.util.concurrent.Callable<T> action) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(action.call());
            } catch (Exception e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(30, TimeUnit.SECONDS);
    }
}
