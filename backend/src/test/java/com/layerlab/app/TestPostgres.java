package com.layerlab.app;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The PostgreSQL server that .ci/run starts for the tests (.ci/postgres.sh), for a Spring context to keep
 * its store in: the PostgreSQL subclasses of the API's contracts run where {@link #URL} is set, and are
 * skipped with {@link #UNSET} where it is not.
 */
public final class TestPostgres {

    /** The environment variable with the database's JDBC URL. */
    public static final String URL = "LAYERLAB_TEST_POSTGRES_URL";
    public static final String UNSET = URL + " is not set: no PostgreSQL to test against (bash .ci/run starts one "
            + "and sets it)";

    private TestPostgres() {
    }

    /** Points the context's store at the database (user and password from LAYERLAB_TEST_POSTGRES_USER, _PASSWORD). */
    public static void datasource(DynamicPropertyRegistry r) {
        r.add("spring.datasource.url", () -> System.getenv(URL));
        r.add("spring.datasource.username", () -> System.getenv().getOrDefault("LAYERLAB_TEST_POSTGRES_USER", "postgres"));
        r.add("spring.datasource.password", () -> System.getenv().getOrDefault("LAYERLAB_TEST_POSTGRES_PASSWORD", ""));
    }
}
