package com.layerlab.app.ui.runs;

import com.layerlab.app.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The live page of a run on the workers on PostgreSQL, the database of a cluster: the worker's NOTIFY wakes the
 * page (the node listens rather than polls). Runs when LAYERLAB_TEST_POSTGRES_URL names a database (.ci/run
 * starts a throwaway server and sets it), skipped otherwise.
 */
@EnabledIfEnvironmentVariable(named = TestPostgres.URL, matches = ".+", disabledReason = TestPostgres.UNSET)
class PostgresWorkerRunPagesTest extends WorkerRunPagesTest {

    /**
     * A database of this class's own on the test server: the others' leave background runs queued there (the
     * cluster store's contract), which this node would hand to its worker and count against the server's limits.
     */
    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry r) throws SQLException {
        TestPostgres.datasource(r);
        String url = System.getenv(TestPostgres.URL);
        String user = System.getenv().getOrDefault("LAYERLAB_TEST_POSTGRES_USER", "postgres");
        String password = System.getenv().getOrDefault("LAYERLAB_TEST_POSTGRES_PASSWORD", "");
        String name = "layerlab_watch_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
        // the same server, this database: jdbc:postgresql://host:port/db[?options]
        String own = url.replaceFirst("^(jdbc:postgresql://[^/]+/)[^?]*", "$1" + name);
        r.add("spring.datasource.url", () -> own);
    }

    @Override
    boolean listens() {
        return true;
    }
}
