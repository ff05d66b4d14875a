package com.layerlab.app.training;

import com.layerlab.engine.tensor.CpuBackend;
import com.layerlab.engine.tensor.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Which compute backend and device the engine trains on, for the logs and the page footer. */
public final class EngineInfo {

    private static volatile String cpuModel;

    private EngineInfo() {
    }

    /** The device a run trains on when it starts: the CPU, until a run can choose one (issue 11). */
    public static Device runDevice() {
        return Device.cpu();
    }

    /** The backend of {@link #runDevice()}. */
    public static String backend() {
        return backend(runDevice());
    }

    public static String backend(Device d) {
        return d.backend().name();
    }

    /** {@link #device(Device)} of {@link #runDevice()}. */
    public static String device() {
        return device(runDevice());
    }

    /** For a CPU device: the processor's name and the thread count, e.g. "AMD EPYC 9R14 (2 threads)". */
    public static String device(Device d) {
        if (d.backend() instanceof CpuBackend cpu) {
            return cpuModel() + " (" + cpu.threads() + " threads)";
        }
        return d.toString();
    }

    private static String cpuModel() {
        String m = cpuModel;
        if (m == null) {
            m = System.getProperty("os.arch");
            Path info = Path.of("/proc/cpuinfo");
            if (Files.isReadable(info)) {
                try (Stream<String> lines = Files.lines(info)) {
                    m = lines.filter(l -> l.startsWith("model name"))
                            .map(l -> l.substring(l.indexOf(':') + 1).trim())
                            .findFirst().orElse(m);
                } catch (IOException | RuntimeException e) {
                    // the architecture name is good enough for a log line
                }
            }
            cpuModel = m;
        }
        return m;
    }
}
