package com.layerlab.engine.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.aparapi.Kernel;
import com.aparapi.Range;
import com.aparapi.device.OpenCLDevice;
import com.layerlab.engine.tensor.BackendAgreementTests;
import com.layerlab.engine.tensor.BackendProvider.Availability;
import com.layerlab.engine.tensor.Device;
import com.layerlab.engine.tensor.Storage;
import com.layerlab.engine.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The opencl backend against the CPU reference ({@link BackendAgreementTests}) on the first OpenCL device
 * (in CI, PoCL on the CPU: .ci/run installs it), and what is opencl's own: its device pool and Aparapi's
 * silent fallback to Java. Skipped only where no OpenCL platform exists. Small shapes: PoCL compiles the
 * kernel once, in a few seconds.
 */
class OpenClBackendTest extends BackendAgreementTests {

    private static OpenClProvider provider;
    private static Device cl;

    @BeforeAll
    static void openDevice() {
        provider = new OpenClProvider();
        Availability a = provider.availability();
        if (!a.available() && a.reason().contains("LD_PRELOAD")) {
            fail("the test JVM must preload libjsig.so (engine/pom.xml's surefire environment): " + a.reason());
        }
        assumeTrue(a.available(), () -> "no OpenCL here: " + a.reason());
        cl = provider.device(0);
    }

    @Override
    protected Device device() {
        return cl;
    }

    @Override
    protected Device freshDevice() {
        return new OpenClProvider().device(0);
    }

    @Override
    protected long floatsInUse(Device device) {
        return ((OpenClBackend) device.backend()).floatsInUse();
    }

    @Test
    void theProviderNamesItsDevicesAndRefusesOnesItHasNot() {
        Availability a = provider.availability();
        assertEquals("opencl", provider.name());
        assertEquals("Aparapi 3.0.2 OpenCL kernels", a.kernels());
        assertFalse(a.devices().get(0).isBlank());
        assertEquals("opencl:0", cl.toString());
        assertEquals(cl, provider.device(0), "the same device each time");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> provider.device(a.devices().size()));
        assertTrue(e.getMessage().startsWith("opencl has no device " + a.devices().size() + ": it has "), e.getMessage());
        if (a.devices().get(0).contains("Portable Computing Language")) {
            assertFalse(provider.isGpu(0), "PoCL is a CPU device");
        }
    }

    // ---- the device pool

    @Test
    void storagesNoLongerReachableGiveTheirDeviceMemoryBack() {
        int capacity = backend().poolCapacity();
        long before = backend().floatsHandedOut();
        for (int i = 0; i < 40; i++) {
            cl.allocate(capacity / 8); // five pools' worth in all, never more than one storage reachable
        }
        assertTrue(backend().floatsHandedOut() - before >= 5L * capacity);
        assertEquals(capacity, backend().poolCapacity(), "the pool reuses the dropped storages' memory");
        Storage kept = cl.allocate(1000);
        cl.backend().fill(kept, 3f);
        assertEquals(3f, host(kept)[999]);
    }

    @Test
    void aLongTrainingRunReusesItsDeviceMemory() {
        int capacity = backend().poolCapacity();
        long before = backend().floatsHandedOut();
        try (Trainer t = new Trainer(cnn(), null, cl)) {
            for (int step = 0; step < 2000 && backend().floatsHandedOut() - before < 2L * capacity; step++) {
                t.step();
            }
        }
        assertTrue(backend().floatsHandedOut() - before >= 2L * capacity, "the steps allocated two pools' worth");
        assertEquals(capacity, backend().poolCapacity(), "the training steps' intermediate tensors were reused");
    }

    private static OpenClBackend backend() {
        return (OpenClBackend) cl.backend();
    }

    // ---- Aparapi's silent fallback

    /** Aparapi cannot translate a String: it runs this on its Java thread pool. */
    static final class UntranslatableKernel extends Kernel {
        final int[] out = new int[8];

        @Override
        public void run() {
            out[getGlobalId()] = String.valueOf(getGlobalId()).length();
        }
    }

    @Test
    void aKernelThatOpenClCannotRunIsReportedNotRunInJava() {
        UntranslatableKernel k = new UntranslatableKernel();
        OpenCLDevice device = backend().clDevice();
        OpenClFallbackException e = assertThrows(OpenClFallbackException.class,
                () -> OpenClFallbackException.execute(k, Range.create(device, 8, 8), device, "the test op"));
        assertTrue(e.getMessage().startsWith("opencl: the test op of UntranslatableKernel "), e.getMessage());
        k.dispose();
    }

    @Test
    void aKernelThatRanOnAparapisJavaThreadPoolIsReported() {
        UntranslatableKernel k = new UntranslatableKernel();
        k.setExecutionMode(Kernel.EXECUTION_MODE.JTP);
        k.execute(8);
        assertEquals(1, k.out[7], "it did run, in Java");
        OpenCLDevice device = backend().clDevice();
        OpenClFallbackException e = assertThrows(OpenClFallbackException.class,
                () -> OpenClFallbackException.check(k, device, "the test op"));
        assertTrue(e.getMessage().contains("Aparapi fell back to Java"), e.getMessage());
        // the backend's own kernel runs on the device
        cl.backend().fill(cl.allocate(3), 1f);
        OpenClFallbackException.check(backend().kernel(), device, "the last primitive");
        k.dispose();
    }
}
