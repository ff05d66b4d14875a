package com.layerlab.engine.opencl;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where a device's storages live inside the kernel's one device buffer ({@link PrimitivesKernel#mem}):
 * a first-fit allocator over ranges of floats. A storage's range comes back when the storage becomes
 * unreachable (a phantom reference per storage), so the intermediate tensors of a training step are
 * reused by the next one: Tensor has no release hook, and the Java heap hardly notices these small
 * objects, so when the pool is full it first asks the garbage collector for dead storages and only then
 * grows. A run's storages ({@link Scope}) come back at once when the run releases them. Not thread-safe:
 * {@link OpenClBackend} calls it under its device lock.
 */
final class DevicePool {

    /** Elements 0..RESERVED-1 are not handed out; element 0 holds the sentinel (see {@link OpenClBackend}). */
    static final int RESERVED = 16;
    /** Ranges start on multiples of 16 floats (64 bytes). */
    private static final int ALIGNMENT = 16;

    private final TreeMap<Integer, Integer> free = new TreeMap<>();
    private final ReferenceQueue<OpenClStorage> dead = new ReferenceQueue<>();
    private final Map<Reference<?>, Range> live = new HashMap<>();
    private int capacity;
    private long inUse;
    private long handedOut;

    DevicePool(int capacity) {
        this.capacity = capacity;
        free.put(RESERVED, capacity - RESERVED);
    }

    int capacity() {
        return capacity;
    }

    /** Floats held by live storages (for tests and reports). */
    long inUse() {
        return inUse;
    }

    /** Floats handed out since the pool was made, freed or not (for tests and reports). */
    long handedOut() {
        return handedOut;
    }

    /** The offset of a free range of {@code size} floats, or -1 when none is large enough. */
    int take(int size) {
        reclaim();
        int want = align(size);
        for (Map.Entry<Integer, Integer> e : free.entrySet()) {
            if (e.getValue() >= want) {
                // read both before the removal: TreeMap may reuse the removed entry for its successor
                int at = e.getKey();
                int length = e.getValue();
                free.remove(at);
                if (length > want) {
                    free.put(at + want, length - want);
                }
                inUse += want;
                handedOut += want;
                return at;
            }
        }
        return -1;
    }

    /** A live storage's range, and the run's scope it was allocated on (null: the device's own). */
    private record Range(int offset, int size, Scope scope) {
    }

    /**
     * The storages of one run ({@link com.layerlab.engine.tensor.Device#scope()}): {@link #release(Scope)}
     * frees them all at once; afterwards its storages refuse to be used.
     */
    static final class Scope {
        private final Set<Reference<?>> storages = new HashSet<>();
        private volatile boolean released;

        boolean released() {
            return released;
        }
    }

    /**
     * Ties the range at {@code offset} to {@code storage}: it is freed once the storage is unreachable, or
     * when its {@code scope} (may be null) is released.
     */
    void track(OpenClStorage storage, int offset, int size, Scope scope) {
        Reference<OpenClStorage> r = new PhantomReference<>(storage, dead);
        live.put(r, new Range(offset, align(size), scope));
        if (scope != null) {
            scope.storages.add(r);
        }
    }

    /** Frees the ranges of every storage of {@code scope} still live; its storages are unusable from now on. */
    void release(Scope scope) {
        scope.released = true;
        for (Reference<?> r : scope.storages) {
            // cleared: the collector will not hand it over again
            r.clear();
            free(live.remove(r));
        }
        scope.storages.clear();
    }

    /**
     * Asks the garbage collector for the storages no longer reachable and frees their ranges; waits
     * briefly for the collector to hand them over. Returns whether anything was freed.
     */
    boolean collect() throws InterruptedException {
        if (live.isEmpty()) {
            return false;
        }
        System.gc();
        boolean any = false;
        Reference<?> r;
        // the reference handler thread enqueues after the collection: wait for the first one a moment
        while ((r = dead.remove(any ? 1 : 100)) != null) {
            release(r);
            any = true;
        }
        return any;
    }

    /** The buffer has grown to {@code newCapacity} floats: the new end is free. */
    void grow(int newCapacity) {
        int added = newCapacity - capacity;
        Map.Entry<Integer, Integer> last = free.lastEntry();
        if (last != null && last.getKey() + last.getValue() == capacity) {
            free.put(last.getKey(), last.getValue() + added);
        } else {
            free.put(capacity, added);
        }
        capacity = newCapacity;
    }

    private void reclaim() {
        Reference<?> r;
        while ((r = dead.poll()) != null) {
            release(r);
        }
    }

    private void release(Reference<?> r) {
        Range range = live.remove(r);
        if (range != null && range.scope() != null) {
            range.scope().storages.remove(r);
        }
        free(range);
    }

    private void free(Range range) {
        if (range == null) {
            return;
        }
        inUse -= range.size();
        int at = range.offset();
        int size = range.size();
        // merge with the free neighbours on either side
        Map.Entry<Integer, Integer> before = free.floorEntry(at);
        if (before != null && before.getKey() + before.getValue() == at) {
            at = before.getKey();
            size += before.getValue();
            free.remove(at);
        }
        Integer after = free.get(at + size);
        if (after != null) {
            free.remove(at + size);
            size += after;
        }
        free.put(at, size);
    }

    private static int align(int size) {
        return Math.max(ALIGNMENT, (size + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT);
    }
}
