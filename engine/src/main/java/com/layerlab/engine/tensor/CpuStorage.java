package com.layerlab.engine.tensor;

/** A CPU device's storage: a Java array, which only {@link CpuBackend} reads or writes inside operations. */
final class CpuStorage implements Storage {

    private final Device device;
    private final int size;
    /** Null once given back to the {@link StepMemory} it came from. */
    private float[] array;

    CpuStorage(Device device, float[] array) {
        this.device = device;
        this.size = array.length;
        this.array = array;
    }

    float[] array() {
        if (array == null) {
            throw givenBack();
        }
        return array;
    }

    /** Takes the array away for the next step ({@link StepMemory}); this storage can no longer be used. */
    float[] giveBack() {
        float[] a = array();
        array = null;
        return a;
    }

    /** The error for a step's result used after its step ended. */
    static IllegalStateException givenBack() {
        return new IllegalStateException("a tensor made during a training step was used after the step ended "
                + "(its memory went to the next step): keep a copy (toHost(), or mul(1f) outside the step) instead");
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
        System.arraycopy(src, srcPos, array(), offset, n);
    }

    @Override
    public void copyToHost(int offset, float[] dst, int dstPos, int n) {
        System.arraycopy(array(), offset, dst, dstPos, n);
    }

    /** Element indices (max pooling's winners); the host sees them as floats. */
    static final class Indices implements Storage {

        private final Device device;
        private final int size;
        /** Null once given back to the {@link StepMemory} it came from. */
        private int[] array;

        Indices(Device device, int[] array) {
            this.device = device;
            this.size = array.length;
            this.array = array;
        }

        int[] array() {
            if (array == null) {
                throw givenBack();
            }
            return array;
        }

        int[] giveBack() {
            int[] a = array();
            array = null;
            return a;
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
            int[] a = array();
            for (int i = 0; i < n; i++) a[offset + i] = (int) src[srcPos + i];
        }

        @Override
        public void copyToHost(int offset, float[] dst, int dstPos, int n) {
            int[] a = array();
            for (int i = 0; i < n; i++) dst[dstPos + i] = a[offset + i];
        }
    }
}
