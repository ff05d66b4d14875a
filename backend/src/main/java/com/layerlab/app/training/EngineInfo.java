package com.layerlab.app.training;

import com.layerlab.engine.tensor.Backend;
import com.layerlab.engine.tensor.CpuBackend;
import com.layerlab.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Which compute backend and device the engine trains on, for the logs and the page footer. */
public final class EngineInfo {

    private static volatile String cpuModel;

    private EngineInfo() {
    }

    public static String backend() {
        return Tensor.backend().name();
    }

    /** For the CPU backend: the processor's name and the thread count, e.g. "AMD EPYC 9R14 (2 threads)". */
    public static String device() {
        Backend b = Tensor.backend();
        if (b instanceof CpuBackend cpu) {
            return cpuModel() + " (" + cpu.threads() + " threads)";
        }
        return b.name();
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
