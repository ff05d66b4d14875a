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
}
