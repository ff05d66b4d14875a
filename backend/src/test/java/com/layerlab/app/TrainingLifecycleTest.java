package com.layerlab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.lab.CnnPresets;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.experiment.Experiment;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * How trainings end with their pages, in Chromium: whatever the training's state and whatever request
 * is in flight, closing or leaving the page leaves no training thread (an anonymous visitor's run, the
 * CNN lab's, the playground's or the comparison's, once no page watched it for
 * layerlab.runs.unwatched-seconds, 1 s here: no test reloads a page); a browser killed without
 * unloading frees its runs once its heartbeats stop; and a busy server says why a training waits, for
 * as long as it waits. Heartbeats every 2 s and a page called gone after 10 s of silence keep it short
 * (five heartbeats missed: room for a heartbeat that waits for a busy page's lock on a loaded test
 * machine). Turns of ten minutes: a training keeps its slot for the whole test while others wait, as it
 * would until it pauses or ends (the turns themselves: TrainingSlotsTest, SchedulerLimitsTest).
 */
@TestPropertySource(properties = {"layerlab.data.dir=target/cnn-test-data", "vaadin.heartbeatInterval=2",
        "layerlab.page.timeout-seconds=" + TrainingLifecycleTest.PAGE_TIMEOUT_SECONDS, "layerlab.cnn.max-sessions=2",
        "layerlab.cnn.max-per-visitor=1", "layerlab.live.max-per-visitor=1",
        "layerlab.runs.unwatched-seconds=" + TrainingLifecycleTest.UNWATCHED_SECONDS, "layerlab.limits.turn-ms=600000",
        "layerlab.cnn.max-epochs=" + TrainingLifecycleTest.LONG_EPOCHS})
class TrainingLifecycleTest extends BrowserTestBase {

    /** The runtime's runs' threads: every page's (the CNN lab's, the playground's, the comparison's). */
    private static final String RUN = "run-";

    /** A page not heard from for this long is gone (layerlab.page.timeout-seconds). */
    static final int PAGE_TIMEOUT_SECONDS = 10;

    /** An anonymous visitor's run no page watches ends after this long (layerlab.runs.unwatched-seconds). */
    static final int UNWATCHED_SECONDS = 1;

    /** The epochs of a training that lasts the whole test (layerlab.cnn.max-epochs allows them here). */
    static final int LONG_EPOCHS = 1000;

    @Autowired
    TrainingRuntime runtime;

    /** Pages {@link #closeTab(Page)} closes: a close that runs beforeunload returns before the page is gone. */
    private final Set<Page> closing = new HashSet<>();

    @BeforeEach
    void noTrainingFromBefore() {
        // the contexts of an earlier test close after it: their trainings end then
        awaitThreads(RUN, 0, "before the test");
    }

    @AfterEach
    void noTrainingOutlivesItsTest() {
        for (Page p : context.pages()) {
            if (p != page && !closing.contains(p)) {
                closeTab(p);
            }
        }
        closing.clear();
        awaitThreads(RUN, 0, "after the test's pages closed");
    }

    /** Live threads whose name starts with {@code prefix}. */
    private static long threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    private void awaitThreads(String prefix, long count, String when) {
        awaitTrue(() -> threads(prefix) == count, Duration.ofSeconds(30),
                () -> threads(prefix) + " " + prefix + "* threads " + when + ", expected " + count + ":" + where(prefix));
    }

    /** The threads named {@code prefix}*, each with where it is (what a failure needs to find who left them). */
    private static String where(String prefix) {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (t.isAlive() && t.getName().startsWith(prefix)) {
                out.append("\n  ").append(t.getName()).append(" (").append(t.getState()).append(")");
                Arrays.stream(stack).limit(12).forEach(f -> out.append("\n    at ").append(f));
            }
        });
        return out.toString();
    }

    /** Waits until this app's runs of one kind ({@code image}: the CNN lab's) whose thread runs are {@code count}. */
    private void awaitRuns(boolean image, long count, String when) {
        awaitTrue(() -> runs(image) == count, Duration.ofSeconds(30),
                () -> runs(image) + (image ? " image" : " 2D") + " runs " + when + ", expected " + count);
    }

    private long runs(boolean image) {
        return runtime.activeRuns().stream().filter(r -> r.isImage() == image).count();
    }

    /** Waits on the test's own page, so that Playwright keeps handling the browsers' events (routes) meanwhile. */
    private void awaitTrue(BooleanSupplier condition, Duration within, java.util.function.Supplier<String> what) {
        long end = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError(what.get());
            }
            page.waitForTimeout(50);
        }
    }

    /**
     * A CNN lab link: the LeNet-style default, batches of 8, {@link #LONG_EPOCHS} epochs (a run of 50 could end
     * within a test on a fast machine), or {@code quick}: one short epoch.
     */
    private static String cnnLink(boolean quick) {
        Experiment e = quick ? CnnPresets.byKey(CnnPresets.PERCEPTRON, false).experiment() : CnnPresets.defaultExperiment();
        e = quick ? e.withData(e.data().withOption("limit", 200).withBatchSize(32)).withEpochs(1)
                : e.withData(e.data().withBatchSize(8)).withEpochs(LONG_EPOCHS);
        return CnnLinks.location(new CnnLinks.State(e, List.of()));
    }

    private Page openCnn(BrowserContext c, boolean quick) {
        Page p = c.newPage();
        open(p, cnnLink(quick));
        p.waitForSelector("#cnn-layer-0");
        return p;
    }

    private static void awaitStatus(Page p, String prefix) {
        try {
            p.waitForFunction("s => { const e = document.querySelector('#cnn-status'); return e && e.textContent.startsWith(s); }",
                    prefix, new Page.WaitForFunctionOptions().setTimeout(60_000));
        } catch (RuntimeException e) {
            screenshot(p, "lifecycle-debug");
            throw e;
        }
    }

    /**
     * Closes {@code p} as a person closes a tab: the browser runs the page's beforeunload, where Vaadin tells the
     * server at once (a plain close may tell it nothing on a loaded machine: the page would end only once the
     * page watch found it silent).
     */
    private void closeTab(Page p) {
        closing.add(p);
        p.close(new Page.CloseOptions().setRunBeforeUnload(true));
    }

    private static String status(Page p) {
        return p.locator("#cnn-status").innerText();
    }

    /**
     * Holds every request of the page's Vaadin client from now on: in flight for good. {@code loseUnload}: the
     * unload beacon is lost too (a browser that crashes, a network that goes as the tab closes), else it goes.
     */
    private static List<Route> holdRequests(Page p, boolean loseUnload) {
        List<Route> held = new CopyOnWriteArrayList<>();
        p.route(Pattern.compile("v-r=uidl"), route -> {
            String body = route.request().postData();
            if (body != null && body.contains("\"UNLOAD\"")) {
                if (loseUnload) {
                    route.abort();
                } else {
                    route.resume();
                }
                return;
            }
            held.add(route);
        });
        return held;
    }

    /** A browser of its own, to be killed: {@link #kill(String)} with its marker ends its processes as a crash would. */
    private Browser killableBrowser(String marker) {
        List<String> args = new ArrayList<>(CHROMIUM_ARGS);
        args.add(marker);
        return playwright.chromium().launch(new BrowserType.LaunchOptions().setHeadless(true)
                .setExecutablePath(Paths.get(System.getProperty("chromium.path", "/usr/bin/chromium"))).setArgs(args));
    }

    /** Kills the browser launched with {@code marker} (SIGKILL: no unload, no last request). */
    private static void kill(String marker) {
        List<ProcessHandle> chromium = ProcessHandle.allProcesses()
                .filter(ph -> ph.info().commandLine().map(cmd -> cmd.contains(marker)).orElse(false)).toList();
        assertTrue(!chromium.isEmpty(), "the browser's process");
        chromium.forEach(ProcessHandle::destroyForcibly);
    }

    private static void closeKilled(Browser b) {
        try {
            b.close();
        } catch (RuntimeException e) {
            // it was killed
        }
    }

    @Test
    void aStepInFlightWhenTheBrowserGoesDoesNotLeaveTheTrainingWaiting() {
        // the browser goes (killed) with a step in flight: no unload reaches the server, nothing detaches the page,
        // and Vaadin closes a silent page only when another request of its session comes, which never does once the
        // learner has gone; so the paused run would stay watched by a page that is gone until the session expires
        // (30 minutes): the page's silence ends it
        String marker = "--layerlab-kill-me=" + UUID.randomUUID();
        Browser doomed = killableBrowser(marker);
        try {
            Page p = openCnn(doomed.newContext(new Browser.NewContextOptions().setViewportSize(WIDTH, HEIGHT)), false);
            p.click("#cnn-step");
            awaitStatus(p, "Paused");
            assertEquals(1, threads(RUN));
            List<Route> held = holdRequests(p, true);
            p.click("#cnn-step");
            awaitTrue(() -> !held.isEmpty(), Duration.ofSeconds(10), () -> "the step's request was not sent");
            kill(marker);
            // longer than an unwatched run is kept: had the server been told, the run would have ended by now
            page.waitForTimeout(UNWATCHED_SECONDS * 1_000 + 500);
            assertEquals(1, threads(RUN), "nothing told the server that the page went");
            awaitThreads(RUN, 0, "after the browser went with a step in flight");
        } finally {
            closeKilled(doomed);
        }
    }

    @Test
    void everyStateAndRequestInFlightEndsWithItsPage() {
        // running, then closed
        Page p = openCnn(context, false);
        p.click("#cnn-train");
        awaitStatus(p, "Training");
        closeTab(p);
        awaitThreads(RUN, 0, "after closing a page that trains");

        // paused, then closed
        p = openCnn(context, false);
        p.click("#cnn-train");
        awaitStatus(p, "Training");
        p.click("#cnn-pause");
        awaitStatus(p, "Paused");
        assertEquals(0, runtime.computingCount(true), "paused: no slot");
        closeTab(p);
        awaitThreads(RUN, 0, "after closing a paused page");

        // finished, then closed
        p = openCnn(context, true);
        p.click("#cnn-train");
        awaitStatus(p, "Done");
        assertEquals(1, threads(RUN), "a finished training stays for looking at");
        assertEquals(0, runtime.computingCount(true), "finished: no slot");
        closeTab(p);
        awaitThreads(RUN, 0, "after closing a finished page");

        // paused with an export's weights asked for when the page goes: the dialog's request is in flight
        p = openCnn(context, false);
        p.click("#cnn-train");
        awaitStatus(p, "Training");
        p.click("#cnn-pause");
        awaitStatus(p, "Paused");
        List<Route> held = holdRequests(p, false);
        p.click("#cnn-export");
        awaitTrue(() -> !held.isEmpty(), Duration.ofSeconds(10), () -> "the export's request was not sent");
        // a plain close: with beforeunload run, the unload would come to the route of a page already closing
        p.close();
        awaitThreads(RUN, 0, "after closing a page with an export in flight");

        // training, and the learner goes to another page of the app
        p = openCnn(context, false);
        p.click("#cnn-train");
        awaitStatus(p, "Training");
        p.click("a[data-path='']");
        waitForVaadin(p);
        awaitRuns(true, 0, "after navigating away");
        // the playground: only open, it computes nothing (its run holds once built); playing, then closed
        awaitRuns(false, 1, "on the playground");
        awaitTrue(() -> runtime.computingCount(false) == 0, Duration.ofSeconds(10),
                () -> "a playground that is only open computes nothing");
        p.click("#play-button");
        awaitTrue(() -> runtime.computingCount(false) == 1, Duration.ofSeconds(10), () -> "the playground plays");
        closeTab(p);
        awaitThreads(RUN, 0, "after closing a playground that plays");

        // the comparison: playing, then closed with a click in flight
        p = context.newPage();
        open(p, "compare");
        p.click("#compare-play");
        awaitTrue(() -> runtime.computingCount(false) == 1, Duration.ofSeconds(10), () -> "the comparison plays");
        List<Route> heldCompare = holdRequests(p, false);
        p.click("#compare-play");
        awaitTrue(() -> !heldCompare.isEmpty(), Duration.ofSeconds(10), () -> "the pause's request was not sent");
        p.close();
        awaitThreads(RUN, 0, "after closing a comparison with a click in flight");
    }

    @Test
    void aBusyServerSaysWhyATrainingWaitsUntilItStarts() {
        // one image network per visitor: a second tab of the same visitor waits for the first
        Page first = openCnn(context, false);
        first.click("#cnn-train");
        awaitStatus(first, "Training");
        Page second = openCnn(context, false);
        second.click("#cnn-train");
        awaitStatus(second, "Waiting: your other pages are training 1 image network");
        second.waitForTimeout(1500);
        assertTrue(status(second).startsWith("Waiting: your other pages"), "the reason stays while it is true: "
                + status(second));
        assertTrue(second.locator("#cnn-stop").isEnabled(), "a waiting training can be stopped");
        screenshot(second, "cnn-waiting-visitor");
        // pausing the first frees its slot: the second starts by itself
        first.click("#cnn-pause");
        awaitStatus(second, "Training");

        // two image networks at once on this server: a third visitor waits for the server, and says so
        BrowserContext other = newContext();
        Page third = openCnn(other, false);
        first.click("#cnn-pause"); // resumes: the first waits for its visitor's slot, held by the second
        awaitStatus(first, "Waiting: your other pages");
        BrowserContext another = newContext();
        Page fourth = openCnn(another, false);
        fourth.click("#cnn-train");
        awaitStatus(fourth, "Training");
        third.click("#cnn-train");
        awaitStatus(third, "Waiting: the server is training 2 image networks right now");
        third.waitForTimeout(1500);
        assertTrue(status(third).startsWith("Waiting: the server is training"), status(third));
        // its place in the scheduler's queue: the first page's run waits too, but for its own visitor's slot
        assertTrue(status(third).contains("this one is 1st in line"), status(third));
        assertEquals(1, runtime.activeRuns().stream().filter(r -> r.status().position() == 1
                && r.status().message().contains("1st in line")).count(), "the run's status has its place");
        assertTrue(runtime.waitingCount() >= 1 && runtime.queueLength() >= 1, "the third's run waits: "
                + runtime.waitingCount() + " waiting, " + runtime.queueLength() + " in the queue");
        screenshot(third, "cnn-waiting-server");
        closeTab(fourth);
        awaitStatus(third, "Training");
        assertEquals(2, runtime.computingCount(true));
        closeTab(third);
    }

    @Test
    void twoPlaygroundsOfOneVisitorTakeTurns() {
        // one 2D network of a visitor computes at once here: its pages' runs take turns (a run gives its slot
        // back while it sleeps until its next epoch is due, TrainingSlots), so both train, neither waits for good
        Page first = context.newPage();
        open(first, "");
        first.click("#play-button");
        awaitTrue(() -> runtime.computingCount(false) == 1, Duration.ofSeconds(10), () -> "the first playground plays");
        Page second = context.newPage();
        open(second, "");
        second.click("#play-button");
        // the button says it plays as soon as it is pressed, while the run waits for its turn
        second.waitForFunction("() => document.querySelector('#play-button').dataset.playing === 'true'");
        int firstAt = epoch(first);
        int secondAt = epoch(second);
        awaitTrue(() -> {
            assertTrue(runtime.computingCount(false) <= 1, "one 2D network of the visitor computes at once");
            return epoch(first) > firstAt + 20 && epoch(second) > secondAt + 20;
        }, Duration.ofSeconds(30), () -> "both playgrounds train, taking turns: epochs " + epoch(first) + " and "
                + epoch(second));
        screenshot(second, "playground-turns");
        closeTab(first);
        closeTab(second);
    }

    /** The epoch a playground page shows ("000,042": 42). */
    private static int epoch(Page p) {
        return Integer.parseInt(p.locator("#epoch").innerText().replaceAll("\\D", ""));
    }

    @Test
    void aKilledBrowserFreesItsRunsOnceItsHeartbeatsStop() {
        String marker = "--layerlab-kill-me=" + UUID.randomUUID();
        Browser doomed = killableBrowser(marker);
        try {
            BrowserContext c = doomed.newContext(new Browser.NewContextOptions().setViewportSize(WIDTH, HEIGHT));
            Page cnnPage = openCnn(c, false);
            cnnPage.click("#cnn-train");
            awaitStatus(cnnPage, "Training");
            Page playground = c.newPage();
            open(playground, "");
            playground.click("#play-button");
            awaitTrue(() -> runtime.computingCount(false) == 1, Duration.ofSeconds(10), () -> "the playground plays");
            // an open page is heard from: it keeps its trainings well past the silence allowed
            cnnPage.waitForTimeout(PAGE_TIMEOUT_SECONDS * 1_300);
            assertEquals(1, runs(true));
            assertEquals(1, runs(false));
            assertTrue(status(cnnPage).startsWith("Training"), status(cnnPage));

            kill(marker);
            // no unload: the runs are still there just after the kill...
            page.waitForTimeout(300);
            assertEquals(2, threads(RUN), "nothing told the server yet");
            // ...and end a few seconds later, when the server has not heard from their pages
            awaitThreads(RUN, 0, "after the browser was killed");
            assertEquals(0, runtime.computingCount(true));
            assertEquals(0, runtime.computingCount(false));
        } finally {
            closeKilled(doomed);
        }
    }
}
