package com.layerlab.app.training;

import static com.layerlab.app.training.TestRuns.POINTS;
import static com.layerlab.app.training.TestRuns.STATUS;
import static com.layerlab.app.training.TestRuns.anonymous;
import static com.layerlab.app.training.TestRuns.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.engine.summary.EventArchive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run leaves in its folder: a run that trained keeps its files, one that never trained a batch leaves none. */
class RunFoldersTest {

    @TempDir
    Path root;

    @Test
    void aRunThatNeverTrainedLeavesNoFolderAndOneThatTrainedKeepsItsFiles() throws Exception {
        TrainingRuntime runtime = new TrainingRuntime(new RunLogs(root, 50, 20L << 20), null,
                new TrainingRuntime.Pool(4, 4, Duration.ofMillis(5), "networks"),
                new TrainingRuntime.Pool(1, 1, Duration.ofMillis(5), "image networks"), Duration.ofSeconds(30), Duration.ZERO);
        Run<RunStatus> idle;
        Run<RunStatus> trained;
        try {
            idle = runtime.submit(List.of(POINTS), anonymous(true, 0), STATUS);
            trained = runtime.submit(List.of(POINTS), anonymous(true, 0), STATUS);
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
