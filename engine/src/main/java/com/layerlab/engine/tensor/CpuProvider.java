package com.layerlab.engine.tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The CPU backend as a {@link BackendProvider}: always available, with one device, {@code cpu:0}
 * ({@link Device#cpu()}, every core), and the kernels {@link CpuBackend#kernels()} names (OpenBLAS's
 * or plain Java).
 */
public final class CpuProvider implements BackendProvider {

    private volatile Availability availability;

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Availability availability() {
        Availability a = availability;
        if (a == null) {
            CpuBackend cpu = (CpuBackend) Device.cpu().backend();
            a = Availability.of(List.of(processor() + " (" + cpu.threads() + (cpu.threads() == 1 ? " thread)" : " threads)")),
                    cpu.kernels());
            availability = a;
        }
        return a;
    }

    @Override
    public Device device(int index) {
        if (index != 0) {
            throw new IllegalStateException("backend cpu has one device, cpu:0 (every core), not cpu:" + index);
        }
        return Device.cpu();
    }

    /** The processor's name from /proc/cpuinfo ("AMD EPYC 9R14"), else the architecture ("amd64"). */
    static String processor() {
        String arch = System.getProperty("os.arch");
        Path info = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(info)) {
            return arch;
        }
        try (Stream<String> lines = Files.lines(info)) {
            return lines.filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse(arch);
        } catch (IOException | RuntimeException e) {
            // the architecture is name enough for info's device list
            return arch;
        }
    }
}
