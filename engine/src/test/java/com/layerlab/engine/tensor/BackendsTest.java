package com.layerlab.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** The registry's rules (auto's order and fallback, named backends) on fake providers, and the real providers' probes. */
class BackendsTest {

    /** A provider that reports {@code availability} and starts devices with {@code start}, counting the starts. */
    private static class Fake implements BackendProvider {
        final String name;
        final Availability availability;
        final IntFunction<Device> start;
        final List<Integer> started = new ArrayList<>();

        Fake(String name, Availability availability, IntFunction<Device> start) {
            this.name = name;
            this.availability = availability;
            this.start = start;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Availability availability() {
            return availability;
        }

        @Override
        public Device device(int index) {
            started.add(index);
            return start.apply(index);
        }
    }

    /** A fake on two devices, the second a GPU; each start gives a device of its own. */
    private static Fake gpu(String name) {
        return new Fake(name, BackendProvider.Availability.of(List.of(name + " cpu", name + " gpu"), name + " kernels")
                .withGpus(List.of(1)), i -> Device.of(new CpuBackend(1), i));
    }

    private static Fake failing(String name, RuntimeException orError) {
        return new Fake(name, BackendProvider.Availability.of(List.of("GPU"), "kernels").withGpus(List.of(0)), i -> {
            throw orError;
        });
    }

    private final List<String> log = new ArrayList<>();

    private Backends registry(BackendProvider... providers) {
        return new Backends(List.of(providers), (level, message) -> log.add(level + " " + message));
    }

    @Test
    void autoTakesTheLastBackendThatStartsOnAGpuAtItsFirstGpu() {
        Fake opencl = gpu("opencl");
        Fake cuda = gpu("cuda");
        Device d = registry(new CpuProvider(), opencl, cuda).auto();
        assertEquals(List.of(1), cuda.started, "the first GPU, not device 0");
        assertEquals(List.of(), opencl.started);
        assertEquals(1, d.index());
        assertEquals(List.of(), log);
    }

    @Test
    void autoPassesOverMissingCpuOnlyAndFailingBackendsWithOneLogLineEach() {
        Fake cuda = new Fake("cuda", BackendProvider.Availability.missing("no NVIDIA driver (libcuda.so.1 not found)"),
                i -> { throw new AssertionError("a missing backend is never started"); });
        // PoCL: OpenCL on the CPU's cores, slower there than the cpu backend
        Fake pocl = new Fake("opencl", BackendProvider.Availability.of(List.of("pthread-cpu (PoCL)"), "OpenCL kernels"),
                i -> { throw new AssertionError("auto never takes OpenCL on a CPU device"); });
        Device d = registry(new CpuProvider(), pocl, cuda).auto();
        assertSame(Device.cpu(), d);
        assertEquals(List.of(
                "INFO backend auto: cuda is not available: no NVIDIA driver (libcuda.so.1 not found); trying opencl",
                "INFO backend auto: opencl has no GPU (its devices: pthread-cpu (PoCL)); trying cpu"), log);
    }

    @Test
    void autoFallsBackWhenABackendFailsToStart() {
        Fake cuda = failing("cuda", new IllegalStateException("out of device memory"));
        Fake opencl = gpu("opencl");
        Device d = registry(new CpuProvider(), opencl, cuda).auto();
        assertEquals(List.of(0), cuda.started);
        assertEquals(List.of(1), opencl.started);
        assertEquals(1, d.index());
        assertEquals(List.of("WARNING backend auto: cuda:0 failed to start: out of device memory; trying opencl"), log);

        // a native library that does not link is an Error, not an Exception: it too is passed over
        log.clear();
        Fake broken = new Fake("cuda", BackendProvider.Availability.of(List.of("GPU"), "kernels").withGpus(List.of(0)),
                i -> { throw new UnsatisfiedLinkError("libnvrtc.so.12: cannot open shared object file"); });
        assertSame(Device.cpu(), registry(new CpuProvider(), broken).auto());
        assertEquals(List.of("WARNING backend auto: cuda:0 failed to start: libnvrtc.so.12: cannot open shared object "
                + "file; trying cpu"), log);
    }

    @Test
    void aProbeThatThrowsCountsAsNotAvailable() {
        BackendProvider throwing = new Fake("cuda", null, i -> null) {
            @Override
            public Availability availability() {
                throw new NoClassDefFoundError("jcuda/driver/JCudaDriver");
            }
        };
        Backends b = registry(new CpuProvider(), throwing);
        assertSame(Device.cpu(), b.auto());
        assertEquals(List.of("INFO backend auto: cuda is not available: its probe failed: jcuda/driver/JCudaDriver; "
                + "trying cpu"), log);
        String m = assertThrows(Backends.UnavailableException.class, () -> b.device("cuda")).getMessage();
        assertEquals("backend \"cuda\" is not available: its probe failed: jcuda/driver/JCudaDriver; backend \"auto\" "
                + "takes the best one available", m);
    }

    @Test
    void aNamedBackendIsTakenOnItsFirstGpuOrRefusedWithTheReasonAndAuto() {
        Fake opencl = gpu("opencl");
        Fake cuda = new Fake("cuda", BackendProvider.Availability.missing("no NVIDIA driver (libcuda.so.1 not found)"),
                i -> { throw new AssertionError("never started"); });
        Backends b = registry(new CpuProvider(), opencl, cuda);
        assertSame(Device.cpu(), b.device("cpu"));
        assertEquals(1, b.device("opencl").index());
        assertEquals("auto", b.names().get(0));
        assertEquals(List.of("auto", "cpu", "opencl", "cuda"), b.names());

        Backends.UnavailableException e = assertThrows(Backends.UnavailableException.class, () -> b.device("cuda"));
        assertEquals("cuda", e.backend());
        assertEquals("backend \"cuda\" is not available: no NVIDIA driver (libcuda.so.1 not found); backend \"auto\" "
                + "takes the best one available", e.getMessage());

        Backends withoutOpenCl = registry(new CpuProvider(), cuda);
        assertEquals("backend \"opencl\" is not available: this build has no opencl backend (it has auto, cpu, cuda); "
                        + "backend \"auto\" takes the best one available",
                assertThrows(Backends.UnavailableException.class, () -> withoutOpenCl.device("opencl")).getMessage());

        Backends failingCuda = registry(new CpuProvider(), failing("cuda", new IllegalStateException("no context")));
        assertEquals("backend \"cuda\" is not available: cuda:0 failed to start: no context; backend \"auto\" takes the "
                + "best one available", assertThrows(Backends.UnavailableException.class, () -> failingCuda.device("cuda"))
                .getMessage());
        assertEquals(List.of(), log, "a named backend is refused, not passed over");
    }

    @Test
    void theRegistryRefusesProvidersItCannotName() {
        assertThrows(IllegalArgumentException.class, () -> registry());
        assertEquals("Backends: provider name \"cpu\" is given twice",
                assertThrows(IllegalArgumentException.class, () -> registry(new CpuProvider(), new CpuProvider())).getMessage());
        assertEquals("Backends: provider name \"auto\" is reserved",
                assertThrows(IllegalArgumentException.class, () -> registry(new CpuProvider(), gpu("auto"))).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> BackendProvider.Availability.of(List.of("only one"), "k").withGpus(List.of(1)));
    }

    @Test
    void theStandardRegistryListsTheCpuFirstAndItsAutoChoiceIsAvailable() {
        Backends standard = Backends.standard();
        List<BackendProvider> providers = standard.providers();
        assertEquals("cpu", providers.get(0).name());
        assertTrue(providers.stream().anyMatch(p -> p.name().equals("cuda")));
        for (BackendProvider p : providers) {
            BackendProvider.Availability a = p.availability();
            assertSame(a, p.availability(), p.name() + " probes once and remembers");
            assertEquals(!a.available(), a.reason() != null && !a.reason().isBlank(), p.name() + ": " + a);
            assertEquals(a.available(), !a.kernels().isEmpty(), p.name() + ": " + a);
        }
        BackendProvider.Availability cpu = providers.get(0).availability();
        assertTrue(cpu.available());
        assertEquals(1, cpu.devices().size());
        assertEquals(((CpuBackend) Device.cpu().backend()).kernels(), cpu.kernels());
        assertSame(Device.cpu(), standard.device("cpu"));
        Device auto = new Backends(providers, (level, message) -> log.add(message)).auto();
        BackendProvider chosen = providers.stream().filter(p -> p.name().equals(auto.backend().name())).findFirst().orElseThrow();
        assertTrue(chosen.availability().available());
        // one line for every backend auto passed over, each naming it
        assertEquals(providers.size() - 1 - providers.indexOf(chosen), log.size(), log.toString());
    }
}
