package com.layerlab.app.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.lab.CnnPresets;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.Models;
import com.layerlab.engine.experiment.Safetensors;
import com.layerlab.engine.summary.EventArchive;
import com.layerlab.engine.tensor.Tensor;
import com.layerlab.engine.train.EpochStats;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The CNN lab's runs on the training runtime, without a browser: frames, details, pause, stop, comparison, slots. */
class CnnTrainingTest {

    private final List<CnnFrames.Frame> frames = Collections.synchronizedList(new ArrayList<>());

    @TempDir
    Path logs;

    private TrainingRuntime runtime;

    @AfterEach
    void closeRuntime() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private TrainingRuntime runtime(int maxSessions, int maxPerVisitor) {
        if (runtime == null) {
            runtime = new TrainingRuntime(new RunLogs(logs, 50, 20L << 20), null,
                    new TrainingRuntime.Pool(1, 1, Duration.ofMillis(5), "networks"),
                    new TrainingRuntime.Pool(maxSessions, maxPerVisitor, Duration.ofMillis(5), "image networks"),
                    Duration.ofSeconds(60), Duration.ZERO);
        }
        return runtime;
    }

    /** The run, and the frame maker a page asks for another image's feature maps. */
    private record Started(Run<CnnFrames.Frame> run, CnnFrames frames) {
    }

    private Started start(List<Experiment> experiments) {
        return start(experiments, "visitor:a", frames);
    }

    private Started start(List<Experiment> experiments, String owner, List<CnnFrames.Frame> into) {
        CnnFrames f = new CnnFrames(experiments.stream().map(Experiment::name).toList());
        Run<CnnFrames.Frame> run = runtime(4, 4).submit(experiments, new RunOptions(owner, false, "cnn", false,
                experiments.get(0).epochs()), f);
        // frames are delivered on the training thread itself, as UI.access would later
        run.subscribe(into::add, task -> {
            task.run();
            return true;
        });
        return new Started(run, f);
    }

    private CnnFrames.Frame await(Predicate<CnnFrames.Frame> p, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < end) {
            synchronized (frames) {
                for (CnnFrames.Frame f : frames) {
                    if (p.test(f)) {
                        return f;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no frame: " + what + "; last: " + (frames.isEmpty() ? "none" : frames.get(frames.size() - 1).progress()));
    }

    private static Experiment mnist(String preset, int limit, int batch, int epochs) {
        Experiment e = CnnPresets.byKey(preset, false).experiment();
        return e.withData(e.data().withOption("limit", limit).withBatchSize(batch)).withEpochs(epochs);
    }

    @Test
    void trainsALeNetAndReportsWhatThePageShows() throws Exception {
        Experiment e = mnist(CnnPresets.LENET, 400, 32, 2);
        Started started = start(List.of(e));
        Run<CnnFrames.Frame> t = started.run();
        Path logRoot = t.folder();
        try {
            CnnFrames.Frame done = await(f -> f.progress().phase() == CnnFrames.Phase.DONE, "done");
            List<EpochStats> h = done.runs().get(0).stats();
            assertEquals(3, h.size(), "epoch 0 plus two epochs");
            assertTrue(h.get(2).testAccuracy() > h.get(0).testAccuracy(), h.toString());
            // progress came batch by batch, with a speed
            assertTrue(frames.stream().anyMatch(f -> f.progress().phase() == CnnFrames.Phase.TRAINING
                    && f.progress().batch() > 0 && f.progress().batches() == 10 && f.progress().imagesPerSecond() > 0));
            // the training loss batch by batch: 10 batches an epoch, a point each, between the epochs
            List<CnnFrames.LossPoint> points = done.runs().get(0).batchLosses();
            assertEquals(20, points.size(), points.toString());
            assertEquals(0.1, points.get(0).x(), 1e-9);
            assertEquals(1.5, points.get(14).x(), 1e-9);
            assertEquals(2.0, points.get(19).x(), 1e-9);
            assertTrue(points.stream().allMatch(p -> Double.isFinite(p.loss()) && p.loss() > 0));
            assertTrue(points.get(19).loss() < points.get(0).loss(), points.toString());
            CnnFrames.Details d = await(f -> f.details() != null && f.details().get(0).epoch() == 2, "details of epoch 2")
                    .details().get(0);
            int total = 0;
            for (int[] row : d.confusion()) {
                for (int v : row) {
                    total += v;
                }
            }
            assertEquals(80, total, "the test split of 400 images at 0.8");
            assertEquals(10, d.classNames().size());
            assertEquals(CnnFrames.PREDICTIONS, d.guesses().size());
            assertEquals(3, d.guesses().get(0).top().length);
            assertEquals(CnnFrames.PREDICTIONS, d.images().size());
            assertArrayEquals(new int[] {1, 28, 28}, d.images().get(0).shape());
            assertEquals(e.model().size(), d.featureMaps().size());
            assertArrayEquals(new int[] {6, 28, 28}, d.featureMaps().get(0).output().shape());
            assertArrayEquals(new int[] {10}, d.featureMaps().get(11).output().shape());
            assertArrayEquals(new int[] {6, 1, 5, 5}, d.filters().shape());
            List<String> layers = done.runs().get(0).gradientLayers();
            assertEquals(List.of("0 Conv2d", "3 Conv2d", "7 Linear", "9 Linear", "11 Linear"), layers);
            assertTrue(java.util.Arrays.stream(done.runs().get(0).gradientNorms()).allMatch(v -> v > 0));

            // TensorBoard files: one run folder, downloadable as a zip while the page is open
            t.flushLogs();
            List<Path> files = EventArchive.eventFiles(logRoot);
            assertEquals(1, files.size());
            assertTrue(files.get(0).toString().contains("000-LeNet-style-MNIST-model"), files.toString());
            ByteArrayOutputStream zip = new ByteArrayOutputStream();
            EventArchive.writeZip(logRoot, zip);
            assertTrue(zip.size() > 1000);

            t.call(trainers -> started.frames().choose(trainers, 5)).get(30, java.util.concurrent.TimeUnit.SECONDS);
            CnnFrames.Details chosen = await(f -> f.details() != null && f.details().get(0).chosen() == 5, "image 5")
                    .details().get(0);
            assertEquals(e.model().size(), chosen.featureMaps().size());

            // the trained weights, handed over by the training thread, keyed and shaped as the model's state_dict()
            byte[] w = t.weights(0).get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(2, t.status().epoch());
            Map<String, Tensor> trained = Safetensors.fromBytes(w);
            Map<String, Tensor> initial = Models.build(e).stateDict();
            assertEquals(List.copyOf(initial.keySet()), List.copyOf(trained.keySet()));
            for (String k : initial.keySet()) {
                assertArrayEquals(initial.get(k).shape(), trained.get(k).shape(), k);
            }
            assertFalse(java.util.Arrays.equals(initial.get("0.weight").toHost(), trained.get("0.weight").toHost()), "trained");
            assertThrows(java.util.concurrent.ExecutionException.class, () -> t.weights(7).get(30, java.util.concurrent.TimeUnit.SECONDS));
            // the checkpoint of the last epoch, beside the event files and not in their zip
            assertEquals(2, RunCheckpoints.read(t.checkpointDir(0)).epoch());
        } finally {
            runtime.close();
            assertTrue(t.awaitTermination(Duration.ofSeconds(10)));
        }
        // the logs stay for TensorBoard when the training ends; RunLogs deletes the oldest folders
        assertTrue(Files.isDirectory(logRoot));
        assertFalse(EventArchive.eventFiles(logRoot).isEmpty());
    }

    @Test
    void pausesResumesAndStops() throws Exception {
        Experiment e = mnist(CnnPresets.PERCEPTRON, 2000, 4, 50);
        Run<CnnFrames.Frame> t = start(List.of(e)).run();
        try {
            await(f -> f.progress().phase() == CnnFrames.Phase.TRAINING && f.progress().batch() > 0, "training");
            t.pause();
            CnnFrames.Frame paused = await(f -> f.progress().phase() == CnnFrames.Phase.PAUSED, "paused");
            int batch = paused.progress().batch();
            assertEquals(0.001, paused.progress().learningRate(), 1e-12);
            // while training: a speed, and an ETA for the epoch within the one for the whole run
            assertTrue(frames.stream().map(CnnFrames.Frame::progress).anyMatch(p -> p.phase() == CnnFrames.Phase.TRAINING
                    && Double.isFinite(p.epochEta()) && p.totalEta() > p.epochEta() && p.imagesPerSecond() > 0));
            t.setLearningRate(0.1);
            await(f -> f.progress().learningRate() == 0.1, "the new learning rate, applied while paused");
            Thread.sleep(300);
            CnnFrames.Frame last = frames.get(frames.size() - 1);
            CnnFrames.Progress still = last.progress();
            assertEquals(CnnFrames.Phase.PAUSED, still.phase());
            assertEquals(batch, still.batch());
            frames.clear();
            t.play();
            await(f -> f.progress().phase() == CnnFrames.Phase.TRAINING && f.progress().batch() > batch, "resumed");
            t.stop();
            CnnFrames.Frame stopped = await(f -> f.progress().phase() == CnnFrames.Phase.STOPPED, "stopped");
            assertTrue(stopped.runs().get(0).stats().size() < 5, "stopped long before 50 epochs");
            assertNotNull(stopped.progress().message());
        } finally {
            runtime.close();
            assertTrue(t.awaitTermination(Duration.ofSeconds(10)));
        }
    }

    @Test
    void comparesActivationsOnTheSameStart() throws Exception {
        Experiment e = mnist(CnnPresets.SHALLOW, 300, 32, 1);
        Run<CnnFrames.Frame> t = start(List.of(CnnLinks.withActivation(e, "ReLU"), CnnLinks.withActivation(e, "Sigmoid"))).run();
        try {
            CnnFrames.Frame done = await(f -> f.progress().phase() == CnnFrames.Phase.DONE, "done");
            assertEquals(2, done.runs().size());
            assertTrue(done.runs().get(0).name().startsWith("ReLU: "));
            assertTrue(done.runs().get(1).name().startsWith("Sigmoid: "));
            for (CnnFrames.RunHistory r : done.runs()) {
                assertEquals(2, r.stats().size());
                assertEquals(List.of("1 Linear", "3 Linear"), r.gradientLayers());
            }
            // both start near chance (ln 10 for ten classes) and learn differently
            assertEquals(Math.log(10), done.runs().get(0).stats().get(0).testLoss(), 0.5);
            assertEquals(Math.log(10), done.runs().get(1).stats().get(0).testLoss(), 0.5);
            assertTrue(done.runs().get(0).stats().get(1).testLoss() != done.runs().get(1).stats().get(1).testLoss());
            // the details of every run, for the page to pick from: same test images, each run's own maps
            List<CnnFrames.Details> details = await(f -> f.details() != null && f.details().get(0).epoch() == 1, "details")
                    .details();
            assertEquals(2, details.size());
            assertEquals(0, details.get(0).run());
            assertEquals(1, details.get(1).run());
            assertEquals(details.get(0).images(), details.get(1).images());
            assertEquals("ReLU", details.get(0).featureMaps().get(2).type());
            assertEquals("Sigmoid", details.get(1).featureMaps().get(2).type());
            assertFalse(java.util.Arrays.equals(details.get(0).featureMaps().get(2).output().values(),
                    details.get(1).featureMaps().get(2).output().values()));
        } finally {
            runtime.close();
            assertTrue(t.awaitTermination(Duration.ofSeconds(10)));
        }
    }

    @Test
    void aLossThatBecomesNaNStopsTheRunWithTheEnginesMessage() throws Exception {
        Experiment e = mnist(CnnPresets.LENET, 200, 32, 3);
        Run<CnnFrames.Frame> t = start(List.of(e.withOptimizer(e.optimizer().withLr(1e308)))).run();
        try {
            CnnFrames.Frame failed = await(f -> f.progress().phase() == CnnFrames.Phase.FAILED, "failed");
            String m = failed.progress().message();
            assertTrue(m.startsWith("Training stopped: the training loss became ") && m.contains(" in epoch 1, batch ")
                    && m.endsWith("use a smaller learning rate (optimizer.lr is 1.0E308; 0.001 to 0.1 is usual)"), m);
        } finally {
            runtime.close();
            assertTrue(t.awaitTermination(Duration.ofSeconds(10)));
        }
    }

    @Test
    void waitsForASlotSaysWhyAndHoldsNoneWhilePaused() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(Run.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        runtime(1, 1);
        List<CnnFrames.Frame> otherFrames = Collections.synchronizedList(new ArrayList<>());
        Run<CnnFrames.Frame> other = start(List.of(mnist(CnnPresets.PERCEPTRON, 2000, 4, 50)), "visitor:b", otherFrames).run();
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (runtime.computingCount(true) == 0 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        Run<CnnFrames.Frame> t = start(List.of(mnist(CnnPresets.PERCEPTRON, 2000, 4, 50))).run();
        try {
            CnnFrames.Frame waiting = await(f -> f.progress().phase() == CnnFrames.Phase.WAITING, "waiting");
            assertTrue(waiting.progress().message().startsWith("Waiting: the server is training 1 image network right now"),
                    waiting.progress().message());
            Thread.sleep(300);
            assertEquals(RunState.QUEUED, t.state(), "the reason stays while it is true");
            other.pause();
            await(f -> f.progress().phase() == CnnFrames.Phase.TRAINING && f.progress().batch() > 0, "training");
            assertEquals(1, runtime.computingCount(true));
            t.pause();
            await(f -> f.progress().phase() == CnnFrames.Phase.PAUSED, "paused");
            // someone else computes meanwhile: resuming waits again, and a pause while waiting goes back to paused
            other.play();
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (other.state() != RunState.RUNNING && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            frames.clear();
            t.play();
            await(f -> f.progress().phase() == CnnFrames.Phase.WAITING, "waiting again");
            t.pause();
            await(f -> f.progress().phase() == CnnFrames.Phase.PAUSED, "paused while waiting");
            t.play();
            await(f -> f.progress().phase() == CnnFrames.Phase.WAITING, "waiting once more");
            other.stop();
            await(f -> f.progress().phase() == CnnFrames.Phase.TRAINING, "training again");
        } finally {
            runtime.close();
            assertTrue(t.awaitTermination(Duration.ofSeconds(10)));
            logger.detachAppender(log);
        }
        assertEquals(0, runtime.computingCount(true), "an ended run holds no slot");
        List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(l -> l.contains(t.id())).toList();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("Run \\S+ started: owner=visitor:a signedIn=false page=cnn trainers=1 dataset=mnist "
                + "backend=.* device=.*"), lines.get(0));
        assertTrue(lines.get(1).matches("Run \\S+ interrupted at epoch [\\d.]+ \\(the server shut down\\): owner=visitor:a "
                + "backend=.* device=.*"), lines.get(1));
    }
}
