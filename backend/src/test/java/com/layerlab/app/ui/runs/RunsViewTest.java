package com.layerlab.app.ui.runs;

import static com.layerlab.app.AccountSteps.PASSWORD;
import static com.layerlab.app.AccountSteps.fill;
import static com.layerlab.app.AccountSteps.newName;
import static com.layerlab.app.AccountSteps.signOut;
import static com.layerlab.app.AccountSteps.signUp;
import static com.layerlab.app.AccountSteps.submitSignUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.lab.CompareActivation;
import com.layerlab.app.lab.CompareLinks;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.training.PointFrames;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunJournal;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.TestRuns;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.train.EpochStats;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * "My runs" in Chromium: a signed-in user's CNN run trains on after its page closes, is found under My
 * runs still training, opens again on its page, pauses, resumes and stops there; an anonymous visitor
 * sees only their own runs. Sign-in (and sign-up) return to the page they were asked from, and never
 * to another site.
 */
// a fresh data folder (and database) per run; a run nobody watches is noticed after 2 s, and an ended one
// closed then (each test stops its runs at its end: no run outlives the test)
@TestPropertySource(properties = {"layerlab.data.dir=target/runs-test/${random.uuid}", "layerlab.runs.unwatched-seconds=2"})
class RunsViewTest extends BrowserTestBase {

    private static final Pattern EPOCH = Pattern.compile("^Epoch ([\\d.]+)");

    @Autowired
    TrainingRuntime runtime;
    @Autowired
    RunJournal journal;

    @AfterEach
    void noRunOutlivesTheTest() throws InterruptedException {
        // a closed page's unload beacon tells the server at once; where one is lost, the page watch ends its hold
        // once no heartbeat came for layerlab.page.timeout-seconds (90): the bound this waits for
        TestRuns.stopAll(runtime, Duration.ofSeconds(100));
    }

    /** Starts a long CNN training on MNIST on {@code p}'s lab and waits until it trains batches. */
    private void startTraining(Page p) {
        open(p, "cnn");
        p.waitForSelector("#cnn-layer-0");
        p.locator("#cnn-epochs input").fill("50");
        p.locator("#cnn-epochs input").press("Tab");
        waitForVaadin(p);
        p.click("#cnn-train");
        p.waitForFunction("() => / batch \\d+ of \\d+/.test(document.querySelector('#cnn-epoch').textContent)",
                null, new Page.WaitForFunctionOptions().setTimeout(120_000));
    }

    /** The epochs a row's progress ("Epoch 1.25 of 50 · batch 12 of 48") says are done. */
    private static double progress(Locator row) {
        String text = row.locator(".ll-run-progress").innerText();
        Matcher m = EPOCH.matcher(text);
        assertTrue(m.find(), text);
        return Double.parseDouble(m.group(1));
    }

    private static void awaitState(Page p, Locator row, String state) {
        p.waitForCondition(() -> state.equals(row.locator(".ll-run-state").getAttribute("data-state")),
                new Page.WaitForConditionOptions().setTimeout(60_000));
    }

    @Test
    void aSignedInUsersRunTrainsOnAfterItsPageClosesAndMyRunsOpensPausesAndStopsIt() throws InterruptedException {
        String name = newName("runner");
        signUp(page, name);
        startTraining(page);
        page.close();

        Page runs = context.newPage();
        open(runs, "runs");
        Locator row = runs.locator(".ll-run-row");
        assertEquals(1, row.count());
        awaitState(runs, row, "running");
        assertTrue(row.locator(".ll-row-name").innerText().startsWith("CNN lab: "), row.locator(".ll-row-name").innerText());
        // the page refreshes by itself: two looks a moment apart see the run further on
        double first = progress(row);
        runs.waitForCondition(() -> progress(row) > first, new Page.WaitForConditionOptions().setTimeout(60_000));
        assertEquals("running", row.locator(".ll-run-state").getAttribute("data-state"));
        // the closed tab's page lets the run go once the server hears it went (on a busy machine, a moment later)
        runs.waitForCondition(() -> row.locator(".ll-hint").innerText().contains("no page for"),
                new Page.WaitForConditionOptions().setTimeout(30_000));
        screenshot(runs, "my-runs-signed-in");

        Run<?> run = runtime.runsOf("user:" + name).get(0);
        assertEquals(0, run.subscriberCount());
        row.locator(".ll-run-open").click();
        runs.waitForURL("**/cnn?**");
        waitForVaadin(runs);
        runs.waitForFunction("() => document.querySelector('#cnn-status').textContent.startsWith('Training')",
                null, new Page.WaitForFunctionOptions().setTimeout(60_000));
        double shown = epochs(runs.locator("#cnn-epoch").innerText());
        assertTrue(shown >= first, "the lab shows the live run, not a new one: " + shown + " < " + first);
        assertEquals(1, run.subscriberCount(), "the lab attached to the run");
        assertEquals(1, runtime.runsOf("user:" + name).stream().filter(r -> !r.untouched()).count(), "Open started no other run");
        assertEquals("50", runs.locator("#cnn-epochs input").inputValue(), "the lab has the run's settings");
        screenshot(runs, "my-runs-opened");

        // the header's "My work" opens My experiments; its tabs lead to My runs
        runs.click("#ll-nav a[data-path='experiments']");
        runs.waitForURL("**/experiments");
        assertEquals("My work", runs.locator("#ll-nav a.active").innerText().trim());
        runs.click("#ll-mywork-tabs a[href='runs']");
        runs.waitForURL("**/runs");
        waitForVaadin(runs);
        assertEquals("My runs", runs.locator("#ll-mywork-tabs a.active").innerText().trim());
        assertEquals("My work", runs.locator("#ll-nav a.active").innerText().trim());
        Locator again = runs.locator(".ll-run-row");
        again.locator(".ll-run-pause").click();
        awaitState(runs, again, "paused");
        assertEquals("Resume", again.locator(".ll-run-pause").innerText().trim());
        again.locator(".ll-run-pause").click();
        awaitState(runs, again, "running");
        again.locator(".ll-run-stop").click();
        awaitState(runs, again, "stopped");
        assertTrue(again.locator(".ll-run-message").innerText().startsWith("Stopped at epoch"),
                again.locator(".ll-run-message").innerText());
        assertEquals(0, again.locator(".ll-run-stop:visible").count(), "a stopped run has nothing to stop");
        screenshot(runs, "my-runs-stopped");
        assertTrue(run.awaitTermination(Duration.ofSeconds(30)), "an ended run nobody shows is closed");
        runs.waitForCondition(() -> again.locator(".ll-run-open:visible").count() == 0);
        runs.close();
    }

    @Test
    void aRunTheServersRestartInterruptedIsListedInterruptedAndResumesFromItsLastCheckpoint() throws InterruptedException {
        String name = newName("restart");
        String user = "user:" + name;
        signUp(page, name);
        // as a killed server leaves a run: its checkpoint (epoch 3) on disk, its journal entry still running
        Run<?> trained = runtime.submit(List.of(TestRuns.POINTS), new RunOptions(user, true, RunPages.PLAYGROUND, false, 3),
                PointFrames.playground());
        TestRuns.await(trained, s -> s.state() == RunState.FINISHED, "finished");
        String id = "restart" + Math.abs(name.hashCode());
        journal.write(new RunJournal.Entry(id, user, RunPages.PLAYGROUND, null, List.of(TestRuns.POINTS), RunState.RUNNING,
                300, 3, trained.folder(), "cpu", "cpu", null, Instant.now(), Instant.now()));
        // what the server does as it starts again
        runtime.restoreInterrupted(false, Duration.ZERO);

        open(page, "runs");
        Locator row = rowOf(page, id);
        awaitState(page, row, "interrupted");
        assertTrue(row.locator(".ll-run-message").innerText().contains("The server stopped while this run was running"),
                row.locator(".ll-run-message").innerText());
        assertTrue(row.locator(".ll-run-progress").innerText().startsWith("Epoch 3 of 300"), row.locator(".ll-run-progress").innerText());
        assertEquals(0, row.locator(".ll-run-stop:visible").count(), "an interrupted run has nothing to stop");
        screenshot(page, "my-runs-interrupted");

        row.locator(".ll-run-resume").click();
        page.waitForCondition(() -> progress(row) > 3, new Page.WaitForConditionOptions().setTimeout(60_000));
        assertEquals(0, row.locator(".ll-run-resume:visible").count(), "resumed, it trains on");
        Run<?> resumed = runtime.find(id, user).orElseThrow();
        TestRuns.await(resumed, s -> s.epoch() >= 6, "past its checkpoint");
        List<EpochStats> history = resumed.history().get(0);
        for (int e = 0; e < history.size(); e++) {
            assertEquals(e, history.get(e).epoch(), "every epoch once, from the checkpoint on: " + history);
        }
        assertEquals(trained.history().get(0), history.subList(0, 4), "the epochs before the checkpoint are the checkpoint's");
        screenshot(page, "my-runs-resumed");
    }

    @Test
    void anInterruptedRunIsDiscardedAfterAConfirmWithItsFolderAndOnlyItsOwnerSeesIt() throws InterruptedException {
        String name = newName("discard");
        String user = "user:" + name;
        signUp(page, name);
        Run<?> trained = runtime.submit(List.of(TestRuns.POINTS), new RunOptions(user, true, RunPages.PLAYGROUND, false, 1),
                PointFrames.playground());
        TestRuns.await(trained, s -> s.state() == RunState.FINISHED, "finished");
        // closed once unwatched: nothing writes into its folder any more
        assertTrue(trained.awaitTermination(Duration.ofSeconds(30)));
        String id = "discard" + Math.abs(name.hashCode());
        journal.write(new RunJournal.Entry(id, user, RunPages.PLAYGROUND, null, List.of(TestRuns.POINTS), RunState.RUNNING,
                300, 1, trained.folder(), "cpu", "cpu", null, Instant.now(), Instant.now()));
        Instant restarted = Instant.now();
        runtime.restoreInterrupted(false, Duration.ofDays(7));

        Page theirs = newContext().newPage();
        open(theirs, "runs");
        assertEquals(0, theirs.locator(".ll-run-row").count(), "another visitor has no row of it to discard");
        theirs.close();

        open(page, "runs");
        Locator row = rowOf(page, id);
        awaitState(page, row, "interrupted");
        // its owner learns how long it waits for them: a week from the restart (the minute may turn meanwhile)
        String message = row.locator(".ll-run-message").innerText();
        java.time.format.DateTimeFormatter day = java.time.format.DateTimeFormatter.ofPattern("d MMM, HH:mm", java.util.Locale.ENGLISH)
                .withZone(java.time.ZoneOffset.UTC);
        Instant week = restarted.plus(Duration.ofDays(7));
        assertTrue(message.contains("Kept until " + day.format(week) + " UTC unless you resume it")
                || message.contains("Kept until " + day.format(week.plusSeconds(60)) + " UTC unless you resume it"), message);
        row.locator(".ll-run-discard").click();
        page.locator("#discard-confirm").waitFor();
        screenshot(page, "my-runs-discard");
        page.locator("#discard-confirm").click();
        page.waitForCondition(() -> row.count() == 0);
        assertTrue(runtime.find(id, user).isEmpty(), "the runtime lists it no more");
        assertTrue(journal.unfinished().stream().noneMatch(e -> e.id().equals(id)), "its journal row is gone");
        assertFalse(Files.exists(trained.folder()), "its folder is deleted");
    }

    /** Waits until {@code p}'s My runs lists the run {@code id}, and gives its row. */
    private static Locator rowOf(Page p, String id) {
        Locator row = p.locator(".ll-run-row[data-id='" + id + "']");
        p.waitForCondition(() -> row.count() == 1, new Page.WaitForConditionOptions().setTimeout(30_000));
        return row;
    }

    @Test
    void playgroundAndComparisonRunsThatTrainedAreListedAndOpenAttachesToThem() {
        String name = newName("points");
        String user = "user:" + name;
        signUp(page, name);
        // sign-up lands on the playground, whose run waits for play: left untouched, it is no one's work
        String untouched = page.locator(".ll-playground").getAttribute("data-run");
        assertTrue(runtime.find(untouched, user).isPresent(), untouched);

        // a long run on other data: two steps, then play; the page closes while it trains
        PlaygroundSettings xor = PlaygroundSettings.DEFAULTS.toBuilder().dataset("xor").epochs(10_000).build();
        open(page, "?" + ShareLinks.queryString(ShareLinks.playgroundQuery(xor)));
        page.waitForCondition(() -> !untouched.equals(page.locator(".ll-playground").getAttribute("data-run")));
        for (int b = 1; b <= 2; b++) {
            page.locator("#step-button").click();
            page.waitForFunction("b => document.querySelector('#epoch-batch').textContent === 'batch ' + b + ' of 25'", b);
        }
        page.locator("#play-button").click();
        page.waitForFunction("() => document.querySelector('#play-button').dataset.playing === 'true'");
        String trained = page.locator(".ll-playground").getAttribute("data-run");
        Run<?> run = runtime.find(trained, user).orElseThrow();
        page.close();

        Page runs = context.newPage();
        open(runs, "runs");
        Locator row = rowOf(runs, trained);
        awaitState(runs, row, "running");
        assertEquals(1, runs.locator(".ll-run-row").count(), "the untouched playground's run is not listed");
        assertTrue(runtime.runsOf(user).stream().anyMatch(r -> r.id().equals(untouched)), "it is the runtime's still");
        assertTrue(row.locator(".ll-row-name").innerText().startsWith("Playground: "), row.locator(".ll-row-name").innerText());
        double before = progress(row);
        screenshot(runs, "my-runs-playground");
        int submitted = runtime.runsOf(user).size();
        row.locator(".ll-run-open").click();
        runs.waitForSelector(".ll-playground[data-run='" + trained + "']");
        waitForVaadin(runs);
        assertEquals(1, run.subscriberCount(), "the playground attached to the run");
        assertEquals(submitted, runtime.runsOf(user).size(), "Open started no other run");
        runs.waitForFunction("b => Number(document.querySelector('#epoch').dataset.progress) > b", before,
                new Page.WaitForFunctionOptions().setTimeout(60_000));
        assertEquals("true", runs.locator("#play-button").getAttribute("data-playing"), "it trains on");
        String settings = baseUrl() + "?" + ShareLinks.queryString(ShareLinks.playgroundQuery(xor));
        assertTrue(runs.url().startsWith(settings), "the page shows the run's settings: " + runs.url());
        screenshot(runs, "my-runs-opened-playground");
        runs.close();

        // a comparison: untouched it is not listed; one step and play, and it is
        Page cmp = context.newPage();
        open(cmp, CompareLinks.location(new CompareLinks.State(CompareLinks.DEFAULT_SETTINGS.toBuilder().epochs(10_000).build(),
                CompareActivation.DEFAULTS)));
        cmp.waitForSelector("#compare-view[data-run]");
        String compared = cmp.locator("#compare-view").getAttribute("data-run");
        Page list = context.newPage();
        open(list, "runs");
        rowOf(list, trained);
        assertEquals(0, list.locator(".ll-run-row[data-id='" + compared + "']").count(), "an untouched comparison is not listed");
        cmp.click("#compare-step");
        cmp.waitForFunction("() => document.querySelector('#compare-epoch').dataset.batch === '1'");
        cmp.click("#compare-play");
        cmp.waitForFunction("() => document.querySelector('#compare-play').textContent.trim() === 'Pause'");
        Run<?> comparison = runtime.find(compared, user).orElseThrow();
        cmp.close();
        Locator cRow = rowOf(list, compared);
        awaitState(list, cRow, "running");
        assertTrue(cRow.locator(".ll-row-name").innerText().startsWith("Compare activations: "), cRow.locator(".ll-row-name").innerText());
        double cBefore = progress(cRow);
        cRow.locator(".ll-run-open").click();
        list.waitForSelector("#compare-view[data-run='" + compared + "']");
        waitForVaadin(list);
        assertEquals(1, comparison.subscriberCount(), "the comparison attached to the run");
        list.waitForFunction("b => parseFloat(document.querySelector('#compare-epoch').textContent.replace('Epoch ', '')) > b",
                cBefore, new Page.WaitForFunctionOptions().setTimeout(60_000));
        assertEquals(3, list.locator("#compare-cards > *").count(), "the run's three activations");
        screenshot(list, "my-runs-opened-compare");
        list.close();
    }

    @Test
    void anAnonymousVisitorSeesOnlyTheirOwnRuns() {
        startTraining(page);
        Page runs = context.newPage();
        open(runs, "runs");
        assertEquals(1, runs.locator(".ll-run-row").count());
        assertTrue(runs.locator("#my-runs .ll-hint").first().innerText().contains("Without an account"));

        BrowserContext other = newContext();
        Page theirs = other.newPage();
        open(theirs, "runs");
        assertEquals(0, theirs.locator(".ll-run-row").count());
        assertTrue(theirs.locator("#my-runs-empty").isVisible());
        screenshot(theirs, "my-runs-empty");

        // the first visitor's Open link, in the other's browser: a clear message, and the lab as usual
        String openLink = runs.locator(".ll-run-row .ll-run-open").getAttribute("href");
        assertTrue(openLink.startsWith("cnn?") && openLink.contains("&run="), openLink);
        Run<?> run = runtime.activeRuns().get(0);
        int watchers = run.subscriberCount();
        open(theirs, openLink);
        theirs.waitForSelector("#cnn-layer-0");
        assertTrue(theirs.locator("#cnn-link-error").innerText().startsWith("There is no CNN lab run \"" + run.id() + "\" of yours"),
                theirs.locator("#cnn-link-error").innerText());
        assertEquals(watchers, run.subscriberCount(), "nobody else attaches to the run");
        assertTrue(theirs.locator("#cnn-status").innerText().startsWith("Ready"), theirs.locator("#cnn-status").innerText());
        open(theirs, "cnn?run=unknown");
        assertTrue(theirs.locator("#cnn-link-error").innerText().startsWith("There is no CNN lab run \"unknown\" of yours"),
                theirs.locator("#cnn-link-error").innerText());
        theirs.close();
        runs.close();
        page.close();
    }

    @Test
    void signInAndSignUpReturnToThePageTheyWereAskedFromAndNeverToAnotherSite() {
        open("cnn");
        page.waitForSelector("#cnn-layer-0");
        waitForVaadin(page);
        String before = page.url();
        page.locator("#cnn-epochs input").fill("7");
        page.locator("#cnn-epochs input").press("Tab");
        page.waitForCondition(() -> !page.url().equals(before));
        waitForVaadin(page);
        String lab = page.url();
        // the lab changed its address without a navigation: the link still takes the address as it is now
        page.locator("#ll-signin").click();
        page.waitForURL("**/signin?to=**");
        waitForVaadin(page);
        page.locator("#signin-signup").click();
        page.waitForURL("**/signup?to=**");
        waitForVaadin(page);
        String name = newName("back");
        submitSignUp(page, name);
        page.waitForURL(url -> url.startsWith(baseUrl() + "cnn?"));
        waitForVaadin(page);
        assertEquals(lab, page.url(), "back on the lab as it was");
        assertEquals("7", page.locator("#cnn-epochs input").inputValue());
        assertEquals(name, page.locator("#ll-user").innerText().trim());

        // signed out, sign in from a link that asks for My runs
        signOut(page);
        open("signin?to=%2Fruns");
        fill(page, "signin-username", name);
        fill(page, "signin-password", PASSWORD);
        page.locator("#signin-submit").click();
        page.waitForURL(baseUrl() + "runs");
        waitForVaadin(page);
        assertTrue(page.locator("#my-runs").isVisible());

        // another site in the link: the start page instead
        for (String evil : List.of("%2F%2Fevil.com", "http%3A%2F%2Fevil.com", "%2F%5Cevil.com")) {
            BrowserContext fresh = newContext();
            Page p = fresh.newPage();
            open(p, "signup?to=" + evil);
            submitSignUp(p, newName("safe"));
            p.waitForURL(baseUrl());
            assertEquals(baseUrl(), p.url(), evil);
            p.close();
        }
    }

    private static double epochs(String epochText) {
        Matcher m = EPOCH.matcher(epochText);
        assertTrue(m.find(), epochText);
        return Double.parseDouble(m.group(1));
    }
}
