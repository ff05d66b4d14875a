package com.layerlab.engine.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasOperation;
import jcuda.jcublas.cublasStatus;

/**
 * cuBLAS's SGEMM for one device's matrix products, where JCublas2 and {@code libcublas} load. In full
 * float32 (CUBLAS_DEFAULT_MATH: no TF32 tensor cores, which would miss the 1e-4 agreement with the CPU).
 * Made and used on the device's thread only.
 */
final class Cublas {

    private static final Pointer ONE = Pointer.to(new float[] {1f});
    private static final Pointer ZERO = Pointer.to(new float[] {0f});

    private final cublasHandle handle;
    private final String version;

    private Cublas(cublasHandle handle, String version) {
        this.handle = handle;
        this.version = version;
    }

    /** cuBLAS on the current context; throws a {@link LinkageError} where its library does not load. */
    static Cublas create(String device) {
        cublasHandle handle = new cublasHandle();
        check(JCublas2.cublasCreate(handle), device, "cublasCreate");
        check(JCublas2.cublasSetMathMode(handle, cublasMath.CUBLAS_DEFAULT_MATH), device, "cublasSetMathMode");
        int[] v = new int[1];
        check(JCublas2.cublasGetVersion(handle, v), device, "cublasGetVersion");
        return new Cublas(handle, v[0] / 10000 + "." + v[0] / 100 % 100);
    }

    /** "13.1". */
    String version() {
        return version;
    }

    /**
     * Row-major c[m, n] = op(a) op(b), as Backend.matmul. cuBLAS is column-major: a row-major matrix is
     * its transpose there, so it computes c^T = op(b)^T op(a)^T, with the operands swapped.
     */
    void sgemm(CUdeviceptr a, boolean transA, CUdeviceptr b, boolean transB, CUdeviceptr c, int m, int k, int n,
               String device) {
        int ldb = transB ? k : n;
        int lda = transA ? m : k;
        check(JCublas2.cublasSgemm(handle, transB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
                transA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N, n, m, k, ONE, b, ldb, a, lda,
                ZERO, c, n), device, "cublasSgemm");
    }

    private static void check(int status, String device, String call) {
        if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new CudaFailure(device + ": " + call + " failed: " + cublasStatus.stringFor(status), status);
        }
    }
}
