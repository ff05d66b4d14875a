package com.layerlab.app.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the numbers were measured on: cores, memory, CPU, and how busy the machine was (uptime's load average). */
final class Machine {

    private Machine() {
    }

    static String describe() {
        long memKb = firstNumber("/proc/meminfo", "MemTotal:");
        String cpu = line("/proc/cpuinfo", "model name").replaceFirst(".*:\\s*", "");
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), "
                + (memKb < 0 ? "?" : Math.round(memKb / 1024.0 / 1024.0)) + " GiB memory, Java "
                + Runtime.version().feature();
    }

    /** "1.20, 0.80, 0.50": processes wanting a core over 1, 5 and 15 minutes. */
    static String loadAverage() {
        String s = line("/proc/loadavg", "");
        String[] f = s.split("\\s+");
        return f.length >= 3 ? f[0] + ", " + f[1] + ", " + f[2] : "unknown";
    }

    private static String line(String file, String prefix) {
        try {
            List<String> lines = Files.readAllLines(Path.of(file));
            return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    private static long firstNumber(String file, String prefix) {
        String digits = line(file, prefix).replaceAll("\\D+", "");
        return digits.isEmpty() ? -1 : Long.parseLong(digits);
    }
}
