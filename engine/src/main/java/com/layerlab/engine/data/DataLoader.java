package com.layerlab.engine.data;

import com.layerlab.datasets.Points2D;
import com.layerlab.engine.tensor.Device;
import com.layerlab.engine.tensor.Tensor;
import com.layerlab.engine.tensor.TensorTooLargeException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code torch.utils.data.DataLoader}: batches of a {@link Dataset}, optionally shuffled each epoch and
 * without the last short batch ({@code drop_last}), made ahead on one background thread.
 *
 * <p>Reproducible: epoch {@code e}'s order is a Fisher-Yates permutation drawn from a {@code Random}
 * seeded from {@code (seed, e)}, and the random transforms of sample {@code i} in epoch {@code e} draw
 * from one seeded from {@code (seed, e, i)}. So the batches of an epoch depend only on the data set, the
 * seed and the epoch number: not on thread timing, on prefetching or on which epochs ran before. (With
 * {@link Builder#generator(Random)} instead, the epochs draw their orders in turn from that generator,
 * as PyTorch's {@code generator=} does.)
 *
 * <p>Prefetch: with {@code prefetch > 0} a worker thread makes batches ahead into a queue of at most
 * that many; with 0 batches are made on the caller's thread. An epoch's worker ends when its last batch
 * is taken, when the epoch is {@link Epoch#close() closed}, when the next epoch starts, or when the
 * loader is closed. Use an epoch from one thread.
 *
 * <p>Batches come on the loader's {@link Builder#device device} (the run's): the worker stacks a batch on
 * the host and copies it there once, so that the training step finds its inputs where it computes.
 */
public final class DataLoader implements Iterable<Batch>, AutoCloseable {

    public static final int DEFAULT_PREFETCH = 2;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final long seed;
    private final Random generator;
    private final int prefetch;
    private final Device device;
    private int nextEpoch;
    private Epoch open;
    private boolean closed;

    /** Prefetching {@value #DEFAULT_PREFETCH} batches on a worker thread. */
    public DataLoader(Dataset dataset, int batchSize, boolean shuffle, boolean dropLast, long seed) {
        this(builder(dataset).batchSize(batchSize).shuffle(shuffle).dropLast(dropLast).seed(seed));
    }

    private DataLoader(Builder b) {
        if (b.dataset == null) {
            throw new IllegalArgumentException("DataLoader: the data set is missing");
        }
        if (b.batchSize < 1) {
            throw new IllegalArgumentException("DataLoader: batch_size must be a positive integer, got " + b.batchSize);
        }
        if (b.prefetch < 0) {
            throw new IllegalArgumentException("DataLoader: prefetch must not be negative, got " + b.prefetch);
        }
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.seed = b.seed;
        this.generator = b.generator;
        this.prefetch = b.prefetch;
        this.device = b.device;
    }

    public static Builder builder(Dataset dataset) {
        return new Builder(dataset);
    }

    /**
     * Settings with PyTorch's defaults: batch_size 1, no shuffling, keep the last batch; seed 0, prefetch 2;
     * batches on the CPU.
     */
    public static final class Builder {
        private final Dataset dataset;
        private int batchSize = 1;
        private boolean shuffle;
        private boolean dropLast;
        private long seed;
        private Random generator;
        private int prefetch = DEFAULT_PREFETCH;
        private Device device = Device.cpu();

        private Builder(Dataset dataset) {
            this.dataset = dataset;
        }

        public Builder batchSize(int n) {
            this.batchSize = n;
            return this;
        }

        public Builder shuffle(boolean on) {
            this.shuffle = on;
            return this;
        }

        public Builder dropLast(boolean on) {
            this.dropLast = on;
            return this;
        }

        /** The seed of the epoch orders (unless a generator is given) and of the random transforms. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * Draw each epoch's order in turn from {@code rng} ({@link Points2D#permutation}) instead of from
         * {@code (seed, epoch)}; then {@link #epoch(int)} can only go forward.
         */
        public Builder generator(Random rng) {
            this.generator = rng;
            return this;
        }

        /** Batches made ahead on the worker thread; 0: no thread. */
        public Builder prefetch(int batches) {
            this.prefetch = batches;
            return this;
        }

        /** The device the batches' tensors live on: the run's. */
        public Builder device(Device d) {
            if (d == null) {
                throw new IllegalArgumentException("DataLoader: device is null");
            }
            this.device = d;
            return this;
        }

        public DataLoader build() {
            return new DataLoader(this);
        }
    }

    public Dataset dataset() {
        return dataset;
    }

    public int batchSize() {
        return batchSize;
    }

    public boolean shuffle() {
        return shuffle;
    }

    public boolean dropLast() {
        return dropLast;
    }

    /** The device the batches come on. */
    public Device device() {
        return device;
    }

    /** Batches per epoch ({@code len(loader)}). */
    public int batches() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The epoch {@link #iterator()} starts next (0 first). */
    public int nextEpoch() {
        return nextEpoch;
    }

    /** The sample order of epoch {@code e} (seed mode): a permutation when shuffling, else 0..n-1. */
    public int[] order(int epoch) {
        if (generator != null && shuffle) {
            throw new IllegalStateException("DataLoader: with a generator the epochs' orders are drawn in turn; "
                    + "iterate instead");
        }
        return orderFrom(shuffle ? new Random(mix(seed, epoch, 0x0D3E)) : null);
    }

    private int[] orderFrom(Random rng) {
        int n = dataset.size();
        if (rng == null) {
            int[] o = new int[n];
            Arrays.setAll(o, i -> i);
            return o;
        }
        return Points2D.permutation(n, rng);
    }

    /** The next epoch, as {@code iter(loader)} in PyTorch. */
    @Override
    public Epoch iterator() {
        int e = nextEpoch;
        int[] order = generator != null && shuffle ? orderFrom(generator) : order(e);
        nextEpoch = e + 1;
        return start(e, order);
    }

    /**
     * Epoch {@code e}, whatever ran before; the next {@link #iterator()} continues with {@code e + 1}.
     * With a {@link Builder#generator(Random) generator} the orders are drawn in turn, so {@code e} can
     * only go forward: the orders of the epochs skipped are drawn and dropped, which gives epoch
     * {@code e} the order iterating to it would have given (a resumed run shuffles as a straight one).
     */
    public Epoch epoch(int e) {
        if (e < 0) {
            throw new IllegalArgumentException("DataLoader: epoch must not be negative, got " + e);
        }
        if (generator != null && shuffle) {
            if (e < nextEpoch) {
                throw new IllegalStateException("DataLoader: with a generator the epochs' orders are drawn in turn; "
                        + "epoch " + e + " is past (the next is " + nextEpoch + ")");
            }
            for (; nextEpoch < e; nextEpoch++) {
                orderFrom(generator);
            }
            return iterator();
        }
        int[] order = order(e);
        nextEpoch = e + 1;
        return start(e, order);
    }

    private Epoch start(int e, int[] order) {
        if (closed) {
            throw new IllegalStateException("DataLoader: closed");
        }
        if (open != null) {
            open.close();
        }
        open = new Epoch(e, order);
        return open;
    }

    /** Stops the open epoch's worker, if any. The loader cannot start epochs afterwards. */
    @Override
    public void close() {
        closed = true;
        if (open != null) {
            open.close();
            open = null;
        }
    }

    /** SplitMix64 over the seed and two more numbers: independent streams per (epoch, sample). */
    static long mix(long seed, long a, long b) {
        long z = seed;
        for (long v : new long[] {a, b}) {
            z += 0x9E3779B97F4A7C15L * (v + 1);
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
        }
        return z;
    }

    /** The samples of batch {@code b} of an epoch, stacked. */
    private Batch makeBatch(int epoch, int[] order, int b) {
        int from = b * batchSize;
        int to = Math.min(order.length, from + batchSize);
        int count = to - from;
        int[] indices = Arrays.copyOfRange(order, from, to);
        float[] labels = new float[count];
        float[] x = null;
        int[] shape = null;
        for (int k = 0; k < count; k++) {
            int i = indices[k];
            Sample s;
            try {
                s = dataset.get(i, new Random(mix(seed ^ 0x7A4F5EEDL, epoch, i)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("DataLoader: sample " + i + ": " + e.getMessage(), e);
            }
            if (s.isImage()) {
                throw new IllegalArgumentException("DataLoader: sample " + i + " is image bytes; add ToTensor to the data "
                        + "set's transforms (as in PyTorch, where the default collate cannot batch PIL images either)");
            }
            if (shape == null) {
                shape = s.shape();
                x = new float[TensorTooLargeException.checkedProduct("DataLoader: a batch of " + count + " samples of shape "
                        + Arrays.toString(shape), count, s.numel())];
            } else if (!Arrays.equals(shape, s.shape())) {
                throw new IllegalArgumentException("DataLoader: sample " + i + " has shape " + Arrays.toString(s.shape())
                        + " but sample " + indices[0] + " of the same batch has " + Arrays.toString(shape)
                        + "; samples of a batch must have one shape");
            }
            System.arraycopy(s.values(), 0, x, k * s.numel(), s.numel());
            labels[k] = s.label();
        }
        int[] xShape = new int[shape.length + 1];
        xShape[0] = count;
        System.arraycopy(shape, 0, xShape, 1, shape.length);
        return new Batch(Tensor.of(device, x, xShape), Tensor.of(device, labels, count), indices);
    }

    private record Failure(Throwable error) {
    }

    /**
     * One pass over the data set. Closing it early stops its worker; reading it to the end ends the worker
     * too.
     */
    public final class Epoch implements Iterator<Batch>, AutoCloseable {
        private final int epoch;
        private final int[] order;
        private final int count;
        private final BlockingQueue<Object> queue;
        private final Thread worker;
        private int delivered;
        private volatile boolean stopped;

        private Epoch(int epoch, int[] order) {
            this.epoch = epoch;
            this.order = order;
            this.count = dropLast ? order.length / batchSize : (order.length + batchSize - 1) / batchSize;
            if (prefetch > 0 && count > 0) {
                queue = new ArrayBlockingQueue<>(prefetch);
                worker = new Thread(this::produce, "layerlab-dataloader-" + THREADS.incrementAndGet());
                worker.setDaemon(true);
                worker.start();
            } else {
                queue = null;
                worker = null;
            }
        }

        /** The epoch number (which seeds the order and the transforms). */
        public int number() {
            return epoch;
        }

        /** Batches in this epoch. */
        public int batches() {
            return count;
        }

        /** The sample order of this epoch (a copy). */
        public int[] order() {
            return order.clone();
        }

        private void produce() {
            try {
                for (int b = 0; b < count && !stopped; b++) {
                    Object item;
                    try {
                        item = makeBatch(epoch, order, b);
                    } catch (RuntimeException | Error e) {
                        item = new Failure(e);
                    }
                    queue.put(item);
                    if (item instanceof Failure) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                // closed: the consumer wants no more batches
            }
        }

        @Override
        public boolean hasNext() {
            return !stopped && delivered < count;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException(stopped ? "DataLoader: this epoch was closed" : "DataLoader: the epoch has "
                        + "no more batches");
            }
            Batch batch;
            if (worker == null) {
                batch = makeBatch(epoch, order, delivered);
            } else {
                Object item;
                try {
                    item = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    close();
                    throw new IllegalStateException("DataLoader: interrupted while waiting for a batch", e);
                }
                if (item instanceof Failure f) {
                    close();
                    if (f.error instanceof RuntimeException r) {
                        throw r;
                    }
                    throw (Error) f.error;
                }
                batch = (Batch) item;
            }
            delivered++;
            if (delivered == count) {
                close();
            }
            return batch;
        }

        /** Stops the worker and waits for it to end; batches not yet taken are dropped. */
        @Override
        public void close() {
            stopped = delivered < count || stopped;
            if (worker != null && worker.isAlive()) {
                stopped = true;
                worker.interrupt();
                boolean interrupted = false;
                while (worker.isAlive()) {
                    try {
                        worker.join();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            if (queue != null) {
                queue.clear();
            }
        }

        /** Whether the worker thread has ended (or there never was one). */
        public boolean isWorkerDone() {
            return worker == null || !worker.isAlive();
        }
    }
}
