package com.layerlab.app.training;

import static com.layerlab.app.training.TestRuns.POINTS;
import static com.layerlab.app.training.TestRuns.STATUS;
import static com.layerlab.app.training.TestRuns.anonymous;
import static com.layerlab.app.training.TestRuns.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.layerlab.engine.tensor.Backends;
import com.layerlab.engine.train.Checkpoint;
import com.layerlab.engine.train.StepResult;
import com.layerlab.engine.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The training runtime without Spring or a browser: states, control, watchers, checkpoints, slots, log lines. */
class TrainingRuntimeTest {

    private static final Duration UNWATCHED = Duration.ofMillis(400);

    @TempDir
    Path root;

    private TrainingRuntime runtime;

    private TrainingRuntime runtime(int maxSessions, int maxPerVisitor) {
        return runtime(maxSessions, maxPerVisitor, TrainingRuntime.SignedInRuns.DEFAULTS);
    }

    private TrainingRuntime runtime(int maxSessions, int maxPerVisitor, TrainingRuntime.SignedInRuns signedIn) {
        runtime = new TrainingRuntime(Backends.standard(), new RunLogs(root, 50, 20L << 20), null,
                new TrainingRuntime.Pool(maxSessions, maxPerVisitor, Duration.ofMillis(5), "networks"),
                new TrainingRuntime.Pool(1, 1, Duration.ofMillis(5), "image networks"), UNWATCHED, signedIn, Duration.ZERO);
        return runtime;
    }

    @AfterEach
    void closeRuntime() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void stepTrainsOneBatchAndTheCounterShowsPartialEpochs() throws Exception {
        Run<RunStatus> run = runtime(4, 4).submit(List.of(POINTS), anonymous(true, 0), STATUS);
        run.subscribe(s -> { }, task -> {
            task.run();
            return true;
        });
        RunStatus s = await(run, st -> st.state() == RunState.PAUSED && st.batches() > 0, "paused and built");
        assertEquals(25, s.batches());
        assertEquals(0, s.batch());
        run.step();
        s = await(run, st -> st.batch() == 1 && st.state() == RunState.PAUSED, "one batch trained");
        assertEquals(0, s.epoch());
        assertEquals(0.04, s.progress(), 1e-12);
        assertEquals("epoch 0.04", s.epochText());
        run.step();
        s = await(run, st -> st.batch() == 2 && st.state() == RunState.PAUSED, "two batches trained");
        assertEquals("epoch 0.08", s.epochText());
        // steps to the end of the epoch: the counter shows whole epochs there
        for (int i = 2; i < 25; i++) {
            int before = run.status().batch();
            run.step();
            await(run, st -> st.batch() != before && st.state() == RunState.PAUSED, "batch " + (before + 1));
        }
        s = run.status();
        assertEquals(1, s.epoch());
        assertEquals(0, s.batch());
        assertEquals("epoch 1", s.epochText());
        assertEquals(2, run.history().get(0).size(), "epoch 0 and epoch 1");
    }

    @Test
    void theEpochCounterCutsToHundredthsAndNeverShowsAnEpochBeforeItsEnd() {
        assertEquals("1.99", RunStatus.epochs(1 + 199 / 200.0), "199 batches of 200 into the second epoch");
        assertEquals("0.29", RunStatus.epochs(29 / 100.0));
        assertEquals("3.25", RunStatus.epochs(3.25));
        assertEquals("2.5", RunStatus.epochs(2.5));
        assertEquals("0.04", RunStatus.epochs(1 / 25.0));
        assertEquals("3", RunStatus.epochs(3));
        assertEquals("0", RunStatus.epochs(0));
    }

    @Test
    void playPauseLearningRateAndStop() throws Exception {
        Run<RunStatus> run = runtime(4, 4).submit(List.of(POINTS), anonymous(false, 0), STATUS);
        run.subscribe(s -> { }, task -> {
            task.run();
            return true;
        });
        await(run, st -> st.state() == RunState.RUNNING && st.progress() > 1.5, "playing past epoch 1.5");
        run.pause();
        RunStatus paused = await(run, st -> st.state() == RunState.PAUSED, "paused");
        Thread.sleep(150);
        assertEquals(paused.progress(), run.status().progress(), "a paused run trains nothing");
        assertTrue(run.isPaused());
        run.setLearningRate(0.5);
        await(run, st -> st.learningRate() == 0.5, "the new rate in force while paused");
        assertThrows(IllegalArgumentException.class, () -> run.setLearningRate(-1));
        run.play();
        await(run, st -> st.progress() > paused.progress() + 0.5, "playing on");
        run.stop();
        RunStatus stopped = await(run, st -> st.state() == RunState.STOPPED, "stopped");
        assertTrue(stopped.message().startsWith("Stopped at epoch "), stopped.message());
        assertEquals(0.5, stopped.learningRate(), "the rate set stays in force");
        // an ended run still answers the pages' questions until it is let go
        assertTrue(run.weights(0).get(10, TimeUnit.SECONDS).length > 0);
    }

    @Test
    void aRunFinishesAfterItsEpochsWritingACheckpointEveryEpochThatResumes() throws Exception {
        List<Integer> checkpointed = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Run<RunStatus>> self = new AtomicReference<>();
        FrameMaker<RunStatus> maker = new FrameMaker<>() {
            @Override
            public void stepped(List<Trainer> trainers, List<StepResult> steps) {
                // at the first batch of each epoch after the first, the previous epoch's checkpoint is there
                Run<RunStatus> r = self.get();
                if (r != null && steps.get(0).batch() == 1 && steps.get(0).epoch() > 1) {
                    checkpointed.add(RunCheckpoints.read(r.checkpointDir(0)).epoch());
                }
            }

            @Override
            public RunStatus frame(RunStatus status, List<Trainer> trainers, long seen) {
                return status;
            }
        };
        Run<RunStatus> run = runtime(4, 4).submit(List.of(POINTS), new RunOptions("user:ana", true, "playground", true, 3),
                maker);
        self.set(run);
        run.play();
        RunStatus s = await(run, st -> st.state() == RunState.FINISHED, "finished");
        assertEquals(3, s.epoch());
        assertEquals(List.of(1, 2), checkpointed);
        Checkpoint c = RunCheckpoints.read(run.checkpointDir(0));
        assertEquals(3, c.epoch());
        assertEquals(run.history().get(0), c.history());
        try (Trainer resumed = Trainer.resume(c, null)) {
            assertEquals(3, resumed.epoch());
            assertEquals(c.history().get(3).testLoss(), resumed.stats().testLoss(), 1e-6);
            resumed.step();
            assertEquals(1, resumed.batchInEpoch());
        }
    }

    @Test
    void aFinishedRunTrainsOnOnceItsStopEpochMovesFurther() throws Exception {
        Run<RunStatus> run = runtime(4, 4).submit(List.of(POINTS), anonymous(false, 2), STATUS);
        run.subscribe(s -> { }, task -> {
            task.run();
            return true;
        });
        await(run, st -> st.state() == RunState.FINISHED, "finished");
        assertEquals(2, run.status().epoch());
        assertFalse(run.canTrainOn(), "at its stop epoch, play would start a new run");
        run.play();
        Thread.sleep(100);
        assertEquals(RunState.FINISHED, run.status().state(), "a play at the stop epoch trains nothing");
        assertEquals(2, run.status().epoch());

        run.setEpochs(4);
        assertTrue(run.canTrainOn());
        run.step();
        RunStatus s = await(run, st -> st.batch() == 1, "one more batch");
        assertEquals(2, s.epoch(), "the same networks, on from epoch 2");
        run.play();
        await(run, st -> st.state() == RunState.FINISHED && st.epoch() == 4, "finished again at epoch 4");
        assertEquals(5, run.history().get(0).size(), "epochs 0 to 4, none twice");
        assertFalse(run.canTrainOn());
        run.stop();
        run.setEpochs(10);
        assertFalse(run.canTrainOn(), "a stopped run is not trained on");
        Thread.sleep(100);
        assertEquals(4, run.status().epoch());
    }

    @Test
    void aForkStartsFromItsWeightsBeforeItsFirstBatch() throws Exception {
        byte[] saved;
        // another seed's weights (at epoch 0, as the fork's trainer is: the file names its epoch)
        try (Trainer other = new Trainer(POINTS.withSeed(POINTS.seedOrZero() + 1), null)) {
            saved = other.weights();
        }
        Run<RunStatus> fork = runtime(4, 4).submit(List.of(POINTS),
                new RunOptions("visitor:abc", false, "playground", true, 0, List.of(saved)), STATUS);
        await(fork, st -> st.state() == RunState.PAUSED && st.batches() > 0, "paused and built");
        assertArrayEquals(saved, fork.weights(0).get(30, TimeUnit.SECONDS), "the fork's weights before any batch");
        Run<RunStatus> seeded = runtime.submit(List.of(POINTS), anonymous(true, 0), STATUS);
        await(seeded, st -> st.state() == RunState.PAUSED && st.batches() > 0, "paused and built");
        assertFalse(java.util.Arrays.equals(saved, seeded.weights(0).get(30, TimeUnit.SECONDS)),
                "without start weights a run starts from its seed's");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> runtime.submit(
                List.of(POINTS, POINTS), new RunOptions("visitor:abc", false, "compare", true, 0, List.of(saved)), STATUS));
        assertEquals("a run needs one start weights file per experiment: 1 for 2", e.getMessage());
    }

    @Test
    void anAnonymousRunNobodyWatchesStopsAndLogsItsStartAndStop() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(Run.class);
        log.start();
        logger.addAppender(log);
        try {
            Run<RunStatus> run = runtime(4, 4).submit(List.of(POINTS), anonymous(false, 0), STATUS);
            Run<RunStatus>.Subscription page = run.subscribe(s -> { }, task -> {
                task.run();
                return true;
            });
            await(run, st -> st.progress() > 0.2, "training");
            page.close();
            RunStatus s = await(run, st -> st.state() == RunState.STOPPED, "stopped once unwatched");
            assertTrue(s.message().contains("no page watched it"), s.message());
            assertTrue(run.awaitTermination(Duration.ofSeconds(10)));
            List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(run.id()))
                    .toList();
            assertEquals(2, lines.size(), lines.toString());
            assertTrue(lines.get(0).contains("started") && lines.get(0).contains("owner=visitor:abc")
                    && lines.get(0).contains("backend=") && lines.get(0).contains("device="), lines.get(0));
            assertTrue(lines.get(1).contains("stopped") && lines.get(1).contains("owner=visitor:abc")
                    && lines.get(1).contains("backend=") && lines.get(1).contains("device="), lines.get(1));
        } finally {
            logger.detachAppender(log);
        }
    }

    @Test
    void aPageThatComesBackInTimeKeepsTheRun() throws Exception {
        TrainingRuntime rt = runtime(4, 4);
        Run<RunStatus> run = rt.submit(List.of(POINTS), anonymous(true, 0), STATUS);
        Run.Delivery now = task -> {
            task.run();
            return true;
        };
        run.subscribe(s -> { }, now).close();
        Thread.sleep(UNWATCHED.toMillis() / 2);
        // the reload: the page finds its run by id, for its owner only
        assertTrue(rt.find(run.id(), "visitor:someone-else").isEmpty());
        Run<?> found = rt.find(run.id(), "visitor:abc").orElseThrow();
        List<RunStatus> frames = Collections.synchronizedList(new ArrayList<>());
        run.subscribe(frames::add, now);
        Thread.sleep(UNWATCHED.toMillis() * 3);
        assertFalse(found.state().ended(), found.status().toString());
        assertTrue(found.isAlive());
        assertFalse(frames.isEmpty(), "a page that subscribes gets a frame at once");
        assertTrue(run.id().length() >= 20, "an unguessable id: " + run.id());
        assertNotEquals(run.id(), rt.submit(List.of(POINTS), anonymous(true, 0), STATUS).id());
    }

    @Test
    void aSignedInOwnersRunTrainsOnWithoutAPage() throws Exception {
        TrainingRuntime rt = runtime(4, 4);
        Run<RunStatus> run = rt.submit(List.of(POINTS), new RunOptions("user:ana", true, "playground", false, 0), STATUS);
        run.subscribe(s -> { }, task -> {
            task.run();
            return true;
        }).close();
        Thread.sleep(UNWATCHED.toMillis() * 3);
        double before = run.status().progress();
        assertEquals(RunState.RUNNING, run.state());
        await(run, st -> st.progress() > before + 0.5, "training on");
        assertEquals(List.of(run), rt.runsOf("user:ana"));
        run.stop();
        await(run, st -> st.state() == RunState.STOPPED, "stopped by its owner");
    }

    /**
     * Where a place for runs left training is installed (a cluster's web node): the signed-in owner's page runs
     * that would train on end interrupted and go there, the runtime forgets them (their folder stays) and knows
     * they went; one it does not take resumes here; one past the limit stays paused here; an anonymous
     * visitor's stops, and an API run trains on.
     */
    @Test
    void aSignedInOwnersPageRunLeftTrainingGoesWhereTheLeftRunningHookTakesIt() throws Exception {
        TrainingRuntime rt = runtime(8, 8, new TrainingRuntime.SignedInRuns(2, Duration.ofHours(1)));
        List<Run<?>> handed = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<RunState> handedAs = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Boolean> aliveWhenHanded = new java.util.concurrent.CopyOnWriteArrayList<>();
        // the hand-overs wait until the third of ana's runs, left at about the same time, is paused: while they
        // are under way, her first two count as training on
        java.util.concurrent.CountDownLatch thirdPaused = new java.util.concurrent.CountDownLatch(1);
        rt.leaveRunningTo(new TrainingRuntime.LeftRunning() {
            @Override
            public boolean takes(Run<?> run) {
                try {
                    thirdPaused.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return true;
            }

            @Override
            public boolean handOver(Run<?> run) {
                handed.add(run);
                handedAs.add(run.state());
                aliveWhenHanded.add(run.isAlive());
                // the refused one (bob's) trains on here
                return !run.owner().equals("user:bob");
            }
        });
        assertThrows(IllegalStateException.class, () -> rt.leaveRunningTo(run -> true), "one place only");
        List<Run<RunStatus>> ana = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ana.add(rt.submit(List.of(POINTS), new RunOptions("user:ana", true, "playground", false, 0), STATUS));
            Thread.sleep(5);
        }
        Run<RunStatus> bob = rt.submit(List.of(POINTS), new RunOptions("user:bob", true, "cnn-like", false, 0), STATUS);
        Run<RunStatus> api = rt.submit(List.of(POINTS), new RunOptions("user:cy", true, "api", false, 0), STATUS);
        Run<RunStatus> anonymous = rt.submit(List.of(POINTS), new RunOptions("visitor:dee", false, "playground", false, 0),
                STATUS);
        await(anonymous, st -> st.state() == RunState.STOPPED, "the anonymous one stopped");
        await(ana.get(2), st -> st.state() == RunState.PAUSED, "the third paused here");
        thirdPaused.countDown();
        long end = System.nanoTime() + 10_000_000_000L;
        // until ana's second is forgotten and bob's refused one is resumed (its hand-over over)
        while ((handed.size() < 3 || rt.find(ana.get(1).id(), "user:ana").isPresent()
                || rt.find(bob.id(), "user:bob").filter(r -> r != bob).isEmpty()
                || rt.handedAway(bob.id(), "user:bob")) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(List.of(ana.get(0), ana.get(1)), handed.stream().filter(r -> r.owner().equals("user:ana"))
                .sorted(java.util.Comparator.comparingLong(Run::submittedAt)).toList(), "ana's first two went");
        assertTrue(handedAs.stream().allMatch(s -> s == RunState.INTERRUPTED), handedAs.toString());
        assertTrue(aliveWhenHanded.stream().noneMatch(a -> a), "handed once its thread had ended");
        for (Run<RunStatus> r : List.of(ana.get(0), ana.get(1))) {
            assertTrue(rt.find(r.id(), "user:ana").isEmpty(), "forgotten here");
            assertTrue(rt.handedAway(r.id(), "user:ana"));
            assertFalse(rt.handedAway(r.id(), "user:bob"));
            assertTrue(Files.isDirectory(r.folder().resolve("checkpoints")), "its folder and checkpoint stay");
        }
        assertEquals(RunState.PAUSED, ana.get(2).state(), "past the limit: paused here, not handed");
        assertFalse(rt.handedAway(ana.get(2).id(), "user:ana"));
        // bob's was not taken: it trains on here, resumed under its id
        Run<?> bobNow = rt.find(bob.id(), "user:bob").orElseThrow();
        assertFalse(rt.handedAway(bob.id(), "user:bob"));
        assertTrue(handed.contains(bob));
        double before = bobNow.status().progress();
        await(bobNow, st -> st.state() == RunState.RUNNING && st.progress() > before + 0.5, "bob's trains on here");
        Thread.sleep(UNWATCHED.toMillis() * 3);
        assertEquals(1, handed.stream().filter(r -> r.owner().equals("user:bob")).count(), "refused once, it stays here");
        assertTrue(rt.find(bob.id(), "user:bob").orElseThrow() == bobNow && bobNow.isAlive());
        assertFalse(handed.contains(api), "an API run trains on");
        assertEquals(RunState.RUNNING, api.state());
        assertFalse(handed.contains(anonymous));
    }

    /** A run the place for runs left training would not take now (no worker has its backend) is not interrupted. */
    @Test
    void aRunTheLeftRunningHookWouldNotTakeTrainsOnUninterrupted() throws Exception {
        TrainingRuntime rt = runtime(4, 4);
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger handed = new java.util.concurrent.atomic.AtomicInteger();
        rt.leaveRunningTo(new TrainingRuntime.LeftRunning() {
            @Override
            public boolean takes(Run<?> run) {
                asked.incrementAndGet();
                return false;
            }

            @Override
            public boolean handOver(Run<?> run) {
                handed.incrementAndGet();
                return true;
            }
        });
        Run<RunStatus> run = rt.submit(List.of(POINTS), new RunOptions("user:eve", true, "playground", false, 0), STATUS);
        Thread.sleep(UNWATCHED.toMillis() * 4);
        double before = run.status().progress();
        await(run, st -> st.state() == RunState.RUNNING && st.progress() > before + 0.5, "training on here");
        assertEquals(1, asked.get(), "asked once: it stays here after");
        assertEquals(0, handed.get());
        assertTrue(rt.find(run.id(), "user:eve").orElseThrow() == run, "the same run, never interrupted");
        assertFalse(rt.handedAway(run.id(), "user:eve"));
    }

    @Test
    void pastTheLimitASignedInUsersFurtherUnwatchedRunIsPausedSayingWhyAndLogged() throws Exception {
        TrainingRuntime rt = runtime(8, 8, new TrainingRuntime.SignedInRuns(2, Duration.ofHours(1)));
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(Run.class);
        log.start();
        logger.addAppender(log);
        List<Run<RunStatus>> ana = new ArrayList<>();
        RunStatus third;
        Run<RunStatus> bob;
        try {
            for (int i = 0; i < 3; i++) {
                ana.add(rt.submit(List.of(POINTS), new RunOptions("user:ana", true, "playground", false, 0), STATUS));
                // the oldest go on: submitted in a known order
                Thread.sleep(5);
            }
            bob = rt.submit(List.of(POINTS), new RunOptions("user:bob", true, "playground", false, 0), STATUS);
            third = await(ana.get(2), st -> st.state() == RunState.PAUSED, "the third paused");
        } finally {
            logger.detachAppender(log);
        }
        assertEquals("Paused: at most 2 of your runs train with no page watching them"
                + " (layerlab.runs.max-unwatched-per-user). Open this one to train it on, or stop another.", third.message());
        List<String> limitLines = log.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(l -> l.contains("hit a limit")).toList();
        assertEquals(1, limitLines.size(), "one line for the one run paused: " + limitLines);
        String line = limitLines.get(0);
        assertTrue(line.startsWith("Run " + ana.get(2).id() + " hit a limit: layerlab.runs.max-unwatched-per-user=2 (paused):")
                && line.endsWith("owner=user:ana backend=" + ana.get(2).device().backend() + " device="
                + ana.get(2).device().name()), line);
        for (Run<RunStatus> r : List.of(ana.get(0), ana.get(1), bob)) {
            double before = r.status().progress();
            await(r, st -> st.state() == RunState.RUNNING && st.progress() > before + 0.5, "training on without a page");
        }
        // a page opens the paused one and plays it: watched, it trains, and the message has gone
        ana.get(2).subscribe(s -> { }, task -> {
            task.run();
            return true;
        });
        ana.get(2).play();
        double before = ana.get(2).status().progress();
        RunStatus playing = await(ana.get(2), st -> st.state() == RunState.RUNNING && st.progress() > before + 0.5,
                "training once watched");
        assertNull(playing.message());
        Thread.sleep(UNWATCHED.toMillis());
        assertEquals(RunState.RUNNING, ana.get(2).state(), "a watched run counts for no limit");
    }

    @Test
    void aSignedInUsersPausedRunIsClosedOnceUnwatchedForTheIdleTimeAndAFinishedOneSoonerKeepingTheirCheckpoints() throws Exception {
        Duration idle = Duration.ofSeconds(3);
        TrainingRuntime rt = runtime(4, 4, new TrainingRuntime.SignedInRuns(2, idle));
        Run<RunStatus> paused = rt.submit(List.of(POINTS), new RunOptions("user:ana", true, "playground", true, 0), STATUS);
        Thread.sleep(5);
        Run<RunStatus> finished = rt.submit(List.of(POINTS), new RunOptions("user:ana", true, "playground", false, 1), STATUS);
        await(paused, st -> st.state() == RunState.PAUSED && st.batches() > 0, "paused");
        // one batch: a run that never trained leaves no checkpoint to keep
        paused.step();
        await(paused, st -> st.state() == RunState.PAUSED && st.batch() == 1, "one batch trained");
        await(finished, st -> st.state() == RunState.FINISHED, "finished");
        Thread.sleep(UNWATCHED.toMillis() * 2);
        assertTrue(paused.unwatchedFor().compareTo(idle.minusSeconds(1)) < 0, "the test machine is too slow for this test");
        assertTrue(paused.isAlive(), "unwatched longer than an anonymous run may be, shorter than the idle time");
        assertFalse(finished.isAlive(), "an ended run lets its trainers go once unwatched, signed in or not");
        assertTrue(paused.awaitTermination(Duration.ofSeconds(20)), "closed once idle");
        assertEquals(RunState.STOPPED, paused.state());
        assertEquals("Closed after 3 s paused with no page watching it; its last checkpoint is kept.", paused.status().message());
        assertEquals(RunState.FINISHED, finished.state());
        assertEquals(0, RunCheckpoints.read(paused.checkpointDir(0)).epoch());
        assertEquals(1, RunCheckpoints.read(finished.checkpointDir(0)).epoch());
        assertEquals(List.of(finished, paused), rt.runsOf("user:ana"), "closed runs stay listed, newest first");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrainingRuntime.SignedInRuns(-1, idle));
        assertEquals("layerlab.runs.max-unwatched-per-user must be 0 or more, got -1", e.getMessage());
    }

    @Test
    void aRunWaitsForASlotSayingWhyAndStartsWhenOneIsFree() throws Exception {
        TrainingRuntime rt = runtime(1, 1);
        Run<RunStatus> first = rt.submit(List.of(POINTS), new RunOptions("user:ana", true, "playground", false, 0), STATUS);
        await(first, st -> st.state() == RunState.RUNNING && st.batches() > 0, "the first computing");
        Run<RunStatus> second = rt.submit(List.of(POINTS), new RunOptions("user:bob", true, "playground", false, 0), STATUS);
        RunStatus queued = await(second, st -> st.state() == RunState.QUEUED && st.message() != null, "queued");
        assertTrue(queued.message().startsWith("Waiting: the server is training 1 network right now"), queued.message());
        assertEquals(1, rt.computingCount());
        first.pause();
        await(second, st -> st.state() == RunState.RUNNING && st.progress() > 0, "the second training");
        assertNull(second.status().message());
        assertEquals(RunState.PAUSED, first.state());
    }

    @Test
    void aSubscriberHasOneFrameInFlightAtMost() throws Exception {
        Run<RunStatus> run = runtime(4, 4).submit(List.of(POINTS), anonymous(false, 0), STATUS);
        List<Runnable> pending = Collections.synchronizedList(new ArrayList<>());
        List<RunStatus> shown = Collections.synchronizedList(new ArrayList<>());
        run.subscribe(shown::add, task -> pending.add(task));
        await(run, st -> st.progress() > 1, "training");
        Thread.sleep(100);
        assertEquals(1, pending.size(), "no second frame while the first has not arrived");
        pending.remove(0).run();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pending.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertEquals(1, pending.size(), "the next frame once the first arrived");
        assertEquals(1, shown.size());
    }

    @Test
    void theServerShuttingDownInterruptsItsRuns() throws Exception {
        TrainingRuntime rt = runtime(4, 4);
        Run<RunStatus> run = rt.submit(List.of(POINTS), new RunOptions("user:ana", true, "playground", false, 0), STATUS);
        await(run, st -> st.progress() > 0.1, "training");
        rt.close();
        runtime = null;
        assertEquals(RunState.INTERRUPTED, run.state());
        assertNotNull(run.status().message());
        assertThrows(Exception.class, () -> run.weights(0).get(5, TimeUnit.SECONDS));
    }
}
