package com.layerlab.app.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.lab.CompareActivation;
import com.layerlab.app.lab.CompareLinks;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.StepResult;
import com.layerlab.engine.train.Trainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The frames of 2D runs, made from trainers directly and through the runtime. */
class PointFramesTest {

    private static final RunStatus PAUSED = new RunStatus(RunState.PAUSED, false, null, 0, 0, 25, 0, Double.NaN,
            Double.NaN, Double.NaN, 0.03);

    @Test
    void thePlaygroundsFrameHasEveryNeuronsMapAndItsPointsOncePerPage() {
        Trainer t = new Trainer(PlaygroundSettings.DEFAULTS.toExperiment());
        List<Trainer> trainers = List.of(t);
        PointFrames frames = PointFrames.playground();
        // before the trainers are built: the status only
        PointFrames.Frame empty = frames.frame(PAUSED, List.of(), 0);
        assertTrue(empty.items().isEmpty());
        assertNull(empty.points());
        assertEquals(0, frames.version());

        frames.started(trainers);
        assertEquals(1, frames.version());
        PointFrames.Frame first = frames.frame(PAUSED, trainers, 0);
        assertEquals(PAUSED, first.status());
        assertEquals(1, first.items().size());
        RunSnapshot s = first.items().get(0).snapshot();
        assertEquals(PointFrames.GRID_N * PointFrames.GRID_N, s.output().length);
        int cells = PointFrames.NEURON_N * PointFrames.NEURON_N;
        assertEquals((7 + 4 + 2 + 1) * cells, s.neuronMaps().length, "7 features, 4 + 2 hidden, 1 output");
        assertNull(first.items().get(0).activations(), "the playground measures no activations");
        assertNull(s.lastStep(), "nothing trained yet");
        PointFrames.Points points = first.points().get(0);
        // 500 points by default, half of them for training: 12 bytes each, base64
        assertEquals(250 * 12, java.util.Base64.getDecoder().decode(points.train()).length);
        assertEquals(250 * 12, java.util.Base64.getDecoder().decode(points.test()).length);
        assertEquals(0, points.regressionScale(), "a classification");
        // a page that has the points gets none again
        assertNull(frames.frame(PAUSED, trainers, frames.version()).points());

        // one batch: the frame shows its step and the weights it changed
        StepResult step = t.step();
        frames.stepped(trainers, List.of(step));
        RunSnapshot after = frames.frame(PAUSED, trainers, frames.version()).items().get(0).snapshot();
        assertEquals(1, after.lastStep().epoch());
        assertEquals(1, after.lastStep().batch());
        assertNotEquals(s.weights().get(0)[0][0], after.weights().get(0)[0][0], "the step changed the weights");
        assertEquals(0, after.stats().epoch(), "the losses are those of the last whole epoch");
    }

    @Test
    void aRegressionsPointsCarryTheScaleTheyAreDrawnOn() {
        Experiment e = PlaygroundSettings.DEFAULTS.toBuilder().problem(PlaygroundSettings.REGRESSION).dataset("plane")
                .build().toExperiment();
        Trainer t = new Trainer(e);
        PointFrames frames = PointFrames.playground();
        frames.started(List.of(t));
        double scale = frames.frame(PAUSED, List.of(t), 0).points().get(0).regressionScale();
        assertTrue(scale > 0, "the largest |label|: " + scale);
    }

    @Test
    void theComparisonsFrameMeasuresEveryActivationInLockStep() throws Exception {
        List<Experiment> experiments = CompareLinks.DEFAULTS.experiments();
        assertEquals(3, experiments.size());
        TrainingRuntime runtime = new TrainingRuntime(null, null,
                new TrainingRuntime.Pool(4, 4, Duration.ofMillis(5), "networks"),
                new TrainingRuntime.Pool(1, 1, Duration.ofMillis(5), "image networks"), Duration.ofSeconds(30), Duration.ZERO);
        try {
            Run<PointFrames.Frame> run = runtime.submit(experiments, new RunOptions("visitor:abc", false, "compare", true, 0),
                    PointFrames.comparison());
            List<PointFrames.Frame> got = new CopyOnWriteArrayList<>();
            run.subscribe(got::add, task -> {
                task.run();
                return true;
            });
            PointFrames.Frame built = await(got, f -> f.status().state() == RunState.PAUSED && !f.items().isEmpty());
            assertNotNull(built.points(), "the first frame with trainers brings the points");
            assertEquals(3, built.points().size());
            run.step();
            PointFrames.Frame stepped = await(got, f -> f.status().batch() == 1 && f.status().state() == RunState.PAUSED);
            assertNull(stepped.points(), "sent once");
            List<CompareActivation> activations = new ArrayList<>();
            for (PointFrames.Item item : stepped.items()) {
                activations.add(CompareLinks.activationOf(item.experiment()));
                assertEquals(1, item.snapshot().lastStep().batch(), "every network trained the same one batch");
                assertNull(item.snapshot().neuronMaps(), "no per-neuron maps on the comparison");
                assertEquals(24, item.activations().hiddenNeurons(), "4 hidden layers of 6");
            }
            assertEquals(List.of(CompareActivation.RELU, CompareActivation.TANH, CompareActivation.SIGMOID), activations);
            run.stop();
        } finally {
            runtime.close();
        }
    }

    private static PointFrames.Frame await(List<PointFrames.Frame> frames, java.util.function.Predicate<PointFrames.Frame> p)
            throws InterruptedException {
        long end = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < end) {
            for (PointFrames.Frame f : frames) {
                if (p.test(f)) {
                    return f;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no such frame; last: " + (frames.isEmpty() ? "none" : frames.get(frames.size() - 1).status()));
    }
}
