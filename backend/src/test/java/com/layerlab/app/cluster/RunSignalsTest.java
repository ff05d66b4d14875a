package com.layerlab.app.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.TestPostgres;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * {@link RunSignals}: on PostgreSQL a node's NOTIFY wakes the pages of another node that watch the run, and
 * only those, within a second, also after its listening connection was cut (it connects again); on H2 every
 * page is woken once a second, a poll. A subscription closed is gone.
 */
class RunSignalsTest {

    private final String tag = UUID.randomUUID().toString().replace("-", "").substring(0, 8);

    @Test
    void onH2EveryPageIsWokenOnceASecondAndASubscriptionClosedIsGone() throws Exception {
        DataSource h2 = new DriverManagerDataSource("jdbc:h2:mem:signals-" + tag + ";DB_CLOSE_DELAY=-1", "sa", "");
        RunSignals signals = new RunSignals(h2);
        try {
            AtomicInteger watched = new AtomicInteger();
            AtomicInteger other = new AtomicInteger();
            RunSignals.Subscription a = signals.subscribe("run-a", watched::incrementAndGet);
            RunSignals.Subscription b = signals.subscribe("run-b", other::incrementAndGet);
            assertEquals(2, signals.subscriptions());
            await(() -> watched.get() >= 3, 5_000, "three polls");
            assertFalse(signals.listening(), "H2 has no LISTEN");

            // a signal of this node's own wakes its page at once, not at the next poll
            int before = watched.get();
            long start = System.nanoTime();
            signals.signal("run-a");
            assertTrue(watched.get() > before, "woken at once");
            assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(500));

            a.close();
            a.close();
            assertEquals(1, signals.subscriptions(), "closed: gone (twice is harmless)");
            int after = watched.get();
            Thread.sleep(2_200);
            assertEquals(after, watched.get(), "a closed subscription is never woken again");
            b.close();
            assertEquals(0, signals.subscriptions());
        } finally {
            signals.destroy();
        }
        assertFalse(signals.running(), "the thread ends with the context");
    }

    @Test
    void aPageIsWokenOnAReaderThreadSoThatASlowReadHoldsUpNoOtherPage() throws Exception {
        DataSource h2 = new DriverManagerDataSource("jdbc:h2:mem:watch-" + tag + ";DB_CLOSE_DELAY=-1", "sa", "");
        RunSignals signals = new RunSignals(h2);
        RunWatch watch = new RunWatch(null, null, null, signals);
        try {
            CountDownLatch slowWoken = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger fast = new AtomicInteger();
            AtomicReference<String> where = new AtomicReference<>();
            // a page whose read hangs (a slow database), and another page of another run
            watch.subscribe(new RunWatch.Cursor("run-slow", "user:a"), () -> {
                where.set(Thread.currentThread().getName());
                slowWoken.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            watch.subscribe(new RunWatch.Cursor("run-fast", "user:b"), fast::incrementAndGet);
            assertTrue(slowWoken.await(5, TimeUnit.SECONDS), "woken by the poll");
            assertTrue(where.get().startsWith("watch-reader-"), where.get());
            int before = fast.get();
            // the slow page still reads: the other page is woken at every poll regardless
            await(() -> fast.get() >= before + 2, 5_000, "the other page woken twice more");
            release.countDown();
        } finally {
            watch.destroy();
            signals.destroy();
        }
    }

    @Test
    @EnabledIfEnvironmentVariable(named = TestPostgres.URL, matches = ".+", disabledReason = TestPostgres.UNSET)
    void onPostgresANotifyOfAnotherNodeWakesThePagesOfThatRunWithinASecondAlsoAfterTheListenerWasCut() throws Exception {
        // two nodes over one database: the web node's pages listen, the worker signals
        String app = "layerlab-signals-" + tag;
        RunSignals web = new RunSignals(postgres(app));
        RunSignals worker = new RunSignals(postgres("layerlab-worker-" + tag));
        try {
            AtomicInteger watched = new AtomicInteger();
            AtomicInteger other = new AtomicInteger();
            RunSignals.Subscription a = web.subscribe("run-a-" + tag, watched::incrementAndGet);
            web.subscribe("run-b-" + tag, other::incrementAndGet);
            await(web::listening, 10_000, "the web node listens");
            // listening: no more polls; the wake-up of every page as it began listening is over
            Thread.sleep(300);
            int a0 = watched.get();
            int b0 = other.get();
            Thread.sleep(1_500);
            assertEquals(a0, watched.get(), "no poll while listening");

            long start = System.nanoTime();
            worker.signal("run-a-" + tag);
            await(() -> watched.get() > a0, 1_000, "the notify within a second");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(b0, other.get(), "the pages of another run are not woken");
            System.out.println("RunSignals on PostgreSQL: notify -> page woken in " + ms + " ms");

            // the database cuts the listener's connection (as a restart of PostgreSQL does): the pages poll
            // meanwhile, and the listener connects again
            JdbcTemplate admin = new JdbcTemplate(postgres("layerlab-admin-" + tag));
            int cut = admin.queryForObject("select count(pg_terminate_backend(pid)) from pg_stat_activity"
                    + " where application_name = ? and query like 'LISTEN%'", Integer.class, app);
            assertEquals(1, cut, "the web node's listening connection");
            await(() -> !web.listening(), 5_000, "the cut seen");
            await(web::listening, 15_000, "listening again");
            Thread.sleep(300);
            int a1 = watched.get();
            worker.signal("run-a-" + tag);
            await(() -> watched.get() > a1, 1_000, "a notify after the reconnection");

            a.close();
            assertEquals(1, web.subscriptions());
        } finally {
            web.destroy();
            worker.destroy();
        }
        assertEquals(0, web.subscriptions());
        assertFalse(web.listening());
        assertFalse(web.running(), "the listener ends with the context");
    }

    private static DataSource postgres(String applicationName) {
        String url = System.getenv(TestPostgres.URL);
        return new DriverManagerDataSource(url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + applicationName,
                System.getenv().getOrDefault("LAYERLAB_TEST_POSTGRES_USER", "postgres"),
                System.getenv().getOrDefault("LAYERLAB_TEST_POSTGRES_PASSWORD", ""));
    }

    private static void await(BooleanSupplier done, long ms, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("never " + what + " within " + ms + " ms");
            }
            Thread.sleep(10);
        }
    }
}
