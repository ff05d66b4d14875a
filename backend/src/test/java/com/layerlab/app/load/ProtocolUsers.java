package com.layerlab.app.load;

import java.io.IOException;
import java.net.CookieManager;
import java.util.ArrayList;
import java.util.List;

/**
 * The simulated people who speak Vaadin's protocol without a browser ({@link VaadinPage}), one thread each:
 * each opens the playground with a small training, presses play and watches the run's frames arrive through
 * server push until it ends; some sign in first (their runs are owned runs), some close their tab abruptly
 * mid-run (no unload beacon, no more heartbeats). They measure the server: no layout or drawing shares its
 * cores, which is what thirty Chromium pages on the same two cores would measure instead.
 */
final class ProtocolUsers {

    /** Frames a closing user watches before it closes its tab (about a second of training). */
    private static final int FRAMES_BEFORE_CLOSING = 10;

    private final String base;
    private final LoadTest.Settings settings;
    private final LoadReport.Pages measured;
    private final LoadReport report;
    private final List<User> users = new ArrayList<>();

    ProtocolUsers(String base, LoadTest.Settings settings, LoadReport report, List<Integer> indexes) {
        this.base = base;
        this.settings = settings;
        this.report = report;
        this.measured = report.simulatedPages;
        for (int i : indexes) {
            users.add(new User(i));
        }
    }

    /** Signs in the users that sign in (before the ramp, so that it does not hold the ramp up). */
    void prepare() {
        for (User u : users) {
            if (settings.signsIn(u.index)) {
                try {
                    u.signIn();
                } catch (IOException | RuntimeException e) {
                    report.failure(u.label() + ": cannot sign in: " + e);
                    u.failed = true;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Opens the playground once, unmeasured, as a server that has been up a while has done: the first view a
     * JVM builds loads and compiles its classes (seconds), which a class arriving at a running server does
     * not wait for.
     */
    void warmUp() throws IOException, InterruptedException {
        VaadinPage page = new VaadinPage(base, new CookieManager());
        try {
            page.open("", settings.playgroundQuery());
            await(page, "play-button", System.nanoTime() + settings.runDeadline().toNanos());
        } finally {
            page.close(false);
        }
    }

    /** Starts every user at its place on the ramp from {@code t0} (System.nanoTime()); returns their threads. */
    List<Thread> start(long t0) {
        List<Thread> threads = new ArrayList<>();
        for (User u : users) {
            if (u.failed) {
                continue;
            }
            Thread t = new Thread(() -> u.run(t0 + settings.startOffset(u.index).toNanos()), "simulated-user-" + u.index);
            t.start();
            threads.add(t);
        }
        return threads;
    }

    /** One simulated person with its own cookies (its own session). */
    private final class User {
        final int index;
        final CookieManager cookies = new CookieManager();
        boolean failed;
        // written by the push thread, read by this user's thread
        private final List<Long> frames = new ArrayList<>();
        private volatile long playing;
        private volatile long ended;

        User(int index) {
            this.index = index;
        }

        String label() {
            return "simulated user " + index + (settings.signsIn(index) ? " (signed in)" : " (visitor)");
        }

        void signIn() throws IOException, InterruptedException {
            String name = "loadp" + index + "u" + System.nanoTime() % 100_000;
            ApiClient.signUp(base, name);
            ProtocolUsers.signIn(base, cookies, name);
        }

        void run(long startAt) {
            try {
                sleepUntil(startAt);
                watch(startAt);
            } catch (IOException | RuntimeException e) {
                report.failure(label() + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void watch(long startAt) throws IOException, InterruptedException {
            VaadinPage page = new VaadinPage(base, cookies);
            long deadline = startAt + settings.runDeadline().toNanos();
            boolean abruptly = settings.leavesMidRun(index);
            try {
                long navigation = System.nanoTime();
                VaadinPage.Opened opened = page.open("", settings.playgroundQuery());
                measured.firstByte.add(ms(opened.firstByte() - navigation));
                // the view is ready once its epoch counter and play button are in the page (as for a browser)
                int epochNode = await(page, "epoch", deadline);
                int playNode = await(page, "play-button", deadline);
                double response = ms(System.nanoTime() - navigation);
                measured.response.add(response);
                report.pageOpened(index, ms(navigation - startAt + settings.startOffset(index).toNanos()), response);
                page.onAttribute((node, attribute, value, at) -> {
                    if (node == epochNode && "data-progress".equals(attribute)) {
                        synchronized (frames) {
                            frames.add(at);
                        }
                    } else if (node == playNode && "data-playing".equals(attribute)) {
                        if ("true".equals(value) && playing == 0) {
                            playing = at;
                        } else if ("false".equals(value) && playing != 0 && ended == 0) {
                            ended = at;
                        }
                    }
                });
                long clicked = System.nanoTime();
                if ("true".equals(page.attribute(playNode, "data-playing").orElse(""))) {
                    playing = clicked; // the view found this session's run again: a click would pause it
                } else {
                    page.click(playNode);
                }
                report.runStarted("page");
                page.stayWhile(() -> ended == 0 && System.nanoTime() < deadline
                        && !(abruptly && frameCount() >= FRAMES_BEFORE_CLOSING));
                take(clicked);
                if (ended != 0) {
                    // read once the message that ended it is applied whole (the counter may come after the button)
                    String endEpoch = page.attribute(epochNode, "data-epoch").orElse("0");
                    boolean finished = Integer.parseInt(endEpoch) >= settings.pageEpochs();
                    report.runEnded("page", finished ? "finished" : "stopped", finished ? "" : "at epoch " + endEpoch);
                } else if (abruptly) {
                    report.closedMidRun();
                } else {
                    report.runOutlasted(label() + ": its run was not seen ending within "
                            + settings.runDeadline().toSeconds() + " s (" + frameCount() + " frames)");
                }
            } finally {
                page.close(abruptly);
            }
        }

        private int frameCount() {
            synchronized (frames) {
                return frames.size();
            }
        }

        /** The measurements of this user's run, in the report. */
        private void take(long clicked) {
            if (playing != 0) {
                measured.play.add(ms(playing - clicked));
            }
            synchronized (frames) {
                if (!frames.isEmpty()) {
                    measured.queueWait.add(ms(frames.get(0) - clicked));
                }
                for (int i = 1; i < frames.size(); i++) {
                    measured.frameInterval.add(ms(frames.get(i) - frames.get(i - 1)));
                }
            }
        }
    }

    /** Signs {@code name} in on the sign-in page, as a person types and clicks; the session is in {@code cookies}. */
    static void signIn(String base, CookieManager cookies, String name) throws IOException, InterruptedException {
        VaadinPage page = new VaadinPage(base, cookies);
        try {
            page.open("signin", "");
            page.type(need(page, "signin-username"), name);
            page.type(need(page, "signin-password"), LoadTest.PASSWORD);
            page.click(need(page, "signin-submit"));
        } finally {
            page.close(false);
        }
        // a signed-in user opening the sign-in page is sent on to the account page
        VaadinPage check = new VaadinPage(base, cookies);
        try {
            check.open("signin", "");
            if (check.node("signin-username").isPresent()) {
                throw new IOException("still signed out after signing in" + check.problem().map(p -> " (" + p + ")").orElse(""));
            }
        } finally {
            check.close(false);
        }
    }

    /** The node of element {@code id}, waiting for it to arrive (through push) until {@code deadline}. */
    static int await(VaadinPage page, String id, long deadline) throws IOException, InterruptedException {
        while (page.node(id).isEmpty() && page.problem().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return need(page, id);
    }

    private static int need(VaadinPage page, String id) throws IOException {
        return page.node(id).orElseThrow(() -> new IOException("no element #" + id + " in the view"
                + page.problem().map(p -> " (" + p + ")").orElse("")));
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
