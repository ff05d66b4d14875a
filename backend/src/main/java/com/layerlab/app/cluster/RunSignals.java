package com.layerlab.app.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Wakes the pages that watch a background run when the node training it wrote something new (docs/cluster.md):
 * on PostgreSQL the node sends {@code NOTIFY layerlab_runs, '<run id>'} ({@link #signal}), and this node holds one
 * listener, a connection of its own from the data source on one daemon thread, that wakes the pages watching
 * that run. Where it cannot listen (H2, or PostgreSQL down for a while: it connects again once it is back) the
 * same thread wakes every page once a second, and the page reads the database then, as a poll. A signal of
 * this node's own wakes its pages at once where no listener would bring it back.
 *
 * <p>The thread starts with the first subscription (a node that serves no such page never opens the
 * connection) and ends with the application context. A subscription ends when its page does
 * ({@link Subscription#close}); none is held otherwise.
 */
@Component
public class RunSignals implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(RunSignals.class);
    /** The channel the nodes notify on; the payload is the run's id. */
    public static final String CHANNEL = "layerlab_runs";
    /** How often the pages are woken where there is no listener. */
    static final long POLL_MS = 1_000;
    /** How long the listener waits for notifications at once (and so how soon it sees the context close). */
    static final int LISTEN_MS = 500;

    /** A page's wake-up for one run; {@link #close} ends it (twice is harmless). */
    public final class Subscription implements AutoCloseable {

        private final String runId;
        private final Runnable wake;

        private Subscription(String runId, Runnable wake) {
            this.runId = runId;
            this.wake = wake;
        }

        @Override
        public void close() {
            subscribers.computeIfPresent(runId, (id, set) -> {
                set.remove(this);
                return set.isEmpty() ? null : set;
            });
        }

        private void wake() {
            try {
                wake.run();
            } catch (RuntimeException e) {
                // one page's failure (it closed meanwhile) is not the others'
                LOG.debug("Waking a page watching run {} failed: {}", runId, e.toString());
            }
        }
    }

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final ConcurrentHashMap<String, Set<Subscription>> subscribers = new ConcurrentHashMap<>();
    /** Whether the database is PostgreSQL; null until a connection said. */
    private volatile Boolean postgres;
    private volatile boolean listening;
    private volatile boolean closed;
    private Thread thread;

    public RunSignals(DataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /**
     * Calls {@code wake} (on this class's thread: it must hand over at once, as {@code UI.access} does) when
     * run {@code runId} may have changed: at its node's signal, or once a second where there is no listener.
     */
    public Subscription subscribe(String runId, Runnable wake) {
        Subscription s = new Subscription(runId, wake);
        subscribers.computeIfAbsent(runId, id -> ConcurrentHashMap.newKeySet()).add(s);
        start();
        return s;
    }

    /**
     * Run {@code runId} changed (its node wrote its progress, points, epochs or state): the pages watching it,
     * on every node, are woken. Never throws: a signal lost while the database is down is made up for by the
     * listener's wake-up of every page once it is back.
     */
    public void signal(String runId) {
        if (!listening) {
            // no listener here to bring it back: this node's own pages at once
            wake(runId);
        }
        try {
            if (isPostgres()) {
                jdbc.query("select pg_notify(?, ?)", rs -> null, CHANNEL, runId);
            }
        } catch (RuntimeException down) {
            LOG.debug("Run {}: no signal sent, the database does not answer: {}", runId, down.toString());
        }
    }

    /** Whether this node listens for the other nodes' signals now (false: its pages poll). */
    public boolean listening() {
        return listening;
    }

    /** The subscriptions held now, over all runs. */
    public int subscriptions() {
        return subscribers.values().stream().mapToInt(Set::size).sum();
    }

    /** Whether its thread runs (it starts with the first subscription and ends with the context). */
    synchronized boolean running() {
        return thread != null && thread.isAlive();
    }

    private synchronized void start() {
        if (thread != null || closed) {
            return;
        }
        // not "run-...": the tests count the runs' own threads by that prefix
        thread = new Thread(this::loop, "signals-of-runs");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (!closed) {
            if (isPostgres()) {
                listen();
            }
            if (closed) {
                return;
            }
            // no listener (H2, or PostgreSQL down): every page looks, then the listener is tried again
            wakeAll();
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Listens until the connection fails or the context closes. */
    private void listen() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("LISTEN " + CHANNEL);
            }
            PGConnection pg = c.unwrap(PGConnection.class);
            listening = true;
            LOG.info("Listening for the runs' signals on the database (channel {})", CHANNEL);
            // what was signalled while no one listened is lost: every page looks once
            wakeAll();
            while (!closed) {
                PGNotification[] got = pg.getNotifications(LISTEN_MS);
                if (got != null) {
                    for (PGNotification n : got) {
                        wake(n.getParameter());
                    }
                }
            }
            // the connection goes back to the pool: it must not go on gathering notifications there
            try (Statement s = c.createStatement()) {
                s.execute("UNLISTEN *");
            }
        } catch (SQLException | RuntimeException e) {
            if (!closed) {
                LOG.warn("Not listening for the runs' signals (the pages poll every second until the database answers"
                        + " again): {}", e.toString());
            }
        } finally {
            listening = false;
        }
    }

    private boolean isPostgres() {
        Boolean known = postgres;
        if (known == null) {
            try (Connection c = dataSource.getConnection()) {
                known = "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
                postgres = known;
            } catch (SQLException | RuntimeException down) {
                return false;
            }
        }
        return known;
    }

    private void wake(String runId) {
        Set<Subscription> set = runId == null ? null : subscribers.get(runId);
        if (set != null) {
            set.forEach(Subscription::wake);
        }
    }

    private void wakeAll() {
        subscribers.values().forEach(set -> set.forEach(Subscription::wake));
    }

    @Override
    public void destroy() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                // the listener sees it within LISTEN_MS, the poll at once (interrupted)
                if (!listening) {
                    t.interrupt();
                }
                t.join(4 * LISTEN_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        subscribers.clear();
    }
}
