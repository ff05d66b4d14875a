package com.layerlab.engine.cli;

import com.layerlab.engine.tensor.Backend;
import com.layerlab.engine.tensor.ConvShape;
import com.layerlab.engine.tensor.Device;
import java.io.PrintStream;
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
 * so every primitive call is timed (wall clock, as the step is) and added up under its name, the
 * element-wise ones by operation and the convolutions by shape. What the step spends outside the
 * primitives (autograd, allocation, the loop) is the step's time less their sum.
 *
 * <p>Not thread-safe: one training loop on the calling thread, as the benchmark runs it.
 */
final class StepProfile {

    /** Time and calls under one name. */
    private static final class Entry {
        long nanos;
        long calls;
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Device device;

    /** Times the primitives of {@code inner}'s device {@code inner}. */
    StepProfile(Device inner) {
        Backend target = inner.backend();
        Backend timed = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    long start = System.nanoTime();
                    Object result;
                    try {
                        result = method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    long took = System.nanoTime() - start;
                    if (!method.getName().equals("name")) {
                        Entry e = entries.computeIfAbsent(key(method.getName(), args), k -> new Entry());
                        e.nanos += took;
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
     * Prints the primitives by time spent, per step, with their share of the step, then the rest
     * of the step; {@code stepNanos} is the wall time of the {@code steps} steps timed.
     */
    void print(PrintStream out, String indent, long stepNanos, int steps) {
        List<Map.Entry<String, Entry>> sorted = new ArrayList<>(entries.entrySet());
        sorted.sort((a, b) -> Long.compare(b.getValue().nanos, a.getValue().nanos));
        double step = stepNanos / (double) steps;
        long inside = 0;
        out.printf(Locale.ROOT, "%s%-50s %6s %10s %6s%n", indent, "primitive", "calls", "ms/step", "share");
        for (Map.Entry<String, Entry> e : sorted) {
            inside += e.getValue().nanos;
            out.printf(Locale.ROOT, "%s%-50s %6d %10.3f %5.1f%%%n", indent, e.getKey(), e.getValue().calls / steps,
                    e.getValue().nanos / 1e6 / steps, 100.0 * e.getValue().nanos / stepNanos);
        }
        out.printf(Locale.ROOT, "%s%-50s %6s %10.3f %5.1f%%%n", indent, "outside the primitives (autograd, allocation)", "",
                (stepNanos - inside) / 1e6 / steps, 100.0 * (stepNanos - inside) / stepNanos);
        out.printf(Locale.ROOT, "%s%-50s %6s %10.3f%n", indent, "one step", "", step / 1e6);
    }
}
