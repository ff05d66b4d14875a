package com.layerlab.app.ui.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.AccountSteps;
import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.cluster.BackgroundRuns;
import com.layerlab.app.cluster.ClusterStore;
import com.layerlab.app.cluster.RunPoints;
import com.layerlab.app.cluster.RunSignals;
import com.layerlab.app.lab.CnnDataSettings;
import com.layerlab.app.lab.CnnPresets;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.datasets.ImageSets;
import com.layerlab.engine.experiment.Experiment;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The live page of a run on the workers (WorkerRunView) in Chromium, on a node of a cluster that is its own
 * worker (H2: the page polls the database every second): a signed-in user's background run trains through
 * JobRunr, and the page draws its points within the epochs as they come, before the epochs end; its Pause
 * reaches the worker (the run holds there, its progress stands still), Resume has it go on, Stop stops it; another
 * user is told there is no such run, as for an id that never was; the page's subscription ends with it.
 */
@TestPropertySource(properties = {
        "layerlab.node.cluster=true",
        "layerlab.node.name=watch-node-1",
        "layerlab.runs.checkpoint-seconds=0",
        "layerlab.data.dir=target/worker-run-pages-test/${random.uuid}"})
// JobRunr's server and the runs end with the context
@DirtiesContext
class WorkerRunPagesTest extends BrowserTestBase {

    @Autowired
    BackgroundRuns runs;
    @Autowired
    ClusterStore cluster;
    @Autowired
    RunPoints points;
    @Autowired
    RunSignals signals;
    @Autowired
    TrainingRuntime runtime;

    /** Whether this node listens for the worker's NOTIFY (PostgreSQL) rather than polling (H2). */
    boolean listens() {
        return false;
    }

    /**
     * A LeNet on Fashion-MNIST (Debian's 60,000 training images, which CI installs) with small batches: well over a
     * thousand batches an epoch, so that an epoch takes seconds even on a fast CPU (on the 10,000 MNIST digits a
     * fast CI machine trained all 30 epochs before the page had seen one poll within an epoch).
     */
    private static Experiment slowEpochs() {
        Experiment e = CnnPresets.byKey(CnnPresets.LENET, false).experiment();
        return e.withData(CnnDataSettings.switchTo(e.data(), ImageSets.FASHION_MNIST).withOption(ImageSets.LIMIT, 30_000)
                .withBatchSize(16)).withEpochs(30);
    }

    @Test
    void theOwnerWatchesARunOnItsWorkerLivePausesResumesAndStopsItAndNoOneElseSeesIt() throws Exception {
        String name = AccountSteps.newName("watcher");
        AccountSteps.signUp(page, name);
        String owner = "user:" + name;
        String id = runs.submit(slowEpochs(), owner, true, "api", 30, null).id();
        int subscribedBefore = signals.subscriptions();
        try {
            // My runs' row links to the run's page
            open("runs");
            Locator row = page.locator("#worker-runs .ll-worker-run[data-id='" + id + "']");
            row.locator(".ll-run-watch").click();
            page.waitForURL("**/runs/worker/" + id);
            waitForVaadin(page);
            Locator watch = page.locator("#worker-run");
            assertTrue(page.locator("#worker-run-name").innerText().startsWith("REST API: "),
                    page.locator("#worker-run-name").innerText());
            assertEquals(subscribedBefore + 1, signals.subscriptions(), "the page holds one subscription");
            await(() -> signals.listening() == listens(), 10_000, listens() ? "listening" : "polling");

            // JobRunr looks for jobs every 5 s; then points come within the first epochs, batch by batch
            awaitState("running");
            int[] rose = awaitPointsRiseWithinAnEpoch(watch);
            System.out.println("Points within an epoch: " + rose[0] + " -> " + rose[1] + " at " + rose[2] + " epochs charted");
            String details = page.locator("#worker-run-details").innerText();
            assertTrue(details.contains("training on watch-node-1"), details);
            page.waitForFunction("() => /samples\\/s/.test(document.querySelector('#worker-run-progress').innerText)");
            assertTrue(page.locator("#worker-run-progress").innerText().matches("Epoch [0-9.]+ of 30 · batch \\d+ of \\d+.*"),
                    page.locator("#worker-run-progress").innerText());
            assertFalse(points.after(id, 0, 10).isEmpty(), "the points are in the database");
            screenshot(page, "worker-run-watch-training");

            // Pause reaches the worker: the run holds there, and its progress stands still
            page.locator("#worker-run-pause").click();
            awaitState("paused");
            assertEquals(RunState.PAUSED, cluster.find(id).orElseThrow().state());
            Run<?> onWorker = runtime.find(id, owner).orElseThrow();
            assertTrue(onWorker.isPaused(), "paused on the worker");
            await(() -> cluster.find(id).orElseThrow().wanted() == null, 5_000, "the pause cleared once done");
            // the run writes its state itself as it holds, the worker's tick its progress up to half a second later
            Thread.sleep(2 * 500 + 200);
            ClusterStore.Shared held = cluster.find(id).orElseThrow();
            double there = onWorker.status().progress();
            Thread.sleep(1_500);
            ClusterStore.Shared later = cluster.find(id).orElseThrow();
            assertEquals(held.epoch() + "/" + held.batch(), later.epoch() + "/" + later.batch(), "no batch trained while paused");
            assertEquals(there, onWorker.status().progress(), "the run on the worker stands still");
            assertEquals(RunStatus.epochs(there), page.locator("#worker-run-progress").innerText()
                    .replaceFirst("^Epoch ([0-9.]+) .*", "$1"), "the page shows where it holds");
            assertEquals("Resume", page.locator("#worker-run-pause").innerText().trim());
            screenshot(page, "worker-run-watch-paused");

            // Resume (play): it trains on, from where it was
            page.locator("#worker-run-pause").click();
            awaitState("running");
            await(() -> {
                ClusterStore.Shared s = cluster.find(id).orElseThrow();
                return s.epoch() * 10_000 + s.batch() > later.epoch() * 10_000 + later.batch();
            }, 20_000, "progress after the play");
            assertFalse(onWorker.isPaused());

            // Stop
            page.locator("#worker-run-stop").click();
            awaitState("stopped");
            assertEquals(RunState.STOPPED, cluster.find(id).orElseThrow().state());
            assertTrue(page.locator("#worker-run-resume").isVisible(), "a stopped run can be resumed");
            assertFalse(page.locator("#worker-run-pause").isVisible());
            screenshot(page, "worker-run-watch-stopped");

            // the page closed: its subscription is gone
            open("runs");
            await(() -> signals.subscriptions() == subscribedBefore, 5_000, "the page's subscription ended with it");

            // someone else: the same "no such run" as for an id that never was
            Page other = newContext().newPage();
            AccountSteps.signUp(other, AccountSteps.newName("stranger"));
            open(other, "runs/worker/" + id);
            Locator missing = other.locator("#worker-run-missing");
            missing.waitFor();
            String refused = missing.innerText();
            assertTrue(refused.startsWith("No such run"), refused);
            assertFalse(other.locator("#worker-run-stop").isVisible());
            assertFalse(other.locator("#worker-run-loss").isVisible());
            screenshot(other, "worker-run-watch-not-yours");
            open(other, "runs/worker/nosuchrun123");
            assertEquals(refused.replace(id, "nosuchrun123"), other.locator("#worker-run-missing").innerText());
            assertEquals(subscribedBefore, signals.subscriptions(), "no subscription for a run one cannot see");
        } finally {
            runs.find(id, owner).filter(r -> !r.state().ended()).ifPresent(runs::stop);
            await(() -> runs.find(id, owner).map(r -> r.state().ended()).orElse(true), 30_000, "the run ended");
        }
    }

    /**
     * Waits until the page's count of points rises while its count of epochs stays (points within an epoch
     * reach it before the epoch ends); returns the points before and after and the epochs then.
     */
    private int[] awaitPointsRiseWithinAnEpoch(Locator watch) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int lastPoints = -1;
        int lastEpochs = -1;
        while (System.nanoTime() < end) {
            int p = attribute(watch, "data-points");
            int e = attribute(watch, "data-epochs");
            if (e >= 1 && e == lastEpochs && p > lastPoints && lastPoints > 0) {
                return new int[] {lastPoints, p, e};
            }
            lastPoints = p;
            lastEpochs = e;
            Thread.sleep(150);
        }
        throw new AssertionError("the points never rose within an epoch; last " + lastPoints + " points, "
                + lastEpochs + " epochs");
    }

    private static int attribute(Locator l, String name) {
        String v = l.getAttribute(name);
        return v == null ? 0 : Integer.parseInt(v);
    }

    private void awaitState(String state) {
        page.locator("#worker-run-state[data-state='" + state + "']").waitFor(new Locator.WaitForOptions()
                .setTimeout(TimeUnit.SECONDS.toMillis(40)));
    }

    private static void await(BooleanSupplier done, long ms, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("never " + what + " within " + ms + " ms");
            }
            Thread.sleep(50);
        }
    }
}
