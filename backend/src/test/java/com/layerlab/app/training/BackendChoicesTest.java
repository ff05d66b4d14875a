package com.layerlab.app.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.engine.tensor.BackendProvider;
import com.layerlab.engine.tensor.Backends;
import com.layerlab.engine.tensor.CpuProvider;
import com.layerlab.engine.tensor.Device;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which backends the pages offer, how each is labelled, and what becomes of a link's backend that is not here. */
class BackendChoicesTest {

    /** CUDA as this machine has it: missing, with the probe's reason. */
    static BackendProvider missingCuda() {
        return new BackendProvider() {
            @Override
            public String name() {
                return "cuda";
            }

            @Override
            public Availability availability() {
                return Availability.missing("no libcuda.so.1 (no NVIDIA driver)");
            }

            @Override
            public Device device(int index) {
                throw new IllegalStateException("cuda is not available");
            }
        };
    }

    private static BackendChoices choices(BackendProvider... others) {
        List<BackendProvider> providers = new java.util.ArrayList<>(List.of(new CpuProvider()));
        providers.addAll(List.of(others));
        return BackendChoices.of(new Backends(providers, (level, line) -> { }));
    }

    @Test
    void autoFirstThenEveryBackendWithItsDeviceAndAMissingOneWithItsReason() {
        BackendChoices c = choices(new FailingBackend(Long.MAX_VALUE).provider(), missingCuda());

        assertEquals(List.of("auto", "cpu", "opencl", "cuda"), c.choices().stream().map(BackendChoices.Choice::backend).toList());
        String cpu = c.choice("cpu").orElseThrow().label();
        assertTrue(cpu.startsWith("cpu backend, "), cpu);
        assertEquals("opencl backend, Fake GPU (the CPU's kernels)", c.choice("opencl").orElseThrow().label());
        assertEquals("auto (" + cpu + ")", c.choice("auto").orElseThrow().label(), "auto says where it trains");
        BackendChoices.Choice cuda = c.choice("cuda").orElseThrow();
        assertFalse(cuda.offered());
        assertEquals("cuda: not available (no libcuda.so.1 (no NVIDIA driver))", cuda.label());
        assertTrue(c.offers("opencl") && c.offers("cpu") && c.offers("auto"));
        assertTrue(c.worthShowing(), "two backends: a choice");
    }

    @Test
    void withOneBackendAvailableThereIsNothingToChoose() {
        assertFalse(choices(missingCuda()).worthShowing());
        assertFalse(choices().worthShowing());
    }

    @Test
    void aBackendOfferedHereIsKept() {
        BackendChoices c = choices(new FailingBackend(Long.MAX_VALUE).provider(), missingCuda());

        assertEquals(new BackendChoices.Kept("opencl", null), c.keep("opencl"));
        assertEquals(new BackendChoices.Kept("auto", null), c.keep("auto"));
        assertEquals(new BackendChoices.Kept("auto", null), c.keep(null), "a file without the field trains on auto");
    }

    @Test
    void aBackendThisServerDoesNotHaveTrainsOnAutoAndTheNoteSaysWhy() {
        BackendChoices c = choices(new FailingBackend(Long.MAX_VALUE).provider(), missingCuda());

        BackendChoices.Kept cuda = c.keep("cuda");
        assertEquals("auto", cuda.backend());
        assertEquals("The backend cuda is not available on this server (no libcuda.so.1 (no NVIDIA driver)): this "
                + "experiment trains on " + c.choice("auto").orElseThrow().label() + " instead.", cuda.note());

        BackendChoices cpuOnly = choices();
        assertEquals("auto", cpuOnly.keep("opencl").backend());
        assertTrue(cpuOnly.keep("opencl").note().contains("this server does not know it"), cpuOnly.keep("opencl").note());
        assertNull(cpuOnly.keep("cpu").note());
    }
}
