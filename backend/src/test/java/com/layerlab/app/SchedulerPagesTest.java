package com.layerlab.app;

import org.springframework.test.annotation.DirtiesContext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.training.FrameMaker;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.TestRuns;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.train.StepResult;
import com.layerlab.engine.train.Trainer;
import com.microsoft.playwright.Page;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The scheduler and the limits as a learner meets them, in Chromium: a page whose run waits shows its
 * place in the queue and an estimate of the wait, and a run over a limit is refused with a message naming it. One slot on this
 * server, turns of ten minutes and no epochs-a-second cap: a run that trains keeps its slot.
 */
// its runs end with its context (TrainingRuntime.close), not later: TrainingLifecycleTest counts run threads JVM-wide
@DirtiesContext
@TestPropertySource(properties = {"layerlab.data.dir=target/scheduler-pages-test/${random.uuid}",
        "layerlab.limits.computing=1", "layerlab.limits.turn-ms=600000", "layerlab.live.max-epochs-per-second=0",
        "layerlab.limits.runs-per-user=2", "layerlab.runs.unwatched-seconds=2"})
class SchedulerPagesTest extends BrowserTestBase {

    /**
     * The frames of a run that holds the slot but hardly computes: each batch takes 50 ms, asleep (a run
     * that trains flat out would take this shared test machine's cores from the pages under test).
     */
    private static final FrameMaker<RunStatus> SLOW = new FrameMaker<>() {
        @Override
        public void stepped(List<Trainer> trainers, List<StepResult> steps) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public RunStatus frame(RunStatus status, List<Trainer> trainers, long seen) {
            return status;
        }
    };

    /** A script for the page: whether a notification says {@code text}. */
    private static String notice(String text) {
        return "() => [...document.querySelectorAll('vaadin-notification-card')].some(c => c.textContent.includes('"
                + text + "'))";
    }

    private static String noticeText(Page p, String text) {
        return (String) p.evaluate("() => [...document.querySelectorAll('vaadin-notification-card')].map(c => "
                + "c.textContent).find(t => t.includes('" + text + "'))");
    }

    @Autowired
    TrainingRuntime runtime;

    @AfterEach
    void noRunOutlivesTheTest() throws InterruptedException {
        TestRuns.stopAll(runtime, Duration.ofSeconds(30));
    }

    /** Waits (at most 30 s) until {@code run}'s status is as {@code wanted}. */
    private void await(Run<RunStatus> run, Predicate<RunStatus> wanted, String what) {
        long end = System.nanoTime() + 30_000_000_000L;
        while (!wanted.test(run.status()) && System.nanoTime() < end) {
            page.waitForTimeout(50);
        }
        assertTrue(wanted.test(run.status()), what + ": " + run.status());
    }

    @Test
    void aWaitingRunsPageShowsItsPlaceInTheQueueAndAnEstimateOfTheWait() {
        // another user's run takes the server's one slot, and a third's waits for it
        Run<RunStatus> first = runtime.submit(List.of(PlaygroundSettings.DEFAULTS.toExperiment()),
                new RunOptions("user:someone-else", true, "playground", false, 0), SLOW);
        await(first, st -> st.state() == RunState.RUNNING && st.progress() > 0, "the first run training");
        Run<RunStatus> other = runtime.submit(List.of(PlaygroundSettings.DEFAULTS.toExperiment()),
                new RunOptions("user:a-third", true, "playground", false, 0), SLOW);
        await(other, st -> st.state() == RunState.QUEUED && st.position() == 1, "the third's run waiting");
        // the slot turns over once: how long a wait takes is known from then on
        first.stop();
        await(other, st -> st.state() == RunState.RUNNING && st.progress() > 0, "the third's run training");
        open("/");
        page.waitForFunction(notice("1st in line"), null, new Page.WaitForFunctionOptions().setTimeout(30_000));
        String shown = noticeText(page, "1st in line");
        assertTrue(shown.startsWith("Waiting: the server is training 1 network right now, as many as it trains at once;"),
                shown);
        assertTrue(Pattern.compile("1st in line, about \\d+ (s|min) \\(").matcher(shown).find(), shown);
        assertEquals(1, runtime.waitingCount());
        assertEquals(1, runtime.queueLength());
        assertEquals(1, runtime.activeRuns().stream().filter(r -> r.status().position() == 1).count(),
                "the waiting run's status has its place");
        page.waitForTimeout(800); // the notice's slide-in
        screenshot(page, "playground-waiting-in-queue");
        // the slot comes free: the page's run takes it by itself and the notice goes
        other.stop();
        page.waitForFunction("() => !(" + notice("Waiting") + ")()", null,
                new Page.WaitForFunctionOptions().setTimeout(30_000));
        assertEquals(0, runtime.waitingCount());
        page.close();
    }

    @Test
    void aRunOverTheRunsAUserMayHaveIsRefusedOnItsPageNamingTheLimit() {
        // every page opened holds a run (paused): two are as many as one visitor may have here
        open("/");
        page.waitForSelector("#play-button");
        Page second = context.newPage();
        open(second, "/");
        second.waitForSelector("#play-button");
        Page third = context.newPage();
        open(third, "/");
        third.waitForFunction(notice("layerlab.limits.runs-per-user"));
        String refused = noticeText(third, "layerlab.limits.runs-per-user");
        assertTrue(refused.contains("You have 2 runs going") && refused.contains("layerlab.limits.runs-per-user = 2"),
                refused);
        screenshot(third, "playground-over-limit");
        third.close();
        second.close();
        page.close();
    }
}
