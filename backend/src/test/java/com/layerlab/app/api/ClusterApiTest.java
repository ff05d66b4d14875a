package com.layerlab.app.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.layerlab.app.TestHttp;
import com.layerlab.app.cluster.ClusterStore;
import com.layerlab.app.cluster.NodeSettings;
import com.layerlab.app.cluster.TrainRun;
import com.layerlab.app.cluster.TrainRunHandler;
import com.layerlab.app.store.TrainingRunJournal;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunJournal;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.TestRuns;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentFiles;
import com.layerlab.engine.train.EpochStats;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The API's runs on a node of a cluster (docs/cluster.md) that is web and worker at once, over H2: a run
 * goes into the database, the fair hand-off gives it to JobRunr, this node's JobRunr server takes the job and
 * the run trains here, and every answer of the API comes from the database (what a web node without a
 * worker answers). The two-node case, with a worker killed, is .ci/cluster-check's.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "layerlab.node.cluster=true",
        "layerlab.node.name=test-node",
        "layerlab.runs.checkpoint-seconds=0",
        "layerlab.runs.max-unwatched-per-user=1",
        // a run paused on a worker stops after 3 s (minutes, a fraction allowed)
        "layerlab.runs.idle-minutes=0.05",
        "layerlab.live.max-epochs-per-second=20",
        "layerlab.api.max-requests-per-minute=0"})
// its runs and JobRunr's threads end with its context
@DirtiesContext
class ClusterApiTest {

    private static final String PASSWORD = "correct horse battery";

    @LocalServerPort
    int port;
    @Autowired
    ClusterStore cluster;
    @Autowired
    TrainRunHandler handler;
    @Autowired
    TrainingRuntime runtime;
    @Autowired
    NodeSettings node;
    @Autowired
    TrainingRunJournal journal;
    @Autowired
    JdbcTemplate jdbc;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aRunTrainsOnAWorkerThroughJobRunrAndTheApiAnswersFromTheDatabase() throws Exception {
        String[] ana = newUser("clusterana");
        String experiment = save(ana, xor(4));
        JsonNode started = ok(send("POST", "/api/experiments/" + experiment + "/runs", "{}", ana), 202);
        String id = started.get("id").asText();
        assertEquals("queued", started.get("state").asText());
        assertEquals(1, started.get("position").asInt(), started.toString());

        JsonNode done = await(ana, id, r -> r.get("state").asText().equals("finished"), "finished");
        assertEquals(node.name(), done.get("node").asText(), "the node whose worker trained it");
        assertEquals(4, done.get("epoch").asInt());
        assertEquals(List.of(0, 1, 2, 3, 4), epochs(done), done.toString());
        assertEquals("cpu", done.get("backend").asText());
        // what it learned is its experiment's, and its files are there for anyone with the id
        assertEquals(200, send("GET", "/api/experiments/" + experiment + "/weights", null, ana).statusCode());
        assertEquals(200, send("GET", "/api/runs/" + id + "/weights", null, ana).statusCode());
        JsonNode listed = ok(send("GET", "/api/experiments/" + experiment, null, ana), 200).get("runs");
        assertEquals(id, listed.get(0).get("id").asText());
        assertEquals("finished", listed.get(0).get("state").asText());
        // another user's run is not found, as one that never was
        assertEquals(404, send("GET", "/api/runs/" + id, null, newUser("clusterbob")).statusCode());
    }

    @Test
    void aRunNamingABackendNoWorkerHasIsRefusedNamingTheWorkers() throws Exception {
        String[] kim = newUser("clusterkim");
        // the heartbeat lists this node's backends within a second or so of its start
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (cluster.nodes(java.time.Duration.ofSeconds(30)).stream().noneMatch(n -> n.name().equals(node.name()))
                && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        ObjectNode onCuda = xor(4);
        // a backend this machine lacks (CI has no NVIDIA driver), named rather than auto
        onCuda.put("backend", "cuda");
        String experiment = save(kim, onCuda);
        JsonNode refused = ok(send("POST", "/api/experiments/" + experiment + "/runs", "{}", kim), 422);
        String detail = refused.get("detail").asText();
        assertTrue(detail.contains("No worker node of this server has the cuda backend")
                && detail.contains(node.name() + " has cpu") && detail.contains("\"auto\""), detail);
        assertTrue(cluster.ofOwner("user:clusterkim", 10).isEmpty(), "nothing queued for ever");
    }

    @Test
    void aRunForABackendThisWorkerLacksWaitsForOneThatHasItAndFailsOnceNoneHas() throws Exception {
        String[] lee = newUser("clusterlee");
        // a GPU worker, as its heartbeat says it (what auto gives there first)
        cluster.heartbeat("gpu-worker-test", "worker", List.of("cuda", "cpu"), 0);
        try {
            ObjectNode onCuda = xor(4);
            onCuda.put("backend", "cuda");
            String experiment = save(lee, onCuda);
            String id = ok(send("POST", "/api/experiments/" + experiment + "/runs", "{}", lee), 202).get("id").asText();
            // this node's worker is given its job and leaves it for the one that has the backend
            JsonNode waiting = await(lee, id, r -> r.path("message").asText()
                    .contains("Waiting for a worker with the cuda backend (gpu-worker-test)"), "left for the GPU worker");
            assertEquals("queued", waiting.get("state").asText(), waiting.toString());
            assertEquals(0, runtime.runsOf("user:clusterlee").size(), "nothing trains here");

            // that worker is gone: the run fails saying so rather than waiting for ever
            jdbc.update("delete from cluster_nodes where name = ?", "gpu-worker-test");
            JsonNode failed = await(lee, id, r -> r.get("state").asText().equals("failed"), "failed");
            assertTrue(failed.get("message").asText().contains("No worker node has the cuda backend now"), failed.toString());
        } finally {
            jdbc.update("delete from cluster_nodes where name = ?", "gpu-worker-test");
        }
    }

    @Test
    void aRunPausedOnAWorkerForTheIdleTimeStopsAndGivesItsWorkerBack() throws Exception {
        String[] pia = newUser("clusterpia");
        String experiment = save(pia, xor(10_000));
        String id = ok(send("POST", "/api/experiments/" + experiment + "/runs", "{}", pia), 202).get("id").asText();
        await(pia, id, r -> r.get("epoch").asInt() >= 1, "training");
        // a page's Pause (WorkerRunView) leaves it in the database
        cluster.want(id, ClusterStore.PAUSE);
        Run<?> run = awaitRun(id, "user:clusterpia");
        long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!run.isPaused() && System.nanoTime() < wait) {
            Thread.sleep(20);
        }
        assertTrue(run.isPaused(), "paused on the worker");
        long pausedAt = System.nanoTime();
        JsonNode stopped = await(pia, id, r -> r.get("state").asText().equals("stopped"), "stopped after the idle time");
        assertTrue(System.nanoTime() - pausedAt >= TimeUnit.MILLISECONDS.toNanos(2_500), "not before its idle time");
        assertTrue(stopped.get("message").asText().contains("paused on worker " + node.name()), stopped.toString());
        // its job is over: the run's thread rests, no job of it holds a worker
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (cluster.find(id).orElseThrow().placement() != null && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertTrue(cluster.find(id).orElseThrow().placement() == null, "released");
        // Resume goes on from its checkpoint, and the notice of the stop goes
        ok(send("POST", "/api/runs/" + id + "/resume", null, pia), 202);
        JsonNode again = await(pia, id, r -> r.get("state").asText().equals("running"), "training again");
        assertTrue(!again.has("message") || !again.get("message").asText().contains("paused on worker"), again.toString());
        ok(send("POST", "/api/runs/" + id + "/stop", null, pia), 200);
    }

    @Test
    void aStopReachesTheWorkerAndAResumeGoesOnFromTheCheckpoint() throws Exception {
        String[] eve = newUser("clustereve");
        String experiment = save(eve, xor(200));
        String id = ok(send("POST", "/api/experiments/" + experiment + "/runs", "{}", eve), 202).get("id").asText();
        await(eve, id, r -> r.get("epoch").asInt() >= 2, "past epoch 2");

        JsonNode stopped = ok(send("POST", "/api/runs/" + id + "/stop", null, eve), 200);
        assertEquals("stopped", stopped.get("state").asText(), "stopped within the stop's wait: " + stopped);
        int at = stopped.get("epoch").asInt();
        assertEquals(409, send("POST", "/api/runs/" + id + "/stop", null, eve).statusCode(), "a stopped run stops no more");

        ok(send("POST", "/api/runs/" + id + "/resume", null, eve), 202);
        JsonNode again = await(eve, id, r -> r.get("state").asText().equals("running") && r.get("epoch").asInt() > at + 1,
                "training again past where it stopped");
        ok(send("POST", "/api/runs/" + id + "/stop", null, eve), 200);
        JsonNode end = await(eve, id, r -> r.get("state").asText().equals("stopped"), "stopped again");
        List<Integer> seen = epochs(end);
        assertEquals(IntStream.rangeClosed(0, seen.get(seen.size() - 1)).boxed().toList(), seen,
                "every epoch once, across the stop and the resume: " + again);
        // the segment before the resume let its thread go: one thread of the run at most (the last, resting)
        String thread = "run-" + id.substring(0, 8);
        assertTrue(Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().equals(thread))
                .count() <= 1, "one thread of the run at most");
    }

    /**
     * A worker died while it trained a run (its row names it; JobRunr gave the job again): this node takes
     * the run over from its checkpoint, the metrics of the epochs trained past it are trained again (not
     * counted twice), and the run says what happened.
     */
    @Test
    void aDeadWorkersRunIsTakenOverFromItsCheckpoint() throws Exception {
        // a run of 3 epochs, here, leaves a folder with its checkpoint of epoch 3: the dead worker's
        Run<?> first = runtime.submit(List.of(TestRuns.POINTS), new RunOptions("user:zoe", true, "playground", false, 3),
                TestRuns.STATUS);
        TestRuns.await(first, s -> s.state() == RunState.FINISHED, "finished");
        Experiment experiment = first.experiments().get(0);
        String id = TrainingRuntime.newRunId();
        Instant now = Instant.now();
        cluster.submit(new RunJournal.Entry(id, "user:zoe", "api", null, List.of(experiment), RunState.QUEUED, 6, -1,
                null, "cpu", "", null, now, now));
        int segment = cluster.hand(id).orElseThrow();
        // what the dead worker wrote: its folder (its journal writes) and epochs 0 to 5, 4 and 5 past its checkpoint
        RunJournal.Entry queued = cluster.find(id).orElseThrow().entry();
        journal.write(new RunJournal.Entry(id, queued.owner(), queued.page(), null, queued.experiments(), RunState.RUNNING,
                6, 3, first.folder(), "cpu", "cpu:0", null, queued.started(), Instant.now()));
        // (this node's journal names itself: the take names the dead worker, as its own journal writes did)
        cluster.take(id, segment, "dead-worker").orElseThrow();
        List<EpochStats> wrong = new ArrayList<>(first.history().get(0));
        wrong.add(new EpochStats(4, 99, 99, 0.0, 0.0));
        wrong.add(new EpochStats(5, 99, 99, 0.0, 0.0));
        cluster.epochs(id, 0, wrong);

        handler.run(new TrainRun(id, segment));

        // the run's thread writes its journal row a moment after the run ended
        ClusterStore.Shared after = cluster.find(id).orElseThrow();
        for (int i = 0; i < 200 && after.state() != RunState.FINISHED; i++) {
            Thread.sleep(50);
            after = cluster.find(id).orElseThrow();
        }
        assertEquals(RunState.FINISHED, after.state());
        assertEquals(node.name(), after.node());
        List<EpochStats> metrics = cluster.epochs(id, 0);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), metrics.stream().map(EpochStats::epoch).toList());
        assertNotEquals(99.0, metrics.get(4).trainLoss(), "epoch 4 was trained again, not kept from the dead worker");
        assertEquals(first.history().get(0).get(3).trainLoss(), metrics.get(3).trainLoss(), 0.0,
                "epochs up to the checkpoint are the dead worker's");
        String notice = cluster.find(id).orElseThrow().notice();
        assertTrue(notice.contains("from its checkpoint of epoch 3") && notice.contains("dead-worker"), notice);
        // a job given again once its run ended trains nothing
        handler.run(new TrainRun(id, segment));
        assertEquals(7, cluster.epochs(id, 0).size());
    }

    /**
     * JobRunr stops a worker's job server when the database fails it too often (its open-source edition),
     * interrupting the jobs: the run trains on, and the job, given again once the database is back, follows
     * that same run rather than starting it anew.
     */
    @Test
    void aJobInterruptedWhileTheNodeRunsOnFindsItsRunStillTrainingWhenGivenAgain() throws Exception {
        String id = TrainingRuntime.newRunId();
        Instant now = Instant.now();
        cluster.submit(new RunJournal.Entry(id, "user:yan", "api", null, List.of(TestRuns.POINTS), RunState.QUEUED, 100_000,
                -1, null, "cpu", "", null, now, now));
        int segment = cluster.hand(id).orElseThrow();
        Thread first = new Thread(() -> {
            try {
                handler.run(new TrainRun(id, segment));
            } catch (Exception interrupted) {
                // as JobRunr's server sees it: the job failed
            }
        });
        first.start();
        Run<?> run = awaitRun(id, "user:yan");
        TestRuns.await(run, s -> s.epoch() >= 2, "training");
        first.interrupt();
        first.join(10_000);
        assertTrue(!first.isAlive(), "the job's thread ended");
        int at = run.status().epoch();
        TestRuns.await(run, s -> s.epoch() >= at + 2, "training on without its job");

        Thread again = new Thread(() -> {
            try {
                handler.run(new TrainRun(id, segment));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        again.start();
        // the job follows the run again: what it writes moves on, and a stop left in the database reaches the run
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (cluster.find(id).orElseThrow().epoch() <= at + 2 && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertTrue(runtime.find(id, "user:yan").orElseThrow() == run, "the same run, not one started anew");
        cluster.want(id, ClusterStore.STOP);
        again.join(30_000);
        // the run's status says it stopped a moment after its ending (which the job waits for) completed
        TestRuns.await(run, st -> st.state() == RunState.STOPPED, "stopped by the job that follows it again");
        List<Integer> epochs = cluster.epochs(id, 0).stream().map(EpochStats::epoch).toList();
        assertEquals(IntStream.rangeClosed(0, epochs.get(epochs.size() - 1)).boxed().toList(), epochs, "every epoch once");
    }

    private Run<?> awaitRun(String id, String owner) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            // the run that trains (adopting it lists first, for a moment, one at its checkpoint that never starts)
            var found = runtime.find(id, owner).filter(Run::isAlive);
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("run " + id + " never trained here");
    }

    // ---- HTTP, as a script drives the API -------------------------------------------------------------

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        return TestHttp.send(method, "http://localhost:" + port + path, body, headers);
    }

    private JsonNode ok(HttpResponse<String> r, int status) throws Exception {
        assertEquals(status, r.statusCode(), r::body);
        return r.body().isEmpty() ? json.nullNode() : json.readTree(r.body());
    }

    private String[] newUser(String name) throws Exception {
        ok(send("POST", "/api/users", "{\"username\": \"" + name + "\", \"password\": \"" + PASSWORD + "\"}"), 201);
        String basic = "Basic " + Base64.getEncoder().encodeToString((name + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        JsonNode token = ok(send("POST", "/api/tokens", "{\"name\": \"test\"}", "Authorization", basic), 201);
        return new String[] {"Authorization", "Bearer " + token.get("token").asText()};
    }

    private ObjectNode xor(int epochs) throws Exception {
        ObjectNode e = (ObjectNode) json.readTree(ExperimentFiles.toJson(TestRuns.POINTS).toString());
        e.put("epochs", epochs);
        return e;
    }

    private String save(String[] user, JsonNode experiment) throws Exception {
        return ok(send("POST", "/api/experiments", experiment.toString(), user), 201).get("id").asText();
    }

    /** Polls the run until {@code p} holds: JobRunr looks for jobs every 5 s, so up to a minute and a half. */
    private JsonNode await(String[] user, String id, Predicate<JsonNode> p, String what) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        JsonNode run = null;
        while (System.nanoTime() < end) {
            run = ok(send("GET", "/api/runs/" + id, null, user), 200);
            if (p.test(run)) {
                return run;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("never " + what + "; last: " + run);
    }

    private static List<Integer> epochs(JsonNode run) {
        List<Integer> out = new ArrayList<>();
        run.get("metrics").forEach(m -> out.add(m.get("epoch").asInt()));
        return out;
    }
}
