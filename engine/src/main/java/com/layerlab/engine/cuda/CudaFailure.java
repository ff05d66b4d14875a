package com.layerlab.engine.cuda;

import jcuda.driver.CUresult;

/** A CUDA driver call that failed, by name and CUDA's error name ("cuMemAlloc: CUDA_ERROR_OUT_OF_MEMORY"). */
final class CudaFailure extends IllegalStateException {

    private final int status;

    CudaFailure(String message, int status) {
        super(message);
        this.status = status;
    }

    /** CUDA's error code ({@link CUresult}). */
    int status() {
        return status;
    }

    /** Throws unless {@code status} is CUDA_SUCCESS. */
    static void check(int status, String device, String call) {
        if (status != CUresult.CUDA_SUCCESS) {
            throw new CudaFailure(device + ": " + call + " failed: " + CUresult.stringFor(status), status);
        }
    }
}
