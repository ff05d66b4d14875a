package com.layerlab.engine.tensor;

import java.util.Objects;

/**
 * Where a tensor lives and its operations run: a backend and a device index, as PyTorch's
 * {@code torch.device("cuda:1")}. A run is given one device; the tensors it creates live on it, and an
 * operation on tensors of two devices is refused. Immutable; two devices are the same when they have
 * the same backend instance and index.
 */
public final class Device {

    private static final Device CPU = new Device(CpuBackend.INSTANCE, 0);

    private final Backend backend;
    private final int index;

    private Device(Backend backend, int index) {
        this.backend = backend;
        this.index = index;
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
        return new Device(new CpuBackend(threads), index);
    }

    /** A device of another backend, for that backend's factory. */
    public static Device of(Backend backend, int index) {
        if (backend == null) {
            throw new IllegalArgumentException("Device.of: backend is null");
        }
        if (index < 0) {
            throw new IllegalArgumentException("Device.of: index must be at least 0, got " + index);
        }
        return new Device(backend, index);
    }

    public Backend backend() {
        return backend;
    }

    public int index() {
        return index;
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
