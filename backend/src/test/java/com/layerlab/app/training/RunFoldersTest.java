package com.layerlab.app.training;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.summary.EventArchive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run leaves in its folder: a run that trained keeps its files, one that never trained a batch leaves none. */
class RunFoldersTest {

    private static final Experiment POINTS = PlaygroundSettings.DEFAULTS.toExperiment();
    private static final FrameMaker<RunStatus> STATUS = (status, trainers, seen) -> status;

    @TempDir
    Path root;

    private static void await(Run<?> run, Predicate<RunStatus> p, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!p.test(run.status())) {
            if (System.nanoTime() > end) {
                throw new AssertionError("never " + what + "; last: " + run.status());
            }
            Thread.sleep(5);
        }
    }

    @Test
    void aRunThatNeverTrainedLeavesNoFolderAndOneThatTrainedKeepsItsFiles() throws Exception {
        TrainingRuntime runtime = new TrainingRuntime(new RunLogs(root, 50, 20L << 20), null,
                new TrainingRuntime.Pool(4, 4, Duration.ofMillis(5), "networks"),
                new TrainingRuntime.Pool(1, 1, Duration.ofMillis(5), "image networks"), Duration.ofSeconds(30), Duration.ZERO);
        Run<RunStatus> idle;
        Run<RunStatus> trained;
        try {
            idle = runtime.submit(List.of(POINTS), new RunOptions("visitor:abc", false, "playground", true, 0), STATUS);
            trained = runtime.submit(List.of(POINTS), new RunOptions("visitor:abc", false, "playground", true, 0), STATUS);
            await(idle, s -> s.state() == RunState.PAUSED && s.batches() > 0, "built");
            await(trained, s -> s.state() == RunState.PAUSED && s.batches() > 0, "built");
            trained.step();
            await(trained, s -> s.state() == RunState.PAUSED && s.batch() == 1, "one batch trained");
            idle.stop();
            trained.stop();
            await(idle, s -> s.state().ended(), "stopped");
            await(trained, s -> s.state().ended(), "stopped");
        } finally {
            runtime.close();
        }
        assertTrue(idle.awaitTermination(Duration.ofSeconds(10)));
        assertTrue(trained.awaitTermination(Duration.ofSeconds(10)));
        assertFalse(Files.exists(idle.folder()), "an untrained run's folder goes: " + idle.folder());
        assertTrue(Files.isDirectory(trained.folder()));
        assertFalse(EventArchive.eventFiles(trained.folder()).isEmpty(), "a trained run keeps its event files");
    }
}
