package com.layerlab.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.engine.data.Batch;
import com.layerlab.engine.data.DataLoader;
import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentException;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.LossSpec;
import com.layerlab.engine.experiment.OptimizerSpec;
import com.layerlab.engine.experiment.RegularizationSpec;
import com.layerlab.engine.experiment.Safetensors;
import com.layerlab.engine.nn.CrossEntropyLoss;
import com.layerlab.engine.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Steps against epochs, progress within an epoch, weights in and out, checkpoints, probes on both data kinds. */
class TrainerStepsTest {

    private static final List<LayerSpec> XOR_NET = List.of(LayerSpec.linear(4), LayerSpec.of("Tanh"), LayerSpec.linear(1));

    /** 250 training points in batches of 10: 25 batches per epoch. */
    private static Experiment xor(OptimizerSpec o) {
        return Experiment.of("xor", 3, "classification", DataSpec.of2D("xor", 500, 0, null, 0.5, 10), XOR_NET,
                LossSpec.of("BCEWithLogitsLoss"), o, RegularizationSpec.of("L2", 0.001), 4);
    }

    /** A CNN with every kind of state a resume must carry: BatchNorm's running statistics, SGD's momentum. */
    private static Experiment cnn() {
        return ImageExperiments.mnist(320, 5, List.of(
                        LayerSpec.of("Conv2d", Map.of("out_channels", 4, "kernel_size", 3, "padding", 1)),
                        LayerSpec.of("BatchNorm2d"),
                        LayerSpec.of("ReLU"),
                        LayerSpec.of("MaxPool2d", Map.of("kernel_size", 2)),
                        LayerSpec.of("Flatten"),
                        LayerSpec.linear(10)))
                .withOptimizer(OptimizerSpec.sgd(0.05, 0.9, 1e-3, true));
    }

    @Test
    void stepsOverAnEpochGiveTheWeightsAndStatisticsOfTrainEpochBitForBit() {
        for (Experiment e : List.of(xor(OptimizerSpec.sgd(0.1, 0.9, 0, false)), cnn())) {
            try (Trainer byEpoch = new Trainer(e, null); Trainer bySteps = new Trainer(e, null)) {
                byEpoch.trainEpoch();
                EpochStats second = byEpoch.trainEpoch();
                int n = bySteps.batchesPerEpoch();
                EpochStats ended = null;
                for (int i = 0; i < 2 * n; i++) {
                    StepResult s = bySteps.step();
                    assertEquals(i % n + 1, s.batch());
                    assertEquals(i / n + 1, s.epoch());
                    assertEquals(s.batch() == n, s.endedEpoch(), "only the last batch ends the epoch");
                    ended = s.epochStats();
                }
                assertEquals(second, ended);
                assertEquals(byEpoch.history(), bySteps.history());
                Bits.assertSame(Bits.of(byEpoch), Bits.of(bySteps), "state dict");
            }
        }
    }

    @Test
    void progressCountsTheBatchesOfTheEpochUnderWay() {
        try (Trainer t = new Trainer(xor(OptimizerSpec.sgd(0.1)))) {
            assertEquals(25, t.batchesPerEpoch());
            assertEquals(0.0, t.progress());
            for (int i = 0; i < 25 + 5; i++) {
                t.step();
            }
            assertEquals(1, t.epoch());
            assertEquals(5, t.batchInEpoch());
            assertEquals(1.2, t.progress(), 1e-12);
            assertEquals(1, t.stats().epoch(), "the statistics are those of the last completed epoch");
            assertEquals(2, t.stepProbe().lastStep().epoch());
            assertEquals(5, t.stepProbe().lastStep().batch());
            // trainEpoch goes on to the end of the epoch under way, not a whole epoch more
            int[] calls = new int[1];
            EpochStats s = t.trainEpoch((batch, batches, rate) -> {
                calls[0]++;
                return true;
            });
            assertEquals(20, calls[0]);
            assertEquals(2, s.epoch());
            assertEquals(2.0, t.progress());
            assertTrue(t.samplesPerSecond() > 0);
        }
    }

    @Test
    void aListenerThatStopsEndsTheEpochWhereItIs() {
        try (Trainer t = new Trainer(xor(OptimizerSpec.sgd(0.1)))) {
            EpochStats s = t.trainEpoch((batch, batches, rate) -> batch < 3);
            assertEquals(1, s.epoch());
            assertTrue(t.lastEpochStopped());
            assertEquals(1.0, t.progress());
            assertEquals(3, t.stepProbe().lastStep().batch());
            assertEquals(1, t.step().epoch() - 1, "the next step starts epoch 2");
        }
    }

    @Test
    void weightsGoOutAndInAsSafetensorsKeyedAsPyTorch() {
        // the same points (a data seed of their own), other starting weights
        Experiment e = xor(OptimizerSpec.sgd(0.1));
        e = e.withData(e.data().withOption("seed", 99));
        try (Trainer a = new Trainer(e); Trainer b = new Trainer(e.withSeed(4))) {
            a.trainEpoch();
            byte[] w = a.weights();
            assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(Safetensors.fromBytes(w).keySet()));
            assertFalse(Bits.of(a).get("0.weight")[0] == Bits.of(b).get("0.weight")[0]);
            b.loadWeights(w);
            Bits.assertSame(Bits.of(a), Bits.of(b), "state dict");
            // the statistics and probes describe the loaded weights
            assertEquals(a.stats().testLoss(), b.stats().testLoss());
            assertEquals(0, b.stats().epoch());
        }
    }

    @Test
    void weightsThatDoNotFitAreRefusedNamingTheTensor() {
        try (Trainer t = new Trainer(xor(OptimizerSpec.sgd(0.1)))) {
            Map<String, Tensor> good = t.model().stateDict();
            float[] before = good.get("0.weight").toHost();
            Map<String, Tensor> wide = new LinkedHashMap<>(good);
            wide.put("0.weight", Tensor.of(new float[12], 4, 3));
            String m = assertThrows(ExperimentException.class, () -> t.loadWeights(Safetensors.toBytes(wide, Map.of())))
                    .getMessage();
            assertEquals("the weights do not fit the model: 0.weight has shape [4, 3] in the file but [4, 2] in the model", m);
            Map<String, Tensor> other = new LinkedHashMap<>(good);
            other.remove("2.bias");
            other.put("3.bias", Tensor.of(new float[1], 1));
            m = assertThrows(ExperimentException.class, () -> t.loadWeights(Safetensors.toBytes(other, Map.of())))
                    .getMessage();
            assertEquals("the weights do not fit the model: missing 2.bias; unexpected 3.bias; the model has 0.weight, "
                    + "0.bias, 2.weight, 2.bias", m);
            assertArrayEquals(before, t.model().stateDict().get("0.weight").toHost(), "a refused file changes nothing");
            t.step();
            m = assertThrows(IllegalStateException.class, () -> t.loadWeights(t.weights())).getMessage();
            assertEquals("loadWeights: only between epochs; this run is at batch 1 of 25 of epoch 1", m);
        }
    }

    @Test
    void aRunResumedFromACheckpointTrainsOnAsAStraightRunBitForBit() {
        List<Experiment> experiments = List.of(xor(OptimizerSpec.sgd(0.1, 0.9, 1e-4, true)), xor(OptimizerSpec.adam(0.01)),
                cnn());
        for (Experiment e : experiments) {
            Map<String, int[]> straight;
            List<EpochStats> straightHistory;
            try (Trainer t = new Trainer(e, null)) {
                for (int i = 0; i < 4; i++) {
                    t.trainEpoch();
                }
                straight = Bits.of(t);
                straightHistory = t.history();
            }
            Checkpoint c;
            try (Trainer t = new Trainer(e, null)) {
                t.trainEpoch();
                t.trainEpoch();
                c = t.checkpoint();
            }
            assertEquals(2, c.epoch());
            assertEquals(3, c.history().size());
            try (Trainer t = Trainer.resume(c, null)) {
                assertEquals(2, t.epoch());
                assertEquals(c.history().get(2), t.stats());
                t.trainEpoch();
                t.trainEpoch();
                Bits.assertSame(straight, Bits.of(t), "state dict");
                assertEquals(straightHistory, t.history(), e.optimizer().type());
            }
        }
    }

    @Test
    void aCheckpointKeepsTheLearningRateInForceAndIsTakenBetweenEpochs() {
        try (Trainer t = new Trainer(xor(OptimizerSpec.sgd(0.1)))) {
            t.trainEpoch();
            t.setLearningRate(0.02);
            Checkpoint c = t.checkpoint();
            try (Trainer r = Trainer.resume(c, null)) {
                assertEquals(0.02, r.experiment().optimizer().lr());
            }
            t.step();
            String m = assertThrows(IllegalStateException.class, t::checkpoint).getMessage();
            assertEquals("checkpoint: only between epochs; this run is at batch 1 of 25 of epoch 2", m);
        }
    }

    @Test
    void imageProbesReadATwoDimensionalClassificationRunButNoTestImage() {
        try (Trainer t = new Trainer(xor(OptimizerSpec.sgd(0.1)))) {
            t.trainEpoch();
            ImageProbes probes = new ImageProbes(t);
            assertEquals(List.of("0", "1"), probes.classNames());
            int total = 0;
            for (int[] row : probes.confusionMatrix()) {
                for (int v : row) {
                    total += v;
                }
            }
            assertEquals(250, total);
            assertEquals(3, probes.predictions(3).size());
            assertEquals(List.of(4, 4, 1), probes.featureMaps(0).stream().map(f -> f.shape()[0]).toList());
            assertNull(probes.firstLayerFilters());
            String m = assertThrows(IllegalStateException.class, () -> probes.testImage(0)).getMessage();
            assertEquals("testImage: only for image data sets; this run trains on a 2D set (xor)", m);
            assertEquals(250, new PointProbes(t).testPoints().size());
        }
    }

    @Test
    void anImageRunsTestLossIsTheMeanOfItsBatchesWithoutFloatRounding() {
        // 120 test images: one evaluation batch, so the test loss is that batch's loss exactly
        try (Trainer t = new Trainer(ImageExperiments.mnist(600, 1, ImageExperiments.TINY_CNN), null)) {
            t.trainEpoch();
            t.model().train(false);
            DataLoader test = t.data().testLoader();
            double expected;
            try (Tensor.NoGrad g = Tensor.noGradScope(); DataLoader.Epoch all = test.epoch(0)) {
                Batch b = all.next();
                assertFalse(all.hasNext());
                expected = new CrossEntropyLoss().apply(t.model().forward(b.x()), b.y()).item();
            }
            assertEquals(expected, t.stats().testLoss(), 0.0);
        }
    }
}
