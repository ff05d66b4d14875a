package com.layerlab.engine.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The memory of a run's repeated steps on a CPU device: a training step (or an evaluation batch) makes
 * the same temporaries of the same sizes every time (activations, gradients, max pooling's winners),
 * and fresh Java arrays cost the zeroing of new memory (page faults on a heap that grows or was given
 * back) and the collections. While a {@link Step} is open on a thread, the results of tensor operations
 * on this device made on that thread take their arrays from here; closing the step takes the arrays back
 * for the next one. A kept array comes back holding the last step's values, not zeroed: every primitive
 * overwrites all of its output ({@link Backend}), so the bits are those of fresh arrays, and zeroing
 * them (a CIFAR-10 step's 30 MB) cost a tenth of the step on one thread.
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

    /** The step open on each thread, in a slot of its own: a step per training step, so no map entry churns. */
    private static final ThreadLocal<Step[]> OPEN = ThreadLocal.withInitial(() -> new Step[1]);

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
        Step[] slot = OPEN.get();
        Step s = new Step(slot[0], slot);
        slot[0] = s;
        return s;
    }

    /** Drops the arrays kept for the next step (a run that ends: a closed run may stay reachable for its results). */
    public void release() {
        floats.clear();
        indices.clear();
    }

    /** The step open on this thread, or null. */
    static Step current() {
        return OPEN.get()[0];
    }

    /**
     * Storage for the result of a tensor operation: from the step open on this thread when there is one
     * and it keeps arrays of that size on that device, else the device's own.
     */
    static Storage allocate(Device on, int size) {
        Step step = size < MIN_KEPT ? null : current();
        return step == null ? on.allocate(size) : step.allocate(on, size);
    }

    /** As {@link #allocate}, for element indices ({@link Backend#allocateIndices}). */
    static Storage allocateIndices(Device on, int size) {
        Step step = size < MIN_KEPT ? null : current();
        return step == null ? on.backend().allocateIndices(on, size) : step.allocateIndices(on, size);
    }

    /** One step: the storages it handed out, given back when it closes. */
    public final class Step implements AutoCloseable {

        private final Step outer;
        private final Step[] slot;
        /** The storages handed out; made with the first (a step of small tensors only makes none). */
        private List<Storage> out;
        private boolean closed;

        private Step(Step outer, Step[] slot) {
            this.outer = outer;
            this.slot = slot;
        }

        /**
         * Storage for {@code size} floats on {@code on}, for a primitive to overwrite: from this memory
         * when it serves that device.
         */
        private Storage allocate(Device on, int size) {
            if (!serves(on)) {
                return on.allocate(size);
            }
            float[] a = take(floats, size);
            return handOut(new CpuStorage(on, a == null ? new float[size] : a));
        }

        /** Storage for {@code size} element indices on {@code on} ({@link Backend#allocateIndices}). */
        private Storage allocateIndices(Device on, int size) {
            if (!serves(on)) {
                return on.backend().allocateIndices(on, size);
            }
            int[] a = take(indices, size);
            return handOut(new CpuStorage.Indices(on, a == null ? new int[size] : a));
        }

        private Storage handOut(Storage s) {
            if (out == null) {
                out = new ArrayList<>();
            }
            out.add(s);
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
            if (slot[0] == this) {
                slot[0] = outer;
            }
            // what the last step did not take is dropped: the memory holds one step's arrays
            floats.clear();
            indices.clear();
            if (out == null) {
                return;
            }
            for (Storage s : out) {
                if (s instanceof CpuStorage f) {
                    give(floats, f.size(), f.giveBack());
                } else {
                    CpuStorage.Indices i = (CpuStorage.Indices) s;
                    give(indices, i.size(), i.giveBack());
                }
            }
            out = null;
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
