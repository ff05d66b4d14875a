package com.layerlab.app.api;

import com.layerlab.app.TestPostgres;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The class sessions' API on PostgreSQL: runs when LAYERLAB_TEST_POSTGRES_URL names a database (.ci/run
 * starts a throwaway server and sets it), skipped otherwise.
 */
@EnabledIfEnvironmentVariable(named = TestPostgres.URL, matches = ".+", disabledReason = TestPostgres.UNSET)
class PostgresClassesApiTest extends ClassesApiContract {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry r) {
        TestPostgres.datasource(r);
    }
}
