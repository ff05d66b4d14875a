package com.layerlab.engine.cuda;

import com.layerlab.engine.tensor.Device;
import com.layerlab.engine.tensor.DeviceStorage;
import jcuda.driver.CUdeviceptr;

/**
 * {@code size} floats in one CUDA device's memory. The host sees them only through the two copies, each
 * one transfer on the device thread; the block goes back to its device's {@link DeviceMemory} when the
 * storage becomes unreachable, or when the run's scope it belongs to is released.
 */
final class CudaStorage extends DeviceStorage {

    private final CudaBackend backend;
    private final CUdeviceptr pointer;

    CudaStorage(Device device, CudaBackend backend, CUdeviceptr pointer, int size, DeviceMemory.Scope scope) {
        super(device, size, scope == null ? () -> false : scope::released);
        this.backend = backend;
        this.pointer = pointer;
    }

    /** The device address of element 0; valid while this storage is reachable and its scope not released. */
    CUdeviceptr pointer() {
        checkNotReleased();
        return pointer;
    }

    CudaBackend backend() {
        return backend;
    }

    @Override
    protected void write(float[] src, int srcPos, int offset, int n) {
        backend.write(pointer(), offset, src, srcPos, n);
    }

    @Override
    protected void read(int offset, float[] dst, int dstPos, int n) {
        backend.read(pointer(), offset, dst, dstPos, n);
    }
}
