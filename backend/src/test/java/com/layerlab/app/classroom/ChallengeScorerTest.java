package com.layerlab.app.classroom;

import com.layerlab.app.store.Page;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyDouble;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.doubleThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockingDetails;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.layerlab.app.lab.ControlLocks.Control;
import com.layerlab.app.training.RunStatus;
import com.layerlab.datasets.ImageSet;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.OptimizerSpec;
import com.layerlab.engine.train.ImageProbes;
import java.util.ArrayList;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.training.PointFrames;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunLogs;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.datasets.Points2D;
import com.layerlab.engine.experiment.Models;
import com.layerlab.engine.train.PointData;
import com.layerlab.engine.train.Trainer;
import com.layerlab.engine.tensor.Backends;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.invocation.Invocation;

/** Scoring on the server: the hidden split, the locks, the measurement on the run's thread (Classrooms a stand-in). */
class ChallengeScorerTest {

    private static final long SESSION = 7;
    private static final long PUSH = 11;
    private static final long SECRET = 12345;
    /** Circle, learned at once from the squares: a good loss within a few epochs. */
    private static final PlaygroundSettings PUSHED = PlaygroundSettings.DEFAULTS.toBuilder()
            .features(List.of("x1^2", "x2^2")).hiddenLayers(List.of(3)).learningRate(0.3).build();

    @TempDir
    Path root;

    private ClassRig rig;
    private TrainingRuntime runtime;
    private Classrooms classrooms;
    private ChallengeScorer scorer;
    private final Seat ana = ClassRig.seat(1, "Ana", false);
    private final Seat bob = ClassRig.seat(2, "Bob", false);

    @BeforeEach
    void setUp() {
        rig = new ClassRig(root);
        runtime = rig.runtime;
        classrooms = rig.classrooms;
        rig.seats(ana, bob);
        Challenge challenge = new Challenge(Set.of(Control.NEURONS),
                new Challenge.Goal(Challenge.Metric.TEST_LOSS, 0.2, 0, 0));
        rig.push(PUSH, Page.PLAYGROUND, StudentRuns.viewState(PUSHED), challenge);
        scorer = new ChallengeScorer(classrooms, runtime, null, SECRET, 0);
    }

    @AfterEach
    void tearDown() {
        scorer.close();
        rig.close();
    }

    private Run<PointFrames.Frame> train(String owner, PlaygroundSettings s) {
        return rig.trainPoints(owner, StudentRuns.PAGE, s.toExperiment(), false);
    }

    /** The scores recorded for a seat so far. */
    private List<Double> recorded(long seat) {
        return mockingDetails(classrooms).getInvocations().stream()
                .filter(i -> i.getMethod().getName().equals("record") && (long) i.getArgument(1) == seat)
                .map(i -> (Double) i.getArgument(2)).toList();
    }

    @Test
    void aRunThatKeepsTheLocksIsScoredOnTheHiddenSplitOneThatBreaksOneIsNot() throws Exception {
        // ana changes the neurons (unlocked); bob the learning rate (locked)
        PlaygroundSettings anas = PUSHED.toBuilder().hiddenLayers(List.of(4)).build();
        Run<PointFrames.Frame> anaRun = train("visitor:ana", anas);
        Run<PointFrames.Frame> bobRun = train("visitor:bob", PUSHED.toBuilder().learningRate(1.0).build());
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (recorded(1).stream().noneMatch(v -> v < 0.2) && System.nanoTime() < end) {
            scorer.scoreNow();
            Thread.sleep(50);
        }
        assertTrue(recorded(1).stream().anyMatch(v -> v < 0.2), "ana's good loss recorded: " + recorded(1));
        assertTrue(bobRun.status().epoch() >= 1, "bob's run trained too");
        assertEquals(List.of(), recorded(2), "bob broke a lock: nothing recorded");

        // what was recorded: her parameters, the epoch her weights had trained, the settings that did it
        int params = (int) Models.inspect(anas.toExperiment()).totalParams();
        verify(classrooms, atLeastOnce()).record(eq(PUSH), eq(1L), doubleThat(v -> v < 0.2), eq(params),
                anyInt(), eq(StudentRuns.viewState(StudentRuns.settings(anaRun).orElseThrow())));
        for (Invocation i : mockingDetails(classrooms).getInvocations()) {
            if (i.getMethod().getName().equals("record")) {
                int epoch = i.getArgument(4);
                assertTrue(epoch >= 1 && epoch <= anaRun.status().epoch() + 1, "epoch " + epoch);
            }
        }

        // scored once per epoch at most: a paused run is not measured again
        anaRun.pause();
        long paused = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (anaRun.status().state() != com.layerlab.app.training.RunState.PAUSED && System.nanoTime() < paused) {
            Thread.sleep(20);
        }
        // the epochs it trained before it paused (a measurement still under way is waited for, then the last epoch)
        for (int i = 0; i < 3; i++) {
            scorer.scoreNow();
            Thread.sleep(300);
        }
        int before = recorded(1).size();
        scorer.scoreNow();
        scorer.scoreNow();
        Thread.sleep(300);
        assertEquals(before, recorded(1).size(), "nothing new to score");
        verify(classrooms, never()).record(eq(PUSH), eq(2L), anyDouble(), anyInt(), anyInt(), anyString());
    }

    @Test
    void theHiddenSplitIsOtherPointsOfTheSameDistribution() throws Exception {
        PlaygroundSettings s = PUSHED.toBuilder().noise(20).build();
        try (Trainer t = new Trainer(s.toExperiment())) {
            PointData data = (PointData) t.data();
            long seed = ChallengeScorer.hiddenSeed(PUSH, 12345, s.dataSeed());
            Points2D hidden = ChallengeScorer.hiddenSplit(s, seed);
            assertEquals(ChallengeScorer.HIDDEN_POINTS, hidden.size());
            assertNotEquals(s.dataSeed(), seed);
            assertEquals(seed, ChallengeScorer.hiddenSeed(PUSH, 12345, s.dataSeed()), "the same push, the same points");
            assertNotEquals(seed, ChallengeScorer.hiddenSeed(PUSH + 1, 12345, s.dataSeed()), "another push, other points");
            assertNotEquals(seed, ChallengeScorer.hiddenSeed(PUSH, 54321, s.dataSeed()), "another server's secret, other points");

            // not one of the run's training or test points
            Set<Long> seen = new HashSet<>();
            for (Points2D p : List.of(data.trainPoints(), data.testPoints())) {
                for (int i = 0; i < p.size(); i++) {
                    seen.add(key(p, i));
                }
            }
            for (int i = 0; i < hidden.size(); i++) {
                assertFalse(seen.contains(key(hidden, i)), "hidden point " + i + " is one of the run's");
            }

            // the same distribution: the trained network does as well on it as on its test split, and the
            // classes are as balanced
            for (int e = 0; e < 30; e++) {
                t.trainEpoch();
            }
            ChallengeScorer.Score onHidden = ChallengeScorer.measure(List.of(t), hidden, Challenge.Metric.TEST_LOSS);
            ChallengeScorer.Score onTest = ChallengeScorer.measure(List.of(t), (Points2D) null, Challenge.Metric.TEST_LOSS);
            assertEquals(t.stats().testLoss(), onTest.value(), 1e-12, "no hidden split: the run's own test split");
            assertEquals(30, onHidden.epoch());
            assertEquals(onTest.value(), onHidden.value(), 0.15, "hidden " + onHidden.value() + ", test " + onTest.value());
            double acc = ChallengeScorer.measure(List.of(t), hidden, Challenge.Metric.TEST_ACCURACY).value();
            assertTrue(acc > 0.8 && acc <= 1, "accuracy " + acc);
            assertEquals(share(data.trainPoints()), share(hidden), 0.1);

            // another distribution (xor) is told apart: the measure is of the data set's own distribution
            Points2D xor = ChallengeScorer.hiddenSplit(s.toBuilder().dataset("xor").build(), seed);
            double onXor = ChallengeScorer.measure(List.of(t), xor, Challenge.Metric.TEST_ACCURACY).value();
            assertTrue(onXor < acc - 0.2, "xor " + onXor + " vs circle " + acc);
        }
    }

    private static long key(Points2D p, int i) {
        return ((long) Float.floatToIntBits(p.x1()[i]) << 32) | (Float.floatToIntBits(p.x2()[i]) & 0xffffffffL);
    }

    private static double share(Points2D p) {
        double ones = 0;
        for (int i = 0; i < p.size(); i++) {
            ones += p.label()[i] > 0.5 ? 1 : 0;
        }
        return ones / p.size();
    }

    @Test
    void nothingIsScoredWithoutAChallengeOrBeforeAnEpoch() throws Exception {
        when(classrooms.currentChallenge(SESSION)).thenReturn(Optional.empty());
        train("visitor:ana", PUSHED);
        Thread.sleep(500);
        scorer.scoreNow();
        Thread.sleep(200);
        verify(classrooms, never()).record(anyLong(), anyLong(), anyDouble(), anyInt(), anyInt(), anyString());
    }

    // ---- the CNN lab

    /** A CNN challenge: only the learning rate unlocked, an accuracy to reach. */
    private Push cnnChallenge(Experiment pushed) {
        Challenge challenge = new Challenge(Set.of(Control.LEARNING_RATE),
                new Challenge.Goal(Challenge.Metric.TEST_ACCURACY, 0.99, 0, 0));
        Push p = rig.push(PUSH + 1, Page.CNN, ClassRig.cnnViewState(pushed), challenge);
        scorer.refresh();
        return p;
    }

    @Test
    void aCnnRunIsScoredOnHiddenShapesOneThatChangesTheLockedLayerStackIsNot() throws Exception {
        Experiment pushed = ClassRig.smallCnn(200);
        cnnChallenge(pushed);
        // ana changes the learning rate (unlocked); bob the layer stack (locked); cem trains in the playground only
        Experiment anas = pushed.withOptimizer(pushed.optimizer().withLr(0.02));
        Run<RunStatus> anaRun = rig.trainCnn("visitor:ana", anas, false);
        List<LayerSpec> wider = new ArrayList<>(pushed.model());
        wider.set(0, LayerSpec.of("Conv2d", java.util.Map.of("out_channels", 6, "kernel_size", 3)));
        Run<RunStatus> bobRun = rig.trainCnn("visitor:bob", pushed.withModel(wider), false);
        // a playground run of ana's is not her CNN lab run
        train("visitor:ana", PUSHED);

        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while ((recorded(1).isEmpty() || bobRun.status().epoch() < 1) && System.nanoTime() < end) {
            scorer.scoreNow();
            Thread.sleep(50);
        }
        assertFalse(recorded(1).isEmpty(), "ana's accuracy recorded");
        for (double v : recorded(1)) {
            assertTrue(v >= 0 && v <= 1, "an accuracy: " + v);
            // measured on 500 hidden images: a whole number of them right
            assertEquals(Math.rint(v * HiddenImages.IMAGES), v * HiddenImages.IMAGES, 1e-6, "of 500 images: " + v);
        }
        assertTrue(bobRun.status().epoch() >= 1, "bob's run trained too");
        scorer.scoreNow();
        Thread.sleep(300);
        assertEquals(List.of(), recorded(2), "bob changed the locked layer stack: nothing recorded");

        // her parameters, the epochs her weights had trained, and the CNN lab's link of what she trains
        int params = (int) Models.inspect(anas).totalParams();
        verify(classrooms, atLeastOnce()).record(eq(PUSH + 1), eq(1L), anyDouble(), eq(params), anyInt(),
                eq(StudentRuns.cnnViewState(anaRun).orElseThrow()));
        for (Invocation i : mockingDetails(classrooms).getInvocations()) {
            if (i.getMethod().getName().equals("record")) {
                int epoch = i.getArgument(4);
                assertTrue(epoch >= 1 && epoch <= anaRun.status().epoch() + 1, "epoch " + epoch);
                Experiment linked = ViewStates.cnn(i.getArgument(5));
                assertEquals(0.02, linked.optimizer().lr(), 1e-12, "her learning rate in the link");
            }
        }
        assertEquals(1, scorer.hiddenImages().held(), "one push's hidden shapes held");
        assertEquals("500 images your network never sees", scorer.hiddenSplitText(rig.classrooms.currentChallenge(SESSION).orElseThrow()));

        // the challenge is no longer current: its hidden images go
        when(classrooms.currentChallenge(SESSION)).thenReturn(Optional.empty());
        scorer.refresh();
        scorer.scoreNow();
        assertEquals(0, scorer.hiddenImages().held());
    }

    @Test
    void aTrainedShapesCnnIsMeasuredOnTheHiddenImagesNotItsTestSplit() throws Exception {
        Experiment e = ClassRig.smallCnn(300).withOptimizer(OptimizerSpec.adam(0.01));
        try (Trainer t = new Trainer(e, null)) {
            for (int i = 0; i < 3; i++) {
                t.trainEpoch();
            }
            long seed = ChallengeScorer.hiddenSeed(PUSH, SECRET, e.data().dataSeed(e.seed()));
            ImageSet hidden = HiddenImages.generated(seed);
            assertEquals(HiddenImages.IMAGES, hidden.size());

            // without hidden images: the run's own test split as its last epoch measured it
            ChallengeScorer.Score ownAcc = ChallengeScorer.measureImages(List.of(t), null, Challenge.Metric.TEST_ACCURACY);
            assertEquals(t.stats().testAccuracy(), ownAcc.value(), 1e-12);
            assertEquals(3, ownAcc.epoch());
            // the same measurement over the run's own test images gives its test split's figures: one path
            ImageProbes.Score onTestImages = new ImageProbes(t).score(testImages(t));
            assertEquals(t.stats().testAccuracy(), onTestImages.accuracy(), 1e-12);
            assertEquals(t.stats().testLoss(), onTestImages.loss(), 1e-5);
            assertEquals(t.data().testSize(), onTestImages.images());

            // on the hidden images: 500 others, in two evaluation batches
            ChallengeScorer.Score acc = ChallengeScorer.measureImages(List.of(t), hidden, Challenge.Metric.TEST_ACCURACY);
            ChallengeScorer.Score loss = ChallengeScorer.measureImages(List.of(t), hidden, Challenge.Metric.TEST_LOSS);
            ImageProbes.Score s = new ImageProbes(t).score(hidden);
            assertEquals(500, s.images());
            assertEquals(s.accuracy(), acc.value(), 1e-12);
            assertEquals(s.loss(), loss.value(), 1e-12);
            assertEquals(3, acc.epoch());
            assertEquals(Math.rint(acc.value() * 500), acc.value() * 500, 1e-6, "a share of 500 images: " + acc.value());
            assertTrue(loss.value() > 0 && Double.isFinite(loss.value()), "cross-entropy " + loss.value());
            // (how well it does is not asserted: a network this small learns little of the shapes in three quick epochs)
            // measuring changed nothing: the weights train on from where they were
            assertEquals(3, t.epoch());
        }
    }

    /** The run's test split as an image set (its pixels back as the bytes they came from). */
    private static ImageSet testImages(Trainer t) {
        int n = t.data().testSize();
        int[] shape = t.inputShape();
        int size = shape[0] * shape[1] * shape[2];
        byte[] pixels = new byte[n * size];
        for (int i = 0; i < n; i++) {
            float[] x = t.data().testInput(i);
            for (int k = 0; k < size; k++) {
                pixels[i * size + k] = (byte) Math.round(x[k] * 255f);
            }
        }
        return new ImageSet("shapes", pixels, shape[0], shape[1], shape[2], t.data().testLabels(), t.data().classNames(), 0,
                "the run's test split");
    }
}
