package com.layerlab.engine.tensor;

import java.lang.ref.Reference;
import java.util.function.BooleanSupplier;

/**
 * The part every accelerator's storage shares: its device and size, the range check of the two host
 * copies, and the refusal once the run's scope it belongs to has released its memory (that memory may
 * already be another storage's). A backend supplies the two transfers.
 */
public abstract class DeviceStorage implements Storage {

    private final Device device;
    private final int size;
    /** Whether the run's scope it was allocated on is released; never true for a device's own storage. */
    private final BooleanSupplier released;

    protected DeviceStorage(Device device, int size, BooleanSupplier released) {
        this.device = device;
        this.size = size;
        this.released = released;
    }

    /** Refuses a storage whose run released its device memory: before its memory goes to a transfer or kernel. */
    protected final void checkNotReleased() {
        if (released.getAsBoolean()) {
            throw new IllegalStateException(device.backend().name() + ": a tensor of a run on " + device
                    + " was used after the run released its device memory (Trainer.close, Device.release)");
        }
    }

    /** Copies {@code n} host values {@code src[srcPos..]} to elements {@code offset..}, already range-checked. */
    protected abstract void write(float[] src, int srcPos, int offset, int n);

    /** Copies elements {@code offset..offset+n} to {@code dst[dstPos..]}, already range-checked. */
    protected abstract void read(int offset, float[] dst, int dstPos, int n);

    @Override
    public final Device device() {
        return device;
    }

    @Override
    public final int size() {
        return size;
    }

    @Override
    public final void copyFromHost(float[] src, int srcPos, int offset, int n) {
        checkRange("copyFromHost", offset, n);
        write(src, srcPos, offset, n);
        // reachable until the copy is done: else its memory could be handed to another storage meanwhile
        Reference.reachabilityFence(this);
    }

    @Override
    public final void copyToHost(int offset, float[] dst, int dstPos, int n) {
        checkRange("copyToHost", offset, n);
        read(offset, dst, dstPos, n);
        Reference.reachabilityFence(this);
    }

    private void checkRange(String op, int offset, int n) {
        if (offset < 0 || n < 0 || offset + n > size) {
            throw new IndexOutOfBoundsException(device.backend().name() + " storage." + op + ": elements " + offset
                    + ".." + (offset + n) + " are outside a storage of " + size);
        }
    }
}
