package com.layerlab.app.cluster;

import com.layerlab.app.training.RunDevice;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.tensor.Backends;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Which worker trains a background run, decided by the worker JobRunr gave its job to (JobRunr's open-source
 * edition has no server tags, so any worker may be given any job). A run that names a backend trains only on
 * a worker that has it: another one leaves it for a live worker that does, or, where none does, the run fails
 * saying so rather than waiting for ever. An {@code auto} run goes to a GPU first: a worker whose {@code auto}
 * is the CPU leaves it, for {@link #GPU_FIRST} after it first saw it, while a live worker's {@code auto} is an
 * accelerator; then it trains it (a busy GPU does not keep a run waiting for ever). What a node's {@code auto}
 * is, each node says in its heartbeat: the first of its backends ({@link ClusterNode}).
 */
final class WorkerRouting {

    /** How long a CPU worker leaves an {@code auto} run to a GPU worker before it trains it itself. */
    static final Duration GPU_FIRST = Duration.ofSeconds(20);

    /** What this worker does with a run JobRunr gave it. */
    record Decision(Kind kind, String why) {
        enum Kind { TRAIN, LEAVE, FAIL }

        static final Decision TRAIN = new Decision(Kind.TRAIN, null);
    }

    private final String self;
    /** What {@code auto} gives here ("cuda", "cpu"). */
    private final String autoHere;
    /** Whether a backend named by a run is available here. */
    private final Predicate<String> hasHere;
    /** The live nodes, as their heartbeats say. */
    private final Supplier<List<ClusterStore.Node>> nodes;
    /** When this worker first left each auto run to a GPU worker (forgotten a minute after its window). */
    private final Map<String, Instant> leftSince = new ConcurrentHashMap<>();

    WorkerRouting(String self, String autoHere, Predicate<String> hasHere, Supplier<List<ClusterStore.Node>> nodes) {
        this.self = self;
        this.autoHere = autoHere;
        this.hasHere = hasHere;
        this.nodes = nodes;
    }

    /** This node's routing: its backends from its runtime, the others' from the database. */
    static WorkerRouting of(NodeSettings node, TrainingRuntime runtime, ClusterStore cluster) {
        Backends backends = runtime.backends();
        return new WorkerRouting(node.name(), ClusterNode.autoBackend(backends),
                b -> !RunDevice.resolve(backends, b).refused(), () -> cluster.nodes(BackgroundRuns.ALIVE));
    }

    /** Whether run {@code runId}, asking for backend {@code backend}, trains here now. */
    Decision decide(String runId, String backend, Instant now) {
        leftSince.values().removeIf(t -> t.isBefore(now.minus(GPU_FIRST).minusSeconds(60)));
        List<ClusterStore.Node> workers = nodes.get().stream()
                .filter(n -> !n.name().equals(self) && !n.role().equals(NodeSettings.Role.WEB.key())).toList();
        if (!Backends.AUTO.equals(backend)) {
            if (hasHere.test(backend)) {
                return Decision.TRAIN;
            }
            List<String> having = workers.stream().filter(n -> n.backends().contains(backend)).map(ClusterStore.Node::name).toList();
            return having.isEmpty()
                    ? new Decision(Decision.Kind.FAIL, "No worker node has the " + backend + " backend now (" + self
                    + " has " + autoHere + (workers.isEmpty() ? "; no other worker is up" : "; workers: " + describe(workers))
                    + "). Resume it once a worker that has it is up, or train it on \"auto\".")
                    : new Decision(Decision.Kind.LEAVE, "Waiting for a worker with the " + backend + " backend ("
                    + String.join(", ", having) + ").");
        }
        if (!autoHere.equals("cpu")) {
            return Decision.TRAIN;
        }
        List<String> gpus = workers.stream().filter(n -> !n.backends().isEmpty() && !n.backends().get(0).equals("cpu"))
                .map(ClusterStore.Node::name).toList();
        if (gpus.isEmpty()) {
            return Decision.TRAIN;
        }
        Instant first = leftSince.computeIfAbsent(runId, id -> now);
        if (now.isBefore(first.plus(GPU_FIRST))) {
            return new Decision(Decision.Kind.LEAVE, "Offered to a GPU worker first (" + String.join(", ", gpus) + ").");
        }
        leftSince.remove(runId);
        return Decision.TRAIN;
    }

    private static String describe(List<ClusterStore.Node> workers) {
        return String.join("; ", workers.stream().map(n -> n.name() + " has " + String.join(", ", n.backends())).toList());
    }
}
