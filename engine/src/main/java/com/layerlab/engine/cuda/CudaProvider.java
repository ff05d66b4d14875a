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
 * The CUDA backend's probe, through JCuda 12.0.0's driver API: whether an NVIDIA driver loads, and which
 * GPUs it sees. JCuda's native library links against the driver ({@code libcuda.so.1}), so without one
 * the first call fails with an {@link UnsatisfiedLinkError} and every later one with a
 * {@link NoClassDefFoundError}: the probe runs once per JVM, catches every {@link Throwable}, and
 * remembers.
 *
 * <p>The CUDA kernels are not in this version: where the probe finds GPUs they are listed, but the
 * backend is not available and {@link #device(int)} says so.
 */
public final class CudaProvider implements BackendProvider {

    /** How the dynamic loader names a shared library it could not find, in JCuda's loading report. */
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

    @Override
    public Device device(int index) {
        throw new IllegalStateException("backend cuda is not available: " + availability().reason());
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
            return new Availability(false, devices, "", "found " + count[0] + (count[0] == 1 ? " GPU" : " GPUs")
                    + " with the NVIDIA driver (" + driver + "), but the CUDA kernels are not in this version")
                    .withGpus(IntStream.range(0, count[0]).boxed().toList());
        } catch (Throwable e) {
            // UnsatisfiedLinkError: no libcuda.so.1 (no driver); NoClassDefFoundError: no JCuda on the class path
            // or a driver library that failed before; both mean there is no CUDA here, which is a reason, not an error
            return Availability.missing(e instanceof UnsatisfiedLinkError ? linkProblem(e)
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

    /**
     * JCuda's loader reports every way it tried in one long message; the library that is missing (in
     * practice the driver's libcuda.so.1) is the one worth naming.
     */
    private static String linkProblem(Throwable e) {
        Matcher m = MISSING_LIBRARY.matcher(String.valueOf(e.getMessage()));
        String missing = null;
        while (m.find()) {
            missing = m.group(1);
        }
        return missing != null ? "no NVIDIA driver (" + missing + " not found)"
                : "JCuda's driver library did not load (" + firstLine(e) + ")";
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).trim();
    }
}
