package com.layerlab.app.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.shared.Registration;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Which pages are still there. A page that closes tells the server (Vaadin's unload beacon; its
 * components then detach), but a killed browser, a laptop that sleeps or a lost network says nothing
 * (a paused run of such a page would wait, subscribed, until its session expired). Such a
 * page stays attached in its session until the session expires, or until another request of the same
 * session finds it silent;
 * when the browser is gone no such request comes. So this watch does not wait for one: every page sends
 * a heartbeat ({@code vaadin.heartbeatInterval}), and a page whose last heartbeat is older than
 * {@code layerlab.page.timeout-seconds} is gone: its watchers are told, and its UI is closed as Vaadin
 * closes one it finds silent.
 */
@Service
public class PageWatch implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(PageWatch.class);

    private final Duration timeout;
    private final ScheduledExecutorService timer;
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();

    public PageWatch(@Value("${layerlab.page.timeout-seconds:90}") int timeoutSeconds) {
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("layerlab.page.timeout-seconds must be at least 1, got " + timeoutSeconds);
        }
        this.timeout = Duration.ofSeconds(timeoutSeconds);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "page-watch");
            t.setDaemon(true);
            return t;
        });
        // a tenth of the timeout: a silent page is noticed at most 10 % late
        long period = Math.max(200, Math.min(5_000, timeout.toMillis() / 10));
        timer.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * Watches the page of {@code ui} (call it holding the UI's lock): {@code gone} runs once, on the watch's
     * thread, when the page has not been heard from for the timeout.
     */
    public Watch watch(UI ui, Runnable gone) {
        Watch w = new Watch(ui, gone);
        w.heartbeats = ui.addHeartbeatListener(e -> w.lastHeard = Math.max(w.lastHeard, e.getHeartbeatTime()));
        watches.add(w);
        return w;
    }

    private void check() {
        long now = System.currentTimeMillis();
        for (Watch w : watches) {
            if (now - w.lastHeard > timeout.toMillis() && watches.remove(w)) {
                LOG.info("A page was not heard from for {} s: its trainings end", timeout.toSeconds());
                try {
                    w.gone.run();
                } catch (RuntimeException e) {
                    LOG.warn("Ending the trainings of a silent page failed", e);
                }
                try {
                    w.ui.access(w.ui::close);
                } catch (UIDetachedException e) {
                    // already gone
                }
            }
        }
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }

    /** One page watched. */
    public final class Watch {

        private final UI ui;
        private final Runnable gone;
        private volatile long lastHeard = System.currentTimeMillis();
        private volatile Registration heartbeats;

        private Watch(UI ui, Runnable gone) {
            this.ui = ui;
            this.gone = gone;
        }

        /** Stops watching (any thread). */
        public void end() {
            if (watches.remove(this)) {
                try {
                    // listeners change under the UI's lock
                    ui.access(heartbeats::remove);
                } catch (UIDetachedException e) {
                    // the page is gone and its listeners with it
                }
            }
        }
    }
}
