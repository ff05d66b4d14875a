package com.layerlab.app.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.cluster.ClusterStore;
import com.layerlab.app.cluster.ClusterStore.Placement;
import com.layerlab.app.cluster.ClusterStore.Shared;
import com.layerlab.app.cluster.NodeSettings;
import com.layerlab.app.cluster.RunPoints;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.training.RunJournal;
import com.layerlab.app.training.RunState;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentFiles;
import com.layerlab.engine.train.EpochStats;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What {@link ClusterStore} promises the nodes of a cluster, and what the journal's writes leave of it, on
 * whichever database a subclass names: the same tests on H2 ({@link H2ClusterStoreTest}) and PostgreSQL
 * ({@link PostgresClusterStoreTest}). Here, in the journal's package, to build {@link TrainingRunJournal}s
 * of several nodes over one database as the app builds its own.
 *
 * <p>The database may be shared with other test classes (PostgreSQL's is): every run, owner and node has a
 * name of this run's own, and the counts over everyone are compared before and after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ClusterStoreContract {

    private ConfigurableApplicationContext context;
    private ClusterStore cluster;
    private JdbcTemplate jdbc;
    /** The journal of the web node that submits runs, and of two workers; all three in one cluster. */
    private TrainingRunJournal web;
    private TrainingRunJournal workerA;
    private TrainingRunJournal workerB;
    private final String tag = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final Experiment experiment = PlaygroundSettings.DEFAULTS.toExperiment();
    private int ids;

    /** The properties that point the store at this class's database. */
    abstract Map<String, String> database();

    @BeforeAll
    void start() {
        context = StoreContext.start(database());
        jdbc = new JdbcTemplate(context.getBean(DataSource.class));
        cluster = new ClusterStore(jdbc);
        TrainingRunRepository rows = context.getBean(TrainingRunRepository.class);
        web = new TrainingRunJournal(rows, node("web", NodeSettings.Role.WEB));
        workerA = new TrainingRunJournal(rows, node("worker-a", NodeSettings.Role.WORKER));
        workerB = new TrainingRunJournal(rows, node("worker-b", NodeSettings.Role.WORKER));
    }

    @AfterAll
    void stop() {
        if (context != null) {
            context.close();
        }
    }

    private NodeSettings node(String name, NodeSettings.Role role) {
        return new NodeSettings(role, name + "-" + tag, true);
    }

    private String name(String node) {
        return node + "-" + tag;
    }

    /** A fresh run's id (at most 32 characters, as training_runs.id). */
    private String id() {
        return tag + "r" + (++ids);
    }

    /** A background run as the API submits it: QUEUED, no checkpoint, times to the microsecond (as both databases keep them). */
    private RunJournal.Entry entry(String id, String owner, Instant started) {
        Instant t = started.truncatedTo(ChronoUnit.MICROS);
        return new RunJournal.Entry(id, owner, "api", "exp-" + tag, List.of(experiment, experiment), RunState.QUEUED,
                20, -1, Path.of("/runs", id), "cpu", "CPU", "queued", t, t);
    }

    private RunJournal.Entry submit(String owner) {
        RunJournal.Entry e = entry(id(), owner, Instant.now());
        cluster.submit(e);
        return e;
    }

    private Shared find(String id) {
        return cluster.find(id).orElseThrow(() -> new AssertionError("run " + id + " is in the table"));
    }

    /** A run handed and taken by {@code worker}, which wrote it RUNNING as a run does once it starts. */
    private RunJournal.Entry running(String owner, TrainingRunJournal journal, String worker) {
        RunJournal.Entry e = submit(owner);
        int segment = cluster.hand(e.id()).orElseThrow();
        assertTrue(cluster.take(e.id(), segment, name(worker)).isPresent());
        RunJournal.Entry started = e.as(RunState.RUNNING, "training", Instant.now());
        journal.write(started);
        return started;
    }

    // ---- a web node's runs in and out ---------------------------------------------------------------------

    @Test
    void aSubmittedRunIsFoundAsItWasWrittenWaitingForTheHandOff() {
        RunJournal.Entry e = entry(id(), "user:" + tag, Instant.now().minusSeconds(5));
        cluster.submit(e);

        Shared s = find(e.id());
        assertEquals(e.id(), s.id());
        assertEquals(e.owner(), s.entry().owner());
        assertEquals("api", s.entry().page());
        assertEquals(e.experimentId(), s.entry().experimentId());
        assertEquals(List.of(ExperimentFiles.write(experiment), ExperimentFiles.write(experiment)),
                s.entry().experiments().stream().map(ExperimentFiles::write).toList(), "both networks' experiments");
        assertEquals(RunState.QUEUED, s.state());
        assertEquals(20, s.entry().epochs());
        assertEquals(-1, s.entry().checkpointEpoch());
        assertEquals(e.folder(), s.entry().folder());
        assertEquals("cpu", s.entry().backend());
        assertEquals("CPU", s.entry().device());
        assertEquals("queued", s.entry().message());
        assertEquals(e.started(), s.entry().started());
        assertEquals(e.updated(), s.entry().updated());
        assertTrue(s.background());
        assertEquals(Placement.WAITING, s.placement());
        assertEquals(0, s.segment());
        assertNull(s.node());
        assertNull(s.wanted());
        assertEquals(0, s.epoch());
        assertEquals(0, s.batch());
        assertEquals(0, s.batches());
        assertTrue(Double.isNaN(s.samplesPerSecond()), "no speed yet: " + s.samplesPerSecond());
        assertNull(s.progressAt());
        assertTrue(cluster.find(tag + "missing").isEmpty());
    }

    @Test
    void anOwnersRunsAreListedByExperimentOldestFirstAndAllNewestFirst() {
        String owner = "user:o" + tag;
        Instant t = Instant.now().minusSeconds(60);
        RunJournal.Entry first = entry(id(), owner, t);
        RunJournal.Entry second = entry(id(), owner, t.plusSeconds(1));
        RunJournal.Entry other = new RunJournal.Entry(id(), owner, "api", "other-" + tag, List.of(experiment),
                RunState.QUEUED, 5, -1, null, "cpu", "CPU", null, t.plusSeconds(2), t.plusSeconds(2));
        cluster.submit(second);
        cluster.submit(first);
        cluster.submit(other);
        cluster.submit(entry(id(), "user:someone-else" + tag, t.plusSeconds(3)));
        // a page's run of the same owner is not a background run
        web.write(new RunJournal.Entry(id(), owner, "playground", null, List.of(experiment), RunState.RUNNING, 0, -1,
                null, "cpu", "CPU", null, t.plusSeconds(4), t.plusSeconds(4)));

        assertEquals(List.of(first.id(), second.id()), ids(cluster.ofExperiment("exp-" + tag, owner)));
        assertEquals(List.of(), ids(cluster.ofExperiment("exp-" + tag, "user:nobody" + tag)));
        assertEquals(List.of(other.id(), second.id(), first.id()), ids(cluster.ofOwner(owner, 10)));
        assertEquals(List.of(other.id(), second.id()), ids(cluster.ofOwner(owner, 2)), "the newest two");
        assertNull(find(other.id()).entry().folder());
        assertNull(find(other.id()).entry().message());
    }

    @Test
    void exactlyOneOfTwoNodesHandingARunAtOnceHandsIt() throws Exception {
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 20; i++) {
                String id = submit("user:h" + tag).id();
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<Optional<Integer>>> calls = new ArrayList<>();
                for (int n = 0; n < 2; n++) {
                    calls.add(nodes.submit(() -> {
                        together.await(10, TimeUnit.SECONDS);
                        return cluster.hand(id);
                    }));
                }
                List<Optional<Integer>> got = new ArrayList<>();
                for (Future<Optional<Integer>> c : calls) {
                    got.add(c.get(30, TimeUnit.SECONDS));
                }
                assertEquals(1, got.stream().filter(Optional::isPresent).count(), "one node handed it: " + got);
                assertEquals(Optional.of(1), got.stream().filter(Optional::isPresent).findFirst().orElseThrow(),
                        "its first segment");
                Shared s = find(id);
                assertEquals(Placement.HANDED, s.placement());
                assertEquals(1, s.segment(), "handed once");
                assertEquals(RunState.QUEUED, s.state(), "it stays queued until a worker runs it");
            }
        } finally {
            nodes.shutdownNow();
        }
    }

    @Test
    void aRunIsHandedOnlyWhileWaitingAndEachResumeHandsItAtANewSegment() {
        String owner = "user:s" + tag;
        RunJournal.Entry e = running(owner, workerA, "worker-a");
        assertTrue(cluster.hand(e.id()).isEmpty(), "handed already");
        assertFalse(cluster.requeue(e.id(), "again"), "a running run is not queued again");

        workerA.write(e.as(RunState.FAILED, "out of memory", Instant.now()));
        assertTrue(cluster.hand(e.id()).isEmpty(), "an ended run is not waiting");
        assertTrue(cluster.requeue(e.id(), "resumed by its owner"));
        Shared requeued = find(e.id());
        assertEquals(RunState.QUEUED, requeued.state());
        assertEquals(Placement.WAITING, requeued.placement());
        assertEquals(2, requeued.segment(), "the old job's segment is stale");
        assertNull(requeued.node());
        assertEquals("resumed by its owner", requeued.entry().message());
        assertTrue(cluster.waiting().stream().anyMatch(s -> s.id().equals(e.id())));

        assertEquals(Optional.of(3), cluster.hand(e.id()));
        assertTrue(cluster.take(e.id(), 1, name("worker-b")).isEmpty(), "the first hand-off's job is stale");
        assertTrue(cluster.take(e.id(), 3, name("worker-b")).isPresent());
        assertTrue(cluster.hand(tag + "missing").isEmpty());
    }

    @Test
    void aWorkerLeavesARunForTheNextHandOffOnlyWhileNoWorkerTrainsIt() {
        RunJournal.Entry e = submit("user:l" + tag);
        int segment = cluster.hand(e.id()).orElseThrow();
        assertFalse(cluster.leave(e.id(), segment - 1, "stale"), "a stale job leaves nothing");
        assertTrue(cluster.leave(e.id(), segment, "Waiting for a worker with the cuda backend (gpu-1)."));
        Shared left = find(e.id());
        assertEquals(Placement.WAITING, left.placement());
        assertEquals(RunState.QUEUED, left.state());
        assertEquals("Waiting for a worker with the cuda backend (gpu-1).", left.entry().message());
        assertTrue(cluster.waiting().stream().anyMatch(w -> w.id().equals(e.id())), "waits for the next hand-off");
        assertEquals(segment + 1, cluster.hand(e.id()).orElseThrow());

        RunJournal.Entry running = running("user:l" + tag, workerA, "worker-a");
        int at = find(running.id()).segment();
        assertFalse(cluster.leave(running.id(), at, "no"), "a run a worker trains stays with it");
        assertEquals(Placement.HANDED, find(running.id()).placement());
    }

    @Test
    void theWaitingRunsAreTheQueuedOnesNotYetHandedOldestFirst() {
        Instant t = Instant.now().minus(Duration.ofDays(1));
        RunJournal.Entry newer = entry(id(), "user:w" + tag, t.plusSeconds(1));
        RunJournal.Entry older = entry(id(), "user:w" + tag, t);
        RunJournal.Entry handed = entry(id(), "user:w" + tag, t.minusSeconds(1));
        cluster.submit(newer);
        cluster.submit(older);
        cluster.submit(handed);
        cluster.hand(handed.id()).orElseThrow();

        List<String> waiting = ids(cluster.waiting()).stream().filter(id -> id.startsWith(tag)).toList();
        assertTrue(waiting.indexOf(older.id()) >= 0 && waiting.indexOf(older.id()) < waiting.indexOf(newer.id()),
                "oldest first: " + waiting);
        assertFalse(waiting.contains(handed.id()), "handed: " + waiting);
    }

    // ---- a worker -----------------------------------------------------------------------------------------

    @Test
    void aWorkerTakesItsJobOnlyAtItsSegmentAndATakeoverSaysWhoseRunItWas() {
        RunJournal.Entry e = submit("user:t" + tag);
        assertTrue(cluster.take(e.id(), 0, name("worker-a")).isEmpty(), "not handed yet");
        int segment = cluster.hand(e.id()).orElseThrow();
        assertTrue(cluster.take(e.id(), segment - 1, name("worker-a")).isEmpty(), "a stale job");
        assertTrue(cluster.take(e.id(), segment + 1, name("worker-a")).isEmpty(), "a job of no hand-off");
        assertNull(find(e.id()).node(), "no refused take set the node");

        Shared before = cluster.take(e.id(), segment, name("worker-a")).orElseThrow();
        assertNull(before.node(), "nobody had it");
        assertEquals(Placement.HANDED, before.placement());
        assertEquals(name("worker-a"), find(e.id()).node());
        workerA.write(e.as(RunState.RUNNING, "training", Instant.now()));
        assertTrue(cluster.want(e.id(), ClusterStore.STOP));

        // worker A died; JobRunr runs the same job on worker B
        Shared taken = cluster.take(e.id(), segment, name("worker-b")).orElseThrow();
        assertEquals(name("worker-a"), taken.node(), "the run was worker A's");
        assertEquals(ClusterStore.STOP, taken.wanted(), "as it was before the take");
        assertEquals(RunState.RUNNING, taken.state());
        Shared now = find(e.id());
        assertEquals(name("worker-b"), now.node());
        assertNull(now.wanted(), "the take clears what was asked of the dead worker");

        workerB.write(e.as(RunState.STOPPED, "stopped", Instant.now()));
        assertTrue(cluster.take(e.id(), segment, name("worker-a")).isEmpty(), "an ended run is not taken");
        assertTrue(cluster.take(tag + "missing", 1, name("worker-a")).isEmpty());
    }

    @Test
    void whatIsAskedOfAWorkerIsReadUntilTheRunIsReleased() {
        RunJournal.Entry e = running("user:q" + tag, workerA, "worker-a");
        assertNull(cluster.wanted(e.id()));
        assertTrue(cluster.want(e.id(), ClusterStore.STOP));
        assertEquals(ClusterStore.STOP, cluster.wanted(e.id()));
        assertEquals(ClusterStore.STOP, find(e.id()).wanted());

        workerA.write(e.as(RunState.STOPPED, "stopped", Instant.now()));
        cluster.released(e.id());
        Shared released = find(e.id());
        assertNull(released.placement());
        assertNull(released.wanted());
        assertNull(cluster.wanted(e.id()));
        assertEquals(name("worker-a"), released.node(), "the row keeps its node");
        assertFalse(cluster.want(e.id(), ClusterStore.STOP), "it ended already");
        assertNull(cluster.wanted(e.id()));
        assertNull(cluster.wanted(tag + "missing"));
        assertFalse(cluster.want(tag + "missing", ClusterStore.STOP));
    }

    @Test
    void aRunThatEndedWhileItsJobHoldsItShowsRunningUntilReleasedAndADeadWorkersEndedRunIsLetGo() {
        RunJournal.Entry e = running("user:r" + tag, workerA, "worker-a");
        int segment = find(e.id()).segment();
        assertFalse(cluster.releaseEnded(e.id(), segment), "a run still training is not let go");
        workerA.write(e.as(RunState.FINISHED, null, Instant.now()));
        Shared ended = find(e.id());
        assertEquals(RunState.FINISHED, ended.state());
        assertEquals(RunState.RUNNING, ended.shown(), "its worker has not written its last progress yet");

        assertFalse(cluster.releaseEnded(e.id(), segment + 1), "only at the job's own segment");
        assertTrue(cluster.releaseEnded(e.id(), segment), "its worker died before letting it go");
        Shared released = find(e.id());
        assertNull(released.placement());
        assertEquals(RunState.FINISHED, released.shown());
        assertFalse(cluster.releaseEnded(e.id(), segment), "once");
    }

    @Test
    void aPauseOrPlayObeyedIsClearedUnlessAnotherWasAskedMeanwhile() {
        RunJournal.Entry e = running("user:p" + tag, workerA, "worker-a");
        RunPoints points = new RunPoints(jdbc);
        assertTrue(cluster.want(e.id(), ClusterStore.PAUSE));
        assertEquals(ClusterStore.PAUSE, cluster.wanted(e.id()));
        points.obeyed(e.id(), ClusterStore.PAUSE);
        assertNull(cluster.wanted(e.id()), "done: cleared");

        assertTrue(cluster.want(e.id(), ClusterStore.PLAY));
        // a stop asked between the worker's read of the play and its clearing of it
        assertTrue(cluster.want(e.id(), ClusterStore.STOP));
        points.obeyed(e.id(), ClusterStore.PLAY);
        assertEquals(ClusterStore.STOP, cluster.wanted(e.id()), "the stop stays for the worker's next tick");
    }

    @Test
    void thePointsWithinEpochsAreReadInOrderAfterTheLastReadTheNewestKeptAndGoWithTheRun() {
        RunPoints points = new RunPoints(jdbc, 50);
        RunJournal.Entry e = running("user:pt" + tag, workerA, "worker-a");
        RunJournal.Entry other = running("user:pt" + tag, workerA, "worker-a");
        points.write(e.id(), batches(0, 1, 1, 30));
        points.write(other.id(), batches(0, 1, 1, 5));

        List<RunPoints.Point> first = points.after(e.id(), 0, 1_000);
        assertEquals(30, first.size());
        assertEquals(List.of(1, 2, 3), first.subList(0, 3).stream().map(RunPoints.Point::batch).toList(), "in order");
        for (int i = 1; i < first.size(); i++) {
            assertTrue(first.get(i).seq() > first.get(i - 1).seq(), "seq grows with every point written");
        }
        RunPoints.Point p = first.get(9);
        assertEquals(0, p.network());
        assertEquals(1, p.epoch());
        assertEquals(10, p.batch());
        assertEquals(40, p.batches());
        assertEquals(1.0 / 10, p.trainLoss(), 1e-12);
        assertEquals(0.25, p.x(), 1e-12, "a quarter into epoch 1");
        long seen = first.get(first.size() - 1).seq();
        assertEquals(List.of(), points.after(e.id(), seen, 1_000), "nothing new");

        // epoch 1 goes on, and epoch 2 begins: 40 more, of which the newest 50 of all 70 are kept
        points.write(e.id(), batches(0, 1, 31, 40));
        points.write(e.id(), batches(1, 2, 1, 30));
        List<RunPoints.Point> kept = points.after(e.id(), 0, 1_000);
        assertEquals(50, kept.size(), "bounded to the newest 50");
        assertEquals(21, kept.get(0).batch(), "the oldest kept is the 21st of epoch 1");
        assertEquals(List.of(31, 32, 33, 34, 35, 36, 37, 38, 39, 40), points.after(e.id(), seen, 10).stream()
                .map(RunPoints.Point::batch).toList(), "after the last read, at most 10: epoch 1's rest");
        assertTrue(points.after(e.id(), seen, 1_000).stream().filter(q -> q.epoch() == 2)
                .allMatch(q -> q.network() == 1), "the second network's, as written");
        assertEquals(5, points.after(other.id(), 0, 1_000).size(), "another run's points are its own");

        // a node that goes on from the checkpoint of epoch 1 trains epoch 2 again
        points.dropAfter(e.id(), 1);
        assertEquals(20, points.after(e.id(), 0, 1_000).size());
        assertTrue(points.after(e.id(), 0, 1_000).stream().allMatch(q -> q.epoch() == 1));

        // the run's row deleted (discarded): its points go with it, and a late write of its node does nothing
        workerA.forget(e.id());
        assertEquals(List.of(), points.after(e.id(), 0, 1_000));
        points.write(e.id(), batches(0, 2, 1, 3));
        assertEquals(List.of(), points.after(e.id(), 0, 1_000));
        assertEquals(5, points.after(other.id(), 0, 1_000).size());
    }

    /** Points of {@code network}, epoch {@code epoch}, batches {@code from} to {@code to} of 40, loss 1/batch. */
    private static List<RunPoints.Point> batches(int network, int epoch, int from, int to) {
        List<RunPoints.Point> out = new ArrayList<>();
        for (int b = from; b <= to; b++) {
            out.add(new RunPoints.Point(0, network, epoch, b, 40, 1.0 / b));
        }
        return out;
    }

    @Test
    void aRunNoWorkerHasIsEndedByTheWebNodeAndATakenOneIsNot() {
        RunJournal.Entry waiting = submit("user:e" + tag);
        assertTrue(cluster.endUntaken(waiting.id(), RunState.STOPPED, "stopped before it started"));
        Shared ended = find(waiting.id());
        assertEquals(RunState.STOPPED, ended.state());
        assertEquals("stopped before it started", ended.entry().message());
        assertNull(ended.placement());
        assertFalse(ended.entry().updated().isBefore(waiting.updated()), "updated as it ended");
        assertFalse(cluster.endUntaken(waiting.id(), RunState.FAILED, "again"), "it ended");
        assertEquals(RunState.STOPPED, find(waiting.id()).state());

        RunJournal.Entry handed = submit("user:e" + tag);
        int segment = cluster.hand(handed.id()).orElseThrow();
        cluster.want(handed.id(), ClusterStore.STOP);
        assertTrue(cluster.endUntaken(handed.id(), RunState.STOPPED, "stopped"), "a job not yet taken");
        assertNull(find(handed.id()).wanted());
        assertTrue(cluster.take(handed.id(), segment, name("worker-a")).isEmpty(), "its job finds it ended");

        RunJournal.Entry taken = submit("user:e" + tag);
        cluster.take(taken.id(), cluster.hand(taken.id()).orElseThrow(), name("worker-a")).orElseThrow();
        assertFalse(cluster.endUntaken(taken.id(), RunState.STOPPED, "stopped"), "a worker has it");
        assertEquals(RunState.QUEUED, find(taken.id()).state());
        assertEquals(Placement.HANDED, find(taken.id()).placement());

        RunJournal.Entry page = new RunJournal.Entry(id(), "user:e" + tag, "playground", null, List.of(experiment),
                RunState.QUEUED, 0, -1, null, "cpu", "CPU", null, Instant.now(), Instant.now());
        web.write(page);
        assertFalse(cluster.endUntaken(page.id(), RunState.STOPPED, "stopped"), "a page's run is its node's");
        assertFalse(cluster.requeue(page.id(), "again"));
    }

    @Test
    void aResumeQueuesOnlyARunThatEndedStoppedInterruptedOrFailed() {
        for (RunState end : List.of(RunState.STOPPED, RunState.INTERRUPTED, RunState.FAILED)) {
            RunJournal.Entry e = running("user:r" + tag, workerA, "worker-a");
            cluster.want(e.id(), ClusterStore.STOP);
            workerA.write(e.as(end, "ended", Instant.now()));
            assertTrue(cluster.requeue(e.id(), "resumed"), end.toString());
            Shared s = find(e.id());
            assertEquals(RunState.QUEUED, s.state());
            assertEquals(Placement.WAITING, s.placement());
            assertEquals(2, s.segment());
            assertNull(s.node());
            assertNull(s.wanted());
            assertEquals("resumed", s.entry().message());
            assertFalse(cluster.requeue(e.id(), "twice"), "queued already");
        }
        RunJournal.Entry finished = running("user:r" + tag, workerA, "worker-a");
        workerA.write(finished.as(RunState.FINISHED, "done", Instant.now()));
        assertFalse(cluster.requeue(finished.id(), "again"), "a finished run has no more epochs");
        assertEquals(RunState.FINISHED, find(finished.id()).state());
        assertFalse(cluster.requeue(tag + "missing", "again"));
    }

    @Test
    void progressIsWhatTheWorkerLastSaid() {
        RunJournal.Entry e = running("user:p" + tag, workerA, "worker-a");
        Instant before = Instant.now().minusSeconds(1);
        cluster.progress(e.id(), 3, 7, 40, 1234.5);
        Shared s = find(e.id());
        assertEquals(3, s.epoch());
        assertEquals(7, s.batch());
        assertEquals(40, s.batches());
        assertEquals(1234.5, s.samplesPerSecond());
        assertNotNull(s.progressAt());
        assertTrue(s.progressAt().isAfter(before), s.progressAt() + " is now");

        cluster.progress(e.id(), 4, 0, 40, Double.NaN);
        s = find(e.id());
        assertEquals(4, s.epoch());
        assertTrue(Double.isNaN(s.samplesPerSecond()), "unknown: " + s.samplesPerSecond());
        cluster.progress(tag + "missing", 1, 1, 1, 1); // a run without a row: nothing, and no failure
    }

    @Test
    void anEpochWrittenAgainReplacesItsRowAndTheEpochsPastACheckpointAreDropped() {
        String id = submit("user:m" + tag).id();
        String other = submit("user:m" + tag).id();
        assertEquals(List.of(), cluster.epochs(id, 0));
        List<EpochStats> first = List.of(new EpochStats(0, 2.0, 2.1, 0.1, 0.12), new EpochStats(1, 1.5, 1.6, 0.4, 0.38),
                new EpochStats(2, 1.0, 1.2, 0.6, 0.55), new EpochStats(3, 0.8, 0.9, 0.7, 0.66));
        cluster.epochs(id, 0, first);
        // a regression network: no accuracies
        List<EpochStats> regression = List.of(new EpochStats(0, 5.0, 5.5, null, null), new EpochStats(1, 4.0, 4.4, null, null));
        cluster.epochs(id, 1, regression);
        cluster.epochs(other, 0, List.of(new EpochStats(0, 9.0, 9.0, null, null)));
        assertEquals(first, cluster.epochs(id, 0));
        assertEquals(regression, cluster.epochs(id, 1));

        // the worker died past its checkpoint of epoch 2; the next one trains epoch 3 again, and epoch 4
        cluster.epochs(id, 0, List.of(new EpochStats(3, 0.75, 0.85, 0.72, 0.68)));
        cluster.epochs(id, 0, List.of(new EpochStats(3, 0.7, 0.8, 0.75, 0.7), new EpochStats(4, 0.6, 0.7, 0.8, 0.72)));
        List<EpochStats> again = cluster.epochs(id, 0);
        assertEquals(List.of(0, 1, 2, 3, 4), again.stream().map(EpochStats::epoch).toList(), "every epoch once");
        assertEquals(new EpochStats(3, 0.7, 0.8, 0.75, 0.7), again.get(3), "the latest values");
        assertEquals(first.subList(0, 3), again.subList(0, 3));

        // a network that diverged: its losses are not numbers, and stay so
        cluster.epochs(id, 2, List.of(new EpochStats(0, Double.NaN, Double.POSITIVE_INFINITY, 0.1, null)));
        EpochStats diverged = cluster.epochs(id, 2).get(0);
        assertTrue(Double.isNaN(diverged.trainLoss()));
        assertEquals(Double.POSITIVE_INFINITY, diverged.testLoss());
        assertNull(diverged.testAccuracy());

        cluster.dropEpochsAfter(id, 1);
        assertEquals(first.subList(0, 2), cluster.epochs(id, 0));
        assertEquals(regression, cluster.epochs(id, 1));
        assertEquals(1, cluster.epochs(id, 2).size());
        assertEquals(1, cluster.epochs(other, 0).size(), "another run's epochs stay");
        cluster.epochs(id, 0, List.of()); // nothing to write: nothing changes
        assertEquals(2, cluster.epochs(id, 0).size());
    }

    @Test
    void aNoticeSaysWhatHappenedBetweenNodesUntilCleared() {
        RunJournal.Entry e = running("user:n" + tag, workerA, "worker-a");
        assertNull(notice(e.id()));
        cluster.notice(e.id(), "Worker B took this run over: worker A stopped answering." + "!".repeat(3000));
        assertTrue(notice(e.id()).startsWith("Worker B took this run over"));
        assertEquals(2000, notice(e.id()).length(), "cut to the column's length");
        workerB.write(e.as(RunState.RUNNING, "training", Instant.now()));
        assertTrue(notice(e.id()).startsWith("Worker B"), "a journal write leaves it");
        cluster.notice(e.id(), null);
        assertNull(notice(e.id()));
        assertTrue(cluster.find(tag + "missing").isEmpty());
    }

    @Test
    void aHandedRunNoWorkerTookSinceBeforeATimeIsFoundAsItsJob() throws Exception {
        RunJournal.Entry lost = entry(id(), "user:l" + tag, Instant.now().minus(Duration.ofHours(1)));
        cluster.submit(lost);
        int segment = cluster.hand(lost.id()).orElseThrow();
        assertTrue(find(lost.id()).entry().updated().isAfter(lost.updated()), "handed now, though submitted an hour ago");
        RunJournal.Entry taken = submit("user:l" + tag);
        cluster.take(taken.id(), cluster.hand(taken.id()).orElseThrow(), name("worker-a")).orElseThrow();
        RunJournal.Entry waiting = submit("user:l" + tag);
        Thread.sleep(20);
        Instant now = Instant.now();
        RunJournal.Entry recent = submit("user:l" + tag);
        cluster.hand(recent.id()).orElseThrow();

        List<com.layerlab.app.cluster.TrainRun> jobs = cluster.handedUntaken(now).stream()
                .filter(j -> j.runId().startsWith(tag)).toList();
        assertTrue(jobs.contains(new com.layerlab.app.cluster.TrainRun(lost.id(), segment)), jobs.toString());
        assertFalse(jobs.stream().anyMatch(j -> j.runId().equals(taken.id()) || j.runId().equals(waiting.id())
                || j.runId().equals(recent.id())), "taken, waiting, handed after: " + jobs);
        assertTrue(cluster.handedUntaken(lost.started()).stream().noneMatch(j -> j.runId().equals(lost.id())),
                "handed after that");
    }

    @Test
    void aRunWhoseJobJobRunrGaveUpOnFailsSayingWhyOnlyAtItsSegment() {
        RunJournal.Entry handed = submit("user:g" + tag);
        int segment = cluster.hand(handed.id()).orElseThrow();
        RunJournal.Entry waiting = submit("user:g" + tag);
        List<String> jobs = cluster.handedJobs().stream().map(com.layerlab.app.cluster.TrainRun::runId).toList();
        assertTrue(jobs.contains(handed.id()) && !jobs.contains(waiting.id()), jobs.toString());

        assertFalse(cluster.givenUp(handed.id(), segment + 1, "an older job"), "another hand-off's job changes nothing");
        assertTrue(cluster.givenUp(handed.id(), segment, "No worker could train it: no cuda"));
        Shared failed = find(handed.id());
        assertEquals(RunState.FAILED, failed.state());
        assertEquals("No worker could train it: no cuda", failed.entry().message());
        assertEquals(null, failed.placement());
        assertFalse(cluster.givenUp(handed.id(), segment, "again"), "an ended run is not failed twice");
        assertFalse(cluster.handedJobs().stream().anyMatch(j -> j.runId().equals(handed.id())));
    }

    // ---- the counts the hand-off and the API read ---------------------------------------------------------

    @Test
    void theCountsOfUnfinishedHandedAndQueuedRunsCountWhatTheySay() {
        String owner = "user:c" + tag;
        int everyone = cluster.unfinished(null);
        assertEquals(0, cluster.unfinished(owner));
        assertEquals(0, cluster.handed(owner));

        RunJournal.Entry waiting = submit(owner);
        RunJournal.Entry handed = submit(owner);
        cluster.hand(handed.id()).orElseThrow();
        RunJournal.Entry running = running(owner, workerA, "worker-a");
        RunJournal.Entry paused = running(owner, workerA, "worker-a");
        workerA.write(paused.as(RunState.PAUSED, "paused", Instant.now()));
        RunJournal.Entry interrupted = running(owner, workerA, "worker-a");
        workerA.write(interrupted.as(RunState.INTERRUPTED, "worker-a stopped", Instant.now()));
        RunJournal.Entry finished = running(owner, workerA, "worker-a");
        workerA.write(finished.as(RunState.FINISHED, "done", Instant.now()));
        RunJournal.Entry released = running(owner, workerA, "worker-a");
        workerA.write(released.as(RunState.STOPPED, "stopped", Instant.now()));
        cluster.released(released.id());
        // a page's run of the same owner is not a background run
        web.write(new RunJournal.Entry(id(), owner, "playground", null, List.of(experiment), RunState.RUNNING, 0, -1,
                null, "cpu", "CPU", null, Instant.now(), Instant.now()));
        submit("user:other" + tag);

        assertEquals(4, cluster.unfinished(owner), "waiting, handed, running, paused");
        Set<Path> folders = cluster.unendedFolders();
        for (RunJournal.Entry e : List.of(waiting, handed, running, paused, interrupted)) {
            assertTrue(folders.contains(e.folder()), "the folder of a run that goes on: " + e.id());
        }
        assertFalse(folders.contains(finished.folder()) || folders.contains(released.folder()), "ended runs' folders");
        assertEquals(everyone + 5, cluster.unfinished(null), "and the other owner's");
        assertEquals(4, cluster.handed(owner), "handed, running, paused, interrupted");
        assertEquals(0, cluster.handed("user:other" + tag));
    }

    @Test
    void theRunsAheadOfOneAreTheBackgroundRunsQueuedBeforeIt() {
        // long ago, so that no other test's runs are in between
        Instant t = Instant.parse("2001-01-01T00:00:00Z").plus(Duration.ofMinutes(Math.abs(tag.hashCode() % 1_000_000)));
        int before = cluster.queuedBefore(t);
        cluster.submit(entry(id(), "user:b" + tag, t.minusSeconds(2)));
        RunJournal.Entry handed = entry(id(), "user:b" + tag, t.minusSeconds(1));
        cluster.submit(handed);
        cluster.hand(handed.id()).orElseThrow();
        RunJournal.Entry ended = entry(id(), "user:b" + tag, t.minusSeconds(1));
        cluster.submit(ended);
        cluster.endUntaken(ended.id(), RunState.STOPPED, "stopped");
        cluster.submit(entry(id(), "user:b" + tag, t));
        cluster.submit(entry(id(), "user:b" + tag, t.plusSeconds(1)));
        assertEquals(before + 2, cluster.queuedBefore(t), "the waiting one and the handed one, both still queued");
    }

    // ---- the nodes ----------------------------------------------------------------------------------------

    @Test
    void aNodeIsListedWhileItSaysItIsAliveAsItLastSaid() throws Exception {
        String web1 = name("node-web");
        String worker1 = name("node-worker");
        String gone = name("node-gone");
        cluster.heartbeat(web1, "web", List.of("cpu"), 0);
        cluster.heartbeat(worker1, "worker", List.of("cpu", "cuda"), 1);
        cluster.heartbeat(gone, "worker", List.of(), 0);
        jdbc.update("update cluster_nodes set seen_at = started_at - interval '1' hour where name = ?", gone);
        ClusterStore.Node first = node(worker1);
        Thread.sleep(20);
        cluster.heartbeat(worker1, "worker", List.of("cpu", "opencl", "cuda"), 3);

        List<ClusterStore.Node> alive = cluster.nodes(Duration.ofMinutes(1)).stream()
                .filter(n -> n.name().endsWith(tag)).toList();
        assertEquals(List.of(web1, worker1), alive.stream().map(ClusterStore.Node::name).toList(),
                "by name, without the node not seen for an hour");
        ClusterStore.Node worker = alive.get(1);
        assertEquals("worker", worker.role());
        assertEquals(List.of("cpu", "opencl", "cuda"), worker.backends());
        assertEquals(3, worker.runs());
        assertEquals(first.started(), worker.started(), "started when it first said so");
        assertTrue(worker.seen().isAfter(first.seen()), worker.seen() + " after " + first.seen());
        assertEquals(List.of("cpu"), alive.get(0).backends());
        assertTrue(cluster.nodes(Duration.ofHours(2)).stream().anyMatch(n -> n.name().equals(gone)
                && n.backends().isEmpty()), "seen within two hours, with no backends");
    }

    private ClusterStore.Node node(String name) {
        return cluster.nodes(Duration.ofMinutes(1)).stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    // ---- the journal beside the cluster -------------------------------------------------------------------

    @Test
    void aJournalWriteOfABackgroundRunLeavesTheClusterColumnsAndNamesItsNode() {
        RunJournal.Entry e = running("user:j" + tag, workerA, "worker-a");
        cluster.progress(e.id(), 2, 5, 10, 99.0);
        cluster.want(e.id(), ClusterStore.STOP);
        Shared before = find(e.id());

        // the run trains on worker B now (a takeover); its next checkpoint's write comes from there
        RunJournal.Entry checkpoint = new RunJournal.Entry(e.id(), e.owner(), e.page(), e.experimentId(),
                e.experiments(), RunState.RUNNING, e.epochs(), 2, e.folder(), "cuda", "GPU 0", "training", e.started(),
                Instant.now().truncatedTo(ChronoUnit.MICROS));
        workerB.write(checkpoint);
        Shared after = find(e.id());
        assertEquals(checkpoint, new RunJournal.Entry(after.id(), after.entry().owner(), after.entry().page(),
                after.entry().experimentId(), checkpoint.experiments(), after.state(), after.entry().epochs(),
                after.entry().checkpointEpoch(), after.entry().folder(), after.entry().backend(), after.entry().device(),
                after.entry().message(), after.entry().started(), after.entry().updated()), "the journal's columns written");
        assertEquals(name("worker-b"), after.node(), "the node that wrote it");
        assertTrue(after.background(), "still a background run");
        assertEquals(before.placement(), after.placement());
        assertEquals(before.segment(), after.segment());
        assertEquals(ClusterStore.STOP, after.wanted());
        assertEquals(2, after.epoch());
        assertEquals(5, after.batch());
        assertEquals(10, after.batches());
        assertEquals(99.0, after.samplesPerSecond());
        assertEquals(before.progressAt(), after.progressAt());

        // a page's run, new to the table: the cluster's columns as the migration sets them
        RunJournal.Entry page = new RunJournal.Entry(id(), "user:j" + tag, "playground", null, List.of(experiment),
                RunState.RUNNING, 0, -1, null, "cpu", "CPU", null, Instant.now(), Instant.now());
        web.write(page);
        Shared written = find(page.id());
        assertFalse(written.background());
        assertNull(written.placement());
        assertEquals(0, written.segment());
        assertEquals(name("web"), written.node());
        assertNull(written.wanted());
    }

    @Test
    void inAClusterANodeRestoresOnlyItsOwnRunsOnASingleServerEveryRun() {
        RunJournal.Entry webRun = pageRun(web);
        RunJournal.Entry workerRun = pageRun(workerA);
        RunJournal.Entry background = running("user:u" + tag, workerA, "worker-a");
        sleep();
        RunJournal.Entry old = pageRun(web);
        // a row from before nodes were named
        jdbc.update("update training_runs set node = null where id = ?", old.id());
        List<String> these = List.of(webRun.id(), workerRun.id(), background.id(), old.id());

        assertEquals(List.of(webRun.id()), among(these, web.unfinished()), "the web node's own page run");
        assertEquals(List.of(workerRun.id()), among(these, workerA.unfinished()),
                "worker A's own run, not the background run JobRunr gave it");
        assertEquals(List.of(), among(these, workerB.unfinished()));

        TrainingRunJournal single = new TrainingRunJournal(context.getBean(TrainingRunRepository.class),
                new NodeSettings(NodeSettings.Role.BOTH, name("single"), false));
        assertEquals(these, among(these, single.unfinished()), "every unfinished run, oldest first");
        assertEquals(these, among(these, new TrainingRunJournal(context.getBean(TrainingRunRepository.class),
                NodeSettings.SINGLE).unfinished()));
    }

    /** A page's run that {@code journal}'s node writes RUNNING, a millisecond after the one before. */
    private RunJournal.Entry pageRun(TrainingRunJournal journal) {
        Instant t = Instant.now();
        RunJournal.Entry e = new RunJournal.Entry(id(), "user:u" + tag, "playground", null, List.of(experiment),
                RunState.RUNNING, 0, -1, null, "cpu", "CPU", null, t, t);
        journal.write(e);
        sleep();
        return e;
    }

    private static void sleep() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The ids of {@code entries} that are among {@code ids}, in the order of {@code entries}. */
    private static List<String> among(List<String> ids, List<RunJournal.Entry> entries) {
        return entries.stream().map(RunJournal.Entry::id).filter(ids::contains).toList();
    }

    private static List<String> ids(List<Shared> runs) {
        return runs.stream().map(Shared::id).toList();
    }

    private String notice(String id) {
        return cluster.find(id).orElseThrow().notice();
    }
}
