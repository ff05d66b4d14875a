package com.layerlab.app.store;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.Environment;

/**
 * A database that cannot be reached at start: Boot prints this analysis (which configuration key to fix)
 * instead of the exception's 200 lines. Applies to any start failure caused by a connection that could not
 * be made or a login that was refused.
 */
public class DatabaseFailureAnalyzer implements FailureAnalyzer {

    private final Environment environment;

    public DatabaseFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        String reason = null;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && isConnectionProblem(sql)) {
                reason = firstLine(sql.getMessage());
            } else if (t instanceof ConnectException || t instanceof UnknownHostException) {
                reason = firstLine(t.toString());
            }
        }
        if (reason == null) {
            return null;
        }
        String url = environment.getProperty(StoreDatabase.URL, "");
        return new FailureAnalysis(
                "LayerLab cannot open its database " + url + ": " + reason,
                "Fix spring.datasource.url (and spring.datasource.username / spring.datasource.password) so that it "
                        + "names a running database LayerLab may log in to, or leave spring.datasource.url empty for the "
                        + "embedded H2 database in the data folder (layerlab.data.dir). README: \"The database\".",
                failure);
    }

    /** SQLState class 08: connection exception; 28: invalid authorization; 3D: no such database. */
    private static boolean isConnectionProblem(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("28") || state.startsWith("3D")
                || state.equals("90020") /* H2: the file is locked by another process */
                || state.equals("90146") /* H2: the database does not exist */);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no reason given";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
