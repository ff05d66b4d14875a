package com.layerlab.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.layerlab.engine.tensor.BackendProvider.Availability;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The cuda probe where there is no GPU, and the kernels' source through NVRTC wherever NVRTC loads (no GPU needed). */
class CudaProviderTest {

    @Test
    void withoutADriverAGpuOrNvrtcTheBackendIsNotAvailableAndItsDeviceSaysWhy() {
        CudaProvider cuda = new CudaProvider();
        Availability a = cuda.availability();
        assertEquals(a.devices().size(), a.gpus().size(), "every CUDA device is a GPU");
        assumeFalse(a.available(), "CUDA is available here (CudaBackendTest runs on it)");
        assertTrue(a.reason().startsWith("no NVIDIA driver") || a.reason().startsWith("the NVIDIA driver")
                || a.reason().contains("but NVRTC, which compiles the kernels, did not load"), a.reason());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cuda.device(0));
        assertEquals("cuda is not available: " + a.reason(), e.getMessage());
    }

    @Test
    void aBindingThatDidNotLoadIsReportedByTheCudaLibraryItMisses() {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("Error while loading native library \"JNvrtc-12.0.0-linux-x86_64\"\n"
                + "Stack trace from the attempt to load the library as a file:\n"
                + "java.lang.UnsatisfiedLinkError: no JNvrtc-12.0.0-linux-x86_64 in java.library.path\n"
                + "Stack trace from the attempt to load the library as a resource:\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/libJNvrtc-12.0.0-linux-x86_64.so: libnvrtc.so.12: cannot open "
                + "shared object file: No such file or directory");
        assertEquals("libnvrtc.so.12 not found", CudaProvider.linkProblem(e, "libnvrtc"));
        assertEquals("Error while loading native library \"JNvrtc-12.0.0-linux-x86_64\"",
                CudaProvider.linkProblem(e, "libcublas"), "another library missing: the report's first line");
    }

    @Test
    void everyKernelCompilesWithNvrtc() {
        String version;
        try {
            version = Nvrtc.version();
        } catch (Throwable t) {
            assumeTrue(false, "NVRTC does not load here: " + CudaProvider.linkProblem(t, "libnvrtc"));
            return;
        }
        // Turing (NVRTC 13's oldest) and Hopper (the H100 and H200 of the GPU checks)
        for (int[] cc : new int[][] {{7, 5}, {9, 0}}) {
            String ptx = Nvrtc.compile(cc[0], cc[1]);
            assertTrue(ptx.contains(".target sm_" + cc[0] + cc[1]), "NVRTC " + version + " made PTX for compute "
                    + cc[0] + "." + cc[1]);
            for (String f : CudaBackend.FUNCTIONS) {
                assertTrue(Pattern.compile("\\.entry " + f + "\\(").matcher(ptx).find(), "kernel " + f + " in the PTX");
            }
        }
    }
}
