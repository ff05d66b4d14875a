package com.layerlab.app.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.cluster.WorkerRouting.Decision.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which worker trains a background run: the backend it names, and GPUs first for an auto run. */
class WorkerRoutingTest {

    private final List<ClusterStore.Node> live = new ArrayList<>();
    private final Instant t0 = Instant.parse("2026-12-06T12:00:00Z");

    private void node(String name, String role, String... backends) {
        live.add(new ClusterStore.Node(name, role, List.of(backends), 0, t0, t0));
    }

    private WorkerRouting cpuWorker() {
        node("cpu-1", "worker", "cpu", "opencl");
        return new WorkerRouting("cpu-1", "cpu", Set.of("cpu", "opencl")::contains, () -> live);
    }

    @Test
    void aRunNamingABackendThisWorkerLacksIsLeftForOneThatHasItOrFailsWhereNoneHas() {
        WorkerRouting routing = cpuWorker();
        assertEquals(Kind.TRAIN, routing.decide("r1", "opencl", t0).kind());

        WorkerRouting.Decision none = routing.decide("r1", "cuda", t0);
        assertEquals(Kind.FAIL, none.kind());
        assertTrue(none.why().contains("No worker node has the cuda backend now") && none.why().contains("no other worker"),
                none.why());

        node("web-1", "web", "cuda", "cpu");
        assertEquals(Kind.FAIL, routing.decide("r1", "cuda", t0).kind(), "a web node trains nothing");
        node("gpu-1", "worker", "cuda", "cpu");
        WorkerRouting.Decision leave = routing.decide("r1", "cuda", t0);
        assertEquals(Kind.LEAVE, leave.kind());
        assertTrue(leave.why().contains("gpu-1"), leave.why());
    }

    @Test
    void anAutoRunIsLeftToAGpuWorkerFirstThenTrainedHere() {
        WorkerRouting routing = cpuWorker();
        assertEquals(Kind.TRAIN, routing.decide("r2", "auto", t0).kind(), "no GPU worker: the CPU trains it");

        node("gpu-1", "both", "cuda", "cpu");
        // an opencl on PoCL (the CPU) is no GPU: what auto gives comes first in a node's list
        node("pocl-1", "worker", "cpu", "opencl");
        WorkerRouting.Decision first = routing.decide("r2", "auto", t0);
        assertEquals(Kind.LEAVE, first.kind());
        assertTrue(first.why().contains("gpu-1") && !first.why().contains("pocl-1"), first.why());
        assertEquals(Kind.LEAVE, routing.decide("r2", "auto", t0.plus(WorkerRouting.GPU_FIRST).minusSeconds(1)).kind());
        // the GPU did not take it in time (busy): the CPU trains it rather than let it wait for ever
        assertEquals(Kind.TRAIN, routing.decide("r2", "auto", t0.plus(WorkerRouting.GPU_FIRST)).kind());
        // another run gets its own window
        assertEquals(Kind.LEAVE, routing.decide("r3", "auto", t0.plus(WorkerRouting.GPU_FIRST)).kind());
    }

    @Test
    void aGpuWorkerTrainsAutoRunsAtOnce() {
        node("gpu-1", "worker", "cuda", "cpu");
        node("gpu-2", "worker", "cuda", "cpu");
        WorkerRouting gpu = new WorkerRouting("gpu-1", "cuda", Set.of("cuda", "cpu")::contains, () -> live);
        assertEquals(Kind.TRAIN, gpu.decide("r4", "auto", t0).kind());
        assertEquals(Kind.TRAIN, gpu.decide("r4", "cpu", t0).kind());
    }
}
