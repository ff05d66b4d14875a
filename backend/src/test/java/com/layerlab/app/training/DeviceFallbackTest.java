package com.layerlab.app.training;

import static com.layerlab.app.training.TestRuns.POINTS;
import static com.layerlab.app.training.TestRuns.STATUS;
import static com.layerlab.app.training.TestRuns.anonymous;
import static com.layerlab.app.training.TestRuns.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.engine.tensor.Backends;
import com.layerlab.engine.tensor.CpuProvider;
import com.layerlab.engine.train.EpochStats;
import com.layerlab.engine.train.StepResult;
import com.layerlab.engine.train.Trainer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device that fails in the middle of a run: the run goes on on the CPU from its last checkpoint, loses
 * at most the epoch under way, counts no epoch twice and says so; a failure on the CPU fails the run.
 * (A backend that fails to start is the registry's: BackendsTest.)
 */
class DeviceFallbackTest {

    private static final int EPOCHS = 4;

    @TempDir
    Path root;

    private TrainingRuntime runtime;

    /** A runtime whose registry has the CPU and {@code fake}, writing checkpoints not sooner than {@code interval} apart. */
    private TrainingRuntime runtime(FailingBackend fake, Duration interval) {
        Backends backends = new Backends(List.of(new CpuProvider(), fake.provider()), (level, line) -> { });
        runtime = new TrainingRuntime(backends, new RunLogs(root, 50, 20L << 20), null,
                new TrainingRuntime.Pool(4, 4, Duration.ofMillis(5), "networks"),
                new TrainingRuntime.Pool(1, 1, Duration.ofMillis(5), "image networks"), Duration.ofSeconds(30),
                TrainingRuntime.SignedInRuns.DEFAULTS, interval);
        return runtime;
    }

    @AfterEach
    void closeRuntime() {
        if (runtime != null) {
            runtime.close();
        }
    }

    /** The primitive calls of building the playground's network and training it up to the middle of epoch 3. */
    private static long callsToTheMiddleOfEpoch3() {
        FailingBackend counting = new FailingBackend(Long.MAX_VALUE);
        try (Trainer t = new Trainer(POINTS, null, counting.device)) {
            while (t.epoch() < 2 || t.batchInEpoch() < t.batchesPerEpoch() / 2) {
                t.step();
            }
        }
        return counting.calls();
    }

    private static List<String> messagesOf(Run<RunStatus> run, List<String> into) {
        run.subscribe(s -> {
            if (s.message() != null) {
                into.add(s.message());
            }
        }, task -> {
            task.run();
            return true;
        });
        return into;
    }

    private static List<Integer> epochs(List<EpochStats> history) {
        return history.stream().map(EpochStats::epoch).toList();
    }

    private static byte[] weights(Run<?> run) throws Exception {
        return run.weights(0).get(30, TimeUnit.SECONDS);
    }

    @Test
    void aDeviceThatFailsMidRunGoesOnOnTheCpuFromItsLastCheckpoint() throws Exception {
        FailingBackend fake = new FailingBackend(callsToTheMiddleOfEpoch3());
        // the folder gets epoch 1's checkpoint only; a device that may fail keeps every epoch's besides
        TrainingRuntime rt = runtime(fake, Duration.ofHours(1));

        Run<RunStatus> run = rt.submit(List.of(POINTS.withBackend(FailingBackend.NAME)), anonymous(true, EPOCHS), STATUS);
        assertEquals(FailingBackend.NAME, run.device().backend(), "it starts on the device it asked for");
        List<String> messages = messagesOf(run, new CopyOnWriteArrayList<>());
        run.play();
        RunStatus end = await(run, s -> s.state().ended(), "ended");

        assertEquals(RunState.FINISHED, end.state(), "the device's failure is not the run's: " + end.message());
        assertEquals(EPOCHS, end.epoch());
        assertTrue(run.device().onCpu(), "it ends on the CPU: " + run.device());
        assertEquals("cpu", run.device().backend());
        assertEquals(1L, rt.activeRunsPerDevice().get("cpu:0"), "the Devices page counts it on the CPU");
        assertTrue(fake.calls() >= callsToTheMiddleOfEpoch3(), "the fake device failed: " + fake.calls() + " calls");
        String note = FailingBackend.NAME + " failed (" + FailingBackend.FAILURE + "): training goes on on the CPU from epoch 2";
        assertTrue(messages.contains(note), "the status said what failed and where it goes on: " + messages);
        assertEquals(note, end.message(), "the finished run still says where it trained");
        assertEquals(List.of(0, 1, 2, 3, 4), epochs(run.history().get(0)), "each epoch once");

        // it went on from epoch 2's checkpoint exactly: the same weights and history as a run on the CPU throughout
        Run<RunStatus> straight = rt.submit(List.of(POINTS.withBackend("cpu")), anonymous(false, EPOCHS), STATUS);
        await(straight, s -> s.state() == RunState.FINISHED, "the CPU run finished");
        assertEquals(straight.history(), run.history());
        assertArrayEquals(weights(straight), weights(run));
    }

    /** The calls one checkpoint of the playground's network makes: its copies of the weights and the optimizer's state to the host. */
    private static long callsOfACheckpoint() {
        FailingBackend counting = new FailingBackend(Long.MAX_VALUE);
        try (Trainer t = new Trainer(POINTS, null, counting.device)) {
            do {
                t.step();
            } while (t.batchInEpoch() != 0);
            long before = counting.calls();
            t.checkpoint();
            return counting.calls() - before;
        }
    }

    /**
     * Submits a paused run on {@code fake} that, once played, pauses itself as epoch {@code epoch} ends (as
     * a learner's pause between two epochs), and plays it once it holds at its start.
     */
    private Run<RunStatus> pausingAt(TrainingRuntime rt, int epoch) throws InterruptedException {
        AtomicReference<Run<RunStatus>> self = new AtomicReference<>();
        FrameMaker<RunStatus> pausing = new FrameMaker<>() {
            @Override
            public void stepped(List<Trainer> trainers, List<StepResult> steps) {
                if (steps.get(0).endedEpoch() && trainers.get(0).epoch() == epoch) {
                    self.get().pause();
                }
            }

            @Override
            public RunStatus frame(RunStatus status, List<Trainer> trainers, long seen) {
                return status;
            }
        };
        Run<RunStatus> run = rt.submit(List.of(POINTS.withBackend(FailingBackend.NAME)), anonymous(true, EPOCHS), pausing);
        self.set(run);
        // holding at its start it has taken epoch 0's checkpoint: the calls up to the pause are the same every time
        await(run, s -> s.state() == RunState.PAUSED, "held at its start");
        run.play();
        return run;
    }

    /** It went on from the checkpoint exactly: the same weights and history as a run on the CPU throughout. */
    private void assertSameAsOnTheCpu(Run<RunStatus> run, int epochs) throws Exception {
        Run<RunStatus> straight = runtime.submit(List.of(POINTS.withBackend("cpu")), anonymous(false, epochs), STATUS);
        await(straight, s -> s.state() == RunState.FINISHED, "the CPU run finished");
        assertEquals(straight.history(), run.history());
        assertArrayEquals(weights(straight), weights(run));
    }

    @Test
    void aDeviceThatFailsAsTheRunEndsFinishesOnTheCpu() throws Exception {
        // the same run on a device that does not fail: the end's checkpoint is its last calls
        FailingBackend probe = new FailingBackend(Long.MAX_VALUE);
        TrainingRuntime first = runtime(probe, Duration.ofHours(1));
        Run<RunStatus> probed = first.submit(List.of(POINTS.withBackend(FailingBackend.NAME)), anonymous(false, 2), STATUS);
        await(probed, s -> s.state() == RunState.FINISHED, "finished");
        long failAt = probe.calls() - callsOfACheckpoint() + 1;
        first.close();
        FailingBackend fake = new FailingBackend(failAt);
        TrainingRuntime rt = runtime(fake, Duration.ofHours(1));

        Run<RunStatus> run = rt.submit(List.of(POINTS.withBackend(FailingBackend.NAME)), anonymous(false, 2), STATUS);
        RunStatus end = await(run, s -> s.state().ended(), "ended");

        assertEquals(RunState.FINISHED, end.state(), "the device's failure at the end is not the run's: " + end.message());
        assertTrue(fake.calls() >= failAt, "the fake device failed: " + fake.calls() + " calls");
        assertTrue(run.device().onCpu(), "it ends on the CPU: " + run.device());
        assertEquals(FailingBackend.NAME + " failed (" + FailingBackend.FAILURE + "): training goes on on the CPU from epoch 2",
                end.message(), "nothing was lost: the end's epoch was checkpointed as it ended");
        assertEquals(List.of(0, 1, 2), epochs(run.history().get(0)));
        assertSameAsOnTheCpu(run, 2);
    }

    @Test
    void aDeviceThatFailsAtAPauseGoesOnOnTheCpuWhenPlayed() throws Exception {
        // the same run on a device that does not fail: the pause's checkpoint is its last calls before it holds
        FailingBackend probe = new FailingBackend(Long.MAX_VALUE);
        TrainingRuntime first = runtime(probe, Duration.ofHours(1));
        await(pausingAt(first, 2), s -> s.state() == RunState.PAUSED && s.epoch() == 2, "paused after epoch 2");
        long failAt = probe.calls() - callsOfACheckpoint() + 1;
        first.close();
        FailingBackend fake = new FailingBackend(failAt);
        TrainingRuntime rt = runtime(fake, Duration.ofHours(1));

        Run<RunStatus> run = pausingAt(rt, 2);
        RunStatus held = await(run, s -> s.state().ended() || (s.state() == RunState.PAUSED && s.epoch() >= 2), "held or ended");

        assertEquals(RunState.PAUSED, held.state(), "the device's failure at a pause is not the run's: " + held.message());
        assertEquals(2, held.epoch());
        assertTrue(fake.calls() >= failAt, "the fake device failed: " + fake.calls() + " calls");
        assertTrue(run.device().onCpu(), "it holds on the CPU: " + run.device());
        String note = FailingBackend.NAME + " failed (" + FailingBackend.FAILURE + "): training goes on on the CPU from epoch 2";
        assertEquals(note, held.message(), "the paused run says where it trains on");
        run.play();
        RunStatus end = await(run, s -> s.state().ended(), "ended");
        assertEquals(RunState.FINISHED, end.state(), end.message());
        assertEquals(List.of(0, 1, 2, 3, 4), epochs(run.history().get(0)), "each epoch once");
        assertSameAsOnTheCpu(run, EPOCHS);
    }

    @Test
    void aDeviceThatFailsWhileBuildingGoesOnOnTheCpuFromTheStart() throws Exception {
        TrainingRuntime rt = runtime(new FailingBackend(1), Duration.ZERO);

        Run<RunStatus> run = rt.submit(List.of(POINTS.withBackend(FailingBackend.NAME)), anonymous(false, 2), STATUS);
        RunStatus end = await(run, s -> s.state().ended(), "ended");

        assertEquals(RunState.FINISHED, end.state(), end.message());
        assertTrue(run.device().onCpu());
        assertEquals(FailingBackend.NAME + " failed (" + FailingBackend.FAILURE + "): training goes on on the CPU from the start "
                + "(no epoch was checkpointed yet)", end.message());
        assertEquals(List.of(0, 1, 2), epochs(run.history().get(0)));
    }

    @Test
    void aFailureOnTheCpuFailsTheRun() throws Exception {
        TrainingRuntime rt = runtime(new FailingBackend(Long.MAX_VALUE), Duration.ZERO);
        RunOptions badStart = new RunOptions("visitor:abc", false, "playground", false, 2, List.of(new byte[] {1, 2, 3}));

        Run<RunStatus> run = rt.submit(List.of(POINTS.withBackend("cpu")), badStart, STATUS);
        RunStatus end = await(run, s -> s.state().ended(), "ended");

        assertEquals(RunState.FAILED, end.state());
        assertTrue(end.message().startsWith("Training stopped: "), end.message());
        assertTrue(run.device().onCpu());
    }

    @Test
    void theLearnersErrorOnAnotherDeviceFailsTheRunOnTheCpuWithItsOwnMessage() throws Exception {
        TrainingRuntime rt = runtime(new FailingBackend(Long.MAX_VALUE), Duration.ZERO);
        RunOptions badStart = new RunOptions("visitor:abc", false, "playground", false, 2, List.of(new byte[] {1, 2, 3}));
        Run<RunStatus> onCpu = rt.submit(List.of(POINTS.withBackend("cpu")), badStart, STATUS);
        String learners = await(onCpu, s -> s.state().ended(), "ended").message();

        Run<RunStatus> run = rt.submit(List.of(POINTS.withBackend(FailingBackend.NAME)), badStart, STATUS);
        RunStatus end = await(run, s -> s.state().ended(), "ended");

        assertEquals(RunState.FAILED, end.state());
        assertEquals(learners, end.message(), "the same error as on the CPU, not the device's");
        assertTrue(run.device().onCpu(), "tried again on the CPU");
        assertNotEquals(FailingBackend.NAME, run.device().backend());
    }
}
