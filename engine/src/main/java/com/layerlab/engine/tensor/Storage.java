package com.layerlab.engine.tensor;

/**
 * A tensor's elements in its device's memory: float32 values, dense and row-major. Only the backend
 * that allocated a storage reads or writes it inside operations; the host sees it through the two
 * explicit copies, which are the edges of a run (a batch in; losses, metrics, weights out).
 *
 * <p>A CPU storage is a Java array; an OpenCL or CUDA storage is a device buffer that implements the
 * same three operations.
 */
public interface Storage {

    /** The device whose memory holds the elements. */
    Device device();

    /** The number of elements. */
    int size();

    /** Copies {@code n} host values {@code src[srcPos..]} into this storage from element {@code offset} on. */
    void copyFromHost(float[] src, int srcPos, int offset, int n);

    /** Copies {@code n} elements from element {@code offset} on into {@code dst[dstPos..]} on the host. */
    void copyToHost(int offset, float[] dst, int dstPos, int n);
}
