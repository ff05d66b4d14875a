package com.layerlab.app.ui.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.AccountSteps;
import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.CnnLabSteps;
import com.layerlab.app.cluster.BackgroundRuns;
import com.layerlab.app.cluster.ClusterStore;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The pages' runs on a node of a cluster in Chromium (web and worker at once, over H2): the CNN lab's "Train on
 * the workers" sends the lab's experiment to the workers, listed in My runs under On the workers; a playground
 * run left training goes there too, and the playground, opened again, says where it went.
 */
@TestPropertySource(properties = {
        "layerlab.node.cluster=true",
        "layerlab.node.name=lab-node-2",
        "layerlab.runs.checkpoint-seconds=0",
        "layerlab.runs.unwatched-seconds=3",
        "layerlab.live.max-epochs-per-second=5",
        "layerlab.data.dir=target/cluster-lab-pages-test/${random.uuid}"})
// JobRunr's server and the runs end with the context
@DirtiesContext
class ClusterLabPagesTest extends BrowserTestBase {

    @Autowired
    BackgroundRuns runs;
    @Autowired
    ClusterStore cluster;

    @Test
    void theCnnLabSendsItsExperimentToTheWorkers() {
        open("cnn");
        Locator workers = page.locator("#cnn-train-workers");
        workers.waitFor();
        assertFalse(workers.isEnabled(), "an anonymous visitor is told to sign in first");

        String name = AccountSteps.newName("cnnworker");
        AccountSteps.signUp(page, name);
        String owner = "user:" + name;
        open("cnn");
        CnnLabSteps.smallMnist(page);
        assertTrue(workers.isEnabled());
        workers.click();
        Locator sent = page.locator("vaadin-notification-card:has-text('goes to the worker nodes')");
        sent.waitFor();
        // the notification fades in
        page.waitForTimeout(600);
        screenshot(page, "cluster-cnn-train-on-workers");
        List<ClusterStore.Shared> mine = cluster.ofOwner(owner, 10);
        assertEquals(1, mine.size(), "one background run queued");
        ClusterStore.Shared queued = mine.get(0);
        String id = queued.id();
        try {
            assertEquals("cnn", queued.entry().page());
            assertEquals(2, queued.entry().epochs(), "the lab's epochs");
            assertTrue(queued.background());

            sent.locator("a.ll-workers-link").click();
            waitForVaadin(page);
            Locator row = page.locator("#worker-runs .ll-worker-run[data-id='" + id + "']");
            // JobRunr looks for jobs every 5 s; the page looks at the database every second
            row.locator(".ll-run-state[data-state='running'], .ll-run-state[data-state='finished']")
                    .first().waitFor(new Locator.WaitForOptions().setTimeout(TimeUnit.SECONDS.toMillis(60)));
            assertTrue(row.locator(".ll-row-name").innerText().startsWith("CNN lab"), row.innerText());
            assertTrue(row.innerText().contains("lab-node-2"), row.innerText());
            screenshot(page, "cluster-cnn-run-on-workers");
        } finally {
            runs.find(id, owner).filter(r -> !r.state().ended()).ifPresent(runs::stop);
        }
    }

    @Test
    void aPlaygroundRunLeftTrainingGoesToTheWorkersAndThePageSaysSo() {
        String name = AccountSteps.newName("pgworker");
        AccountSteps.signUp(page, name);
        String owner = "user:" + name;
        open("");
        page.locator("#play-button").click();
        page.waitForFunction("() => Number(document.querySelector('#epoch').dataset.epoch) >= 3", null,
                new Page.WaitForFunctionOptions().setTimeout(30_000));
        // the page goes (My runs): the run is left training, and goes to the workers 3 s later
        open("runs");
        Locator row = page.locator("#worker-runs .ll-worker-run");
        row.first().waitFor(new Locator.WaitForOptions().setTimeout(TimeUnit.SECONDS.toMillis(60)));
        String id = row.first().getAttribute("data-id");
        try {
            row.first().locator(".ll-run-state[data-state='running']").waitFor(new Locator.WaitForOptions()
                    .setTimeout(TimeUnit.SECONDS.toMillis(60)));
            assertTrue(row.first().locator(".ll-row-name").innerText().startsWith("Playground"), row.first().innerText());
            // it goes on from the epochs trained on the page's node (3 at least), not from 0
            page.waitForFunction("r => /Epoch ([3-9]|[1-9][0-9]+) of/.test(r.innerText)", row.first().elementHandle(),
                    new Page.WaitForFunctionOptions().setTimeout(30_000));
            screenshot(page, "cluster-playground-run-on-workers");
            assertTrue(cluster.find(id).orElseThrow().background());

            open("");
            Locator notice = page.locator("vaadin-notification-card:has-text('went on on the worker nodes')");
            notice.waitFor();
            page.waitForTimeout(600);
            assertTrue(notice.locator("a.ll-workers-link").getAttribute("href").endsWith("runs"));
            assertTrue(notice.innerText().contains("went on on the worker nodes"), notice.innerText());
            screenshot(page, "cluster-playground-run-went-to-workers");
            // its live page, from the notice: the run the worker trains, on whichever node serves the page
            Locator watch = notice.locator("a.ll-workers-watch");
            assertTrue(watch.getAttribute("href").endsWith("runs/worker/" + id), watch.getAttribute("href"));
            watch.click();
            page.locator("#worker-run-state[data-state='running']").waitFor(new Locator.WaitForOptions()
                    .setTimeout(TimeUnit.SECONDS.toMillis(30)));
            assertTrue(page.locator("#worker-run-name").innerText().startsWith("Playground"),
                    page.locator("#worker-run-name").innerText());
        } finally {
            runs.find(id, owner).filter(r -> !r.state().ended()).ifPresent(runs::stop);
        }
    }
}
