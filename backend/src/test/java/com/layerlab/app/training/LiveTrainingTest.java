package com.layerlab.app.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.EpochStats;
import com.layerlab.engine.train.Trainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LiveTrainingTest {

    /** What a test frame carries: every run's latest stats, and when it was made. */
    record Snap(List<EpochStats> stats, long nanos) {
    }

    private final List<LiveTraining<?>> started = new ArrayList<>();

    @AfterEach
    void closeAll() throws InterruptedException {
        for (LiveTraining<?> t : started) {
            t.close();
            assertTrue(t.awaitTermination(Duration.ofSeconds(10)));
        }
    }

    private final List<LiveTraining.Frame<Snap>> frames = new CopyOnWriteArrayList<>();

    private LiveTraining<Snap> start(List<Experiment> experiments, LiveTraining.Limits limits, LiveTraining.Delivery delivery) {
        return start(experiments, limits, delivery, new TrainingSlots(32, 32, "networks").claim("a visitor"));
    }

    private LiveTraining<Snap> start(List<Experiment> experiments, LiveTraining.Limits limits, LiveTraining.Delivery delivery,
                                     TrainingSlots.Claim slot) {
        LiveTraining<Snap> t = new LiveTraining<>(experiments,
                runs -> new Snap(runs.stream().map(Trainer::stats).toList(), System.nanoTime()),
                frames::add, delivery, limits, null, slot, null);
        started.add(t);
        t.start();
        return t;
    }

    private LiveTraining<Snap> start(List<Experiment> experiments) {
        return start(experiments, LiveTraining.Limits.DEFAULT, task -> {
            task.run();
            return true;
        });
    }

    private LiveTraining.Frame<Snap> await(Predicate<LiveTraining.Frame<Snap>> p) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end) {
            for (int i = frames.size() - 1; i >= 0; i--) {
                if (p.test(frames.get(i))) {
                    return frames.get(i);
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no such frame within 30 s; last: " + (frames.isEmpty() ? "none" : frames.get(frames.size() - 1)));
    }

    private static int epoch(LiveTraining.Frame<Snap> f) {
        return f.status().epoch();
    }

    @Test
    void stepsResetsAndPlaysWithTheSameStartingWeights() throws InterruptedException {
        Experiment e = PlaygroundSettings.DEFAULTS.toExperiment();
        LiveTraining<Snap> t = start(List.of(e));
        LiveTraining.Frame<Snap> first = await(f -> true);
        assertEquals(0, epoch(first));
        assertFalse(first.status().playing());
        double startLoss = first.data().stats().get(0).trainLoss();

        t.step();
        LiveTraining.Frame<Snap> one = await(f -> epoch(f) == 1);
        assertFalse(one.status().playing());

        t.play();
        LiveTraining.Frame<Snap> playing = await(f -> epoch(f) >= 40);
        assertTrue(playing.status().playing());
        assertTrue(playing.data().stats().get(0).trainLoss() < startLoss, "the loss falls while playing");

        frames.clear();
        t.reset();
        LiveTraining.Frame<Snap> reset = await(f -> epoch(f) == 0);
        assertFalse(reset.status().playing(), "reset pauses");
        assertEquals(startLoss, reset.data().stats().get(0).trainLoss(), 0.0, "reset keeps the starting weights");

        frames.clear();
        t.load(List.of(e.withSeed(99)));
        LiveTraining.Frame<Snap> reseeded = await(f -> epoch(f) == 0);
        assertTrue(startLoss != reseeded.data().stats().get(0).trainLoss(), "a new seed gives new starting weights");
    }

    @Test
    void runsStepTogetherAndFramesAreThrottled() throws InterruptedException {
        Experiment base = PlaygroundSettings.DEFAULTS.toExperiment();
        List<Experiment> three = List.of(base, base.withSeed(2), base.withSeed(3));
        LiveTraining<Snap> t = start(three);
        await(f -> true);
        t.play();
        await(f -> epoch(f) >= 5);
        frames.clear();
        Thread.sleep(1500);
        t.pause();
        List<LiveTraining.Frame<Snap>> seen = new ArrayList<>(frames);
        // one frame per 100 ms at most (plus the pause frame), and far more than nothing
        assertTrue(seen.size() <= 18, "frames in 1.5 s: " + seen.size());
        assertTrue(seen.size() >= 5, "frames in 1.5 s: " + seen.size());
        for (LiveTraining.Frame<Snap> f : seen) {
            List<Integer> epochs = f.data().stats().stream().map(EpochStats::epoch).toList();
            assertEquals(Collections.nCopies(3, f.status().epoch()), epochs, "runs step together");
        }
        for (int i = 2; i < seen.size() - 1; i++) {
            long gap = seen.get(i).data().nanos() - seen.get(i - 1).data().nanos();
            assertTrue(gap >= Duration.ofMillis(90).toNanos(), "frames " + (i - 1) + " and " + i + " only " + gap / 1e6 + " ms apart");
        }
    }

    @Test
    void stopsAtTheEpochLimitAndAfterTheLearningRateChangeTrainsOn() throws InterruptedException {
        Experiment e = PlaygroundSettings.DEFAULTS.toBuilder().epochs(12).build().toExperiment();
        LiveTraining<Snap> t = start(List.of(e));
        t.play();
        LiveTraining.Frame<Snap> stopped = await(f -> !f.status().playing() && f.status().message() != null);
        assertEquals(12, epoch(stopped));
        assertTrue(stopped.status().message().contains("12"), stopped.status().message());
        t.setEpochLimit(20);
        t.setLearningRate(0.3);
        t.play();
        LiveTraining.Frame<Snap> more = await(f -> epoch(f) == 20 && !f.status().playing());
        assertNotNull(more.status().message());
    }

    @Test
    void closingEndsTheThreadAndNothingIsLeftRunning() throws InterruptedException {
        Experiment e = PlaygroundSettings.DEFAULTS.toExperiment();
        LiveTraining<Snap> t = start(List.of(e));
        t.play();
        await(f -> epoch(f) >= 3);
        String name = "live-training-" + t.id();
        assertTrue(threadAlive(name));
        t.close();
        assertTrue(t.awaitTermination(Duration.ofSeconds(10)));
        assertFalse(t.isAlive());
        assertFalse(threadAlive(name), "no thread left behind");
        int before = frames.size();
        t.play();
        t.step();
        Thread.sleep(200);
        assertEquals(before, frames.size(), "a closed training ignores commands");
    }

    @Test
    void aPageThatIsGoneEndsTheTraining() throws InterruptedException {
        AtomicBoolean pageOpen = new AtomicBoolean(true);
        LiveTraining<Snap> t = start(List.of(PlaygroundSettings.DEFAULTS.toExperiment()), LiveTraining.Limits.DEFAULT,
                task -> {
                    if (!pageOpen.get()) {
                        return false;
                    }
                    task.run();
                    return true;
                });
        t.play();
        await(f -> epoch(f) >= 2);
        pageOpen.set(false);
        assertTrue(t.awaitTermination(Duration.ofSeconds(10)), "delivery refused: the thread ends by itself");
    }

    @Test
    void aSlowPageDoesNotPileUpFrames() throws InterruptedException {
        List<Runnable> queued = new CopyOnWriteArrayList<>();
        LiveTraining<Snap> t = start(List.of(PlaygroundSettings.DEFAULTS.toExperiment()), LiveTraining.Limits.DEFAULT,
                task -> {
                    queued.add(task); // never run: the page is stuck
                    return true;
                });
        t.play();
        Thread.sleep(1000);
        assertEquals(1, queued.size(), "no new frame while one waits for delivery");
        queued.get(0).run();
        Thread.sleep(400);
        assertTrue(queued.size() >= 2, "frames resume once the page takes them");
    }

    /** Waits until the training's latest frame state satisfies {@code p}. */
    private static void awaitStatus(LiveTraining<?> t, Predicate<LiveTraining.Status> p, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!p.test(t.status())) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 30 s: " + what + "; status: " + t.status());
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aPageThatIsOnlyOpenHoldsNoSlotAndLogsNoRun() throws InterruptedException {
        Logger logger = (Logger) LoggerFactory.getLogger(LiveTraining.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            TrainingSlots slots = new TrainingSlots(1, 1, "networks");
            LiveTraining<Snap> t = start(List.of(PlaygroundSettings.DEFAULTS.toExperiment()), LiveTraining.Limits.DEFAULT,
                    task -> {
                        task.run();
                        return true;
                    }, slots.claim("a"));
            await(f -> true);
            Thread.sleep(300);
            assertEquals(0, slots.computing(), "open, not playing: no slot");
            assertTrue(log.list.isEmpty(), "no run logged: " + log.list);
            // a step computes, with a slot, and gives it back when done
            t.step();
            await(f -> epoch(f) == 1);
            awaitStatus(t, s -> s.epoch() == 1, "one step");
            Thread.sleep(200);
            assertEquals(0, slots.computing(), "between steps: no slot");
            assertEquals(1, log.list.stream().filter(e -> e.getFormattedMessage().contains(" started: backend=")).count(),
                    log.list.toString());
            t.close();
            assertTrue(t.awaitTermination(Duration.ofSeconds(10)));
            assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().matches(
                    "Live run \\d+\\.0 stopped \\(page closed\\) after 1 epochs: backend=.* device=.*")), log.list.toString());
        } finally {
            logger.detachAppender(log);
        }
    }

    @Test
    void playingWaitsForASlotSaysWhyAndStartsWhenOneIsFree() throws InterruptedException {
        TrainingSlots slots = new TrainingSlots(1, 1, "networks");
        LiveTraining.Delivery direct = task -> {
            task.run();
            return true;
        };
        Experiment e = PlaygroundSettings.DEFAULTS.toExperiment();
        LiveTraining<Snap> a = start(List.of(e), LiveTraining.Limits.DEFAULT, direct, slots.claim("a"));
        LiveTraining<Snap> b = start(List.of(e), LiveTraining.Limits.DEFAULT, direct, slots.claim("b"));
        a.play();
        awaitStatus(a, s -> s.epoch() > 0, "a trains");
        b.play();
        awaitStatus(b, s -> s.waiting() != null, "b waits");
        assertTrue(b.status().playing(), "waiting to play still shows as playing: the learner can pause");
        assertTrue(b.status().waiting().startsWith("Waiting: the server is training 1 network right now"),
                b.status().waiting());
        Thread.sleep(300);
        assertEquals(0, b.status().epoch(), "no slot, no training");
        assertNotNull(b.status().waiting(), "the reason stays while it is true");
        a.pause();
        awaitStatus(b, s -> s.waiting() == null && s.epoch() > 0, "b trains once a pauses");
        assertEquals(1, slots.computing());
        // pausing while waiting leaves the queue
        b.pause();
        awaitStatus(b, s -> !s.playing(), "b paused");
        a.play();
        awaitStatus(a, s -> s.waiting() == null && s.epoch() > 0 && s.playing(), "a trains again");
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(th -> th.getName().equals(name) && th.isAlive());
    }

    @Test
    void weightsComeWithEveryEpochsMetricsAndAForkStartsFromItsWeights() throws Exception {
        Experiment e = PlaygroundSettings.DEFAULTS.toExperiment();
        LiveTraining<Snap> t = start(List.of(e));
        await(f -> epoch(f) == 0);
        for (int i = 0; i < 3; i++) {
            t.step();
        }
        LiveTraining.Frame<Snap> at3 = await(f -> epoch(f) == 3);
        TrainingThread.Weights trained = t.weights(0).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(3, trained.epoch());
        assertEquals(List.of(0, 1, 2, 3), trained.metrics().stream().map(EpochStats::epoch).toList(),
                "every epoch's line, from the untrained model on");
        assertEquals(at3.data().stats().get(0), trained.metrics().get(3));

        // a new training from those weights: at its epoch 0 it has them, not its seed's
        LiveTraining<Snap> fork = new LiveTraining<>(List.of(e), List.of(trained.safetensors()),
                runs -> new Snap(runs.stream().map(Trainer::stats).toList(), System.nanoTime()), f -> { },
                task -> {
                    task.run();
                    return true;
                }, LiveTraining.Limits.DEFAULT, null, new TrainingSlots(32, 32, "networks").claim("a visitor"), null,
                com.layerlab.datasets.ImageSets.defaultDataDir());
        started.add(fork);
        fork.start();
        TrainingThread.Weights forked = fork.weights(0).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, forked.epoch());
        assertEquals(com.layerlab.engine.experiment.Safetensors.fromBytes(trained.safetensors()).keySet(),
                com.layerlab.engine.experiment.Safetensors.fromBytes(forked.safetensors()).keySet());
        com.layerlab.engine.experiment.Safetensors.fromBytes(trained.safetensors()).forEach((k, v) -> assertTrue(
                java.util.Arrays.equals(v.data(), com.layerlab.engine.experiment.Safetensors.fromBytes(forked.safetensors())
                        .get(k).data()), k + " is the saved tensor"));
        // a reset goes back to the fork's weights, new settings to the seed's (commands and weight requests
        // travel apart: the weights asked for may come from before the command, so ask until it has applied)
        fork.step();
        awaitWeights(fork, w -> w.epoch() == 1);
        fork.reset();
        TrainingThread.Weights reset = awaitWeights(fork, w -> w.epoch() == 0);
        assertTrue(java.util.Arrays.equals(forked.safetensors(), reset.safetensors()), "reset: the fork's weights again");
        fork.load(List.of(e.withSeed(e.seedOrZero())));
        awaitWeights(fork, w -> !java.util.Arrays.equals(forked.safetensors(), w.safetensors()));
    }

    /** The run's weights once {@code p} holds for them (within 10 s). */
    private static TrainingThread.Weights awaitWeights(LiveTraining<?> t, Predicate<TrainingThread.Weights> p) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        TrainingThread.Weights w = null;
        while (System.nanoTime() < end) {
            w = t.weights(0).get(10, java.util.concurrent.TimeUnit.SECONDS);
            if (p.test(w)) {
                return w;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the weights never got there; last at epoch " + (w == null ? "?" : w.epoch()));
    }
}
