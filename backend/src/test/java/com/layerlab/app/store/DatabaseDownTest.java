package com.layerlab.app.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.cluster.NodeSettings;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunLogs;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.TestRuns;
import com.layerlab.app.training.TrainingRuntime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.mock.env.MockEnvironment;

/**
 * A database that cannot be reached: at start, the failure names the configuration key to fix; while
 * the app runs, saving says to try again, and a run holds (its state cannot be kept) and goes on once
 * the database is back.
 */
class DatabaseDownTest {

    @Test
    void aStartWithoutItsDatabaseSaysWhichKeyToFix() {
        // port 1: nothing listens there
        String url = "jdbc:postgresql://127.0.0.1:1/layerlab";
        RuntimeException failure = assertThrows(RuntimeException.class, () -> StoreContext.start(Map.of(
                "spring.datasource.url", url, "spring.datasource.username", "layerlab",
                "spring.datasource.hikari.connection-timeout", "1000")));
        FailureAnalysis a = new DatabaseFailureAnalyzer(new MockEnvironment().withProperty("spring.datasource.url", url))
                .analyze(failure);
        assertNotNull(a, "a connection failure is recognised");
        assertTrue(a.getDescription().contains(url), a.getDescription());
        assertTrue(a.getDescription().contains("Connection"), a.getDescription());
        assertTrue(a.getAction().contains("spring.datasource.url"), a.getAction());
        assertTrue(a.getDescription().lines().count() == 1, "one line: " + a.getDescription());
    }

    @Test
    void aDatabaseGoneWhileRunningMakesSavingFailWithAMessageThatSaysTryAgain() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("layerlab-db-down");
        try (var context = StoreContext.start(Map.of("layerlab.data.dir", dir.toString(), "spring.datasource.url", ""))) {
            ExperimentStore store = context.getBean(ExperimentStore.class);
            context.getBean(com.zaxxer.hikari.HikariDataSource.class).close();
            var e = com.layerlab.app.lab.PlaygroundSettings.DEFAULTS.toExperiment();
            StoreException failed = assertThrows(StoreException.class, () -> store.save(new ExperimentStore.Draft(
                    "visitor:x", "n", false, Page.PLAYGROUND, e, ""), new byte[8], java.util.List.of(), 0, null));
            assertTrue(failed.kind() == StoreException.Kind.UNAVAILABLE, failed.kind().toString());
            assertTrue(failed.getMessage().contains("try again"), failed.getMessage());
            StoreException reading = assertThrows(StoreException.class, () -> store.mine("visitor:x"));
            assertTrue(reading.kind() == StoreException.Kind.UNAVAILABLE, reading.kind().toString());
        }
    }

    @Test
    void aRunHoldsWhileTheDatabaseIsDownAndGoesOnWhenItIsBackLosingNothing() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("layerlab-db-down-run");
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        // a database server of its own, to stop and start again under the app: H2 over TCP
        String[] server = {"-tcpPort", String.valueOf(port), "-baseDir", dir.toString(), "-ifNotExists"};
        org.h2.tools.Server db = org.h2.tools.Server.createTcpServer(server).start();
        TrainingRuntime runtime = null;
        try (var context = StoreContext.start(Map.of("spring.datasource.url", "jdbc:h2:tcp://localhost:" + port + "/./store",
                "spring.datasource.username", "sa", "spring.datasource.hikari.connection-timeout", "1000",
                "layerlab.data.dir", dir.toString()))) {
            TrainingRunJournal journal = new TrainingRunJournal(context.getBean(TrainingRunRepository.class), NodeSettings.SINGLE);
            TrainingRuntime.Pool points = new TrainingRuntime.Pool(4, 4, java.time.Duration.ofMillis(5), "networks", 0, 10);
            TrainingRuntime.Pool images = new TrainingRuntime.Pool(1, 1, java.time.Duration.ofMillis(5), "image networks");
            runtime = new TrainingRuntime(com.layerlab.engine.tensor.Backends.standard(),
                    new RunLogs(dir.resolve("runs"), 50, 20L << 20), null, points, images,
                    TrainingRuntime.Limits.none(points, images), java.time.Duration.ofMinutes(1),
                    TrainingRuntime.SignedInRuns.DEFAULTS, java.time.Duration.ZERO, journal, (page, e) -> TestRuns.STATUS);
            // a checkpoint, and so a write to the database, at every epoch
            Run<RunStatus> run = runtime.submit(List.of(TestRuns.POINTS), new RunOptions("user:ana", true, "api", false, 20),
                    TestRuns.STATUS);
            TestRuns.await(run, s -> s.epoch() >= 2, "at epoch 2");

            db.stop();
            RunStatus held = TestRuns.await(run, s -> s.state() == RunState.PAUSED, "holding for the database");
            assertTrue(held.message().contains("database cannot be reached"), held.message());
            Thread.sleep(1_500);
            assertEquals(held.epoch(), run.status().epoch(), "it trains no further while its state cannot be kept");
            assertTrue(run.isAlive(), "the run goes on living");

            db = org.h2.tools.Server.createTcpServer(server).start();
            RunStatus done = TestRuns.await(run, s -> s.state() == RunState.FINISHED, "finished once the database is back");
            assertEquals(20, done.epoch());
            List<com.layerlab.engine.train.EpochStats> history = run.history().get(0);
            for (int e = 0; e <= 20; e++) {
                assertEquals(e, history.get(e).epoch(), "every epoch once: " + history);
            }
            // the status is published before the run's thread writes its row: wait for the write, bounded
            TrainingRunRepository rows = context.getBean(TrainingRunRepository.class);
            TrainingRunRow row = rows.findById(run.id()).orElseThrow();
            for (long until = System.nanoTime() + 10_000_000_000L; !"FINISHED".equals(row.state) && System.nanoTime() < until; ) {
                Thread.sleep(50);
                row = rows.findById(run.id()).orElseThrow();
            }
            assertEquals("FINISHED", row.state, "the state held back is written once the database is back");
            assertEquals(20, row.checkpointEpoch);
        } finally {
            if (runtime != null) {
                runtime.close();
            }
            db.stop();
        }
    }

    @Test
    void otherStartFailuresAreLeftToBoot() {
        FailureAnalysis a = new DatabaseFailureAnalyzer(new MockEnvironment()).analyze(
                new IllegalStateException("something else", new java.io.IOException("disk")));
        assertTrue(a == null, "not a database failure");
    }
}
