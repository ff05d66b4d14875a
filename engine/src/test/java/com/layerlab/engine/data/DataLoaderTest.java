package com.layerlab.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.datasets.ImageSet;
import com.layerlab.datasets.ImageSets;
import com.layerlab.datasets.Points2D;
import com.layerlab.engine.tensor.Device;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DataLoaderTest {

    /** Sample i: values [i, i + 0.5, noise from rng], label i % 3; counts calls. */
    private static final class Numbers implements Dataset {
        final int n;
        final AtomicInteger calls = new AtomicInteger();

        Numbers(int n) {
            this.n = n;
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public Sample get(int index, Random rng) {
            calls.incrementAndGet();
            Dataset.checkIndex(index, n);
            return Sample.tensor(new float[] {index, index + 0.5f, rng.nextFloat()}, new int[] {3}, index % 3);
        }
    }

    private static List<Batch> all(Iterable<Batch> epoch) {
        List<Batch> out = new ArrayList<>();
        epoch.forEach(out::add);
        return out;
    }

    private static List<Batch> epoch(DataLoader loader, int e) {
        try (DataLoader.Epoch it = loader.epoch(e)) {
            List<Batch> out = new ArrayList<>();
            it.forEachRemaining(out::add);
            return out;
        }
    }

    private static void assertSameBatches(List<Batch> a, List<Batch> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).indices(), b.get(i).indices());
            assertArrayEquals(a.get(i).x().shape(), b.get(i).x().shape());
            assertArrayEquals(a.get(i).x().toHost(), b.get(i).x().toHost());
            assertArrayEquals(a.get(i).y().toHost(), b.get(i).y().toHost());
        }
    }

    @Test
    void batchesCoverTheDataOnceWithLabelsInPlace() {
        DataLoader loader = new DataLoader(new Numbers(10), 4, true, false, 7);
        assertEquals(3, loader.batches());
        List<Batch> batches = epoch(loader, 0);
        assertEquals(List.of(4, 4, 2), batches.stream().map(Batch::size).toList());
        boolean[] seen = new boolean[10];
        for (Batch b : batches) {
            assertArrayEquals(new int[] {b.size(), 3}, b.x().shape());
            assertArrayEquals(new int[] {b.size()}, b.y().shape());
            for (int k = 0; k < b.size(); k++) {
                int i = b.indices()[k];
                assertFalse(seen[i]);
                seen[i] = true;
                assertEquals(i, b.x().toHost()[3 * k]);
                assertEquals(i + 0.5f, b.x().toHost()[3 * k + 1]);
                assertEquals(i % 3, b.y().toHost()[k]);
            }
        }
        for (boolean s : seen) {
            assertTrue(s);
        }
    }

    @Test
    void dropLastDropsOnlyTheShortBatch() {
        DataLoader loader = new DataLoader(new Numbers(10), 4, false, true, 0);
        assertEquals(2, loader.batches());
        List<Batch> batches = all(loader);
        assertEquals(2, batches.size());
        assertArrayEquals(new int[] {0, 1, 2, 3}, batches.get(0).indices());
        assertArrayEquals(new int[] {4, 5, 6, 7}, batches.get(1).indices());
        assertEquals(0, new DataLoader(new Numbers(3), 4, false, true, 0).batches());
        assertEquals(0, all(new DataLoader(new Numbers(3), 4, true, true, 0)).size());
        assertEquals(1, all(new DataLoader(new Numbers(3), 4, true, false, 0)).size());
        assertEquals(0, all(new DataLoader(new Numbers(0), 4, true, false, 0)).size());
    }

    @Test
    void shufflingIsSeededPerEpoch() {
        Numbers data = new Numbers(50);
        DataLoader a = new DataLoader(data, 8, true, false, 42);
        DataLoader b = new DataLoader(data, 8, true, false, 42);
        List<Batch> a0 = all(a);
        List<Batch> a1 = all(a);
        assertSameBatches(a0, all(b));
        assertSameBatches(a1, all(b));
        assertFalse(Arrays.equals(a0.get(0).indices(), a1.get(0).indices()), "each epoch has its own order");
        // an epoch can be had directly, whatever ran before (resuming a run)
        assertSameBatches(a1, epoch(new DataLoader(data, 8, true, false, 42), 1));
        assertFalse(Arrays.equals(a0.get(0).indices(), all(new DataLoader(data, 8, true, false, 43)).get(0).indices()));
        // no shuffling: in order, every epoch
        DataLoader plain = new DataLoader(data, 8, false, false, 42);
        all(plain);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, all(plain).get(0).indices());
        // the transforms' randomness is seeded as well
        assertEquals(a0.get(0).x().toHost()[2], epoch(b, 0).get(0).x().toHost()[2]);
    }

    @Test
    void prefetchingGivesTheSameBatchesAsNone() {
        Numbers data = new Numbers(37);
        for (int e = 0; e < 3; e++) {
            List<Batch> direct = epoch(DataLoader.builder(data).batchSize(5).shuffle(true).seed(3).prefetch(0).build(), e);
            List<Batch> ahead = epoch(DataLoader.builder(data).batchSize(5).shuffle(true).seed(3).prefetch(3).build(), e);
            assertSameBatches(direct, ahead);
        }
    }

    @Test
    void aGeneratorDrawsTheOrdersInTurnAsTheTwoDimensionalTrainingDoes() {
        Numbers data = new Numbers(20);
        DataLoader loader = DataLoader.builder(data).batchSize(20).shuffle(true).generator(new Random(9)).build();
        Random same = new Random(9);
        for (int e = 0; e < 3; e++) {
            assertArrayEquals(Points2D.permutation(20, same), all(loader).get(0).indices());
        }
        assertThrows(IllegalStateException.class, () -> loader.epoch(0));
    }

    @Test
    void aGeneratorCanJumpForwardToTheOrderIteratingWouldHaveGiven() {
        Numbers data = new Numbers(20);
        Random same = new Random(9);
        int[] third = null;
        for (int e = 0; e < 3; e++) {
            third = Points2D.permutation(20, same);
        }
        DataLoader loader = DataLoader.builder(data).batchSize(20).shuffle(true).generator(new Random(9)).prefetch(0).build();
        try (DataLoader.Epoch e2 = loader.epoch(2)) {
            assertEquals(2, e2.number());
            assertArrayEquals(third, e2.order());
        }
        assertEquals(3, loader.nextEpoch());
        String m = assertThrows(IllegalStateException.class, () -> loader.epoch(1)).getMessage();
        assertEquals("DataLoader: with a generator the epochs' orders are drawn in turn; epoch 1 is past (the next is 3)", m);
    }

    @Test
    void theWorkerRunsAtMostTheQueueAheadAndEndsCleanly() throws InterruptedException {
        Numbers data = new Numbers(1000);
        DataLoader loader = DataLoader.builder(data).batchSize(10).prefetch(2).build();
        DataLoader.Epoch epoch = loader.iterator();
        epoch.next();
        Thread.sleep(200);
        // one taken, two queued, one being made and waiting for room
        assertTrue(data.calls.get() <= 4 * 10, "made " + data.calls.get() + " samples ahead");
        assertFalse(epoch.isWorkerDone());
        epoch.close();
        assertTrue(epoch.isWorkerDone());
        assertFalse(epoch.hasNext());
        assertThrows(NoSuchElementException.class, epoch::next);

        DataLoader.Epoch whole = loader.iterator();
        whole.forEachRemaining(b -> { });
        assertTrue(whole.isWorkerDone(), "the worker ends with its epoch");

        // starting an epoch stops the one left open; closing the loader stops the last
        DataLoader.Epoch left = loader.iterator();
        left.next();
        DataLoader.Epoch next = loader.iterator();
        assertTrue(left.isWorkerDone());
        loader.close();
        assertTrue(next.isWorkerDone());
        assertThrows(IllegalStateException.class, loader::iterator);
    }

    @Test
    void problemsOnTheWorkerReachTheCallerWithTheSample() {
        Dataset failing = new Dataset() {
            @Override
            public int size() {
                return 10;
            }

            @Override
            public Sample get(int index, Random rng) {
                if (index == 6) {
                    throw new IllegalArgumentException("cannot read image 6");
                }
                return Sample.tensor(new float[] {index}, new int[] {1}, 0);
            }
        };
        for (int prefetch : new int[] {0, 2}) {
            DataLoader.Epoch e = DataLoader.builder(failing).batchSize(4).prefetch(prefetch).build().iterator();
            e.next();
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e::next);
            assertEquals("DataLoader: sample 6: cannot read image 6", ex.getMessage());
            e.close();
            assertTrue(e.isWorkerDone());
        }

        ImageSet shapes = ImageSets.load("shapes", Map.of("samples", 4), null, 1);
        String m = assertThrows(IllegalArgumentException.class,
                () -> all(new DataLoader(new ImageDataset(shapes), 2, false, false, 0))).getMessage();
        assertEquals("DataLoader: sample 0 is image bytes; add ToTensor to the data set's transforms (as in PyTorch, where "
                + "the default collate cannot batch PIL images either)", m);

        Dataset ragged = new Dataset() {
            @Override
            public int size() {
                return 2;
            }

            @Override
            public Sample get(int index, Random rng) {
                return Sample.tensor(new float[index + 1], new int[] {index + 1}, 0);
            }
        };
        m = assertThrows(IllegalArgumentException.class, () -> all(new DataLoader(ragged, 2, false, false, 0))).getMessage();
        assertEquals("DataLoader: sample 1 has shape [2] but sample 0 of the same batch has [1]; samples of a batch must "
                + "have one shape", m);
        m = assertThrows(IllegalArgumentException.class, () -> new DataLoader(ragged, 0, false, false, 0)).getMessage();
        assertEquals("DataLoader: batch_size must be a positive integer, got 0", m);
    }

    @Test
    void batchesOfMnistHaveTheImageShapeAndTheirLabels() {
        ImageSet mnist = ImageSets.load("mnist", Map.of("limit", 130), null, 0);
        Dataset data = new ImageDataset(mnist, Transform.compose(new ToTensor(), new Normalize(new float[] {0.1307f},
                new float[] {0.3081f})));
        try (DataLoader loader = new DataLoader(data, 64, true, false, 1)) {
            List<Batch> batches = all(loader);
            assertEquals(3, batches.size());
            Batch b = batches.get(0);
            assertArrayEquals(new int[] {64, 1, 28, 28}, b.x().shape());
            assertArrayEquals(new int[] {2, 1, 28, 28}, batches.get(2).x().shape());
            int i = b.indices()[5];
            assertEquals(mnist.label(i), (int) b.y().toHost()[5]);
            float want = (mnist.pixel(i, 0, 14, 14) / 255f - 0.1307f) / 0.3081f;
            assertEquals(want, b.x().toHost()[5 * 784 + 14 * 28 + 14], 1e-6f);
            assertArrayEquals(new int[] {64, 1}, b.yColumn().shape());
            float[] oneHot = b.yOneHot(10).toHost();
            assertEquals(1f, oneHot[5 * 10 + mnist.label(i)]);
        }
    }

    @Test
    void batchesComeOnTheLoadersDevice() {
        Device device = Device.cpu(3, 1);
        DataLoader loader = DataLoader.builder(new Numbers(10)).batchSize(4).device(device).build();
        assertEquals(device, loader.device());
        for (Batch b : all(loader)) {
            assertEquals(device, b.x().device(), "inputs");
            assertEquals(device, b.y().device(), "labels");
            assertEquals(device, b.yOneHot(3).device(), "one-hot targets, made there");
        }
        assertEquals(Device.cpu(), DataLoader.builder(new Numbers(2)).build().device(), "the CPU by default");
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(new Numbers(2)).device(null));
    }
}
