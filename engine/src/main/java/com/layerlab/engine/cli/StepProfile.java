package com.layerlab.engine.cli;

import com.layerlab.engine.tensor.Backend;
import com.layerlab.engine.tensor.ConvShape;
import com.layerlab.engine.tensor.Device;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where a training step's time goes: a device whose backend is another backend behind a timing proxy,
 * so every primitive call is timed and added up under its name, the element-wise ones by operation and
 * the convolutions by shape. What the step spends outside the primitives (autograd, the loop) is the
 * step's time less their sum. Two clocks: the wall clock, as the step is timed, and the calling thread's
 * CPU time, which on a one-thread device is all of a primitive's work and hardly moves when other
 * programs share the machine (a primitive that waits for the CPU gains wall time, not CPU time). The
 * CPU times of work on other threads (a device of several threads) are not counted.
 *
 * <p>Not thread-safe: one training loop on the calling thread, as the benchmark runs it.
 */
final class StepProfile {

    /** Time and calls under one name. */
    private static final class Entry {
        long nanos;
        long cpuNanos;
        long calls;
        /** Elements allocated, for the primitives that allocate. */
        long elements;
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Device device;

    /** Times the primitives of {@code inner}'s device {@code inner}. */
    StepProfile(Device inner) {
        Backend target = inner.backend();
        Backend timed = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    long start = System.nanoTime();
                    long cpuStart = THREADS.getCurrentThreadCpuTime();
                    Object result;
                    try {
                        result = method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    long took = System.nanoTime() - start;
                    long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
                    if (!method.getName().equals("name") && !method.getName().equals("inHeap")) {
                        Entry e = entries.computeIfAbsent(key(method.getName(), args), k -> new Entry());
                        e.nanos += took;
                        e.cpuNanos += cpu;
                        if (method.getName().startsWith("allocate")) {
                            e.elements += (Integer) args[1];
                        }
                        e.calls++;
                    }
                    return result;
                });
        device = Device.of(timed, inner.index());
    }

    /** The device whose primitives are timed: a run given it is profiled. */
    Device device() {
        return device;
    }

    /** Forgets what was timed so far (the warm-up's steps). */
    void reset() {
        entries.clear();
    }

    private static String key(String method, Object[] args) {
        if (args != null) {
            for (Object a : args) {
                if (a instanceof Backend.UnaryOp || a instanceof Backend.BinaryOp) {
                    return method + " " + a;
                }
                if (a instanceof ConvShape s) {
                    int[] in = s.inputShape();
                    int[] w = s.weightShape();
                    String plane = Arrays.stream(in, 2, in.length).mapToObj(Integer::toString).collect(Collectors.joining("x"));
                    String kernel = Arrays.stream(w, 2, w.length).mapToObj(Integer::toString).collect(Collectors.joining("x"));
                    return String.format(Locale.ROOT, "%s %d->%d ch, %s, kernel %s", method, s.inChannels(),
                            s.outChannels(), plane, kernel);
                }
            }
        }
        return method;
    }

    /**
     * Prints the primitives by CPU time spent, per step, with their share of the step, then the rest of
     * the step; {@code stepNanos} and {@code stepCpuNanos} are the wall and CPU time of the {@code steps}
     * steps timed.
     */
    void print(PrintStream out, String indent, long stepNanos, long stepCpuNanos, int steps) {
        List<Map.Entry<String, Entry>> sorted = new ArrayList<>(entries.entrySet());
        sorted.sort((a, b) -> Long.compare(b.getValue().cpuNanos, a.getValue().cpuNanos));
        long inside = 0;
        long insideCpu = 0;
        out.printf(Locale.ROOT, "%s%-58s %5s %9s %9s %6s%n", indent, "primitive", "calls", "wall ms", "CPU ms", "share");
        for (Map.Entry<String, Entry> e : sorted) {
            Entry v = e.getValue();
            inside += v.nanos;
            insideCpu += v.cpuNanos;
            String name = v.elements == 0 ? e.getKey()
                    : String.format(Locale.ROOT, "%s (%.1f MB)", e.getKey(), v.elements * 4.0 / steps / 1e6);
            out.printf(Locale.ROOT, "%s%-58s %5d %9.3f %9.3f %5.1f%%%n", indent, name, v.calls / steps,
                    v.nanos / 1e6 / steps, v.cpuNanos / 1e6 / steps, 100.0 * v.cpuNanos / stepCpuNanos);
        }
        out.printf(Locale.ROOT, "%s%-58s %5s %9.3f %9.3f %5.1f%%%n", indent, "outside the primitives (autograd, the loop)", "",
                (stepNanos - inside) / 1e6 / steps, (stepCpuNanos - insideCpu) / 1e6 / steps,
                100.0 * (stepCpuNanos - insideCpu) / stepCpuNanos);
        out.printf(Locale.ROOT, "%s%-58s %5s %9.3f %9.3f%n", indent, "one step", "", stepNanos / 1e6 / steps,
                stepCpuNanos / 1e6 / steps);
    }
}
