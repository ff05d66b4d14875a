package com.layerlab.engine.opencl;

import com.layerlab.engine.tensor.Device;
import com.layerlab.engine.tensor.Storage;

import java.lang.ref.Reference;

/**
 * A range of an OpenCL device's memory: {@code size} floats from {@code offset} in the buffer of its
 * backend's kernel. The host sees it only through the two copies, each one transfer through the
 * backend's staging buffer. Its range returns to the pool when it becomes unreachable, or when the run's
 * scope it belongs to is released ({@link DevicePool}).
 */
final class OpenClStorage implements Storage {

    private final Device device;
    private final OpenClBackend backend;
    private final int offset;
    private final int size;
    /** The run's scope it was allocated on, or null. */
    private final DevicePool.Scope scope;

    OpenClStorage(Device device, OpenClBackend backend, int offset, int size, DevicePool.Scope scope) {
        this.device = device;
        this.backend = backend;
        this.offset = offset;
        this.size = size;
        this.scope = scope;
    }

    /** Where the first element lives in the device buffer. */
    int offset() {
        if (scope != null && scope.released()) {
            throw new IllegalStateException("opencl: a tensor of a run on " + device + " was used after the run "
                    + "released its device memory (Trainer.close, Device.release)");
        }
        return offset;
    }

    OpenClBackend backend() {
        return backend;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void copyFromHost(float[] src, int srcPos, int offset, int n) {
        checkRange("copyFromHost", offset, n);
        backend.write(offset() + offset, src, srcPos, n);
        // reachable until the copy is done: else another thread's allocation could take this range meanwhile
        Reference.reachabilityFence(this);
    }

    @Override
    public void copyToHost(int offset, float[] dst, int dstPos, int n) {
        checkRange("copyToHost", offset, n);
        backend.read(offset() + offset, dst, dstPos, n);
        Reference.reachabilityFence(this);
    }

    private void checkRange(String op, int offset, int n) {
        if (offset < 0 || n < 0 || offset + n > size) {
            throw new IndexOutOfBoundsException("opencl storage." + op + ": elements " + offset + ".." + (offset + n)
                    + " are outside a storage of " + size);
        }
    }
}
