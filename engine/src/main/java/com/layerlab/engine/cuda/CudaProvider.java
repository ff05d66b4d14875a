package com.layerlab.engine.cuda;

import com.layerlab.engine.tensor.BackendProvider;
import com.layerlab.engine.tensor.Device;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * The cuda backend kind: every NVIDIA GPU the driver sees, each with its own {@link CudaBackend} (made on
 * first use, then kept). The probe, through JCuda 12.0.0, asks for the driver ({@code libcuda.so.1}),
 * its GPUs, and NVRTC, which compiles the kernels at run time ({@code libnvrtc.so.12}, or
 * {@code libnvrtc.so.13} through the re-linked binding the README describes); where one is missing the
 * backend is not available, with that reason. JCuda's native libraries fail to load with an
 * {@link UnsatisfiedLinkError} the first time and a {@link NoClassDefFoundError} every later time: the
 * probe runs once per JVM, catches every {@link Throwable}, and remembers.
 */
public final class CudaProvider implements BackendProvider {

    /** How the dynamic loader names a shared library it could not find, in JCuda's loading report. */
    private static final String KERNELS = "CUDA C kernels compiled by NVRTC ";

    private static final Pattern MISSING_LIBRARY = Pattern.compile("([\\w.+-]+\\.so[\\w.]*): cannot open shared object file");

    /**
     * The probe, run when first asked for and kept for the JVM: a driver library that failed to load
     * stays failed for the JVM's life, and a second probe would only see "Could not initialize class".
     */
    private static final class Probe {
        static final Availability RESULT = probe();
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public Availability availability() {
        return Probe.RESULT;
    }

    /** Whether the matrix products may go through cuBLAS (tests turn it off to check the kernels' own). */
    private final boolean useCublas;
    private CudaBackend[] backends = new CudaBackend[0];

    public CudaProvider() {
        this(true);
    }

    /** A provider whose backends use cuBLAS for the matrix products ({@code useCublas}) or the kernels' own SGEMM. */
    CudaProvider(boolean useCublas) {
        this.useCublas = useCublas;
    }

    /**
     * GPU {@code index} (in the order of {@link Availability#devices()}), its backend started on first use:
     * its thread and context, the kernels compiled by NVRTC and loaded.
     *
     * @throws IllegalStateException naming the reason when CUDA or that GPU is not available, or it fails to start
     */
    @Override
    public synchronized Device device(int index) {
        Availability a = availability();
        if (!a.available()) {
            throw new IllegalStateException("cuda is not available: " + a.reason());
        }
        if (index < 0 || index >= a.devices().size()) {
            throw new IllegalStateException("cuda has no device " + index + ": it has " + a.devices().size()
                    + " (" + String.join(", ", a.devices()) + ")");
        }
        if (backends.length != a.devices().size()) {
            backends = new CudaBackend[a.devices().size()];
        }
        if (backends[index] == null) {
            backends[index] = new CudaBackend(index, a.devices().get(index), useCublas);
        }
        return Device.of(backends[index], index);
    }

    private static Availability probe() {
        try {
            int status = JCudaDriver.cuInit(0);
            if (status != CUresult.CUDA_SUCCESS) {
                return Availability.missing("the NVIDIA driver did not start (cuInit: " + CUresult.stringFor(status) + ")");
            }
            int[] version = new int[1];
            check(JCudaDriver.cuDriverGetVersion(version), "cuDriverGetVersion");
            int[] count = new int[1];
            check(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
            String driver = "CUDA " + version[0] / 1000 + "." + version[0] % 1000 / 10;
            if (count[0] == 0) {
                return Availability.missing("the NVIDIA driver (" + driver + ") sees no GPU");
            }
            List<String> devices = new ArrayList<>();
            for (int i = 0; i < count[0]; i++) {
                devices.add(describe(i));
            }
            List<Integer> gpus = IntStream.range(0, count[0]).boxed().toList();
            String nvrtc;
            try {
                nvrtc = Nvrtc.version();
            } catch (Throwable e) {
                // the GPUs are listed: the one thing missing is the run-time compiler
                return new Availability(false, devices, "", "found " + count[0] + (count[0] == 1 ? " GPU" : " GPUs")
                        + " with the NVIDIA driver (" + driver + "), but NVRTC, which compiles the kernels, did not load ("
                        + (e instanceof UnsatisfiedLinkError ? linkProblem(e, "libnvrtc") : firstLine(e)) + ")")
                        .withGpus(gpus);
            }
            return Availability.of(devices, KERNELS + nvrtc + ", " + matrixProducts() + " (driver " + driver + ")")
                    .withGpus(gpus);
        } catch (Throwable e) {
            // UnsatisfiedLinkError: no libcuda.so.1 (no driver); NoClassDefFoundError: no JCuda on the class path
            // or a driver library that failed before; both mean there is no CUDA here, which is a reason, not an error
            return Availability.missing(e instanceof UnsatisfiedLinkError ? driverProblem(e)
                    : "the CUDA probe failed (" + e.getClass().getSimpleName() + ": " + firstLine(e) + ")");
        }
    }

    /** "NVIDIA H100 80GB HBM3 (compute 9.0, 79.1 GiB)". */
    private static String describe(int index) {
        CUdevice device = new CUdevice();
        check(JCudaDriver.cuDeviceGet(device, index), "cuDeviceGet");
        byte[] name = new byte[256];
        check(JCudaDriver.cuDeviceGetName(name, name.length, device), "cuDeviceGetName");
        int end = 0;
        while (end < name.length && name[end] != 0) {
            end++;
        }
        int[] major = new int[1];
        int[] minor = new int[1];
        check(JCudaDriver.cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                device), "cuDeviceGetAttribute");
        check(JCudaDriver.cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                device), "cuDeviceGetAttribute");
        long[] bytes = new long[1];
        check(JCudaDriver.cuDeviceTotalMem(bytes, device), "cuDeviceTotalMem");
        return String.format(Locale.ROOT, "%s (compute %d.%d, %.1f GiB)", new String(name, 0, end, StandardCharsets.UTF_8),
                major[0], minor[0], bytes[0] / (double) (1L << 30));
    }

    private static void check(int status, String call) {
        if (status != CUresult.CUDA_SUCCESS) {
            throw new IllegalStateException(call + ": " + CUresult.stringFor(status));
        }
    }

    /** What computes the matrix products: cuBLAS where its binding and library load, else the kernels' own SGEMM. */
    private static String matrixProducts() {
        try {
            // the class's static initialiser loads JCublas2's native library, which links libcublas
            Class.forName("jcuda.jcublas.JCublas2", true, CudaProvider.class.getClassLoader());
            return "matrix products by cuBLAS";
        } catch (Throwable e) {
            return "matrix products by its own SGEMM kernel (cuBLAS: "
                    + (e instanceof UnsatisfiedLinkError ? linkProblem(e, "libcublas") : firstLine(e)) + ")";
        }
    }

    /** The driver's library is the one missing where JCuda's driver binding does not load. */
    private static String driverProblem(Throwable e) {
        String missing = missingLibrary(e);
        return missing != null ? "no NVIDIA driver (" + missing + " not found)"
                : "JCuda's driver library did not load (" + firstLine(e) + ")";
    }

    /**
     * Why a JCuda binding of {@code library} ("libnvrtc", "libcublas") did not load: the CUDA library its
     * loading report names as missing ("libnvrtc.so.12 not found"), else the report's first line.
     */
    static String linkProblem(Throwable e, String library) {
        String missing = missingLibrary(e);
        return missing != null && missing.startsWith(library) ? missing + " not found" : firstLine(e);
    }

    /**
     * JCuda's loader reports every way it tried in one long message; the shared library it could not
     * find last is the one worth naming.
     */
    private static String missingLibrary(Throwable e) {
        Matcher m = MISSING_LIBRARY.matcher(String.valueOf(e.getMessage()));
        String missing = null;
        while (m.find()) {
            missing = m.group(1);
        }
        return missing;
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).trim();
    }
}
