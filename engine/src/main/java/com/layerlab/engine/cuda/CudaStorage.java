package com.layerlab.engine.cuda;

import com.layerlab.engine.tensor.Device;
import com.layerlab.engine.tensor.Storage;
import java.lang.ref.Reference;
import jcuda.driver.CUdeviceptr;

/**
 * {@code size} floats in one CUDA device's memory. The host sees them only through the two copies, each
 * one transfer on the device thread; the block goes back to its device's {@link DeviceMemory} when the
 * storage becomes unreachable, or when the run's scope it belongs to is released.
 */
final class CudaStorage implements Storage {

    private final Device device;
    private final CudaBackend backend;
    private final CUdeviceptr pointer;
    private final int size;
    /** The run's scope it was allocated on, or null. */
    private final DeviceMemory.Scope scope;

    CudaStorage(Device device, CudaBackend backend, CUdeviceptr pointer, int size, DeviceMemory.Scope scope) {
        this.device = device;
        this.backend = backend;
        this.pointer = pointer;
        this.size = size;
        this.scope = scope;
    }

    /** The device address of element 0; valid while this storage is reachable and its scope not released. */
    CUdeviceptr pointer() {
        if (scope != null && scope.released()) {
            throw new IllegalStateException("cuda: a tensor of a run on " + device + " was used after the run "
                    + "released its device memory (Trainer.close, Device.release)");
        }
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
        backend.write(pointer(), offset, src, srcPos, n);
        // reachable until the copy is done: else its block could be handed to another storage meanwhile
        Reference.reachabilityFence(this);
    }

    @Override
    public void copyToHost(int offset, float[] dst, int dstPos, int n) {
        checkRange("copyToHost", offset, n);
        backend.read(pointer(), offset, dst, dstPos, n);
        Reference.reachabilityFence(this);
    }

    private void checkRange(String op, int offset, int n) {
        if (offset < 0 || n < 0 || offset + n > size) {
            throw new IndexOutOfBoundsException("cuda storage." + op + ": elements " + offset + ".." + (offset + n)
                    + " are outside a storage of " + size);
        }
    }
}
