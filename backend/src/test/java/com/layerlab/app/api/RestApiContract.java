package com.layerlab.app.api;

import org.springframework.test.annotation.DirtiesContext;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.layerlab.app.account.Accounts;
import com.layerlab.app.store.EndedRuns;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.TrainingRunJournal;
import com.layerlab.app.training.RunLogs;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.TestRuns;
import com.layerlab.app.training.TrainingRuntime;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Every endpoint of API.md over HTTP, as a script drives it, and every error status it gives: the same
 * tests on H2 ({@link RestApiTest}) and on PostgreSQL ({@link PostgresRestApiTest}). Runs train a tiny 2D
 * experiment (XOR, 25 batches an epoch) for a few epochs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "layerlab.store.max-experiment-mb=1",
        "layerlab.runs.max-unwatched-per-user=1",
        "layerlab.runs.checkpoint-seconds=0",
        "layerlab.runs.unwatched-seconds=" + RestApiContract.UNWATCHED_SECONDS,
        "layerlab.api.max-requests-per-minute=0",
        "layerlab.signin.max-failures-per-client=1000"})
// small limits, each hit by a test of its own below; the other tests stay within them
@TestPropertySource(properties = {
        "layerlab.limits.runs-per-user=1",
        "layerlab.limits.runs-total=3",
        "layerlab.limits.max-params=1000",
        "layerlab.limits.run-minutes=" + RestApiContract.RUN_MINUTES,
        "layerlab.limits.storage-mb-per-user=1"})
// its runs end with its context (TrainingRuntime.close), not later: TrainingLifecycleTest counts run threads JVM-wide
@DirtiesContext
abstract class RestApiContract {

    static final String PASSWORD = "correct horse battery";
    static final int UNWATCHED_SECONDS = 2;
    /** 9 s of training a run: longer than any other test here trains one (the longest, about 4 s). */
    static final String RUN_MINUTES = "0.15";
    private static final AtomicInteger USERS = new AtomicInteger();

    @LocalServerPort
    int port;

    @Autowired
    TrainingRuntime runtime;
    @Autowired
    TrainingRunJournal journal;
    @Autowired
    ExperimentStore store;
    @Autowired
    RunLogs logs;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    final ObjectMapper json = new ObjectMapper();

    /** A 2-4-1 network on XOR: 250 training points in batches of 10. */
    ObjectNode xor(int epochs) throws IOException {
        ObjectNode e = (ObjectNode) json.readTree(RestApiContract.class.getResourceAsStream(
                "/layerlab/examples/xor-tanh.json"));
        e.put("epochs", epochs);
        return e;
    }

    // ---- HTTP ---------------------------------------------------------------------------------------

    HttpResponse<byte[]> send(String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    JsonNode ok(HttpResponse<byte[]> r, int status) throws IOException {
        assertEquals(status, r.statusCode(), () -> text(r));
        return r.body().length == 0 ? json.nullNode() : json.readTree(r.body());
    }

    /** The problem document of an error: its type, title, status and a detail; never a stack trace. */
    JsonNode problem(HttpResponse<byte[]> r, int status) throws IOException {
        return ProblemDocument.assertProblem(r, status);
    }

    static String text(HttpResponse<byte[]> r) {
        return r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8);
    }

    /** A new user and a personal token of theirs: "Authorization", "Bearer ...". */
    String[] newUser() throws IOException, InterruptedException {
        String name = "api" + USERS.incrementAndGet() + getClass().getSimpleName().toLowerCase().substring(0, 4);
        ok(send("POST", "/api/users", "{\"username\": \"" + name + "\", \"password\": \"" + PASSWORD + "\"}"), 201);
        JsonNode token = ok(send("POST", "/api/tokens", "{\"name\": \"test\"}", "Authorization", basic(name)), 201);
        return new String[] {"Authorization", "Bearer " + token.get("token").asText()};
    }

    static String basic(String name) {
        return "Basic " + Base64.getEncoder().encodeToString((name + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    String save(String[] user, JsonNode experiment) throws IOException, InterruptedException {
        JsonNode saved = ok(send("POST", "/api/experiments", experiment.toString(), user), 201);
        return saved.get("id").asText();
    }

    /** Polls the run until {@code p} holds (at most a minute). */
    JsonNode await(String[] user, String runId, Predicate<JsonNode> p, String what) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode run = null;
        while (System.nanoTime() < end) {
            run = ok(send("GET", "/api/runs/" + runId, null, user), 200);
            if (p.test(run)) {
                return run;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("never " + what + "; last: " + run);
    }

    // ---- experiments --------------------------------------------------------------------------------

    @Test
    void anExperimentIsSavedReadListedChangedAndDeleted() throws Exception {
        String[] ana = newUser();
        JsonNode saved = ok(send("POST", "/api/experiments", xor(3).toString(), ana), 201);
        String id = saved.get("id").asText();
        assertTrue(id.matches("[A-Za-z0-9_-]{12,}"), id);
        assertEquals("/e/" + id, saved.get("url").asText());

        JsonNode one = ok(send("GET", "/api/experiments/" + id, null, ana), 200);
        assertEquals("XOR with a 2-4-1 Tanh network", one.get("name").asText());
        assertTrue(one.get("owner").asText().startsWith("api"), one.toString());
        assertFalse(one.get("public").asBoolean());
        assertFalse(one.get("created").asText().isEmpty());
        assertEquals(3, one.get("experiment").get("epochs").asInt());
        assertEquals("xor", one.get("experiment").get("data").get("dataset").asText());
        assertEquals(0, one.get("runs").size());

        JsonNode mine = ok(send("GET", "/api/experiments?mine=true", null, ana), 200);
        assertEquals(1, mine.size());
        assertEquals(id, mine.get(0).get("id").asText());
        assertFalse(mine.get(0).get("public").asBoolean());

        JsonNode patched = ok(send("PATCH", "/api/experiments/" + id, "{\"name\": \"XOR again\", \"public\": true}", ana), 200);
        assertEquals("XOR again", patched.get("name").asText());
        assertTrue(patched.get("public").asBoolean());
        // public now: anyone may read it, even without signing in
        assertEquals("XOR again", ok(send("GET", "/api/experiments/" + id, null), 200).get("name").asText());

        JsonNode badName = problem(send("PATCH", "/api/experiments/" + id, "{\"name\": \"  \", \"public\": false}", ana), 400);
        assertTrue(badName.get("detail").asText().contains("name"), badName.toString());
        assertTrue(ok(send("GET", "/api/experiments/" + id, null, ana), 200).get("public").asBoolean(),
                "a refused change changes nothing");

        assertEquals(204, send("DELETE", "/api/experiments/" + id, null, ana).statusCode());
        problem(send("GET", "/api/experiments/" + id, null, ana), 404);
        assertEquals(0, ok(send("GET", "/api/experiments?mine=true", null, ana), 200).size());
    }

    @Test
    void badInputIsAProblemDocumentThatSaysWhatIsWrongAndChangesNothing() throws Exception {
        String[] bo = newUser();
        JsonNode malformed = problem(send("POST", "/api/experiments", "{\"format\": \"layerlab/experiment@1\",", bo), 400);
        assertTrue(malformed.get("detail").asText().toLowerCase().contains("json"), malformed.toString());

        ObjectNode wrong = xor(3);
        ((ObjectNode) wrong.get("model").get(0)).put("out_features", -4);
        JsonNode invalid = problem(send("POST", "/api/experiments", wrong.toString(), bo), 400);
        assertTrue(invalid.get("detail").asText().contains("model[0]"), invalid.toString());

        JsonNode signUpMalformed = problem(send("POST", "/api/users", "{\"username\": ", bo), 400);
        assertTrue(signUpMalformed.get("detail").asText().contains("line 1"), signUpMalformed.toString());

        // over layerlab.store.max-experiment-mb (1 MB here): a 2-400000-1 network's weights alone are 6 MB
        ObjectNode huge = xor(3);
        ((ObjectNode) huge.get("model").get(0)).put("out_features", 400_000);
        JsonNode tooLarge = problem(send("POST", "/api/experiments", huge.toString(), bo), 413);
        assertTrue(tooLarge.get("detail").asText().contains("layerlab.store.max-experiment-mb"), tooLarge.toString());

        String id = save(bo, xor(3));
        JsonNode patchMalformed = problem(send("PATCH", "/api/experiments/" + id, "{\"name\": \"renamed\",", bo), 400);
        assertTrue(patchMalformed.get("detail").asText().startsWith("The body is not valid JSON at line 1"),
                patchMalformed.toString());
        JsonNode runMalformed = problem(send("POST", "/api/experiments/" + id + "/runs", "{\"epochs\": 3", bo), 400);
        assertTrue(runMalformed.get("detail").asText().startsWith("The body is not valid JSON at line 1"),
                runMalformed.toString());
        problem(send("PATCH", "/api/experiments/" + id, "{\"owner\": \"someone\"}", bo), 400);
        problem(send("PATCH", "/api/experiments/" + id, "{\"public\": \"yes\"}", bo), 400);
        problem(send("POST", "/api/experiments/" + id + "/runs", "{\"epochs\": 0}", bo), 400);
        JsonNode backend = problem(send("POST", "/api/experiments/" + id + "/runs", "{\"backend\": \"tpu\"}", bo), 400);
        assertTrue(backend.get("detail").asText().contains("backend"), backend.toString());
        JsonNode unknown = problem(send("GET", "/api/nothing-here", null, bo), 404);
        assertTrue(unknown.get("detail").asText().contains("/api/nothing-here"), unknown.toString());

        assertEquals(1, ok(send("GET", "/api/experiments?mine=true", null, bo), 200).size(), "only the good one was saved");
        JsonNode one = ok(send("GET", "/api/experiments/" + id, null, bo), 200);
        assertEquals("XOR with a 2-4-1 Tanh network", one.get("name").asText(), "the refused changes changed nothing");
        assertEquals(0, one.get("runs").size(), "the refused runs never started");
    }

    @Test
    void callersAreWhoTheirCredentialsSayAndSeeOnlyWhatTheyMay() throws Exception {
        problem(send("GET", "/api/me", null), 401);
        JsonNode wrongToken = problem(send("GET", "/api/me", null, "Authorization", "Bearer ll_not-a-token"), 401);
        assertTrue(wrongToken.get("detail").asText().contains("token"), wrongToken.toString());
        problem(send("POST", "/api/experiments", xor(3).toString(), "Authorization", "Bearer ll_not-a-token"), 401);

        String[] owner = newUser();
        String[] other = newUser();
        JsonNode me = ok(send("GET", "/api/me", null, owner), 200);
        assertTrue(me.get("roles").toString().contains("user"), me.toString());

        String secret = save(owner, xor(3));
        // another user's private experiment does not exist for them, whatever they try
        problem(send("GET", "/api/experiments/" + secret, null, other), 404);
        problem(send("PATCH", "/api/experiments/" + secret, "{\"name\": \"mine now\"}", other), 404);
        problem(send("DELETE", "/api/experiments/" + secret, null, other), 404);
        problem(send("GET", "/api/experiments/" + secret + "/weights", null, other), 404);
        problem(send("POST", "/api/experiments/" + secret + "/runs", "{}", other), 404);
        assertEquals(0, ok(send("GET", "/api/experiments?mine=true", null, other), 200).size());

        // a public one they may read but not change
        ok(send("PATCH", "/api/experiments/" + secret, "{\"public\": true}", owner), 200);
        ok(send("GET", "/api/experiments/" + secret, null, other), 200);
        JsonNode notYours = problem(send("DELETE", "/api/experiments/" + secret, null, other), 403);
        assertTrue(notYours.get("detail").asText().contains("not yours"), notYours.toString());
        problem(send("PATCH", "/api/experiments/" + secret, "{\"name\": \"mine now\"}", other), 403);
        assertEquals("XOR with a 2-4-1 Tanh network", ok(send("GET", "/api/experiments/" + secret, null, owner), 200)
                .get("name").asText());

        // a name that is taken
        String name = ok(send("GET", "/api/me", null, owner), 200).get("username").asText();
        problem(send("POST", "/api/users", "{\"username\": \"" + name + "\", \"password\": \"" + PASSWORD + "\"}"), 409);

        // a browser's cookie without the CSRF token cannot change anything
        HttpResponse<byte[]> first = send("GET", "/api/experiments", null);
        String cookie = first.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("ll_visitor="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
        problem(send("POST", "/api/experiments", xor(3).toString(), "Cookie", cookie), 403);
    }

    // ---- runs ---------------------------------------------------------------------------------------

    @Test
    void aRunTrainsItsEpochsAndGivesItsMetricsWeightsAndEventFiles() throws Exception {
        String[] cy = newUser();
        String id = save(cy, xor(30));
        problem(send("GET", "/api/experiments/" + id + "/weights", null, cy), 404);

        JsonNode started = ok(send("POST", "/api/experiments/" + id + "/runs", "{\"epochs\": 3, \"backend\": \"cpu\"}", cy), 202);
        String runId = started.get("id").asText();
        // API.md: {"id", "state": "queued", "position": k}, the run as the scheduler took it, however fast it starts
        assertEquals("queued", started.get("state").asText(), started.toString());
        assertTrue(started.get("position").isInt() && started.get("position").asInt() >= 1, started.toString());

        JsonNode run = await(cy, runId, r -> r.get("state").asText().equals("finished"), "finished");
        assertEquals(id, run.get("experiment").asText());
        assertEquals(3, run.get("epoch").asInt());
        assertEquals(3, run.get("epochs").asInt());
        assertEquals("cpu", run.get("backend").asText());
        assertFalse(run.get("device").asText().isEmpty(), run.toString());
        assertFalse(run.has("position"));
        JsonNode metrics = run.get("metrics");
        assertEquals(4, metrics.size(), "epoch 0 (untrained) to 3: " + metrics);
        for (int e = 0; e <= 3; e++) {
            JsonNode line = metrics.get(e);
            assertEquals(e, line.get("epoch").asInt());
            assertTrue(line.get("train_loss").isNumber() && line.get("test_loss").isNumber(), line.toString());
            assertTrue(line.get("train_accuracy").isNumber(), line.toString());
        }
        assertTrue(metrics.get(3).get("train_loss").asDouble() < metrics.get(0).get("train_loss").asDouble(),
                "it learned: " + metrics);

        HttpResponse<byte[]> weights = send("GET", "/api/runs/" + runId + "/weights", null, cy);
        assertEquals(200, weights.statusCode(), () -> text(weights));
        assertEquals("application/octet-stream", weights.headers().firstValue("Content-Type").orElse(""));
        String header = safetensorsHeader(weights.body());
        assertTrue(header.contains("\"epoch\":\"3\"") && header.contains("0.weight"), header);
        HttpResponse<byte[]> trained = send("GET", "/api/experiments/" + id + "/weights", null, cy);
        assertEquals(200, trained.statusCode(), () -> text(trained));
        assertArrayEquals(weights.body(), trained.body(), "the experiment's weights are its latest finished run's");

        HttpResponse<byte[]> events = send("GET", "/api/runs/" + runId + "/events.zip", null, cy);
        assertEquals(200, events.statusCode(), () -> text(events));
        List<String> files = zipEntries(events.body());
        assertTrue(files.stream().anyMatch(f -> f.contains("events.out.tfevents")), files.toString());

        JsonNode experiment = ok(send("GET", "/api/experiments/" + id, null, cy), 200);
        assertEquals(runId, experiment.get("runs").get(0).get("id").asText());
        assertEquals("finished", experiment.get("runs").get(0).get("state").asText());

        JsonNode again = problem(send("POST", "/api/runs/" + runId + "/stop", null, cy), 409);
        assertTrue(again.get("detail").asText().contains("finished"), again.toString());
        problem(send("POST", "/api/runs/" + runId + "/resume", null, cy), 409);

        // another user's run is unknown to them
        String[] other = newUser();
        problem(send("GET", "/api/runs/" + runId, null, other), 404);
        problem(send("POST", "/api/runs/" + runId + "/stop", null, other), 404);
        problem(send("POST", "/api/runs/" + runId + "/resume", null, other), 404);
        problem(send("GET", "/api/runs/" + runId + "/weights", null, other), 404);
        problem(send("GET", "/api/runs/" + runId + "/events.zip", null, other), 404);
        problem(send("GET", "/api/runs/no-such-run", null, cy), 404);
    }

    @Test
    void aStoppedRunResumesFromItsCheckpointWithNoEpochCountedTwiceAndTheUnwatchedLimitAnswers422() throws Exception {
        String[] di = newUser();
        String id = save(di, xor(30));
        // epochs a second are capped (layerlab.live.max-epochs-per-second): 2000 epochs take long enough to stop
        String runId = ok(send("POST", "/api/experiments/" + id + "/runs", "{\"epochs\": 2000}", di), 202).get("id").asText();

        // one unwatched run per user here (layerlab.runs.max-unwatched-per-user=1): a second is refused
        JsonNode over = problem(send("POST", "/api/experiments/" + id + "/runs", "{\"epochs\": 3}", di), 422);
        assertTrue(over.get("detail").asText().contains("layerlab.runs.max-unwatched-per-user"), over.toString());
        assertEquals("layerlab.runs.max-unwatched-per-user", over.get("limit").asText());
        assertEquals(1, ok(send("GET", "/api/experiments/" + id, null, di), 200).get("runs").size());

        await(di, runId, r -> r.get("epoch").asInt() >= 3, "at epoch 3");
        problem(send("POST", "/api/runs/" + runId + "/resume", null, di), 409);
        JsonNode stopped = ok(send("POST", "/api/runs/" + runId + "/stop", null, di), 200);
        assertEquals("stopped", stopped.get("state").asText(), stopped.toString());
        int stoppedAt = stopped.get("epoch").asInt();
        assertEquals(200, send("GET", "/api/runs/" + runId + "/weights", null, di).statusCode());

        JsonNode resumed = ok(send("POST", "/api/runs/" + runId + "/resume", null, di), 202);
        assertEquals(runId, resumed.get("id").asText());
        assertTrue(List.of("queued", "running").contains(resumed.get("state").asText()), resumed.toString());
        JsonNode on = await(di, runId, r -> r.get("epoch").asInt() >= stoppedAt + 2, "trained on past its stop");
        assertEquals(2000, on.get("epochs").asInt());
        JsonNode metrics = on.get("metrics");
        for (int i = 0; i < metrics.size(); i++) {
            assertEquals(i, metrics.get(i).get("epoch").asInt(), "every epoch once, in order: " + metrics);
        }
        ok(send("POST", "/api/runs/" + runId + "/stop", null, di), 200);
        List<String> files = zipEntries(send("GET", "/api/runs/" + runId + "/events.zip", null, di).body());
        // one folder for the run's whole life: each segment's network in a sub-folder of its own
        assertTrue(files.stream().anyMatch(f -> f.startsWith("000-")) && files.stream().anyMatch(f -> f.startsWith("001-")),
                "both segments' event files: " + files);
    }

    @Test
    void aSignedInUsersRunTrainsOnWithNoPageWhileAnAnonymousCallersStops() throws Exception {
        String[] ed = newUser();
        String id = save(ed, xor(30));
        String runId = ok(send("POST", "/api/experiments/" + id + "/runs", "{\"epochs\": 2000}", ed), 202).get("id").asText();

        // an anonymous caller (known by the visitor cookie of its first request) runs one too
        HttpResponse<byte[]> anonymous = send("POST", "/api/experiments/" + save(ed, xor(2000)) + "/runs", "{}");
        problem(anonymous, 404);
        ok(send("PATCH", "/api/experiments/" + id, "{\"public\": true}", ed), 200);
        HttpResponse<byte[]> started = send("POST", "/api/experiments/" + id + "/runs", "{\"epochs\": 2000}");
        String visitorRun = ok(started, 202).get("id").asText();
        String[] visitor = {"Cookie", started.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("ll_visitor=")).map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow()};

        Thread.sleep(TimeUnit.SECONDS.toMillis(UNWATCHED_SECONDS) + 1_500);
        JsonNode gone = await(visitor, visitorRun, r -> r.get("state").asText().equals("stopped"), "stopped unwatched");
        assertTrue(gone.get("message").asText().contains("no page watched it"), gone.toString());

        JsonNode on = ok(send("GET", "/api/runs/" + runId, null, ed), 200);
        assertEquals("running", on.get("state").asText(), on.toString());
        int epoch = on.get("epoch").asInt();
        await(ed, runId, r -> r.get("epoch").asInt() > epoch + 2, "trained on unwatched");
        ok(send("POST", "/api/runs/" + runId + "/stop", null, ed), 200);
    }

    @Test
    void aFinishedRunAnswersAsItEndedAfterARestartAndItsExperimentKeepsWhatItLearnedOnceItsFolderIsGone()
            throws Exception {
        String[] jo = newUser();
        String owner = Accounts.ownerKey(ok(send("GET", "/api/me", null, jo), 200).get("username").asText());
        String id = save(jo, xor(30));
        String runId = ok(send("POST", "/api/experiments/" + id + "/runs", "{\"epochs\": 3}", jo), 202).get("id").asText();
        JsonNode finished = await(jo, runId, r -> r.get("state").asText().equals("finished"), "finished");
        HttpResponse<byte[]> trained = send("GET", "/api/runs/" + runId + "/weights", null, jo);
        assertEquals(200, trained.statusCode(), () -> text(trained));

        // pushed out among the oldest folders (layerlab.runs.keep): its checkpoint and event files are gone
        Path folder = runtime.find(runId, owner).orElseThrow().folder();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        HttpResponse<byte[]> kept = send("GET", "/api/experiments/" + id + "/weights", null, jo);
        assertEquals(200, kept.statusCode(), () -> text(kept));
        assertArrayEquals(trained.body(), kept.body(), "the experiment keeps the weights its finished run trained");
        JsonNode noCheckpoint = problem(send("GET", "/api/runs/" + runId + "/weights", null, jo), 404);
        assertTrue(noCheckpoint.get("detail").asText().contains("layerlab.runs.keep"), noCheckpoint.toString());

        // the server restarts: a fresh runtime, and the API's runs found again from the database alone
        try (TrainingRuntime restarted = new TrainingRuntime(runtime.backends(), logs, null, runtime.points(),
                runtime.images(), runtime.unwatched(), runtime.signedIn(), Duration.ZERO)) {
            ApiRuns after = new ApiRuns(restarted, journal, new EndedRuns(journal, store));
            ApiRuns.ApiRun run = after.find(runId, owner).orElseThrow(() -> new AssertionError("not found after the restart"));
            assertEquals(finished, json.valueToTree(after.view(runId, owner)),
                    "GET /api/runs/{id} answers as before the restart");
            assertEquals(List.of(Map.of("id", runId, "state", "finished")), after.ofExperiment(id, owner),
                    "the experiment's runs list it");
            assertEquals(Optional.of(run), after.latestFinished(id, owner));
        }
        assertArrayEquals(trained.body(), store.get(id, owner).weights(), "its short link carries the trained weights");
        assertEquals(3, store.get(id, owner).trainedEpoch());
    }

    // ---- limits ----------------------------------------------------------------------------------------

    /** A 422 that names the limit in its detail, and as its own members with its value. */
    JsonNode overLimit(HttpResponse<byte[]> r, String key, long value) throws IOException {
        JsonNode p = problem(r, 422);
        assertTrue(p.get("detail").asText().contains(key), p.toString());
        assertEquals(key, p.get("limit").asText(), p.toString());
        assertEquals(value, p.get("value").asLong(), p.toString());
        return p;
    }

    int runsOf(String[] user, String experimentId) throws Exception {
        return ok(send("GET", "/api/experiments/" + experimentId, null, user), 200).get("runs").size();
    }

    @Test
    void aRunOverTheRunsAUserOrTheServerMayHaveIsRefused422AndStartsNothing() throws Exception {
        String[] fay = newUser();
        String owner = Accounts.ownerKey(ok(send("GET", "/api/me", null, fay), 200).get("username").asText());
        String id = save(fay, xor(3));
        // her playground page holds a paused run: as many as one user may have here (runs-per-user=1)
        Run<RunStatus> paused = runtime.submit(List.of(TestRuns.POINTS), new RunOptions(owner, true, "playground", true, 0),
                TestRuns.STATUS);
        try {
            JsonNode mine = overLimit(send("POST", "/api/experiments/" + id + "/runs", "{\"epochs\": 3}", fay),
                    "layerlab.limits.runs-per-user", 1);
            assertTrue(mine.get("detail").asText().contains("You have 1 run going"), mine.toString());
            assertEquals(0, runsOf(fay, id));
            assertEquals(List.of(paused), runtime.runsOf(owner), "nothing was allocated for the refused run");
        } finally {
            paused.stop();
        }

        // three users' runs are as many as the server takes at once here (runs-total=3)
        List<String[]> users = new ArrayList<>();
        List<String> runIds = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                String[] user = newUser();
                users.add(user);
                runIds.add(ok(send("POST", "/api/experiments/" + save(user, xor(2000)) + "/runs", "{}", user), 202)
                        .get("id").asText());
            }
            String[] late = newUser();
            String lateId = save(late, xor(3));
            JsonNode all = overLimit(send("POST", "/api/experiments/" + lateId + "/runs", "{}", late),
                    "layerlab.limits.runs-total", 3);
            assertTrue(all.get("detail").asText().contains("The server has 3 runs going"), all.toString());
            assertEquals(0, runsOf(late, lateId));
        } finally {
            for (int i = 0; i < runIds.size(); i++) {
                ok(send("POST", "/api/runs/" + runIds.get(i) + "/stop", null, users.get(i)), 200);
            }
        }
    }

    @Test
    void aModelOverTheParametersOrARunOverTheEpochsIsRefused422AndStartsNothing() throws Exception {
        String[] gus = newUser();
        // 2-300-1: 1,201 parameters, over max-params=1000
        ObjectNode wide = xor(3);
        ((ObjectNode) wide.get("model").get(0)).put("out_features", 300);
        String wideId = save(gus, wide);
        JsonNode params = overLimit(send("POST", "/api/experiments/" + wideId + "/runs", "{}", gus),
                "layerlab.limits.max-params", 1000);
        assertTrue(params.get("detail").asText().contains("1,201 parameters"), params.toString());
        assertEquals(0, runsOf(gus, wideId));

        // epochs: layerlab.live.max-epochs (10,000) for 2D data, layerlab.cnn.max-epochs (50) for images
        String id = save(gus, xor(3));
        JsonNode points = overLimit(send("POST", "/api/experiments/" + id + "/runs", "{\"epochs\": 10001}", gus),
                "layerlab.live.max-epochs", 10_000);
        assertTrue(points.get("detail").asText().contains("10001 were asked for"), points.toString());
        String[] hu = newUser();
        String cnnId = save(hu, json.readTree(RestApiContract.class.getResourceAsStream(
                "/layerlab/examples/cifar10-tutorial.json")));
        overLimit(send("POST", "/api/experiments/" + cnnId + "/runs", "{\"epochs\": 51}", hu), "layerlab.cnn.max-epochs", 50);
        assertEquals(0, runsOf(gus, id) + runsOf(hu, cnnId), "the refused runs never started");
        assertEquals(0, runtime.runsOf(Accounts.ownerKey(ok(send("GET", "/api/me", null, hu), 200).get("username")
                .asText())).size(), "nothing was allocated");
    }

    @Test
    void aRunOverItsTrainingTimeStopsSayingWhyAndKeepsItsWeights() throws Exception {
        String[] hal = newUser();
        String id = save(hal, xor(30));
        // 2000 epochs at the server's 120 a second would take 17 s: the run stops at its 9 s
        String runId = ok(send("POST", "/api/experiments/" + id + "/runs", "{\"epochs\": 2000}", hal), 202).get("id").asText();
        JsonNode stopped = await(hal, runId, r -> !List.of("queued", "running").contains(r.get("state").asText()),
                "stopped by its training time");
        assertEquals("stopped", stopped.get("state").asText(), stopped.toString());
        String why = stopped.get("message").asText();
        assertTrue(why.contains("at most 9 s on this server (layerlab.limits.run-minutes)"), stopped.toString());
        int epoch = stopped.get("epoch").asInt();
        assertTrue(epoch > 0 && epoch < 2000, stopped.toString());
        HttpResponse<byte[]> weights = send("GET", "/api/runs/" + runId + "/weights", null, hal);
        assertEquals(200, weights.statusCode(), () -> text(weights));
        assertTrue(safetensorsHeader(weights.body()).contains("\"epoch\":\""), "its last checkpoint is kept");
    }

    @Test
    void aSaveOverTheStorageOfAUserIsRefused422AndSavesNothing() throws Exception {
        String[] ivy = newUser();
        // 2-40000-1: 160,001 parameters, 0.6 MB of weights; two are over storage-mb-per-user=1
        ObjectNode big = xor(3);
        ((ObjectNode) big.get("model").get(0)).put("out_features", 40_000);
        save(ivy, big);
        JsonNode over = overLimit(send("POST", "/api/experiments", big.toString(), ivy),
                "layerlab.limits.storage-mb-per-user", 1);
        assertTrue(over.get("detail").asText().contains("the 1 MB one user may store here "
                + "(layerlab.limits.storage-mb-per-user)"), over.toString());
        assertEquals(1, ok(send("GET", "/api/experiments?mine=true", null, ivy), 200).size(), "only the first was saved");
    }

    // ---- the OpenAPI page ---------------------------------------------------------------------------

    @Test
    void theOpenApiPageIsOpenWithoutSigningIn() throws Exception {
        JsonNode docs = ok(send("GET", "/v3/api-docs", null), 200);
        JsonNode paths = docs.get("paths");
        for (String p : List.of("/api/experiments", "/api/experiments/{id}", "/api/experiments/{id}/weights",
                "/api/experiments/{id}/runs", "/api/runs/{runId}", "/api/runs/{runId}/stop", "/api/runs/{runId}/resume",
                "/api/runs/{runId}/weights", "/api/runs/{runId}/events.zip", "/api/users", "/api/me", "/api/tokens")) {
            assertTrue(paths.has(p), p + " in " + paths.fieldNames());
        }
        HttpResponse<byte[]> page = send("GET", "/swagger-ui.html", null);
        assertEquals(200, page.statusCode(), () -> text(page));
        assertTrue(text(page).contains("swagger-ui"), () -> text(page));
        assertTrue(page.uri().getPath().startsWith("/swagger-ui/"), page.uri().toString());
    }

    // ---- helpers ------------------------------------------------------------------------------------

    /** The JSON header of a safetensors file (after its 8-byte little-endian length). */
    static String safetensorsHeader(byte[] file) {
        long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return new String(file, 8, (int) n, StandardCharsets.UTF_8);
    }

    static List<String> zipEntries(byte[] zip) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                names.add(e.getName());
            }
        }
        return names;
    }
}
