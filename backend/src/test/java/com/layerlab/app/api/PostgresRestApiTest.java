package com.layerlab.app.api;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The REST API's contract on PostgreSQL: runs when LAYERLAB_TEST_POSTGRES_URL names a database (.ci/run
 * starts a throwaway server and sets it), skipped otherwise.
 */
@EnabledIfEnvironmentVariable(named = PostgresRestApiTest.URL, matches = ".+", disabledReason = PostgresRestApiTest.URL
        + " is not set: no PostgreSQL to test the API against (bash .ci/run starts one and sets it)")
class PostgresRestApiTest extends RestApiContract {

    static final String URL = "LAYERLAB_TEST_POSTGRES_URL";

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry r) {
        r.add("spring.datasource.url", () -> System.getenv(URL));
        r.add("spring.datasource.username", () -> System.getenv().getOrDefault("LAYERLAB_TEST_POSTGRES_USER", "postgres"));
        r.add("spring.datasource.password", () -> System.getenv().getOrDefault("LAYERLAB_TEST_POSTGRES_PASSWORD", ""));
    }
}
