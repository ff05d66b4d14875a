package com.layerlab.engine.opencl;

import com.aparapi.Kernel;
import com.aparapi.Range;
import com.aparapi.device.OpenCLDevice;

/**
 * Aparapi ran a kernel on its Java thread pool instead of the OpenCL device (it does so, only logging,
 * when OpenCL cannot compile or run the kernel). The device's memory did not take part, so the results
 * are wrong: the operation fails with this, naming the device and the op, and logs it; the run reports it.
 */
public final class OpenClFallbackException extends IllegalStateException {

    OpenClFallbackException(String message) {
        this(message, null);
    }

    /** Also logs the message: the run that catches it goes on elsewhere, and the log keeps why. */
    OpenClFallbackException(String message, Throwable cause) {
        super(message, cause);
        System.getLogger(OpenClBackend.class.getName()).log(System.Logger.Level.WARNING, message);
    }

    /**
     * Runs {@code kernel} over {@code range} (a range of {@code device}) and throws when it did not run on
     * that device: Aparapi either fell back to Java silently or, where Java assertions are on (tests),
     * stopped with an AssertionError about the device; either way the device did not run it.
     */
    static void execute(Kernel kernel, Range range, OpenCLDevice device, String what) {
        try {
            kernel.execute(range);
        } catch (RuntimeException | AssertionError e) {
            throw new OpenClFallbackException("opencl: " + what + " of " + kernel.getClass().getSimpleName()
                    + " could not run on the OpenCL device " + device.getName() + ": " + e.getMessage(), e);
        }
        check(kernel, device, what);
    }

    /** Throws when {@code kernel}'s last run did not happen on {@code device}. */
    static void check(Kernel kernel, OpenCLDevice device, String what) {
        com.aparapi.device.Device ran = kernel.getTargetDevice();
        if (!(ran instanceof OpenCLDevice) || ((OpenCLDevice) ran).getDeviceId() != device.getDeviceId()) {
            throw new OpenClFallbackException("opencl: " + what + " of " + kernel.getClass().getSimpleName()
                    + " ran on " + (ran == null ? "no device" : ran.getShortDescription()) + " instead of the OpenCL device "
                    + device.getName() + ": Aparapi fell back to Java (see its log for why OpenCL could not run it)");
        }
    }
}
