package com.layerlab.engine.opencl;

import com.layerlab.engine.tensor.Device;
import com.layerlab.engine.tensor.Storage;

import java.lang.ref.Reference;

/**
 * A range of an OpenCL device's memory: {@code size} floats from {@code offset} in the buffer of its
 * backend's kernel. The host sees it only through the two copies, each one transfer through the
 * backend's staging buffer. Its range returns to the pool when it becomes unreachable ({@link DevicePool}).
 */
final class OpenClStorage implements Storage {

    private final Device device;
    private final OpenClBackend backend;
    private final int offset;
    private final int size;

    OpenClStorage(Device device, OpenClBackend backend, int offset, int size) {
        this.device = device;
        this.backend = backend;
        this.offset = offset;
        this.size = size;
    }

    /** Where the first element lives in the device buffer. */
    int offset() {
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
        backend.write(this.offset + offset, src, srcPos, n);
        // reachable until the copy is done: else another thread's allocation could take this range meanwhile
        Reference.reachabilityFence(this);
    }

    @Override
    public void copyToHost(int offset, float[] dst, int dstPos, int n) {
        checkRange("copyToHost", offset, n);
        backend.read(this.offset + offset, dst, dstPos, n);
        Reference.reachabilityFence(this);
    }

    private void checkRange(String op, int offset, int n) {
        if (offset < 0 || n < 0 || offset + n > size) {
            throw new IndexOutOfBoundsException("opencl storage." + op + ": elements " + offset + ".." + (offset + n)
                    + " are outside a storage of " + size);
        }
    }
}
