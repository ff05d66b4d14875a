package com.layerlab.app.store;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.mock.env.MockEnvironment;

/** A database that cannot be reached at start: the failure names the configuration key to fix. */
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
    void otherStartFailuresAreLeftToBoot() {
        FailureAnalysis a = new DatabaseFailureAnalyzer(new MockEnvironment()).analyze(
                new IllegalStateException("something else", new java.io.IOException("disk")));
        assertTrue(a == null, "not a database failure");
    }
}
