package com.layerlab.engine.cuda;

import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * One device's memory for storages: blocks from cuMemAlloc, kept for reuse as PyTorch's caching
 * allocator keeps them, because cuMemFree waits for the whole device and a training step allocates the
 * same sizes at every step. A block comes back when its storage becomes unreachable (a {@link Cleaner}
 * per storage: Tensor has no release hook); when the device is full, the garbage collector is asked for
 * the dead storages and the cached blocks are freed before the allocation is refused. A run's storages
 * ({@link Scope}) come back at once when the run releases them.
 *
 * <p>Only the device thread allocates and frees; the cleaner's thread only queues a dead block. A block
 * reused while a queued kernel still reads its old storage is safe: every launch and copy of a device
 * runs on its one stream, in order.
 */
final class DeviceMemory {

    private static final Cleaner CLEANER = Cleaner.create();
    /** Blocks are sized in steps of 256 floats (1 KiB), so nearly equal sizes share blocks. */
    private static final long GRANULE = 256;

    /** A block handed out; compared by identity (a freed address comes back in a later block). */
    private static final class Block {
        final CUdeviceptr pointer;
        final long floats;

        Block(CUdeviceptr pointer, long floats) {
            this.pointer = pointer;
            this.floats = floats;
        }
    }

    /**
     * The storages of one run ({@link com.layerlab.engine.tensor.Device#scope()}): {@link #release(Scope)}
     * gives all their blocks back at once; afterwards its storages refuse to be used.
     */
    static final class Scope {
        /** The live blocks and the cleaners that give them back; the cleaner's thread removes its own. */
        private final Map<Block, Cleaner.Cleanable> blocks = new ConcurrentHashMap<>();
        private volatile boolean released;

        boolean released() {
            return released;
        }
    }

    private final String device;
    private final ConcurrentLinkedQueue<Block> dead = new ConcurrentLinkedQueue<>();
    private final Map<Long, ArrayDeque<CUdeviceptr>> cached = new HashMap<>();
    private long cachedFloats;
    private long liveFloats;

    DeviceMemory(String device) {
        this.device = device;
    }

    /**
     * A block of at least {@code floats} floats, given to {@code owner} to make its holder: the block is
     * reused once the holder is unreachable, or once {@code scope} (may be null) is released. Device
     * thread only.
     */
    <T> T allocate(long floats, Scope scope, Function<CUdeviceptr, T> owner) {
        long size = Math.max(GRANULE, (floats + GRANULE - 1) / GRANULE * GRANULE);
        reclaim();
        CUdeviceptr p = takeCached(size);
        if (p == null) {
            p = fresh(size);
        }
        liveFloats += size;
        Block block = new Block(p, size);
        T holder = owner.apply(p);
        Runnable giveBack = scope == null ? () -> dead.add(block) : () -> {
            scope.blocks.remove(block);
            dead.add(block);
        };
        Cleaner.Cleanable cleanable = CLEANER.register(holder, giveBack);
        if (scope != null) {
            scope.blocks.put(block, cleanable);
        }
        return holder;
    }

    /**
     * Gives back the blocks of every storage of {@code scope} still live, for reuse at once; its storages
     * are unusable from now on. Device thread only.
     */
    void release(Scope scope) {
        scope.released = true;
        // clean() runs each cleaner once, now: the collector will not give the block back a second time
        for (Cleaner.Cleanable c : scope.blocks.values()) {
            c.clean();
        }
        reclaim();
    }

    /** Floats held by live storages (for tests and reports). */
    long liveFloats() {
        reclaim();
        return liveFloats;
    }

    /** Floats held in blocks waiting for reuse (for tests). */
    long cachedFloats() {
        reclaim();
        return cachedFloats;
    }

    private CUdeviceptr takeCached(long size) {
        ArrayDeque<CUdeviceptr> q = cached.get(size);
        if (q == null || q.isEmpty()) {
            return null;
        }
        cachedFloats -= size;
        return q.pop();
    }

    private CUdeviceptr fresh(long size) {
        CUdeviceptr p = new CUdeviceptr();
        int status = JCudaDriver.cuMemAlloc(p, size * Float.BYTES);
        if (status == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            collectDead();
            p = takeCached(size);
            if (p != null) {
                return p;
            }
            releaseCached();
            p = new CUdeviceptr();
            status = JCudaDriver.cuMemAlloc(p, size * Float.BYTES);
            if (status == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
                // not a CudaFailure: the context stays usable, only this allocation is refused
                throw new IllegalStateException(String.format("%s: out of device memory: %,d MiB in use, %,d MiB more "
                        + "needed; use a smaller batch or model, or another device", device,
                        liveFloats * Float.BYTES >> 20, Math.max(1, size * Float.BYTES >> 20)));
            }
        }
        CudaFailure.check(status, device, "cuMemAlloc of " + size * Float.BYTES + " bytes");
        return p;
    }

    /** Moves the blocks of storages found unreachable to the cache. */
    private void reclaim() {
        Block b;
        while ((b = dead.poll()) != null) {
            liveFloats -= b.floats;
            cachedFloats += b.floats;
            cached.computeIfAbsent(b.floats, k -> new ArrayDeque<>()).push(b.pointer);
        }
    }

    /** Asks the garbage collector for unreachable storages and waits briefly for their cleaners. */
    private void collectDead() {
        System.gc();
        long until = System.nanoTime() + 200_000_000L;
        int before = dead.size();
        while (System.nanoTime() < until && dead.size() == before) {
            Thread.onSpinWait();
        }
        reclaim();
    }

    /** Gives every cached block back to the driver. */
    private void releaseCached() {
        for (ArrayDeque<CUdeviceptr> q : cached.values()) {
            for (CUdeviceptr p : q) {
                CudaFailure.check(JCudaDriver.cuMemFree(p), device, "cuMemFree");
            }
        }
        cached.clear();
        cachedFloats = 0;
    }
}
