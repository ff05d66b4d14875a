package com.layerlab.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.datasets.Datasets2D;
import com.layerlab.datasets.Points2D;
import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentException;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.LossSpec;
import com.layerlab.engine.experiment.OptimizerSpec;
import com.layerlab.engine.experiment.RegularizationSpec;
import com.layerlab.engine.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerTest {

    private static final List<LayerSpec> XOR_NET = List.of(LayerSpec.linear(4), LayerSpec.of("Tanh"), LayerSpec.linear(1));

    private static Experiment xor(long seed, OptimizerSpec o) {
        return Experiment.of("xor", seed, "classification", DataSpec.of2D("xor", 500, 0, null, 0.5, 10), XOR_NET,
                LossSpec.of("BCEWithLogitsLoss"), o, RegularizationSpec.NONE, 30);
    }

    @Test
    void xorIsLearnedByA241TanhNetwork() {
        Trainer run = new Trainer(xor(3, OptimizerSpec.sgd(0.1)));
        EpochStats start = run.stats();
        assertEquals(0, start.epoch());
        assertTrue(start.testAccuracy() < 0.8, "untrained: " + start);
        EpochStats s = start;
        for (int i = 0; i < 30; i++) {
            s = run.trainEpoch();
        }
        assertEquals(30, s.epoch());
        assertEquals(30, run.epoch());
        assertTrue(s.testAccuracy() >= 0.97, "after 30 epochs: " + s);
        assertTrue(s.trainAccuracy() >= 0.97, "after 30 epochs: " + s);
        assertTrue(s.testLoss() < 0.15 && s.testLoss() < start.testLoss() / 4, "after 30 epochs: " + s);
    }

    @Test
    void sameExperimentGivesBitIdenticalLosses() {
        Experiment e = xor(11, OptimizerSpec.sgd(0.05, 0.9, 1e-4, true))
                .withRegularization(RegularizationSpec.of("L2", 0.001));
        long[] a = losses(e, 8);
        long[] b = losses(e, 8);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, losses(e.withSeed(12), 8)), "another seed, other losses");
        Experiment adam = Experiment.of("spiral", 4, "classification",
                DataSpec.of2D("spiral", 300, 10, List.of("x1", "x2", "sin(x1)", "sin(x2)"), 0.7, 16).withOption("classes", 3),
                List.of(LayerSpec.linear(8), LayerSpec.of("ReLU"), LayerSpec.linear(3)), LossSpec.of("CrossEntropyLoss"),
                OptimizerSpec.adam(0.01), RegularizationSpec.of("L1", 0.0005), 5);
        assertArrayEquals(losses(adam, 5), losses(adam, 5));
    }

    private static long[] losses(Experiment e, int epochs) {
        Trainer run = new Trainer(e);
        long[] out = new long[2 * epochs];
        for (int i = 0; i < epochs; i++) {
            EpochStats s = run.trainEpoch();
            out[2 * i] = Double.doubleToRawLongBits(s.trainLoss());
            out[2 * i + 1] = Double.doubleToRawLongBits(s.testLoss());
        }
        return out;
    }

    @Test
    void splitFollowsTrainFractionAndTheDataSeed() {
        Experiment e = xor(5, OptimizerSpec.sgd(0.1)).withData(DataSpec.of2D("xor", 200, 10, null, 0.7, 10));
        Trainer run = new Trainer(e);
        assertEquals(140, new PointProbes(run).trainPoints().size());
        assertEquals(60, new PointProbes(run).testPoints().size());
        // the points are the data set's, shuffled
        Points2D all = Datasets2D.generate("xor", 200, 10, 2, 5);
        float[] expected = all.x1().clone();
        float[] got = new float[200];
        System.arraycopy(new PointProbes(run).trainPoints().x1(), 0, got, 0, 140);
        System.arraycopy(new PointProbes(run).testPoints().x1(), 0, got, 140, 60);
        Arrays.sort(expected);
        Arrays.sort(got);
        assertArrayEquals(expected, got);
        // a data seed of its own keeps the points when the experiment's seed (the weights) changes
        Experiment pinned = e.withData(e.data().withOption("seed", 99));
        Trainer a = new Trainer(pinned);
        Trainer b = new Trainer(pinned.withSeed(6));
        assertArrayEquals(new PointProbes(a).trainPoints().x1(), new PointProbes(b).trainPoints().x1());
        assertNotEquals(a.model().stateDict().get("0.weight").toHost()[0], b.model().stateDict().get("0.weight").toHost()[0]);
        Trainer c = new Trainer(pinned.withData(pinned.data().withOption("seed", 100)));
        assertArrayEquals(a.model().stateDict().get("0.weight").toHost(), c.model().stateDict().get("0.weight").toHost());
        assertFalse(Arrays.equals(new PointProbes(a).trainPoints().x1(), new PointProbes(c).trainPoints().x1()));
    }

    @Test
    void dropLastAndNoShuffleChangeTheSteps() {
        Experiment base = xor(5, OptimizerSpec.sgd(0.1)).withData(
                new DataSpec("xor", java.util.Map.of("samples", 105), null, 0.5, 10, false, false));
        Experiment dropLast = base.withData(new DataSpec("xor", java.util.Map.of("samples", 105), null, 0.5, 10, false, true));
        double keep = new Trainer(base).trainEpoch().trainLoss();
        assertEquals(keep, new Trainer(base).trainEpoch().trainLoss(), 0.0, "no shuffle: same order each run");
        assertNotEquals(keep, new Trainer(dropLast).trainEpoch().trainLoss(), "52 points: a short last batch dropped");
    }

    @Test
    void aDroppedOnlyBatchIsRefusedInsteadOfTrainingNothing() {
        Experiment e = xor(5, OptimizerSpec.sgd(0.1)).withData(
                new DataSpec("xor", java.util.Map.of("samples", 100), null, 0.5, 60, true, true));
        String m = assertThrows(ExperimentException.class, () -> new Trainer(e)).getMessage();
        assertEquals("data.batch_size 60 is more than the 50 training points and data.drop_last drops that one short "
                + "batch: nothing would be trained (use a smaller batch_size or drop_last false)", m);
        // the same batch without drop_last is one short batch, which trains
        Experiment keep = e.withData(new DataSpec("xor", java.util.Map.of("samples", 100), null, 0.5, 60, true, false));
        Trainer run = new Trainer(keep);
        assertNotEquals(run.stats().trainLoss(), run.trainEpoch().trainLoss());
    }

    @Test
    void regressionTrainsAndHasNoAccuracy() {
        Experiment e = Experiment.of("plane", 3, "regression", DataSpec.of2D("plane", 400, 0, null, 0.5, 10),
                XOR_NET, LossSpec.of("MSELoss"), OptimizerSpec.sgd(0.03), RegularizationSpec.NONE, 10);
        Trainer run = new Trainer(e);
        double start = run.stats().testLoss();
        assertNull(run.stats().testAccuracy());
        EpochStats s = null;
        for (int i = 0; i < 10; i++) {
            s = run.trainEpoch();
        }
        assertNull(s.trainAccuracy());
        // the plane's labels are (x1 + x2) / 10 on [-6, 6]^2: at most 1.2 in size
        double scale = new PointProbes(run).labelScale();
        assertTrue(scale > 1 && scale <= 1.2, "label scale " + scale);
        assertTrue(s.testLoss() < 0.05 && s.testLoss() < start / 2, start + " then " + s);
        GridPrediction g = new PointProbes(run).predictGrid(3, 6f);
        assertEquals(1, g.channels());
        // the plane's label is (x1 + x2) / 10: top-right corner +1.2, bottom-left -1.2, centre 0
        assertEquals(0, g.at(0, 0, 0), 0.2);
        assertEquals(1.2, g.at(0, 2, 0), 0.3);
        assertEquals(-1.2, g.at(2, 0, 0), 0.3);
    }

    @Test
    void multiClassSpiralLearnsAndGridGivesProbabilities() {
        Experiment e = Experiment.of("spiral", 7, "classification",
                DataSpec.of2D("gauss", 300, 0, null, 0.5, 10).withOption("classes", 3),
                List.of(LayerSpec.linear(8), LayerSpec.of("ReLU"), LayerSpec.linear(3)), LossSpec.of("CrossEntropyLoss"),
                OptimizerSpec.adam(0.03), RegularizationSpec.NONE, 10);
        Trainer run = new Trainer(e);
        EpochStats s = null;
        for (int i = 0; i < 10; i++) {
            s = run.trainEpoch();
        }
        assertTrue(s.testAccuracy() > 0.95, s.toString());
        GridPrediction g = new PointProbes(run).predictGrid(10, 6f);
        assertEquals(3, g.channels());
        assertEquals(300, g.values().length);
        for (int cell = 0; cell < 100; cell++) {
            float sum = g.values()[cell * 3] + g.values()[cell * 3 + 1] + g.values()[cell * 3 + 2];
            assertEquals(1f, sum, 1e-5);
        }
        float[][][] maps = new PointProbes(run).neuronGrids(4, 6f);
        assertEquals(3, maps.length, "inputs, one hidden block, output");
        assertEquals(2, maps[0].length);
        assertEquals(8, maps[1].length);
        assertEquals(3, maps[2].length);
        for (float v : maps[1][0]) {
            assertTrue(v >= 0, "hidden maps are taken after the ReLU");
        }
    }

    @Test
    void theLastStepReportsGradientUpdateAndWeightPerLayer() {
        Trainer run = new Trainer(xor(3, OptimizerSpec.sgd(0.1)).withData(
                DataSpec.of2D("xor", 500, 0, List.of("x1", "x2"), 0.5, 10)));
        assertNull(run.stepProbe().lastStep());
        float[] before = run.model().parameters().get(0).toHost();
        run.trainEpoch((batch, batches, rate) -> batch < 3);
        StepReport s = run.stepProbe().lastStep();
        assertEquals(1, s.epoch());
        assertEquals(3, s.batch());
        assertEquals(run.stepProbe().layers(), s.layers());
        assertTrue(s.loss() > 0);
        for (int j = 0; j < s.layers().size(); j++) {
            assertTrue(s.gradient()[j] > 0, s.layers().get(j));
            // plain SGD moves every weight by lr * |grad|
            assertEquals(0.1 * s.gradient()[j], s.update()[j], 1e-4 * s.update()[j], s.layers().get(j));
            assertTrue(s.relativeUpdate(j) > 0 && s.relativeUpdate(j) < 1, s.layers().get(j));
        }
        double moved = 0;
        float[] after = run.model().parameters().get(0).toHost();
        for (int i = 0; i < after.length; i++) {
            moved += Math.abs(after[i]);
        }
        assertEquals(moved / after.length, s.weight()[0], 1e-6);
        assertFalse(Arrays.equals(before, after));
        run.trainEpoch((batch, batches, rate) -> false);
        assertEquals(2, run.stepProbe().lastStep().epoch());
        assertEquals(1, run.stepProbe().lastStep().batch());
    }

    @Test
    void withoutStepReportsTheRunTrainsTheSameBitsAndStillMeasuresGradientSizes() {
        Experiment e = xor(3, OptimizerSpec.sgd(0.1, 0.9, 0, false));
        Trainer reported = new Trainer(e);
        Trainer quiet = new Trainer(e).reportSteps(false);
        reported.trainEpoch();
        quiet.trainEpoch();
        assertNotNull(reported.stepProbe().lastStep());
        assertNull(quiet.stepProbe().lastStep(), "no report while they are off");
        assertEquals(reported.history(), quiet.history());
        assertArrayEquals(reported.model().parameters().get(0).toHost(), quiet.model().parameters().get(0).toHost());
        assertArrayEquals(reported.stepProbe().gradientNorms(), quiet.stepProbe().gradientNorms());
        assertTrue(quiet.stepProbe().gradientNorms()[0] > 0);
        quiet.reportSteps(true).step();
        assertEquals(2, quiet.stepProbe().lastStep().epoch(), "on again from the next step");
        reported.close();
        quiet.close();
    }

    @Test
    void gridsInputsWeightsAndGradientsHaveTheContractsLayout() {
        Trainer run = new Trainer(xor(3, OptimizerSpec.sgd(0.1)).withData(
                DataSpec.of2D("xor", 500, 0, List.of("x1", "x2", "x1*x2"), 0.5, 10)));
        assertArrayEquals(new double[] {0, 0}, run.stepProbe().gradientNorms());
        run.trainEpoch();
        double[] g = run.stepProbe().gradientNorms();
        assertEquals(2, g.length);
        assertTrue(g[0] > 0 && g[1] > 0);
        float[][][] maps = new PointProbes(run).neuronGrids(3, 6f);
        assertEquals(3, maps.length);
        assertEquals(3, maps[0].length, "three input features");
        // row 0 is the top (x2 = +6), column 0 the left (x1 = -6)
        assertArrayEquals(new float[] {-6, 0, 6, -6, 0, 6, -6, 0, 6}, maps[0][0]);
        assertArrayEquals(new float[] {6, 6, 6, 0, 0, 0, -6, -6, -6}, maps[0][1]);
        assertEquals(-36f, maps[0][2][0]);
        assertEquals(4, maps[1].length);
        for (float v : maps[1][2]) {
            assertTrue(v >= -1 && v <= 1, "after Tanh");
        }
        GridPrediction p = new PointProbes(run).predictGrid(3, 6f);
        assertEquals(1, p.channels());
        assertArrayEquals(p.values(), maps[2][0]);
        for (float v : p.values()) {
            assertTrue(v >= 0 && v <= 1, "P(class 1)");
        }
        List<float[][]> w = new PointProbes(run).linearWeights();
        assertEquals(2, w.size());
        assertEquals(4, w.get(0).length);
        assertEquals(3, w.get(0)[0].length);
        Tensor w0 = run.model().stateDict().get("0.weight");
        assertEquals(w0.toHost()[1 * 3 + 2], w.get(0)[1][2]);
        assertEquals(1, w.get(1).length);
    }

    @Test
    void learningRateCanChangeBetweenEpochs() {
        Trainer a = new Trainer(xor(3, OptimizerSpec.sgd(0.1)));
        Trainer b = new Trainer(xor(3, OptimizerSpec.sgd(0.1)));
        a.trainEpoch();
        b.trainEpoch();
        b.setLearningRate(0.0);
        assertEquals(0.0, b.experiment().optimizer().lr());
        float before = b.model().stateDict().get("0.weight").toHost()[0];
        b.trainEpoch();
        assertEquals(before, b.model().stateDict().get("0.weight").toHost()[0], "lr 0 leaves the weights alone");
        a.trainEpoch();
        assertNotEquals(before, a.model().stateDict().get("0.weight").toHost()[0]);
    }

    @Test
    void modelOnlyAndUnavailableExperimentsAreRefused() {
        Experiment modelOnly = Experiment.modelOnly(List.of(2), XOR_NET);
        String m = assertThrows(ExperimentException.class, () -> new Trainer(modelOnly)).getMessage();
        assertTrue(m.startsWith("cannot train: the file has no seed, task, data, loss, optimizer, epochs"), m);
        Experiment conv = xor(1, OptimizerSpec.sgd(0.1)).withData(new DataSpec("mnist", null, null, 0.8, 64, true, false))
                .withModel(List.of(LayerSpec.of("Flatten"), LayerSpec.linear(1)));
        m = assertThrows(ExperimentException.class, () -> new Trainer(conv)).getMessage();
        assertEquals("loss.type: BCEWithLogitsLoss needs 2 classes, but data set \"mnist\" has 10; use CrossEntropyLoss", m);
        Experiment folder = conv.withData(new DataSpec("folder:nothing-here", null, null, 0.8, 64, true, false))
                .withInputShape(List.of(1, 28, 28));
        m = assertThrows(ExperimentException.class, () -> new Trainer(folder, Path.of("/nonexistent")))
                .getMessage();
        assertTrue(m.startsWith("data.dataset: "), m);
    }

    @Test
    void aLossThatBecomesNaNStopsTheRunNamingEpochAndBatch() {
        Trainer run = new Trainer(xor(1, OptimizerSpec.sgd(1e308)));
        LossDivergedException x = assertThrows(LossDivergedException.class, () -> {
            for (int i = 0; i < 3; i++) {
                run.trainEpoch();
            }
        });
        assertEquals(1, x.epoch());
        assertTrue(x.batch() >= 1 && !Double.isFinite(x.loss()), x.getMessage());
        assertEquals("the training loss became " + (Double.isNaN(x.loss()) ? "NaN" : "infinite") + " in epoch 1, batch "
                + x.batch() + " of 25: the weights have grown out of float range; use a smaller learning rate "
                + "(optimizer.lr is 1.0E308; 0.001 to 0.1 is usual)", x.getMessage());
        // a sane rate on the same data trains on
        Trainer sane = new Trainer(xor(1, OptimizerSpec.sgd(0.1)));
        assertTrue(Double.isFinite(sane.trainEpoch().testLoss()));
    }
}
