package com.layerlab.app.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.layerlab.app.BrowserTestBase;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.WaitUntilState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The simulated people in a real browser: one headless Chromium with a light context (its own cookies and
 * session) per user.
 * Each opens the playground with a small training, presses play and watches it through server push to its
 * end; some sign in first (their runs are owned runs), some close their page abruptly mid-run. The pages
 * measure themselves (watch-playground.js); this class, on one thread (Playwright's objects are not
 * thread-safe), opens them on a ramp, reads what they measured, and closes them.
 */
final class BrowserUsers {

    /** Frames a closing user watches before it closes its page (about a second of training). */
    private static final int FRAMES_BEFORE_CLOSING = 10;
    private static final Duration POLL = Duration.ofMillis(250);

    private final String base;
    private final LoadTest.Settings settings;
    private final LoadReport report;
    private final LoadReport.Pages measured;
    private final List<Integer> indexes;
    private final ObjectMapper json = new ObjectMapper();

    BrowserUsers(String base, LoadTest.Settings settings, LoadReport report, List<Integer> indexes) {
        this.base = base;
        this.settings = settings;
        this.report = report;
        this.measured = report.browserPages;
        this.indexes = indexes;
    }

    /** One simulated person: its place on the ramp, whether it signs in, whether it leaves mid-run. */
    private final class User {
        final int index;
        final boolean signsIn;
        final boolean leavesMidRun;
        long startAt;
        BrowserContext context;
        Page page;
        long deadline;
        boolean opened;
        boolean started;
        boolean done;

        User(int index) {
            this.index = index;
            this.signsIn = settings.signsIn(index);
            this.leavesMidRun = settings.leavesMidRun(index);
        }

        String label() {
            return "page user " + index + (signsIn ? " (signed in)" : " (visitor)");
        }
    }

    /** Runs these users on this thread, each starting at its place on the ramp from {@code t0} (System.nanoTime()). */
    void run(long t0) throws IOException, InterruptedException {
        if (indexes.isEmpty()) {
            return;
        }
        String watcher;
        try (InputStream in = BrowserUsers.class.getResourceAsStream("/load/watch-playground.js")) {
            watcher = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String playground = "?" + settings.playgroundQuery();
        try (Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setHeadless(true)
                     .setExecutablePath(Paths.get(System.getProperty("chromium.path", "/usr/bin/chromium")))
                     .setArgs(BrowserTestBase.CHROMIUM_ARGS))) {
            List<User> users = new ArrayList<>();
            for (int i : indexes) {
                users.add(new User(i));
            }
            // signing in blocks this thread for a few round trips: done before the ramp, it does not hold it up
            for (User u : users) {
                if (u.signsIn) {
                    signIn(browser, u, watcher);
                }
            }
            for (User u : users) {
                u.startAt = t0 + settings.startOffset(u.index).toNanos();
            }
            while (users.stream().anyMatch(u -> !u.done)) {
                long now = System.nanoTime();
                for (User u : users) {
                    if (u.done) {
                        continue;
                    }
                    try {
                        if (!u.opened && now >= u.startAt) {
                            open(browser, u, watcher, playground);
                        } else if (u.opened) {
                            look(u);
                        }
                    } catch (RuntimeException | IOException e) {
                        report.failure(u.label() + ": " + brief(e));
                        close(u);
                    }
                }
                Thread.sleep(POLL.toMillis());
            }
        }
    }

    /** A signed-up user's context, signed in on the sign-in page (where it lands, the start page, it stays). */
    private void signIn(Browser browser, User u, String watcher) {
        try {
            newContext(browser, u, watcher);
            String name = "load" + u.index + "u" + System.nanoTime() % 100_000;
            ApiClient.signUp(base, name);
            u.page.navigate("signin");
            u.page.locator("#signin-username input").fill(name);
            u.page.locator("#signin-password input").fill(LoadTest.PASSWORD);
            u.page.locator("#signin-submit").click();
            u.page.waitForURL(url -> !url.contains("signin"));
        } catch (RuntimeException | IOException e) {
            report.failure(u.label() + ": cannot sign in: " + brief(e));
            close(u);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(u);
        }
    }

    private void open(Browser browser, User u, String watcher, String playground) {
        if (u.context == null) {
            newContext(browser, u, watcher);
        }
        u.opened = true;
        u.deadline = System.nanoTime() + settings.runDeadline().toNanos();
        // the page presses play itself once it is ready: the driver goes on to the other users at once
        u.page.navigate(playground, new Page.NavigateOptions().setWaitUntil(WaitUntilState.COMMIT));
    }

    private void newContext(Browser browser, User u, String watcher) {
        u.context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800).setBaseURL(base));
        u.context.setDefaultTimeout(60_000);
        u.context.addInitScript(watcher);
        u.page = u.context.newPage();
    }

    /** Reads what the page measured; takes it in and closes the page once its run ended, or mid-run for a leaver. */
    private void look(User u) throws IOException {
        JsonNode read = json.readTree((String) u.page.evaluate("() => JSON.stringify(window.__layerlabLoad || null)"));
        // null until the playground's document has run the watcher (just after the navigation began)
        JsonNode rec = read.isNull() ? null : read;
        boolean clicked = rec != null && !rec.get("clicked").isNull();
        if (clicked && !u.started) {
            u.started = true;
            report.runStarted("page");
        }
        boolean ended = rec != null && !rec.get("ended").isNull();
        boolean leaving = u.leavesMidRun && !ended && rec != null && rec.get("frames").size() >= FRAMES_BEFORE_CLOSING;
        boolean late = System.nanoTime() > u.deadline;
        if (!ended && !leaving && !late) {
            return;
        }
        if (rec != null) {
            take(rec);
        }
        if (ended) {
            int epoch = rec.get("endEpoch").asInt();
            boolean finished = epoch >= settings.pageEpochs();
            report.runEnded("page", finished ? "finished" : "stopped",
                    finished ? "" : "at epoch " + epoch + ": " + rec.get("notices"));
        } else if (leaving) {
            report.closedMidRun();
        } else if (clicked) {
            report.runOutlasted(u.label() + ": its run was not seen ending within " + settings.runDeadline().toSeconds()
                    + " s (" + rec.get("frames").size() + " frames, last epoch " + rec.get("epochs").path(rec.get("epochs").size() - 1) + ")");
        } else {
            report.failure(u.label() + ": the playground was not ready to play within " + settings.runDeadline().toSeconds()
                    + " s" + (rec == null ? " (no page)" : ", ready at " + rec.get("ready")));
        }
        close(u);
    }

    /** The page's measurements, in the report. */
    private void take(JsonNode rec) {
        if (!rec.get("ready").isNull()) {
            measured.response.add(rec.get("ready").asDouble());
        }
        if (rec.hasNonNull("firstByte")) {
            measured.firstByte.add(rec.get("firstByte").asDouble());
        }
        double clicked = rec.get("clicked").asDouble(Double.NaN);
        if (!rec.get("playing").isNull()) {
            measured.play.add(rec.get("playing").asDouble() - clicked);
        }
        JsonNode frames = rec.get("frames");
        if (frames.size() > 0) {
            measured.queueWait.add(frames.get(0).asDouble() - clicked);
        }
        List<Double> intervals = new ArrayList<>();
        for (int i = 1; i < frames.size(); i++) {
            intervals.add(frames.get(i).asDouble() - frames.get(i - 1).asDouble());
        }
        measured.frameInterval.addAll(intervals);
    }

    /** An error's message on one line, short enough for the report (Playwright's run over many lines). */
    private static String brief(Exception e) {
        String m = String.valueOf(e.getMessage()).replaceAll("\\s+", " ").trim();
        return m.length() > 240 ? m.substring(0, 240) + "..." : m;
    }

    private static void close(User u) {
        u.done = true;
        if (u.context != null) {
            u.context.close();
        }
    }
}
