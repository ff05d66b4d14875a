package com.layerlab.app.training;

import static com.layerlab.app.training.TestRuns.POINTS;
import static com.layerlab.app.training.TestRuns.STATUS;
import static com.layerlab.app.training.TestRuns.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.layerlab.engine.tensor.BackendProvider;
import com.layerlab.engine.tensor.Backends;
import com.layerlab.engine.train.Checkpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The runtime's one scheduler and its limits, through {@link TrainingRuntime#submit}: fairness, refusals, training time. */
class SchedulerLimitsTest {

    @TempDir
    Path root;

    private TrainingRuntime runtime;

    private TrainingRuntime runtime(TrainingRuntime.Limits limits, int maxEpochs) {
        runtime = new TrainingRuntime(Backends.standard(), new RunLogs(root, 50, 20L << 20), null,
                new TrainingRuntime.Pool(32, 32, Duration.ofMillis(5), "networks", maxEpochs, 0),
                new TrainingRuntime.Pool(1, 1, Duration.ofMillis(5), "image networks"), limits, Duration.ofSeconds(30),
                TrainingRuntime.SignedInRuns.DEFAULTS, Duration.ZERO);
        return runtime;
    }

    private static TrainingRuntime.Limits limits(int runsPerUser, int runsTotal, long maxParams, Duration runTime) {
        return new TrainingRuntime.Limits(2, 1, Duration.ofSeconds(1), runsPerUser, runsTotal, maxParams, runTime);
    }

    private static RunOptions of(String owner, boolean paused) {
        return new RunOptions(owner, true, "playground", paused, 0);
    }

    @AfterEach
    void closeRuntime() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void oneUsersTenRunsDoNotDelayAnothersOneBeyondOneTurn() throws Exception {
        TrainingRuntime rt = runtime(new TrainingRuntime.Limits(1, 1, Duration.ofMillis(300), 0, 0, 0, Duration.ZERO), 0);
        List<Run<RunStatus>> many = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            many.add(rt.submit(List.of(POINTS), of("user:ana", false), STATUS));
        }
        await(many.get(0), st -> st.progress() > 0, "ana's first training");
        Run<RunStatus> one = rt.submit(List.of(POINTS), of("user:bob", false), STATUS);
        RunStatus waiting = await(one, st -> st.state() == RunState.QUEUED && st.position() > 0, "bob's run waiting");
        // counted from when bob waits: on a loaded machine his submission itself may take longer than a turn
        long anasBefore = many.stream().filter(r -> r.status().progress() > 0).count();
        assertEquals(1, waiting.position(), "bob's one run is next, ahead of ana's waiting ones: " + waiting.message());
        assertTrue(waiting.message().contains("1st in line"), waiting.message());
        await(one, st -> st.progress() > 0, "bob's run training");
        long anasTrained = many.stream().filter(r -> r.status().progress() > 0).count();
        assertTrue(anasTrained <= anasBefore + 1, "bob waited for one of ana's turns at most, not her ten runs: "
                + (anasTrained - anasBefore) + " of hers started training while he waited");
        assertEquals(1, rt.computingCount(), "one slot");
        assertTrue(rt.queueLength() >= 9, "the others queue: " + rt.queueLength());
        // every run gets its turn, ana's last one included
        await(many.get(9), st -> st.progress() > 0, "ana's last run training in its turn");
    }

    @Test
    void runsPacedForALiveViewTakeTurnsEveryEpochSoThatEveryPageSeesProgress() throws Exception {
        // one slot and turns far too long to come round in the test; a pace no epoch keeps up with (it never
        // sleeps, so it never gave its slot up for that reason either)
        runtime = new TrainingRuntime(Backends.standard(), new RunLogs(root, 50, 20L << 20), null,
                new TrainingRuntime.Pool(32, 32, Duration.ofMillis(5), "networks", 0, 1_000_000),
                new TrainingRuntime.Pool(1, 1, Duration.ofMillis(5), "image networks"),
                new TrainingRuntime.Limits(1, 1, Duration.ofMinutes(10), 0, 0, 0, Duration.ZERO), Duration.ofSeconds(30),
                TrainingRuntime.SignedInRuns.DEFAULTS, Duration.ZERO);
        Run<RunStatus> ana = runtime.submit(List.of(POINTS), of("user:ana", false), STATUS);
        await(ana, st -> st.epoch() > 0, "ana's run training");
        Run<RunStatus> bob = runtime.submit(List.of(POINTS), of("user:bob", false), STATUS);
        await(bob, st -> st.epoch() >= 3, "bob's run training within ana's ten-minute turn");
        int anaBefore = ana.status().epoch();
        int bobBefore = bob.status().epoch();
        await(ana, st -> st.epoch() >= anaBefore + 3, "ana's run training on");
        assertTrue(bob.status().epoch() > bobBefore, "bob's run trained on meanwhile: they take turns epoch by epoch");
        // at most one: between two turns (one run gave its slot at an epoch's end, the next not yet in) none
        assertTrue(runtime.computingCount() <= 1, "still one slot: " + runtime.computingCount());
    }

    @Test
    void aRunOnAnAcceleratorTrainsBesideTheFullCpuAndQueuesForItsDevicesOwnSlots() throws Exception {
        BackendProvider.Availability opencl = Backends.standard().providers().stream()
                .filter(p -> p.name().equals("opencl")).findFirst().orElseThrow().availability();
        assumeTrue(opencl.available(), () -> "no OpenCL here: " + opencl.reason());
        // one slot on the CPU, one on each accelerator, and turns too long to come round in the test
        TrainingRuntime rt = runtime(new TrainingRuntime.Limits(1, 1, Duration.ofMinutes(10), 0, 0, 0, Duration.ZERO), 0);
        Run<RunStatus> cpu = rt.submit(List.of(POINTS.withBackend("cpu")), of("user:ana", false), STATUS);
        await(cpu, st -> st.progress() > 0, "the CPU run training");
        Run<RunStatus> cpuNext = rt.submit(List.of(POINTS.withBackend("cpu")), of("user:bob", false), STATUS);
        await(cpuNext, st -> st.state() == RunState.QUEUED && st.position() == 1, "bob's CPU run waiting");

        Run<RunStatus> gpu = rt.submit(List.of(POINTS.withBackend("opencl")), of("user:bob", false), STATUS);
        await(gpu, st -> st.progress() > 0, "the opencl run training while the CPU's slot is taken");
        assertEquals("opencl", gpu.device().backend());
        Run<RunStatus> gpuNext = rt.submit(List.of(POINTS.withBackend("opencl")), of("user:cem", false), STATUS);
        RunStatus waits = await(gpuNext, st -> st.state() == RunState.QUEUED && st.position() == 1,
                "cem's opencl run waiting for the device's one slot");
        assertTrue(waits.message().contains("right now on opencl:0") && waits.message().contains("1st in line"),
                waits.message());

        assertEquals(2, rt.computingCount(), "both devices compute at once");
        assertEquals(new TrainingRuntime.Slots(1, 1), rt.slotsOf("cpu", 0));
        assertEquals(new TrainingRuntime.Slots(1, 1), rt.slotsOf("opencl", 0));
        assertEquals("1 / 1 slot", rt.slotsOf("opencl", 0).text());
        assertEquals(1, rt.queueLength(gpuNext), "one waits for opencl:0");
        assertEquals(2, rt.queueLength(), "one waits for each device");
        double before = cpu.status().progress();
        await(cpu, st -> st.progress() > before, "the CPU run training on beside the opencl one");
        assertEquals(RunState.QUEUED, cpuNext.status().state(), "the CPU's queue waits for the CPU's slot only");
    }

    @Test
    void runsOverTheRunsAUserOrTheServerMayHaveAreRefusedNamingTheLimit() throws Exception {
        TrainingRuntime rt = runtime(limits(2, 3, 0, Duration.ZERO), 0);
        Run<RunStatus> first = rt.submit(List.of(POINTS), of("user:ana", true), STATUS);
        rt.submit(List.of(POINTS), of("user:ana", true), STATUS);
        Logger logger = (Logger) LoggerFactory.getLogger(TrainingRuntime.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        OverLimit mine;
        try {
            mine = assertThrows(OverLimit.class, () -> rt.submit(List.of(POINTS), of("user:ana", true), STATUS));
        } finally {
            logger.detachAppender(log);
        }
        List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(l -> l.startsWith("Run refused")).toList();
        assertEquals(1, lines.size(), lines.toString());
        RunDevice device = RunDevice.resolve(rt.backends(), POINTS.backend());
        assertEquals("Run refused, over a limit: layerlab.limits.runs-per-user=2: owner=user:ana page=playground backend="
                + device.backend() + " device=" + device.name(), lines.get(0));
        assertEquals("layerlab.limits.runs-per-user", mine.key());
        assertEquals(2, mine.value());
        assertTrue(mine.getMessage().contains("You have 2 runs going") && mine.getMessage().contains(
                "layerlab.limits.runs-per-user = 2"), mine.getMessage());
        assertEquals(2, rt.runsOf("user:ana").size(), "nothing was allocated for the refused run");
        // a stopped run makes room at once
        first.stop();
        rt.submit(List.of(POINTS), of("user:ana", true), STATUS);
        rt.submit(List.of(POINTS), of("user:bob", true), STATUS);
        OverLimit all = assertThrows(OverLimit.class, () -> rt.submit(List.of(POINTS), of("user:cem", true), STATUS));
        assertEquals("layerlab.limits.runs-total", all.key());
        assertTrue(all.getMessage().contains("layerlab.limits.runs-total = 3"), all.getMessage());
        assertTrue(rt.runsOf("user:cem").isEmpty());
    }

    @Test
    void aModelOverTheParametersOrARunOverTheEpochsIsRefusedNamingTheLimit() {
        TrainingRuntime rt = runtime(limits(0, 0, 5, Duration.ZERO), 100);
        OverLimit params = assertThrows(OverLimit.class, () -> rt.submit(List.of(POINTS), of("user:ana", true), STATUS));
        assertEquals("layerlab.limits.max-params", params.key());
        assertEquals(5, params.value());
        assertTrue(params.getMessage().contains("more than a model may have here (5, layerlab.limits.max-params)"),
                params.getMessage());
        TrainingRuntime big = runtime(limits(0, 0, 0, Duration.ZERO), 100);
        OverLimit epochs = assertThrows(OverLimit.class, () -> big.submit(List.of(POINTS),
                new RunOptions("user:ana", true, "playground", true, 101), STATUS));
        assertEquals("layerlab.live.max-epochs", epochs.key());
        assertTrue(epochs.getMessage().contains("at most 100 epochs") && epochs.getMessage().contains("101"),
                epochs.getMessage());
        assertEquals(0, big.activeCount() + rt.activeCount(), "no run was started");
        rt.close();
    }

    @Test
    void aRunOverItsTrainingTimeStopsNamingTheLimitAndKeepsItsCheckpoint() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(Run.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            TrainingRuntime rt = runtime(limits(0, 0, 0, Duration.ofMillis(400)), 0);
            Run<RunStatus> run = rt.submit(List.of(POINTS), of("user:ana", false), STATUS);
            RunStatus stopped = await(run, st -> st.state().ended(), "stopped by its training time");
            assertEquals(RunState.STOPPED, stopped.state());
            assertTrue(stopped.message().contains("at most 400 ms on this server (layerlab.limits.run-minutes)"),
                    stopped.message());
            assertTrue(stopped.epoch() > 0, "it trained until then");
            Checkpoint kept = RunCheckpoints.read(run.checkpointDir(0));
            assertTrue(kept.epoch() > 0 && kept.epoch() <= stopped.epoch(), "its last checkpoint is kept: epoch "
                    + kept.epoch() + " of " + stopped.epoch());
            assertTrue(!run.canTrainOn(), "a run over its time does not train on");
            List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(l -> l.contains(run.id())).toList();
            assertTrue(lines.stream().anyMatch(l -> l.contains("hit a limit: layerlab.limits.run-minutes")
                    && l.contains("owner=user:ana") && l.contains("backend=") && l.contains("device=")), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.contains(" stopped at ") && l.contains("owner=user:ana")),
                    lines.toString());
        } finally {
            logger.detachAppender(log);
        }
    }
}
