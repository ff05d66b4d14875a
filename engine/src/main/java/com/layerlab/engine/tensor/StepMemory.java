package com.layerlab.engine.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The memory of a run's repeated steps on a CPU device: a training step (or an evaluation batch) makes
 * the same temporaries of the same sizes every time (activations, gradients, max pooling's winners),
 * and fresh Java arrays cost the zeroing of new memory (page faults on a heap that grows or was given
 * back) and the collections. While a {@link Step} is open on a thread, the results of tensor operations
 * on this device made on that thread take their arrays from here, zeroed as fresh ones would be (the
 * same bits); closing the step takes the arrays back for the next one.
 *
 * <p>What outlives a step must not be one of its results: a leaf's gradient is copied out of the step
 * when it is first made ({@link Tensor#backward()}), and optimizer state, parameters and tensors made
 * by {@link Tensor#zeros} and the other factories never come from here. A result read after its step
 * closed fails, saying so, instead of seeing the next step's values. Other devices allocate as usual.
 *
 * <p>Owned by one run and used by one thread at a time; {@link #release()} drops the arrays when the run
 * ends, with its device scope. It keeps what the last step used and no more, so a smaller last batch of
 * an epoch does not double it for good.
 */
public final class StepMemory {

    private static final ThreadLocal<Step> OPEN = new ThreadLocal<>();

    /**
     * Fewer elements come fresh from the allocator: a small array costs less to allocate than to look
     * up and keep (the playground network's step, all tensors of tens of elements, ran 18 % slower
     * when every array was kept).
     */
    static final int MIN_KEPT = 256;

    private final Device device;
    private final Map<Integer, ArrayDeque<float[]>> floats = new HashMap<>();
    private final Map<Integer, ArrayDeque<int[]>> indices = new HashMap<>();

    /** Memory for the steps of a run on {@code device}; it serves only CPU devices equal to it. */
    public StepMemory(Device device) {
        if (device == null) {
            throw new IllegalArgumentException("StepMemory: device is null");
        }
        this.device = device;
    }

    /**
     * Opens a step on this thread: {@code try (StepMemory.Step s = memory.open()) { ... }}. Steps nest;
     * an inner one takes back only its own results.
     */
    public Step open() {
        Step s = new Step(OPEN.get());
        OPEN.set(s);
        return s;
    }

    /** Drops the arrays kept for the next step (a run that ends: a closed run may stay reachable for its results). */
    public void release() {
        floats.clear();
        indices.clear();
    }

    /** The step open on this thread, or null. */
    static Step current() {
        return OPEN.get();
    }

    /** One step: the storages it handed out, given back when it closes. */
    public final class Step implements AutoCloseable {

        private final Step outer;
        private final List<CpuStorage> floatsOut = new ArrayList<>();
        private final List<CpuStorage.Indices> indicesOut = new ArrayList<>();
        private boolean closed;

        private Step(Step outer) {
            this.outer = outer;
        }

        /** Zeroed storage for {@code size} floats on {@code on}: from this memory when it serves that device. */
        Storage allocate(Device on, int size) {
            if (size < MIN_KEPT || !serves(on)) {
                return on.allocate(size);
            }
            float[] a = take(floats, size);
            if (a == null) {
                a = new float[size];
            } else {
                Arrays.fill(a, 0f);
            }
            CpuStorage s = new CpuStorage(on, a);
            floatsOut.add(s);
            return s;
        }

        /** Storage for {@code size} element indices on {@code on} ({@link Backend#allocateIndices}). */
        Storage allocateIndices(Device on, int size) {
            if (size < MIN_KEPT || !serves(on)) {
                return on.backend().allocateIndices(on, size);
            }
            int[] a = take(indices, size);
            if (a == null) {
                a = new int[size];
            } else {
                Arrays.fill(a, 0);
            }
            CpuStorage.Indices s = new CpuStorage.Indices(on, a);
            indicesOut.add(s);
            return s;
        }

        private boolean serves(Device on) {
            return !closed && on.isCpu() && on.equals(device);
        }

        /** Gives this step's arrays back (its storages can no longer be read) and ends it on this thread. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (OPEN.get() == this) {
                if (outer == null) {
                    OPEN.remove();
                } else {
                    OPEN.set(outer);
                }
            }
            // what the last step did not take is dropped: the memory holds one step's arrays
            floats.clear();
            indices.clear();
            for (CpuStorage s : floatsOut) {
                give(floats, s.size(), s.giveBack());
            }
            for (CpuStorage.Indices s : indicesOut) {
                give(indices, s.size(), s.giveBack());
            }
            floatsOut.clear();
            indicesOut.clear();
        }
    }

    private static <A> A take(Map<Integer, ArrayDeque<A>> pool, int size) {
        ArrayDeque<A> free = pool.get(size);
        return free == null ? null : free.poll();
    }

    private static <A> void give(Map<Integer, ArrayDeque<A>> pool, int size, A array) {
        pool.computeIfAbsent(size, k -> new ArrayDeque<>()).push(array);
    }
}
