package com.layerlab.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.layerlab.engine.tensor.BackendAgreementTests;
import com.layerlab.engine.tensor.BackendProvider.Availability;
import com.layerlab.engine.tensor.Device;
import com.layerlab.engine.tensor.Storage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cuda backend against the CPU reference ({@link BackendAgreementTests}, the same cases as opencl's)
 * on the first GPU, and what is cuda's own: the kernels' SGEMM beside cuBLAS's, its device memory. Runs
 * wherever the cuda backend is available (an NVIDIA GPU, its driver and NVRTC: .ci/gpu-check runs it
 * there); skipped elsewhere with the probe's reason.
 */
class CudaBackendTest extends BackendAgreementTests {

    private static CudaProvider provider;
    private static Device gpu;
    /** The same GPU without cuBLAS: the kernels' own SGEMM. */
    private static Device ownSgemm;

    @BeforeAll
    static void openDevice() {
        provider = new CudaProvider();
        if (provider.availability().available()) {
            gpu = provider.device(0);
            ownSgemm = new CudaProvider(false).device(0);
        }
    }

    /** Each test, not only the class, skips with the probe's reason: the reports list them all. */
    @BeforeEach
    void onlyWithCuda() {
        Availability a = provider.availability();
        assumeTrue(a.available(), () -> "no CUDA here: " + a.reason());
    }

    @Override
    protected Device device() {
        return gpu;
    }

    @Override
    protected Device freshDevice() {
        return new CudaProvider().device(0);
    }

    @Override
    protected long floatsInUse(Device device) {
        return ((CudaBackend) device.backend()).liveFloats();
    }

    /** Past 128 in each dimension too: cuBLAS and the kernels' SGEMM tile these otherwise. */
    @Override
    protected int[][] matmulSizes() {
        return new int[][] {{19, 23, 17}, {40, 70, 33}, {1, 5, 1}, {3, 0, 2}, {130, 40, 70}, {64, 65, 129}};
    }

    @Test
    void theProviderNamesItsGpusAndRefusesOnesItHasNot() {
        Availability a = provider.availability();
        assertEquals("cuda", provider.name());
        assertTrue(a.kernels().startsWith("CUDA C kernels compiled by NVRTC "), a.kernels());
        assertFalse(a.devices().get(0).isBlank());
        assertEquals(a.devices().size(), a.gpus().size(), "every CUDA device is a GPU");
        assertEquals("cuda:0", gpu.toString());
        assertEquals(gpu, provider.device(0), "the same device each time");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> provider.device(a.devices().size()));
        assertTrue(e.getMessage().startsWith("cuda has no device " + a.devices().size() + ": it has "), e.getMessage());
        assertFalse(((CudaBackend) ownSgemm.backend()).usesCublas());
        System.out.println("cuda:0 is " + ((CudaBackend) gpu.backend()).description() + ": "
                + ((CudaBackend) gpu.backend()).kernels());
    }

    /** The inherited products ran on cuBLAS where it loaded; these on the kernels' own SGEMM. */
    @Test
    void theKernelsOwnSgemmAgreesWithTheCpuInEveryLayout() {
        assertProductsAgree(ownSgemm, matmulSizes(), "own sgemm");
    }

    // ---- device memory

    @Test
    void storagesNoLongerReachableGiveTheirDeviceMemoryBack() throws InterruptedException {
        CudaBackend b = (CudaBackend) gpu.backend();
        for (int i = 0; i < 200; i++) {
            gpu.allocate(1 << 20); // 800 MiB in all, never more than one 4 MiB storage reachable
        }
        // the blocks come back once the collector has found the storages unreachable and their cleaners ran
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (b.liveFloats() >= 16L << 20 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(b.liveFloats() < 16L << 20, "the dropped storages' blocks were given back: " + b.liveFloats()
                + " floats live");
        Storage kept = gpu.allocate(1000);
        b.fill(kept, 3f);
        assertEquals(3f, host(kept)[999]);
    }

    @Test
    void aReleasedScopesStorageRefusesKernelsAndTheDevicesOwnStoragesStay() {
        // a backend of its own: no other test's storages in its memory
        Device device = freshDevice();
        CudaBackend own = (CudaBackend) device.backend();
        Device scope = device.scope();
        Storage s = scope.allocate(10);
        Storage kept = device.allocate(10);
        scope.release();
        IllegalStateException launch = assertThrows(IllegalStateException.class, () -> own.fill(s, 1f));
        assertTrue(launch.getMessage().contains("after the run released its device memory"), launch.getMessage());
        assertEquals(256, own.liveFloats(), "only the device's own storage is live (one 256-float block)");
        own.fill(kept, 2f);
        assertEquals(2f, host(kept)[9], "the device's own storages are not the scope's");
    }

    @Test
    void aStorageOfAnotherDeviceIsRefused() {
        Storage cpu = CPU.allocate(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gpu.backend().fill(cpu, 1f));
        assertTrue(e.getMessage().startsWith("cuda: a storage of cpu:0 given to cuda"), e.getMessage());
    }
}
