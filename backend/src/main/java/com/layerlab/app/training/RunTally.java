package com.layerlab.app.training;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * How many trainings started and ended since the server started, per backend and, for the ends, per end
 * state: what the operators' metrics count (com.layerlab.app.ops.LabMetrics). A training starts when its
 * run starts, and again when a finished run is trained on; it ends each time its run logs an end. A run
 * counts under the backend it computes on at that moment: one whose device failed ends on the CPU.
 * A backend name this build does not know (a refused run's typo) counts as {@link #OTHER}, so that the
 * set of names stays the build's.
 */
public final class RunTally {

    /** Where a backend name outside this build's counts. */
    public static final String OTHER = "other";

    private final List<String> backends;
    private final Map<String, LongAdder> started = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> ended = new ConcurrentHashMap<>();

    /** @param backends the backend names of this build ("cpu", "opencl", ...) */
    public RunTally(Collection<String> backends) {
        this.backends = Stream.concat(backends.stream(), Stream.of(OTHER)).distinct().toList();
    }

    /** The names the counts are kept under: the build's backends, then {@link #OTHER}. */
    public List<String> backends() {
        return backends;
    }

    void countStart(String backend) {
        adder(started, key(backend)).increment();
    }

    void countEnd(String backend, RunState state) {
        adder(ended, key(backend) + "/" + state.name()).increment();
    }

    /** Trainings started on {@code backend} so far. */
    public long started(String backend) {
        return count(started, backend);
    }

    /** Trainings on {@code backend} that ended in {@code state} so far. */
    public long ended(String backend, RunState state) {
        return count(ended, backend + "/" + state.name());
    }

    private String key(String backend) {
        return backends.contains(backend) ? backend : OTHER;
    }

    private static LongAdder adder(Map<String, LongAdder> m, String key) {
        return m.computeIfAbsent(key, k -> new LongAdder());
    }

    private static long count(Map<String, LongAdder> m, String key) {
        LongAdder a = m.get(key);
        return a == null ? 0 : a.sum();
    }
}
