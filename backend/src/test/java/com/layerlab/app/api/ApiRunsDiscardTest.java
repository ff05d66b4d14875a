package com.layerlab.app.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;

import com.layerlab.app.store.EndedRuns;
import com.layerlab.app.store.TrainingRunJournal;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunJournal;
import com.layerlab.app.training.RunLogs;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.TestRuns;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.tensor.Backends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpStatus;

/**
 * An API run a restart interrupted, then handled on My runs: discarded by its owner, the API knows it no
 * more (its {@code /api/runs/{id}} answers 404, as for an unknown run), and another user could not discard
 * it; resumed there, the API's run goes on with the resumed one.
 */
class ApiRunsDiscardTest {

    @TempDir
    Path dir;

    /** The journal in memory: what a database would keep. */
    private static final class MemoryJournal implements RunJournal {
        final Map<String, Entry> rows = new ConcurrentHashMap<>();

        @Override
        public void write(Entry e) {
            rows.put(e.id(), e);
        }

        @Override
        public List<Entry> unfinished() {
            return rows.values().stream().filter(e -> !e.state().ended() || e.state() == RunState.INTERRUPTED).toList();
        }

        @Override
        public void forget(String id) {
            rows.remove(id);
        }
    }

    @Test
    void aDiscardedInterruptedRunIsUnknownToTheApi() {
        RunLogs logs = new RunLogs(dir, 50, 20L << 20);
        Path folder = logs.open(ApiRuns.PAGE).dir();
        MemoryJournal journal = new MemoryJournal();
        try (TrainingRuntime runtime = afterARestart(logs, journal, "run-1", "exp-1", folder)) {
            ApiRuns api = new ApiRuns(runtime, mock(TrainingRunJournal.class), mock(EndedRuns.class));
            assertTrue(api.find("run-1", "user:ana").isPresent(), "interrupted, the API lists it");

            assertFalse(runtime.discard("run-1", "user:bob"), "not bob's to discard");
            assertTrue(api.find("run-1", "user:ana").isPresent());
            assertTrue(runtime.discard("run-1", "user:ana"));
            assertTrue(api.find("run-1", "user:ana").isEmpty(), "GET /api/runs/run-1: 404");
            ApiRefused gone = assertThrows(ApiRefused.class, () -> api.view("run-1", "user:ana"));
            assertEquals(HttpStatus.NOT_FOUND, gone.status());
            assertEquals(RunsApi.notFound("run-1").getMessage(), gone.getMessage());
            assertEquals(List.of(), api.ofExperiment("exp-1", "user:ana"), "nor among its experiment's runs");
            assertTrue(journal.rows.isEmpty());
            assertFalse(Files.exists(folder));
        }
    }

    @Test
    void aRunResumedOnMyRunsIsTheApisRunThere() throws Exception {
        RunLogs logs = new RunLogs(dir, 50, 20L << 20);
        Path folder = logs.open(ApiRuns.PAGE).dir();
        try (TrainingRuntime runtime = afterARestart(logs, new MemoryJournal(), "run-2", "exp-2", folder)) {
            Run<?> interrupted = runtime.find("run-2", "user:ana").orElseThrow();
            ApiRuns api = new ApiRuns(runtime, mock(TrainingRunJournal.class), mock(EndedRuns.class));
            assertEquals(RunState.INTERRUPTED, api.find("run-2", "user:ana").orElseThrow().current().state());

            // as My runs' Resume button does: through the runtime, not the API
            Run<?> resumed = runtime.resume(interrupted, true);
            ApiRuns.ApiRun seen = api.find("run-2", "user:ana").orElseThrow();
            assertEquals(resumed, seen.current(), "GET /api/runs/run-2 follows the resumed run");
            assertEquals(List.of(interrupted, resumed), seen.segments());
            assertEquals(List.of(seen), api.runsOf("exp-2", "user:ana"));
            assertEquals(2, api.find("run-2", "user:ana").orElseThrow().segments().size(), "added once");
            resumed.stop();
            TestRuns.await(resumed, st -> st.state().ended(), "stopped");
        }
    }

    /** A runtime started after a restart that interrupted ana's API run {@code id} of {@code experiment}. */
    private static TrainingRuntime afterARestart(RunLogs logs, MemoryJournal journal, String id, String experiment,
                                                 Path folder) {
        journal.write(new RunJournal.Entry(id, "user:ana", ApiRuns.PAGE, experiment, List.of(TestRuns.POINTS),
                RunState.RUNNING, 10, -1, folder, "cpu", "cpu", null, Instant.now(), Instant.now()));
        TrainingRuntime.Pool pool = new TrainingRuntime.Pool(1, 1, Duration.ofMillis(5), "networks");
        TrainingRuntime runtime = new TrainingRuntime(Backends.standard(), logs, null, pool, pool,
                TrainingRuntime.Limits.none(pool, pool), Duration.ofMinutes(1), TrainingRuntime.SignedInRuns.DEFAULTS,
                Duration.ZERO, journal, (page, experiments) -> TestRuns.STATUS);
        runtime.restoreInterrupted(false, Duration.ZERO);
        return runtime;
    }
}
