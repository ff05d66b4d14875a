package com.layerlab.app.ops;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database-size query of an H2 file database, the kind the app uses by default (OperationsTest's is in memory). */
class DatabaseSizeQueryTest {

    @Test
    void anH2FileGrowsWithItsRowsAndAnUnknownDatabaseHasNoQuery(@TempDir Path dir) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("db"), "sa", "");
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE \"Rows\"(id INT, text VARCHAR(1000))");
            long empty = size(st);
            st.execute("INSERT INTO \"Rows\" SELECT X, REPEAT('a', 900) FROM SYSTEM_RANGE(1, 200)");
            long full = size(st);
            assertTrue(full > empty + 100_000, "200 rows of 900 characters: " + empty + " bytes, then " + full);
        }
        assertNull(LabMetrics.sizeQuery("MySQL"));
    }

    /** What the metric reads once H2 has written its pages (it does so within a second; CHECKPOINT at once). */
    private static long size(Statement st) throws Exception {
        st.execute("CHECKPOINT");
        try (ResultSet rs = st.executeQuery(LabMetrics.sizeQuery("H2"))) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
