package com.layerlab.app.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The store on its default database: embedded H2 in a file in the data folder (spring.datasource.url empty). */
class H2StoreTest extends StoreContractTest {

    private static final Path DATA_DIR;

    static {
        try {
            DATA_DIR = Files.createTempDirectory("layerlab-h2-store");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    Map<String, String> database() {
        return Map.of("layerlab.data.dir", DATA_DIR.toString(), "spring.datasource.url", "");
    }

    @Test
    void theDefaultDatabaseIsAFileInTheDataFolder() {
        assertTrue(Files.exists(DATA_DIR.resolve(StoreDatabase.FILE + ".mv.db")), "H2's file in " + DATA_DIR);
    }
}
