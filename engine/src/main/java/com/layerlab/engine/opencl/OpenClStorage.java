package com.layerlab.engine.opencl;

import com.layerlab.engine.tensor.Device;
import com.layerlab.engine.tensor.DeviceStorage;

/**
 * A range of an OpenCL device's memory: {@code size} floats from {@code offset} in the buffer of its
 * backend's kernel. The host sees it only through the two copies, each one transfer through the
 * backend's staging buffer. Its range returns to the pool when it becomes unreachable, or when the run's
 * scope it belongs to is released ({@link DevicePool}).
 */
final class OpenClStorage extends DeviceStorage {

    private final OpenClBackend backend;
    private final int offset;

    OpenClStorage(Device device, OpenClBackend backend, int offset, int size, DevicePool.Scope scope) {
        super(device, size, scope == null ? () -> false : scope::released);
        this.backend = backend;
        this.offset = offset;
    }

    /** Where the first element lives in the device buffer. */
    int offset() {
        checkNotReleased();
        return offset;
    }

    OpenClBackend backend() {
        return backend;
    }

    @Override
    protected void write(float[] src, int srcPos, int offset, int n) {
        backend.write(offset() + offset, src, srcPos, n);
    }

    @Override
    protected void read(int offset, float[] dst, int dstPos, int n) {
        backend.read(offset() + offset, dst, dstPos, n);
    }
}
