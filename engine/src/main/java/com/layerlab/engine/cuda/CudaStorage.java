package com.layerlab.engine.cuda;

import com.layerlab.engine.tensor.Device;
import com.layerlab.engine.tensor.Storage;
import java.lang.ref.Reference;
import jcuda.driver.CUdeviceptr;

/**
 * {@code size} floats in one CUDA device's memory. The host sees them only through the two copies, each
 * one transfer on the device thread; the block goes back to its device's {@link DeviceMemory} when the
 * storage becomes unreachable.
 */
final class CudaStorage implements Storage {

    private final Device device;
    private final CudaBackend backend;
    private final CUdeviceptr pointer;
    private final int size;

    CudaStorage(Device device, CudaBackend backend, CUdeviceptr pointer, int size) {
        this.device = device;
        this.backend = backend;
        this.pointer = pointer;
        this.size = size;
    }

    /** The device address of element 0; valid while this storage is reachable. */
    CUdeviceptr pointer() {
        return pointer;
    }

    CudaBackend backend() {
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
        backend.write(pointer, offset, src, srcPos, n);
        // reachable until the copy is done: else its block could be handed to another storage meanwhile
        Reference.reachabilityFence(this);
    }

    @Override
    public void copyToHost(int offset, float[] dst, int dstPos, int n) {
        checkRange("copyToHost", offset, n);
        backend.read(pointer, offset, dst, dstPos, n);
        Reference.reachabilityFence(this);
    }

    private void checkRange(String op, int offset, int n) {
        if (offset < 0 || n < 0 || offset + n > size) {
            throw new IndexOutOfBoundsException("cuda storage." + op + ": elements " + offset + ".." + (offset + n)
                    + " are outside a storage of " + size);
        }
    }
}
