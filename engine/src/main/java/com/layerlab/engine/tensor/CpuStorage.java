package com.layerlab.engine.tensor;

/** A CPU device's storage: a Java array, which only {@link CpuBackend} reads or writes inside operations. */
final class CpuStorage implements Storage {

    private final Device device;
    private final float[] array;

    CpuStorage(Device device, float[] array) {
        this.device = device;
        this.array = array;
    }

    float[] array() {
        return array;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public int size() {
        return array.length;
    }

    @Override
    public void copyFromHost(float[] src, int srcPos, int offset, int n) {
        System.arraycopy(src, srcPos, array, offset, n);
    }

    @Override
    public void copyToHost(int offset, float[] dst, int dstPos, int n) {
        System.arraycopy(array, offset, dst, dstPos, n);
    }

    /** Element indices (max pooling's winners); the host sees them as floats. */
    static final class Indices implements Storage {

        private final Device device;
        private final int[] array;

        Indices(Device device, int[] array) {
            this.device = device;
            this.array = array;
        }

        int[] array() {
            return array;
        }

        @Override
        public Device device() {
            return device;
        }

        @Override
        public int size() {
            return array.length;
        }

        @Override
        public void copyFromHost(float[] src, int srcPos, int offset, int n) {
            for (int i = 0; i < n; i++) array[offset + i] = (int) src[srcPos + i];
        }

        @Override
        public void copyToHost(int offset, float[] dst, int dstPos, int n) {
            for (int i = 0; i < n; i++) dst[dstPos + i] = array[offset + i];
        }
    }
}
