package com.layerlab.app.ui.playground;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.ExportChecks;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.PyTorchExport;
import com.layerlab.engine.tensor.Backends;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The playground in a real browser: training live, the controls, share links, multi-class. */
class PlaygroundViewTest extends BrowserTestBase {

    @Autowired
    TrainingRuntime runtime;

    /** The run the page shows. */
    private Run<?> runOf(Page p) {
        String id = p.locator(".ll-playground").getAttribute("data-run");
        return runtime.activeRuns().stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no run " + id));
    }

    /** Clicks the step button and waits until the page shows {@code batch} batches of epoch {@code epoch} trained. */
    private static void stepTo(Page p, int epoch, int batch) {
        p.locator("#step-button").click();
        p.waitForFunction("([e, b]) => { const l = document.querySelector('#epoch'); return l && l.dataset.epoch === e"
                + " && document.querySelector('#epoch-batch').textContent === b; }",
                List.of(String.valueOf(epoch), batch == 0 ? "" : "batch " + batch + " of 25"));
    }

    private static int epoch(Page p) {
        return Integer.parseInt(p.locator("#epoch").getAttribute("data-epoch"));
    }

    private static String trainLoss(Page p) {
        return p.locator("#train-loss").getAttribute("data-value");
    }

    private static void waitForEpoch(Page p, String condition) {
        p.waitForFunction("() => { const e = document.querySelector('#epoch'); "
                + "return e && e.dataset.epoch !== undefined && (" + condition.replace("epoch", "Number(e.dataset.epoch)") + "); }");
    }

    private static void pause(Page p) {
        Locator play = p.locator("#play-button");
        if ("true".equals(play.getAttribute("data-playing"))) {
            play.click();
        }
        p.waitForFunction("() => document.querySelector('#play-button').dataset.playing === 'false'");
        // the frame of where the run holds: frames of the batches still under way at the click come before it
        p.waitForFunction("() => !['RUNNING', 'QUEUED'].includes(document.querySelector('#epoch').dataset.state)");
        waitForVaadin(p);
    }

    private static List<String> layerActivations(Page p) {
        return p.locator("#network select").all().stream().map(Locator::inputValue).toList();
    }

    @Test
    void playTrainsLiveAndTheLossFalls() {
        open("/");
        waitForEpoch(page, "epoch === 0");
        screenshot(page, "playground-initial");
        // the footer names the run's backend and device, and links to the Devices page
        assertTrue(page.locator(".ll-engine").innerText().startsWith("Trained on "
                + Backends.standard().auto().backend().name() + " backend, "), page.locator(".ll-engine").innerText());
        assertEquals("devices", page.locator("#devices-link").getAttribute("href"));
        double start = Double.parseDouble(trainLoss(page));
        page.locator("#play-button").click();
        waitForEpoch(page, "epoch >= 60");
        assertEquals("true", page.locator("#play-button").getAttribute("data-playing"));
        int seen = epoch(page);
        waitForEpoch(page, "epoch > " + seen);
        screenshot(page, "playground-training");
        pause(page);
        double now = Double.parseDouble(trainLoss(page));
        assertTrue(now < start, "training loss " + start + " -> " + now);
        int points = ((Number) page.locator("loss-chart").evaluate("c => c.pointCount")).intValue();
        assertTrue(points > 3, "the loss chart grows live: " + points + " points");
        assertEquals(1, page.locator("loss-chart canvas").count(), "uPlot drew its canvas");
        // without a cursor on the chart its legend reads the latest epoch and losses
        page.waitForFunction("() => document.querySelector('loss-chart .u-legend .u-series .u-value').textContent"
                + " === document.querySelector('#epoch').dataset.epoch");
        String legendLoss = page.locator("loss-chart .u-legend .u-series").nth(2).locator(".u-value").textContent();
        assertEquals(now, Double.parseDouble(legendLoss), 1e-4);
    }

    @Test
    void stepTrainsOneBatchShowsThePartialEpochAndResetReturnsToTheSameStart() {
        open("/");
        waitForEpoch(page, "epoch === 0");
        String start = trainLoss(page);
        assertTrue(page.locator("#step-table").innerText().startsWith("Press play or step"));
        // 250 training points in batches of 10: a step is one batch of 25, the counter shows how far into the epoch
        stepTo(page, 0, 1);
        page.waitForFunction("() => document.querySelector('#step-table').dataset.batch === '1.1'");
        assertEquals("000,000", page.locator("#epoch").textContent());
        assertEquals("0.04", page.locator("#epoch").getAttribute("data-progress"));
        assertEquals("false", page.locator("#play-button").getAttribute("data-playing"), "a step holds after its batch");
        screenshot(page, "playground-one-batch");
        @SuppressWarnings("unchecked")
        List<String> layers = (List<String>) page.evaluate(
                "() => [...document.querySelectorAll('#step-table td:first-child')].map(c => c.textContent)");
        assertEquals(List.of("0 Linear", "2 Linear", "4 Linear"), layers, "one row per Linear layer");
        assertEquals(start, trainLoss(page), "the losses are the last whole epoch's");
        stepTo(page, 0, 2);
        page.waitForFunction("() => document.querySelector('#step-table').dataset.batch === '1.2'");
        // the epoch's last batch completes it: the counter reads whole epochs, the losses are the new epoch's
        for (int b = 3; b < 25; b++) {
            stepTo(page, 0, b);
        }
        stepTo(page, 1, 0);
        page.waitForFunction("() => document.querySelector('#step-table').dataset.batch === '1.25'");
        assertEquals("000,001", page.locator("#epoch").textContent());
        waitForVaadin(page);
        assertNotEquals(start, trainLoss(page));

        page.locator("#play-button").click();
        waitForEpoch(page, "epoch >= 25");
        pause(page);
        page.locator("#reset-button").click();
        waitForEpoch(page, "epoch === 0");
        waitForVaadin(page);
        assertEquals("000,000", page.locator("#epoch").textContent());
        // the counter comes with the new run's status, its losses with its first frame just after
        try {
            page.waitForFunction("s => document.querySelector('#train-loss').dataset.value === s", start,
                    new Page.WaitForFunctionOptions().setTimeout(10_000));
        } catch (RuntimeException e) {
            assertEquals(start, trainLoss(page), "reset keeps the starting weights: the same loss as at the start");
        }
        page.waitForFunction("() => document.querySelector('#step-table').dataset.batch === ''");

        page.locator("#new-seed-button").click();
        waitForVaadin(page);
        page.waitForFunction("s => document.querySelector('#train-loss').dataset.value !== s", start);
        assertNotEquals(start, trainLoss(page), "a new seed gives new starting weights");
    }

    @Test
    void activationChangesForAllLayersOrForOne() {
        open("/");
        waitForEpoch(page, "epoch === 0");
        String url = page.url();
        assertEquals(List.of("Tanh", "Tanh"), layerActivations(page));
        // 2*4 + 4*2 + 2*1 edges, each telling its weight on hover
        assertEquals(18, page.locator("#network path.edge").count());
        String hover = page.locator("#network path.hit title").first().textContent();
        assertTrue(hover.matches("x1 → Layer 1, neuron 1: weight -?\\d\\.\\d{3}"), hover);
        chooseInSelect(page, "activation-select", "ReLU");
        page.waitForFunction("() => [...document.querySelector('#network').shadowRoot.querySelectorAll('select')]"
                + ".every(s => s.value === 'ReLU')");
        assertEquals(List.of("ReLU", "ReLU"), layerActivations(page));
        assertNotEquals(url, page.url(), "the address bar follows the settings");

        page.locator("#network select[aria-label='Activation of layer 2']").selectOption("Sigmoid");
        waitForVaadin(page);
        page.waitForFunction("() => !document.querySelector('#activation-select').value");
        assertEquals(List.of("ReLU", "Sigmoid"), layerActivations(page));

        page.locator("#network button[aria-label='Add hidden layer']").click();
        waitForVaadin(page);
        assertEquals("3 hidden layers", page.locator("#network [data-testid=layer-count]").textContent());
        page.locator("#network button[aria-label='Add neuron to layer 3']").click();
        waitForVaadin(page);
        assertEquals(7 + 4 + 2 + 3 + 1, page.locator("#network .neuron").count(), "7 inputs, 4+2+3 hidden, 1 output");
        screenshot(page, "playground-layers");
    }

    @Test
    void aCopiedLinkRestoresTheSameStateInAFreshBrowser() {
        open("/");
        waitForEpoch(page, "epoch === 0");
        page.locator("#dataset-spiral").click();
        waitForVaadin(page);
        chooseInSelect(page, "activation-select", "ReLU");
        page.locator("#network button[aria-label='Add hidden layer']").click();
        waitForVaadin(page);
        page.locator("#network [data-neuron='0:4']").click(); // use x1*x2
        waitForVaadin(page);
        page.locator("#noise").evaluate("el => { el.value = '25'; el.dispatchEvent(new Event('input'));"
                + " el.dispatchEvent(new Event('change')); }");
        waitForVaadin(page);
        page.locator("#show-test").click();
        chooseInSelect(page, "learning-rate-select", "0.1");
        page.waitForFunction("() => document.querySelector('#epoch').dataset.epoch === '0'");
        String loss = trainLoss(page);

        page.locator("#copy-link-button").click();
        Locator field = page.locator("#share-url input");
        field.waitFor();
        String link = field.inputValue();
        assertTrue(link.startsWith(baseUrl() + "?x=1."), link);
        assertTrue(link.endsWith("&test=1"), link);
        assertEquals(link, page.url(), "the address bar holds the same link");
        screenshot(page, "playground-share-dialog");

        BrowserContext fresh = newContext();
        Page other = fresh.newPage();
        other.navigate(link);
        waitForVaadin(other);
        waitForEpoch(other, "epoch === 0");
        assertTrue(other.locator("#dataset-spiral").getAttribute("class").contains("selected"));
        assertEquals(List.of("ReLU", "ReLU", "ReLU"), layerActivations(other));
        assertEquals("3 hidden layers", other.locator("#network [data-testid=layer-count]").textContent());
        assertEquals("true", other.locator("#network [data-neuron='0:4']").getAttribute("aria-pressed"));
        assertEquals("25", other.locator("#noise").inputValue());
        assertTrue((Boolean) other.locator("#show-test").evaluate("c => c.checked"));
        assertTrue(other.locator("#learning-rate-select").textContent().contains("0.1")
                || other.locator("#learning-rate-select").innerText().contains("0.1"));
        assertEquals(loss, trainLoss(other), "same data, same starting weights: the same loss");
        screenshot(other, "playground-shared");
    }

    @Test
    void aBrokenLinkShowsAFriendlyMessageAndTheDefaults() {
        open("/?x=1.eJyrVkrLz1eyUkpKLFKqBQAdegQ2");
        Locator card = page.locator("vaadin-notification-card");
        card.first().waitFor();
        String text = card.first().textContent();
        assertTrue(text.contains("The link"), text);
        assertTrue(text.contains("default settings"), text);
        assertFalse(text.contains("Exception"), text);
        waitForEpoch(page, "epoch === 0");
        assertTrue(page.locator("#dataset-circle").getAttribute("class").contains("selected"));
        assertEquals(List.of("Tanh", "Tanh"), layerActivations(page));
        assertFalse(page.url().contains("eJyrVkrLz1eyUkpKLFKqBQAdegQ2"), "the broken link is replaced: " + page.url());
        page.waitForTimeout(800); // the notification's opening animation
        screenshot(page, "playground-broken-link");

        // a valid link with one character changed
        Page second = context.newPage();
        open(second, "/?x=1.AAAAnot-what-we-wrote&disc=1");
        second.locator("vaadin-notification-card").first().waitFor();
        assertTrue(second.locator("vaadin-notification-card").first().textContent().contains("default settings"));
    }

    @Test
    void multiClassDataShowThreeColours() {
        open("/");
        waitForEpoch(page, "epoch === 0");
        chooseInSelect(page, "preset-select", "Multi-class (3 Gaussians)");
        page.waitForFunction("() => document.querySelectorAll('#legend .ll-legend-item').length === 3");
        page.locator("#play-button").click();
        waitForEpoch(page, "epoch >= 40");
        pause(page);
        page.waitForTimeout(300); // the last frame's repaint
        screenshot(page, "playground-multiclass");
        @SuppressWarnings("unchecked")
        List<Number> counts = (List<Number>) page.locator("#output-map").evaluate("""
                el => {
                  const c = el.shadowRoot.querySelector('canvas');
                  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  const n = [232, 234, 235];
                  const cols = [[245, 147, 34], [8, 119, 189], [44, 160, 44], [148, 103, 189], [214, 39, 40]];
                  const counts = cols.map(() => 0);
                  for (let i = 0; i < d.length; i += 4) {
                    const p = [d[i] - n[0], d[i + 1] - n[1], d[i + 2] - n[2]];
                    if (Math.abs(p[0]) + Math.abs(p[1]) + Math.abs(p[2]) < 45) continue; // undecided: near neutral
                    let best = -1, bestD = 1e9;
                    cols.forEach((col, k) => {
                      const v = [col[0] - n[0], col[1] - n[1], col[2] - n[2]];
                      const vv = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
                      const t = Math.max(0, Math.min(1, (p[0] * v[0] + p[1] * v[1] + p[2] * v[2]) / vv));
                      const dist = Math.hypot(p[0] - t * v[0], p[1] - t * v[1], p[2] - t * v[2]);
                      if (dist < bestD) { bestD = dist; best = k; }
                    });
                    if (bestD < 20) counts[best]++;
                  }
                  return counts.map(x => x / (c.width * c.height));
                }""");
        for (int k = 0; k < 3; k++) {
            assertTrue(counts.get(k).doubleValue() > 0.08, "class " + k + " covers " + counts);
        }
        assertTrue(counts.get(3).doubleValue() < 0.01 && counts.get(4).doubleValue() < 0.01, "only 3 classes: " + counts);
        assertEquals(3, page.locator("#network .neuron.output").count(), "one output neuron per class");
    }

    @Test
    void thePerceptronPresetsBuildTheCoursesModels() {
        open("/");
        waitForEpoch(page, "epoch === 0");
        chooseInSelect(page, "preset-select", "3-input perceptron");
        page.waitForFunction("() => document.querySelector('#param-count').textContent.startsWith('4 ')");
        assertEquals("0 hidden layers", page.locator("#network [data-testid=layer-count]").textContent());
        assertEquals(3, page.locator("#network .neuron.input:not(.inactive)").count());
        assertTrue((Boolean) page.locator("#sigmoid-output").evaluate("c => c.checked"));
        assertTrue(page.locator("#dataset-xor").getAttribute("class").contains("selected"));
        page.locator("#play-button").click();
        waitForEpoch(page, "epoch >= 30");
        pause(page);
        screenshot(page, "playground-perceptron");

        chooseInSelect(page, "preset-select", "Perceptron (no hidden layer)");
        page.waitForFunction("() => document.querySelector('#param-count').textContent.startsWith('3 ')");
        assertFalse((Boolean) page.locator("#sigmoid-output").evaluate("c => c.checked"));
    }

    @Test
    void regressionShowsTheDivergingScale() {
        open("/");
        waitForEpoch(page, "epoch === 0");
        chooseInSelect(page, "problem-select", "Regression");
        page.waitForFunction("() => document.querySelector('#dataset-plane') !== null");
        assertTrue(page.locator("#dataset-plane").getAttribute("class").contains("selected"));
        assertEquals(1, page.locator("#legend .ll-gradient").count());
        page.locator("#play-button").click();
        waitForEpoch(page, "epoch >= 20");
        pause(page);
        screenshot(page, "playground-regression");
        assertTrue(page.locator("#accuracy").textContent().isEmpty(), "no accuracy for regression");
    }

    @Test
    void aReloadShowsTheRunningRunAgain() {
        open("/");
        waitForEpoch(page, "epoch === 0");
        chooseInSelect(page, "learning-rate-select", "0.1");
        // far enough that it does not finish while the test looks (a finished run's play starts anew)
        chooseInSelect(page, "stop-select", "10,000");
        page.locator("#play-button").click();
        waitForEpoch(page, "epoch >= 20");
        Run<?> run = runOf(page);
        int before = epoch(page);
        page.reload();
        waitForVaadin(page);
        // the same run, training on from where it was, its curve from epoch 0 and the link's rate
        waitForEpoch(page, "epoch > " + before);
        assertEquals(run.id(), page.locator(".ll-playground").getAttribute("data-run"));
        assertEquals(1, run.subscriberCount(), "the reloaded page watches it, the old one no longer");
        page.waitForFunction("() => document.querySelector('#play-button').dataset.playing === 'true'");
        int points = ((Number) page.locator("loss-chart").evaluate("c => c.pointCount")).intValue();
        assertTrue(points > before, "the chart has the run's history: " + points + " points");
        assertEquals(0.1, run.status().learningRate(), 1e-12);
        screenshot(page, "playground-reloaded");
        pause(page);
    }

    @Test
    void aFinishedRunTrainsOnWhenItsStopEpochMovesFurther() {
        open("/");
        waitForEpoch(page, "epoch === 0");
        chooseInSelect(page, "stop-select", "100");
        page.locator("#play-button").click();
        page.waitForFunction("() => document.querySelector('#play-button').dataset.playing === 'false'"
                + " && Number(document.querySelector('#epoch').dataset.epoch) === 100", null,
                new Page.WaitForFunctionOptions().setTimeout(60_000));
        Run<?> run = runOf(page);
        // one more epoch's worth on the same networks, not a new run from epoch 0
        chooseInSelect(page, "stop-select", "300");
        page.locator("#play-button").click();
        waitForEpoch(page, "epoch > 100");
        assertEquals(run.id(), page.locator(".ll-playground").getAttribute("data-run"), "the same run trains on");
        assertEquals(1, runtime.runsOf(run.owner()).stream().filter(r -> r.isAlive() && !r.untouched()).count());
        pause(page);
    }

    @Test
    void closingThePageLeavesItsRunUnwatchedUntilTheRuntimeStopsIt() {
        open("/");
        waitForEpoch(page, "epoch === 0");
        Run<?> run = runOf(page);
        page.locator("#play-button").click();
        waitForEpoch(page, "epoch >= 5");
        assertEquals(1, run.subscriberCount());
        page.close();
        // an anonymous visitor's run: it goes on unwatched for layerlab.runs.unwatched-seconds, then stops
        long end = System.currentTimeMillis() + 30_000;
        while (run.isAlive() && System.currentTimeMillis() < end) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        assertEquals(0, run.subscriberCount(), "the page unsubscribed when it closed");
        assertFalse(run.isAlive(), "the runtime stopped the run nobody watched");
        assertTrue(run.state().ended(), run.state().toString());
    }

    @Test
    void theCompareLinkOpensThisNetworkOnTheComparePage() {
        open("/");
        waitForEpoch(page, "epoch === 0");
        chooseInSelect(page, "learning-rate-select", "0.1");
        String href = page.locator("#compare-link").getAttribute("href");
        assertTrue(href.startsWith("compare?x="), href);
        page.locator("#compare-link").click();
        page.waitForURL("**/compare?**");
        waitForVaadin(page);
        // the compare page restores the playground's network: same learning rate, three runs
        page.waitForSelector("#compare-cards heat-map");
        assertEquals("0.1", page.locator("#compare-learning-rate vaadin-select-value-button").textContent().trim(),
                "the learning rate carried over");
        assertEquals(3, page.locator("#compare-cards heat-map").count(), "ReLU, Tanh and Sigmoid side by side");
    }

    @Test
    void theRunsTensorBoardLogsAndThePyTorchExportDownload() throws IOException {
        open("/");
        waitForEpoch(page, "epoch === 0");
        page.locator("#play-button").click();
        waitForEpoch(page, "epoch >= 3");
        pause(page);
        int trained = epoch(page);
        // the run's network as TensorBoard event files: scalars, histograms, the boundary image
        assertTrue(page.locator("#logs-link").isVisible());
        byte[] zip = ExportChecks.download(page, "#logs-link");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        assertFalse(entries.isEmpty());
        String first = entries.keySet().iterator().next();
        assertTrue(first.startsWith("000-") && first.contains("/events.out.tfevents."), entries.keySet().toString());
        String events = new String(entries.get(first), StandardCharsets.ISO_8859_1);
        for (String tag : List.of("loss/train", "loss/test", "accuracy/test", "0.weight", "boundary")) {
            assertTrue(events.contains(tag), tag + " in " + first);
        }

        // the network as PyTorch code, with the weights it has now
        Experiment e = PlaygroundSettings.DEFAULTS.toExperiment();
        page.click("#export-button");
        page.waitForSelector("#export-code");
        String code = page.locator("#export-code").innerText();
        assertTrue(code.contains("nn.Linear(in_features=2, out_features=4)") && code.contains("nn.Tanh()"), code);
        String note = page.locator("#export-weights-note").innerText();
        assertTrue(note.contains("epoch " + trained), note);
        screenshot(page, "playground-export");
        assertEquals(PyTorchExport.code(e), ExportChecks.downloadText(page, "#export-model-py"));
        JsonNode header = ExportChecks.assertWeightsFit(ExportChecks.download(page, "#export-weights"), e);
        assertEquals(String.valueOf(trained), header.get("__metadata__").get("epoch").asText());
        page.click("#export-close");
        screenshot(page, "playground-logs-toolbar");
    }
}
