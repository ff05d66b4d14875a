package com.layerlab.app.store;

import com.layerlab.app.TestPostgres;
import java.util.Map;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * {@link com.layerlab.app.cluster.ClusterStore} on PostgreSQL, the database of a cluster's nodes: runs when
 * LAYERLAB_TEST_POSTGRES_URL names a database (.ci/run starts a throwaway server and sets it), skipped
 * otherwise.
 */
@EnabledIfEnvironmentVariable(named = TestPostgres.URL, matches = ".+", disabledReason = TestPostgres.UNSET)
class PostgresClusterStoreTest extends ClusterStoreContract {

    @Override
    Map<String, String> database() {
        return Map.of("spring.datasource.url", System.getenv(TestPostgres.URL),
                "spring.datasource.username", System.getenv().getOrDefault("LAYERLAB_TEST_POSTGRES_USER", "postgres"),
                "spring.datasource.password", System.getenv().getOrDefault("LAYERLAB_TEST_POSTGRES_PASSWORD", ""));
    }
}
