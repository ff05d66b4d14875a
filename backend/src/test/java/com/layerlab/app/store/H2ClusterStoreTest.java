package com.layerlab.app.store;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.cluster.ClusterStore;
import com.layerlab.app.training.RunJournal;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** {@link ClusterStore} on the default database, embedded H2 in a file of a data folder of its own. */
class H2ClusterStoreTest extends ClusterStoreContract {

    @Override
    Map<String, String> database() {
        return Map.of("layerlab.data.dir", folder().toString(), "spring.datasource.url", "");
    }

    private static Path folder() {
        try {
            return Files.createTempDirectory("layerlab-h2-cluster");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aDatabaseThatDoesNotAnswerIsUnreachable() {
        try (var context = StoreContext.start(database())) {
            HikariDataSource pool = context.getBean(HikariDataSource.class);
            ClusterStore cluster = new ClusterStore(new JdbcTemplate(pool));
            pool.close();
            RunJournal.Unreachable read = assertThrows(RunJournal.Unreachable.class, () -> cluster.find("r1"));
            assertTrue(read.getMessage().contains("database cannot be reached"), read.getMessage());
            assertThrows(RunJournal.Unreachable.class, () -> cluster.hand("r1"), "a transaction's start");
            assertThrows(RunJournal.Unreachable.class, () -> cluster.epochs("r1", 0, List.of(
                    new com.layerlab.engine.train.EpochStats(0, 1, 1, null, null))));
            assertThrows(RunJournal.Unreachable.class, () -> cluster.heartbeat("n", "web", List.of("cpu"), 0));
            assertThrows(RunJournal.Unreachable.class, () -> cluster.nodes(Duration.ofMinutes(1)));
        }
    }
}
