package com.layerlab.app.store;

import java.util.Map;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The store on PostgreSQL, with the same migrations: runs when LAYERLAB_TEST_POSTGRES_URL names a database
 * (.ci/run starts a throwaway server and sets it, with LAYERLAB_TEST_POSTGRES_USER), skipped otherwise.
 */
@EnabledIfEnvironmentVariable(named = PostgresStoreTest.URL, matches = ".+", disabledReason = PostgresStoreTest.URL
        + " is not set: no PostgreSQL to test the store against (bash .ci/run starts one and sets it)")
class PostgresStoreTest extends StoreContractTest {

    static final String URL = "LAYERLAB_TEST_POSTGRES_URL";

    @Override
    Map<String, String> database() {
        String url = System.getenv(URL);
        String user = System.getenv().getOrDefault("LAYERLAB_TEST_POSTGRES_USER", "postgres");
        return Map.of("spring.datasource.url", url, "spring.datasource.username", user,
                "spring.datasource.password", System.getenv().getOrDefault("LAYERLAB_TEST_POSTGRES_PASSWORD", ""));
    }
}
