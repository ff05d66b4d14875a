package com.layerlab.engine.tensor;

import java.util.Objects;

/**
 * Where a tensor lives and its operations run: a backend and a device index, as PyTorch's
 * {@code torch.device("cuda:1")}. A run is given one device; the tensors it creates live on it, and an
 * operation on tensors of two devices is refused. Immutable; two devices are the same when they have
 * the same backend instance and index.
 *
 * <p>A run takes a {@link #scope()} of its device, as DJL gives each run an {@code NDManager}: the same
 * device (equal to it), whose storages {@link #release()} frees at once when the run is done, instead of
 * whenever the garbage collector finds them.
 */
public final class Device {

    private static final Device CPU = new Device(CpuBackend.INSTANCE, 0, false);

    private final Backend backend;
    private final int index;
    private final boolean scope;
    /** Asked once: the benchmark's profile puts a CPU backend behind a timing proxy, whose every call costs. */
    private final boolean cpu;

    private Device(Backend backend, int index, boolean scope) {
        this.backend = backend;
        this.index = index;
        this.scope = scope;
        this.cpu = backend.inHeap();
    }

    /** The default device: the CPU, on every core ({@code cpu:0}). */
    public static Device cpu() {
        return CPU;
    }

    /**
     * A CPU device of its own, on {@code threads} threads: the same kernels as {@link #cpu()} (and the
     * same bits), with its own thread pool. Each call gives a new device; a run keeps the one it is given.
     */
    public static Device cpu(int index, int threads) {
        if (index < 0) {
            throw new IllegalArgumentException("Device.cpu: index must be at least 0, got " + index);
        }
        return new Device(new CpuBackend(threads), index, false);
    }

    /** A device of another backend, for that backend's factory. */
    public static Device of(Backend backend, int index) {
        if (backend == null) {
            throw new IllegalArgumentException("Device.of: backend is null");
        }
        if (index < 0) {
            throw new IllegalArgumentException("Device.of: index must be at least 0, got " + index);
        }
        return new Device(backend, index, false);
    }

    /**
     * A scope of this device for one run: equal to it (the same memory and kernels: tensors of both mix),
     * but the storages allocated on the scope are freed together by its {@link #release()}.
     */
    public Device scope() {
        return new Device(backend, index, true);
    }

    /** Whether this is a run's {@link #scope()}. */
    public boolean isScope() {
        return scope;
    }

    /**
     * Frees every storage allocated on this scope so far, at once ({@link Backend#release}); one of them
     * used afterwards is an error that says so.
     *
     * @throws IllegalStateException when this device is not a scope (a device's own storages are everyone's)
     */
    public void release() {
        if (!scope) {
            throw new IllegalStateException("release: " + this + " is not a run's scope (Device.scope()); its storages "
                    + "are freed when they are no longer reachable");
        }
        backend.release(this);
    }

    public Backend backend() {
        return backend;
    }

    public int index() {
        return index;
    }

    /** Whether the elements live in the Java heap (a CPU device), where reading them on the host copies nothing across. */
    public boolean isCpu() {
        return cpu;
    }

    /** Fresh storage for {@code size} elements on this device, all zero. */
    public Storage allocate(int size) {
        return backend.allocate(this, size);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Device d && d.backend == backend && d.index == index;
    }

    @Override
    public int hashCode() {
        return Objects.hash(System.identityHashCode(backend), index);
    }

    /** {@code cpu:0}, {@code cuda:1}, ... */
    @Override
    public String toString() {
        return backend.name() + ":" + index;
    }
}
