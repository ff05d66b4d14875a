package com.layerlab.app.ops;

import org.springframework.test.annotation.DirtiesContext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.layerlab.app.account.Accounts;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.Page;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.TestRuns;
import com.layerlab.app.training.TrainingRuntime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/**
 * Actuator as an operator and a stranger see it: health open (and past Vaadin's servlet, which serves
 * every other path), the rest for admins by HTTP Basic; LayerLab's own metrics in the Prometheus scrape,
 * following a run that trains, a run that waits and a save.
 */
// its runs end with its context (TrainingRuntime.close), not later: TrainingLifecycleTest counts run threads JVM-wide
@DirtiesContext
// metrics are exported in tests only when asked for: else no /actuator/prometheus
@AutoConfigureObservability(tracing = false)
// one training slot, turns too long to come round in a test and no epochs-a-second cap (a capped run lends its
// slot while it sleeps): a second run waits for as long as the first trains
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "layerlab.admin.usernames=" + OperationsTest.ADMIN, "layerlab.limits.computing=1", "layerlab.limits.turn-ms=600000",
        "layerlab.live.max-epochs-per-second=0"})
class OperationsTest {

    static final String ADMIN = "opsadmin";
    private static final String USER = "opspupil";
    private static final String PASSWORD = "correct horse battery";

    @LocalServerPort
    int port;
    @Autowired
    Accounts accounts;
    @Autowired
    TrainingRuntime runtime;
    @Autowired
    ExperimentStore store;

    private final HttpClient http = HttpClient.newHttpClient();

    /** An admin and a user, once for the JVM's test database (which every test class shares). */
    @BeforeEach
    void users() {
        for (String name : List.of(ADMIN, USER)) {
            try {
                accounts.userDetails(name);
            } catch (UsernameNotFoundException e) {
                accounts.register(name, PASSWORD, Optional.empty());
            }
        }
    }

    private HttpResponse<String> get(String path, String user) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthIsOpenAndSaysUpWithTheDatabaseItsDetailsForAdminsOnly() throws Exception {
        HttpResponse<String> anonymous = get("/actuator/health", null);
        assertEquals(200, anonymous.statusCode(), anonymous.body());
        JsonNode health = new ObjectMapper().readTree(anonymous.body());
        assertEquals("UP", health.get("status").asText());
        assertEquals("UP", health.at("/components/db/status").asText(), anonymous.body());
        assertTrue(health.at("/components/db/details").isMissingNode(), "details are for admins: " + anonymous.body());

        JsonNode admin = new ObjectMapper().readTree(get("/actuator/health", ADMIN).body());
        assertEquals("H2", admin.at("/components/db/details/database").asText(), admin.toString());
    }

    @Test
    void everyOtherEndpointWantsAnAdmin() throws Exception {
        for (String path : List.of("/actuator", "/actuator/metrics", "/actuator/prometheus", "/actuator/loggers")) {
            HttpResponse<String> anonymous = get(path, null);
            assertEquals(401, anonymous.statusCode(), path + ": " + anonymous.body());
            assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), path);
            assertFalse(anonymous.headers().firstValue("Set-Cookie").isPresent(), path + " starts no session");
            assertEquals(403, get(path, USER).statusCode(), path);
            assertEquals(200, get(path, ADMIN).statusCode(), path);
        }
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/metrics"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((ADMIN + ":wrong").getBytes(StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, wrong.statusCode());
    }

    @Test
    void thePrometheusScrapeFollowsARunThatTrains() throws Exception {
        String before = scrape();
        for (String name : List.of("layerlab_queue_length", "layerlab_runs_computing{kind=\"images\"}",
                "layerlab_experiments_saved", "layerlab_database_size_bytes")) {
            assertTrue(Double.isFinite(value(before, name)), name + " in\n" + before);
        }
        double started = value(before, "layerlab_runs_started_total{backend=\"cpu\"}");
        double stopped = value(before, "layerlab_runs_ended_total{backend=\"cpu\",state=\"stopped\"}");
        double running = value(before, "layerlab_runs{state=\"running\"}");

        // a signed-in user's run: it trains on with no page watching it
        Run<RunStatus> run = runtime.submit(List.of(TestRuns.POINTS),
                new RunOptions(Accounts.ownerKey(ADMIN), true, "playground", false, 0), TestRuns.STATUS);
        try {
            TestRuns.await(run, s -> s.state() == RunState.RUNNING && !s.loading() && Double.isFinite(s.samplesPerSecond())
                    && s.samplesPerSecond() > 0, "trained at a measured speed");
            String during = scrape();
            assertEquals(started + 1, value(during, "layerlab_runs_started_total{backend=\"cpu\"}"), during);
            assertEquals(running + 1, value(during, "layerlab_runs{state=\"running\"}"), during);
            assertTrue(value(during, "layerlab_training_samples_per_second{backend=\"cpu\"}") > 0, during);
            assertEquals(1, value(during, "layerlab_runs_computing{kind=\"points\"}"), during);
        } finally {
            run.stop();
        }
        TestRuns.await(run, s -> s.state() == RunState.STOPPED, "stopped");
        String after = scrape();
        assertEquals(stopped + 1, value(after, "layerlab_runs_ended_total{backend=\"cpu\",state=\"stopped\"}"), after);
        assertEquals(running, value(after, "layerlab_runs{state=\"running\"}"), after);
        assertEquals(0, value(after, "layerlab_training_samples_per_second{backend=\"cpu\"}"), after);
    }

    @Test
    void thePrometheusScrapeCountsAWaitingRunAndASavedExperiment() throws Exception {
        String before = scrape();
        double queued = value(before, "layerlab_runs{state=\"queued\"}");
        double saved = value(before, "layerlab_experiments_saved");
        try {
            Run<RunStatus> first = runtime.submit(List.of(TestRuns.POINTS),
                    new RunOptions(Accounts.ownerKey(ADMIN), true, "playground", false, 0), TestRuns.STATUS);
            TestRuns.await(first, s -> s.state() == RunState.RUNNING && s.progress() > 0, "the first run in the one slot");
            Run<RunStatus> second = runtime.submit(List.of(TestRuns.POINTS),
                    new RunOptions(Accounts.ownerKey(USER), true, "playground", false, 0), TestRuns.STATUS);
            TestRuns.await(second, s -> s.state() == RunState.QUEUED && s.position() == 1, "the second run waiting");
            store.save(new ExperimentStore.Draft(Accounts.ownerKey(ADMIN), "counted", false, Page.PLAYGROUND,
                    TestRuns.POINTS, ""), new byte[16], List.of(), 0, null);

            String during = scrape();
            assertEquals(queued + 1, value(during, "layerlab_runs{state=\"queued\"}"), during);
            assertEquals(1, value(during, "layerlab_queue_length"), during);
            assertEquals(saved + 1, value(during, "layerlab_experiments_saved"), during);
        } finally {
            TestRuns.stopAll(runtime, Duration.ofSeconds(30));
        }
        assertEquals(0, value(scrape(), "layerlab_queue_length"), "no run waits once they are stopped");
    }

    private String scrape() throws Exception {
        HttpResponse<String> r = get("/actuator/prometheus", ADMIN);
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    /** The sample {@code name} (with its labels, as Prometheus writes them) of a scrape. */
    private static double value(String scrape, String name) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        assertTrue(m.find(), "no " + name + " in\n" + scrape);
        return Double.parseDouble(m.group(1));
    }
}
