package com.layerlab.engine.opencl;

import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.opencl.OpenCLLoader;
import com.aparapi.internal.opencl.OpenCLPlatform;
import com.layerlab.engine.tensor.BackendProvider;
import com.layerlab.engine.tensor.Device;

import java.util.ArrayList;
import java.util.List;

/**
 * The opencl backend kind: every device of every OpenCL platform on this machine, in platform order,
 * each with its own {@link OpenClBackend} (made on first use, then kept). Probes once; the probe never
 * throws: no OpenCL library, no platform or no device is a reason.
 *
 * <p>OpenCL is loaded only when the JVM preloads its signal-chaining library ({@code LD_PRELOAD} naming
 * {@code libjsig.so}): PoCL's LLVM replaces the JVM's signal handlers and the JVM then crashes at random
 * (see the README). Without it the backend is not available, with that reason.
 */
public final class OpenClProvider implements BackendProvider {

    private static final String KERNELS = "Aparapi 3.0.2 OpenCL kernels";

    private Availability availability;
    private List<OpenCLDevice> devices = List.of();
    private OpenClBackend[] backends = new OpenClBackend[0];

    public OpenClProvider() {
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public synchronized Availability availability() {
        if (availability == null) {
            availability = probe();
        }
        return availability;
    }

    private Availability probe() {
        String unsafe = withoutSignalChaining(System.getenv("LD_PRELOAD"));
        if (unsafe != null) {
            return Availability.missing(unsafe);
        }
        try {
            if (!OpenCLLoader.isOpenCLAvailable()) {
                return Availability.missing("no OpenCL library (libOpenCL.so.1, from ocl-icd-libopencl1) could be loaded");
            }
            List<OpenCLDevice> found = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (OpenCLPlatform platform : new OpenCLPlatform().getOpenCLPlatforms()) {
                for (OpenCLDevice d : platform.getOpenCLDevices()) {
                    found.add(d);
                    names.add(d.getName().trim() + " (" + platform.getName().trim() + ")");
                }
            }
            if (found.isEmpty()) {
                return Availability.missing("no OpenCL platform with a device was found (install a driver: "
                        + "pocl-opencl-icd for the CPU, or the GPU vendor's OpenCL ICD)");
            }
            devices = List.copyOf(found);
            backends = new OpenClBackend[found.size()];
            // auto takes OpenCL only on a GPU: on the CPU, through PoCL, the cpu backend is faster
            List<Integer> gpus = new ArrayList<>();
            for (int i = 0; i < found.size(); i++) {
                if (found.get(i).getType() == com.aparapi.device.Device.TYPE.GPU) {
                    gpus.add(i);
                }
            }
            return Availability.of(names, KERNELS).withGpus(gpus);
        } catch (Throwable t) {
            // a missing or broken native library is a reason, not an error (LinkageError included)
            return Availability.missing("OpenCL could not be probed: " + t);
        }
    }

    /** Why OpenCL must not load in a JVM started with this LD_PRELOAD, or null when it may. */
    static String withoutSignalChaining(String ldPreload) {
        if (ldPreload != null && ldPreload.contains("libjsig")) {
            return null;
        }
        return "the JVM was not started with LD_PRELOAD=$JAVA_HOME/lib/libjsig.so, which OpenCL drivers built on "
                + "LLVM (PoCL) need so as not to crash the JVM";
    }

    /** Whether device {@code index} is a GPU; false when OpenCL is not available or has no such device. */
    public synchronized boolean isGpu(int index) {
        return availability().gpus().contains(index);
    }

    /**
     * Device {@code index} (in the order of {@link Availability#devices()}), its backend made on first use.
     *
     * @throws IllegalStateException naming the reason when OpenCL or that device is not available
     */
    @Override
    public synchronized Device device(int index) {
        Availability a = availability();
        if (!a.available()) {
            throw new IllegalStateException("opencl is not available: " + a.reason());
        }
        if (index < 0 || index >= devices.size()) {
            throw new IllegalStateException("opencl has no device " + index + ": it has " + devices.size()
                    + " (" + String.join(", ", a.devices()) + ")");
        }
        if (backends[index] == null) {
            backends[index] = new OpenClBackend(devices.get(index), a.devices().get(index));
        }
        return Device.of(backends[index], index);
    }
}
