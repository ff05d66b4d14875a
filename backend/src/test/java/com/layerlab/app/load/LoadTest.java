package com.layerlab.app.load;

import com.layerlab.app.Application;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.training.TrainingRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The load test of issue 12 (README "Load test"), run by {@code bash .ci/load-test}, not by the test suite:
 * the app in this JVM on loopback with a fresh H2 data folder, thirty simulated people (they speak Vaadin's
 * protocol without a browser, {@link ProtocolUsers}, as a Gatling or k6 script would; on request some are real
 * pages in one headless Chromium, {@link BrowserUsers}) and a few REST API scripts ({@link ApiClient}) at once. It prints queue
 * waits, page response times and push frame intervals (p50, p95), and how every run ended; it exits 1 when
 * a run was lost (neither finished nor reported ended) or a simulated user could not do its steps. The
 * timing targets are printed, not enforced: they depend on what else the machine runs.
 * Settings: system properties {@code load.*} ({@link Settings#fromSystemProperties}).
 */
public final class LoadTest {

    static final String PASSWORD = "correct horse battery";

    /**
     * @param users        simulated people (each its own session)
     * @param browserEvery every n-th of them is a real Chromium page (the others speak Vaadin's protocol
     *                     without a browser, {@link ProtocolUsers}); 0 (the default): none, 1: all
     * @param signInEvery  every n-th user signs in first (the others are anonymous visitors)
     * @param leaveEvery   every n-th user closes its page after about a second of training
     * @param pageEpochs   epochs of a page's run (the playground trains at most 120 a second)
     * @param apiClients   REST API scripts, each its own user
     * @param apiRuns      runs each script trains, one after the other
     * @param apiEpochs    epochs of an API run
     * @param ramp         the users start evenly over this time
     * @param runDeadline  how long a client waits for its run to end (the server check then says whether it did)
     * @param warmUp       whether the playground is opened once, unmeasured, before the users come (as on a
     *                     server that has been up a while)
     */
    record Settings(int users, int browserEvery, int signInEvery, int leaveEvery, int pageEpochs, int apiClients,
                    int apiRuns, int apiEpochs, Duration ramp, Duration runDeadline, boolean warmUp) {

        static Settings fromSystemProperties() {
            return new Settings(Integer.getInteger("load.users", 30), Integer.getInteger("load.browserEvery", 0),
                    Integer.getInteger("load.signInEvery", 3), Integer.getInteger("load.leaveEvery", 5),
                    Integer.getInteger("load.pageEpochs", 600), Integer.getInteger("load.apiClients", 4),
                    Integer.getInteger("load.apiRuns", 3), Integer.getInteger("load.apiEpochs", 300),
                    Duration.ofSeconds(Integer.getInteger("load.rampSeconds", 20)),
                    Duration.ofSeconds(Integer.getInteger("load.deadlineSeconds", 150)),
                    Boolean.parseBoolean(System.getProperty("load.warmUp", "true")));
        }

        /**
         * With browserEvery 30, user 1; by default none: a Chromium page loads the app's scripts and draws every
         * frame on the server's two cores (seconds of CPU), which a class's own computers would do.
         */
        boolean inBrowser(int user) {
            return browserEvery > 0 && user % browserEvery == 1 % browserEvery;
        }

        boolean signsIn(int user) {
            return user % signInEvery == 0;
        }

        boolean leavesMidRun(int user) {
            return user % leaveEvery == leaveEvery - 1;
        }

        /** When a user starts, after the ramp's start: evenly over the ramp. */
        Duration startOffset(int user) {
            return ramp.multipliedBy(user).dividedBy(users);
        }

        /** The playground's address (after "/") with this test's training: the default network, pageEpochs. */
        String playgroundQuery() {
            return ShareLinks.queryString(ShareLinks.playgroundQuery(
                    PlaygroundSettings.DEFAULTS.toBuilder().epochs(pageEpochs).build())) + "&load=1";
        }
    }

    private LoadTest() {
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.fromSystemProperties();
        Path data = Files.createTempDirectory("layerlab-load");
        System.out.println("== LayerLab load test: " + settings);
        System.out.println("   machine: " + Machine.describe() + "; data folder " + data);
        // as command-line arguments: they win over application.properties (default properties would not)
        ConfigurableApplicationContext app = new SpringApplicationBuilder(Application.class)
                .run(serverArguments(data));
        int exit;
        try {
            String base = "http://localhost:" + ((WebServerApplicationContext) app).getWebServer().getPort() + "/";
            System.out.println("   server up at " + base + "; load at start: " + Machine.loadAverage());
            LoadReport report = new LoadReport();
            List<Thread> scripts = new ArrayList<>();
            for (int i = 0; i < settings.apiClients(); i++) {
                ApiClient client = new ApiClient(base, "loadapi" + i + "u" + System.nanoTime() % 100_000,
                        settings.apiRuns(), settings.apiEpochs(), settings.runDeadline(), report);
                Thread t = new Thread(client, "api-client-" + i);
                scripts.add(t);
                t.start();
                Thread.sleep(settings.ramp().toMillis() / Math.max(1, settings.apiClients()));
            }
            List<Integer> inBrowsers = new ArrayList<>();
            List<Integer> simulated = new ArrayList<>();
            for (int i = 0; i < settings.users(); i++) {
                (settings.inBrowser(i) ? inBrowsers : simulated).add(i);
            }
            ProtocolUsers protocolUsers = new ProtocolUsers(base, settings, report, simulated);
            BrowserUsers browserUsers = new BrowserUsers(base, settings, report, inBrowsers);
            if (settings.warmUp()) {
                protocolUsers.warmUp();
            }
            protocolUsers.prepare();
            long t0 = System.nanoTime();
            scripts.addAll(protocolUsers.start(t0));
            browserUsers.run(t0);
            for (Thread t : scripts) {
                t.join();
            }
            String loadAfter = Machine.loadAverage();
            ServerCheck server = new ServerCheck(app.getBean(TrainingRuntime.class));
            server.settle(Duration.ofSeconds(60));
            report.print(System.out, server);
            System.out.println("   load average at the end (uptime): " + loadAfter);
            boolean lost = server.lost(report.startedCount()) > 0;
            exit = lost || report.failureCount() > 0 ? 1 : 0;
            System.out.println(lost ? "FAILED: runs were lost" : report.failureCount() > 0
                    ? "FAILED: simulated users could not do their steps" : "PASSED: every run finished or was reported ended");
        } finally {
            app.close();
            keepServerLog(data.resolve("server.log"));
            deleteTree(data);
        }
        System.exit(exit);
    }

    /**
     * The app's configuration for this test: a fresh H2 database and runs folder, a free port, and no limits
     * per client address (every simulated user comes from 127.0.0.1); everything else as shipped.
     */
    static String[] serverArguments(Path data, String... more) {
        String[] shipped = {
            "--server.port=0",
            "--layerlab.data.dir=" + data,
            "--layerlab.runs.dir=" + data.resolve("runs"),
            "--layerlab.api.max-requests-per-minute=0",
            "--layerlab.signin.max-failures-per-client=100000",
            "--layerlab.signin.max-failures-per-name=100000",
            // the server's own log (a line per run start and end) goes to a file; the console keeps the report
            "--logging.file.name=" + data.resolve("server.log"),
            "--logging.threshold.console=OFF"};
        String[] all = java.util.Arrays.copyOf(shipped, shipped.length + more.length);
        System.arraycopy(more, 0, all, shipped.length, more.length);
        return all;
    }

    /** The server's log (a line per run start and end), kept in target/load-test/ for a look afterwards. */
    private static void keepServerLog(Path log) throws IOException {
        if (Files.exists(log)) {
            Path kept = Path.of("target", "load-test", "server.log");
            Files.createDirectories(kept.getParent());
            Files.copy(log, kept, StandardCopyOption.REPLACE_EXISTING);
            System.out.println("   the server's log: " + kept.toAbsolutePath());
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
