package com.layerlab.app.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.engine.tensor.Backends;
import com.layerlab.engine.train.Checkpoint;
import com.layerlab.engine.train.EpochStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that resumes from a checkpoint ({@link RunOptions#resumeFrom}) goes on at the checkpoint's
 * epoch with its weights and history: it trains only the epochs left, none twice.
 */
class RunResumeTest {

    @TempDir
    Path root;
    private TrainingRuntime runtime;

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private RunOptions options(int epochs, List<Checkpoint> from) {
        return new RunOptions("user:ana", true, "api", false, epochs, List.of(), from);
    }

    @Test
    void aResumedRunGoesOnFromItsCheckpointToItsLastEpoch() throws Exception {
        runtime = new TrainingRuntime(Backends.standard(), new RunLogs(root, 50, 20L << 20), null,
                new TrainingRuntime.Pool(4, 4, Duration.ofMillis(5), "networks"),
                new TrainingRuntime.Pool(1, 1, Duration.ofMillis(5), "image networks"), Duration.ofMinutes(1),
                TrainingRuntime.SignedInRuns.DEFAULTS, Duration.ZERO);
        Run<RunStatus> first = runtime.submit(List.of(TestRuns.POINTS), options(3, List.of()), TestRuns.STATUS);
        TestRuns.await(first, s -> s.state() == RunState.FINISHED, "finished");
        Checkpoint at3 = RunCheckpoints.read(first.checkpointDir(0));
        assertEquals(3, at3.epoch());

        Run<RunStatus> resumed = runtime.submit(List.of(at3.experiment()), options(5, List.of(at3)), TestRuns.STATUS);
        RunStatus done = TestRuns.await(resumed, s -> s.state() == RunState.FINISHED, "finished");
        assertEquals(5, done.epoch());
        List<EpochStats> history = resumed.history().get(0);
        assertEquals(6, history.size(), "epochs 0 to 5, each once: " + history);
        for (int e = 0; e <= 5; e++) {
            assertEquals(e, history.get(e).epoch());
        }
        assertEquals(first.history().get(0), history.subList(0, 4), "the first three epochs are the checkpoint's");

        // the same steps as a straight run of five epochs
        Run<RunStatus> straight = runtime.submit(List.of(TestRuns.POINTS), options(5, List.of()), TestRuns.STATUS);
        TestRuns.await(straight, s -> s.state() == RunState.FINISHED, "finished");
        assertArrayEquals(RunCheckpoints.read(straight.checkpointDir(0)).weights(),
                RunCheckpoints.read(resumed.checkpointDir(0)).weights());
    }

    @Test
    void aRunStartsFromSavedWeightsOrFromCheckpointsNotBoth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RunOptions("user:ana", true,
                "api", false, 3, List.of(new byte[1]), List.of(new Checkpoint(TestRuns.POINTS, 0, new byte[0], new byte[0],
                List.of(new EpochStats(0, 1, 1, null, null))))));
        assertTrue(e.getMessage().contains("not both"), e.getMessage());
    }
}
