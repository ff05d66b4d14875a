package com.layerlab.app.ui.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.AccountSteps;
import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.cluster.BackgroundRuns;
import com.layerlab.app.cluster.ClusterStore;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.TestRuns;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The pages of a node of a cluster in Chromium: "My runs" lists the user's background runs as the worker
 * wrote them to the database (state, node, epoch, metrics), and its Stop and Resume reach the worker; the
 * Devices page lists the nodes.
 */
@TestPropertySource(properties = {
        "layerlab.node.cluster=true",
        "layerlab.node.name=lab-node-1",
        "layerlab.runs.checkpoint-seconds=0",
        "layerlab.live.max-epochs-per-second=5",
        "layerlab.data.dir=target/cluster-pages-test/${random.uuid}"})
// JobRunr's server and the runs end with the context
@DirtiesContext
class ClusterPagesTest extends BrowserTestBase {

    @Autowired
    BackgroundRuns runs;
    @Autowired
    ClusterStore cluster;

    @Test
    void myRunsShowsABackgroundRunOnItsWorkerAndStopsAndResumesIt() {
        String name = AccountSteps.newName("worker");
        AccountSteps.signUp(page, name);
        String owner = "user:" + name;
        String id = runs.submit(TestRuns.POINTS, owner, true, "api", 400, null).id();
        try {
            open("runs");
            Locator row = page.locator("#worker-runs .ll-worker-run[data-id='" + id + "']");
            // JobRunr looks for jobs every 5 s; the page looks at the database every second
            awaitState(row, "running");
            page.waitForFunction("r => /Epoch [1-9]/.test(r.innerText)", row.elementHandle(),
                    new Page.WaitForFunctionOptions().setTimeout(30_000));
            String details = row.locator(".ll-hint").innerText();
            assertTrue(details.contains("training on lab-node-1"), details);
            assertTrue(row.locator(".ll-row-name").innerText().startsWith("REST API: "), row.innerText());
            assertTrue(page.locator("#worker-runs h2").innerText().contains("On the workers"));
            assertEquals(0, page.locator("#my-runs .ll-run-row:not(.ll-worker-run)").count(),
                    "a background run this node trains itself is listed once, on the workers");
            screenshot(page, "cluster-my-runs-training");

            row.locator(".ll-run-stop").click();
            awaitState(row, "stopped");
            assertEquals(RunState.STOPPED, cluster.find(id).orElseThrow().state());
            assertTrue(row.locator(".ll-run-resume").isVisible(), "a stopped run can be resumed");
            screenshot(page, "cluster-my-runs-stopped");

            row.locator(".ll-run-resume").click();
            awaitState(row, "running");
            assertTrue(row.locator(".ll-run-message").innerText().isEmpty()
                    || !row.locator(".ll-run-message").innerText().contains("Exception"), row.innerText());
        } finally {
            runs.find(id, owner).filter(r -> !r.state().ended()).ifPresent(runs::stop);
        }

        open("devices");
        Locator node = page.locator("#devices-nodes [data-node='lab-node-1']");
        node.waitFor();
        String text = node.innerText();
        assertTrue(text.contains("(this node)") && text.contains("both") && text.contains("cpu"), text);
        screenshot(page, "cluster-devices-nodes");
    }

    /** Waits (up to 40 s) until the row shows state {@code state}. */
    private void awaitState(Locator row, String state) {
        row.locator(".ll-run-state[data-state='" + state + "']").waitFor(new Locator.WaitForOptions()
                .setTimeout(TimeUnit.SECONDS.toMillis(40)));
    }
}
