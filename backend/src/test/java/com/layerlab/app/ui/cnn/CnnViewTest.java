package com.layerlab.app.ui.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.CnnLabSteps;
import com.layerlab.app.ExportChecks;
import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.training.CnnFrames;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.app.ui.components.PyTorchExportDialog;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.PyTorchExport;
import com.layerlab.engine.tensor.Backends;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.FilePayload;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/** The CNN lab in headless Chromium: the layer editor, training on MNIST, share links, uploads. */
// a fresh data folder per run: an upload never replaces a set, so a kept one would rename this run's
// a run nobody watches stops after 10 s, not a minute: the tests see a closed page's run end (and a reload on a
// busy machine still finds its run)
@TestPropertySource(properties = {"layerlab.data.dir=target/cnn-test-data/${random.uuid}", "layerlab.runs.unwatched-seconds=10"})
class CnnViewTest extends BrowserTestBase {

    @Autowired
    TrainingRuntime trainings;

    /** Image runs whose thread runs (the playground a test navigates to has a 2D run of its own). */
    private List<Run<?>> cnnRuns() {
        return trainings.activeRuns().stream().filter(Run::isImage).toList();
    }

    /**
     * Waits for every CNN run to end: at once when the page's unload beacon reached the server, else once the
     * page watch found the page silent for layerlab.page.timeout-seconds (90): the bound this waits for.
     */
    private void awaitNoTraining(String when) {
        long end = System.nanoTime() + 100_000_000_000L;
        while (!cnnRuns().isEmpty()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("a CNN training still runs " + when + ": " + cnnRuns().stream()
                        .map(r -> r.status().state() + " watched by " + r.subscriberCount() + ", unwatched for "
                                + r.unwatchedFor().toMillis() + " ms").toList());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> layerShapes(Page p) {
        return (List<String>) p.evaluate("() => [...document.querySelectorAll('#cnn-layers .cnn-layer .cnn-layer-shape')]"
                + ".map(e => e.textContent)");
    }

    private static void fullScreenshot(Page p, String name) {
        p.screenshot(new Page.ScreenshotOptions().setFullPage(true).setPath(SCREENSHOTS.resolve(name + ".png")));
    }

    @Test
    void cifar10TutorialPresetShowsItsShapesAndParameterCount() {
        open("cnn");
        page.waitForSelector("#cnn-layer-0");
        chooseInSelect(page, "cnn-preset", "CIFAR-10 tutorial model");
        page.waitForFunction("() => document.querySelector('#cnn-total-params').textContent.includes('145,578')");
        assertEquals(List.of("[32, 32, 32]", "[32, 16, 16]", "[32, 16, 16]", "[32, 8, 8]", "[64, 8, 8]", "[64, 4, 4]",
                "[1024]", "[64]", "[10]"), layerShapes(page));
        assertEquals("Total: 145,578 parameters \u00b7 output [10]", page.locator("#cnn-total-params").innerText());
        String formula = page.locator("#cnn-layer-0 .cnn-formula").innerText();
        assertTrue(formula.contains("(32 - 5 + 2*2) / 1 + 1 = 31 + 1 = 32"), formula);
        assertTrue(formula.contains("32*3*5*5 weights + 32 biases = 2,432"), formula);
        assertTrue(formula.contains("nn.Conv2d(3, 32, kernel_size=5, padding=2)"), formula);
        assertTrue(page.locator("#cnn-layer-6 .cnn-formula").innerText().contains("64*4*4 = 1,024 values in a row"));
        assertEquals("in_channels = 32", page.locator("#cnn-layer-2 .cnn-inferred").innerText());
        assertEquals("3, 32, 32", page.locator("#cnn-input-shape input").inputValue());
        assertFalse(page.locator("#cnn-train").isDisabled());
        // the data set's batch is drawn, labelled with shape names
        page.waitForFunction("() => document.querySelector('#cnn-batch').tileCount === 32");
        screenshot(page, "cnn-cifar10-preset");

        // the pooling demo: ceil mode on and off, with its formula
        chooseInSelect(page, "cnn-preset", "Pooling demo (ceil mode on)");
        page.waitForFunction("() => document.querySelector('#cnn-layer-0 .cnn-layer-shape').textContent === '[1, 2, 2]'");
        assertTrue(page.locator("#cnn-layer-0 .cnn-formula").innerText().contains("ceil((5 - 3 + 2*0) / 3) + 1"));
        page.locator("#cnn-layer-0-ceil_mode").click();
        page.waitForFunction("() => document.querySelector('#cnn-layer-0 .cnn-layer-shape').textContent === '[1, 1, 1]'");
        // the demo's 5x5 input is not MNIST's: it cannot train, and says why
        assertTrue(page.locator("#cnn-train").isDisabled());
        assertTrue(page.locator("#cnn-train-problem").innerText().contains("[1, 28, 28]"));
    }

    @Test
    void exportsTheModelToPyTorchBeforeTraining() {
        open("cnn");
        page.waitForSelector("#cnn-layer-0");
        Experiment e = CnnLinks.DEFAULTS.experiment();
        page.click("#cnn-export");
        page.waitForSelector("#export-code");
        String shown = page.locator("#export-code").innerText();
        assertTrue(shown.contains("nn.Conv2d(in_channels=1, out_channels=6, kernel_size=5, padding=2)"), shown);
        assertTrue(shown.contains("nn.MaxPool2d") && shown.contains("nn.Linear(in_features=120, out_features=84)"), shown);
        assertTrue(page.locator("#export-weights-note").innerText().startsWith("Not trained yet"));
        assertTrue(page.locator("#export-load").innerText().contains(
                "model.load_state_dict(safetensors.torch.load_file(\"weights.safetensors\"))"));
        screenshot(page, "cnn-export-dialog");

        // the code downloaded is exactly what the engine writes; the weights are the seed's starting ones
        assertEquals(PyTorchExport.code(e), ExportChecks.downloadText(page, "#export-model-py"));
        byte[] weights = ExportChecks.download(page, "#export-weights");
        JsonNode header = ExportChecks.assertWeightsFit(weights, e);
        assertEquals("0", header.get("__metadata__").get("epoch").asText());
        assertTrue(java.util.Arrays.equals(PyTorchExportDialog.initialWeights(e), weights),
                "the weights training starts from");

        // a model that breaks the shapes cannot be exported
        page.click("#export-close");
        page.locator("#cnn-layer-3-kernel_size input").fill("40");
        page.waitForFunction("() => document.querySelector('#cnn-export').hasAttribute('disabled')");
    }

    @Test
    void aLayerThatBreaksTheShapesIsRedAndTrainingCannotStart() {
        open("cnn");
        page.waitForSelector("#cnn-layer-3");
        assertFalse(page.locator("#cnn-train").isDisabled());
        page.locator("#cnn-layer-3-kernel_size input").fill("40");
        page.waitForFunction("() => document.querySelector('#cnn-layer-3').classList.contains('broken')");
        String reason = page.locator("#cnn-layer-3 .cnn-layer-error").innerText();
        assertTrue(reason.contains("too small") && reason.contains("[40, 40]"), reason);
        assertTrue(page.locator("#cnn-train").isDisabled());
        assertTrue(page.locator("#cnn-train-problem").innerText().startsWith("Layer 3 (Conv2d): "));
        assertEquals("Layer 3 breaks the shapes", page.locator("#cnn-total-params").innerText());
        // the layers before it keep their shapes; after it there are none
        List<String> shapes = layerShapes(page);
        assertEquals("[6, 14, 14]", shapes.get(2));
        assertEquals("does not fit", shapes.get(3));
        assertEquals("\u2013", shapes.get(4));
        screenshot(page, "cnn-broken-layer");

        page.locator("#cnn-layer-3-kernel_size input").fill("5");
        page.waitForFunction("() => !document.querySelector('#cnn-layer-3').classList.contains('broken')");
        assertFalse(page.locator("#cnn-train").isDisabled());

        // without Flatten the Linear layer maps only the last axis of [16, 5, 5], as in PyTorch, and the
        // output is no longer one score per class
        page.locator("#cnn-layer-6 .cnn-remove").click();
        page.waitForFunction("() => document.querySelector('#cnn-train-problem').textContent.includes('Flatten')");
        assertEquals("[16, 5, 120]", layerShapes(page).get(6));
        assertTrue(page.locator("#cnn-train-problem").innerText().contains("layer 6 (Linear) gets [16, 5, 5]"),
                page.locator("#cnn-train-problem").innerText());
        assertTrue(page.locator("#cnn-train").isDisabled());
        // add it back at the end and move it up into place
        chooseInSelect(page, "cnn-add-type", "Flatten");
        page.click("#cnn-add-layer");
        page.waitForSelector("#cnn-layer-11[data-type=Flatten]");
        for (int i = 11; i > 6; i--) {
            page.locator("#cnn-layer-" + i + " .cnn-up").click();
            page.waitForSelector("#cnn-layer-" + (i - 1) + "[data-type=Flatten]");
        }
        page.waitForFunction("() => document.querySelector('#cnn-total-params').textContent.includes('61,706')");
        assertFalse(page.locator("#cnn-train").isDisabled());
    }

    @Test
    void trainsASmallModelOnMnistAndShowsAccuracyRiseAndAConfusionMatrix() {
        open("cnn");
        CnnLabSteps.smallMnist(page);
        assertTrue(page.url().contains("x="), page.url());
        page.click("#cnn-train");
        page.waitForFunction("() => /images\\/s/.test(document.querySelector('#cnn-speed').textContent)",
                null, new Page.WaitForFunctionOptions().setTimeout(120_000));
        // the lab's default backend is auto, which takes the CPU where there is no GPU
        assertTrue(page.locator("#cnn-device").innerText().startsWith("on " + Backends.standard().auto().backend().name()
                + " backend, "), page.locator("#cnn-device").innerText());
        CnnLabSteps.awaitDone(page);
        page.waitForFunction("() => document.querySelector('#cnn-accuracy-chart').pointCount === 3");
        @SuppressWarnings("unchecked")
        List<Number> testAccuracy = (List<Number>) page.evaluate(
                "() => document.querySelector('#cnn-accuracy-chart')._data[2]");
        assertTrue(testAccuracy.get(2).doubleValue() > testAccuracy.get(0).doubleValue() + 10, testAccuracy.toString());
        page.waitForFunction("() => document.querySelector('#cnn-confusion').total === 100");
        assertEquals(10, page.locator("#cnn-confusion").evaluate("c => c.shadowRoot.querySelectorAll('tr').length - 1"));
        assertTrue(page.locator("#cnn-confusion-title").innerText().contains("after epoch 2"));
        assertEquals(CnnFrames.PREDICTIONS, page.locator("#cnn-predictions").evaluate("g => g.tileCount"));
        assertEquals(13, page.locator("#cnn-feature-maps .cnn-map-row").count(), "the input and 12 layers");
        assertEquals(6, page.locator("#cnn-filters").evaluate("g => g.tileCount"));
        page.waitForFunction("() => document.querySelector('#cnn-gradient-chart').barCount === 5");
        assertEquals("Train again", page.locator("#cnn-train").innerText().trim());
        fullScreenshot(page, "cnn-trained");
        page.locator("#cnn-training").screenshot(new Locator.ScreenshotOptions()
                .setPath(SCREENSHOTS.resolve("cnn-training-panel.png")));

        // the run's TensorBoard event files, zipped
        Download download = page.waitForDownload(() -> page.locator("#cnn-logs").click());
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(download.path()))) {
            ZipEntry entry = zip.getNextEntry();
            assertTrue(entry != null && entry.getName().contains("events.out.tfevents."), String.valueOf(entry));
        } catch (IOException e) {
            throw new AssertionError(e);
        }

        // the trained weights for PyTorch, from the training that has finished
        page.click("#cnn-export");
        page.waitForSelector("#export-code");
        assertTrue(page.locator("#export-weights-note").innerText().contains("trained"));
        Experiment trainedExperiment = CnnLinks.parse(java.util.Map.of("x", List.of(page.url().replaceAll(".*[?&]x=([^&]*).*", "$1"))))
                .value().experiment();
        assertEquals(PyTorchExport.code(trainedExperiment), ExportChecks.downloadText(page, "#export-model-py"));
        JsonNode trained = ExportChecks.assertWeightsFit(ExportChecks.download(page, "#export-weights"), trainedExperiment);
        assertEquals("2", trained.get("__metadata__").get("epoch").asText());
        page.click("#export-close");

        // another test image's feature maps
        page.locator("#cnn-predictions").locator("figure[data-index='3']").click();
        page.waitForFunction("() => document.querySelector('#cnn-feature-title').textContent.startsWith('Feature maps of test image 3 ')");
        screenshot(page, "cnn-trained-top");
    }

    @Test
    void aShareLinkOpensTheSameExperimentInAFreshContext() {
        open("cnn");
        page.waitForSelector("#cnn-layer-0");
        chooseInSelect(page, "cnn-preset", "Shallow network (MNIST)");
        page.waitForSelector("#cnn-layer-3");
        page.locator("#cnn-layer-1-out_features input").fill("48");
        page.waitForFunction("() => document.querySelector('#cnn-total-params').textContent.includes('38,170')");
        page.locator("#cnn-epochs input").fill("7");
        page.locator("#cnn-epochs input").press("Tab");
        page.locator("#cnn-limit input").fill("300");
        page.locator("#cnn-limit input").press("Tab");
        page.waitForFunction("() => document.querySelector('#cnn-data-note').textContent.startsWith('300 images')");
        // 240 training images in the preset's batches of 64: three full batches and a short one, which
        // drop_last leaves out
        page.waitForFunction("() => document.querySelector('#cnn-data-note').textContent.includes("
                + "'An epoch is 4 batches: 3 of 64 and a last one of 48.')");
        page.click("#cnn-drop-last");
        page.waitForFunction("() => document.querySelector('#cnn-data-note').textContent.includes("
                + "'An epoch is 3 batches of 64; drop_last leaves out the last 48 images.')");
        page.click("#cnn-compare");
        waitForVaadin(page);
        String href = page.locator("#cnn-share-link").getAttribute("href");
        assertTrue(href.startsWith("cnn?x=") && href.contains("&cmp=ReLU.Tanh.Sigmoid"), href);
        // the address bar carries the same state (the router may order the parameters its own way)
        String packed = href.substring("cnn?x=".length(), href.indexOf('&'));
        page.waitForFunction("([x]) => location.href.includes('x=' + x) && location.href.includes('cmp=ReLU.Tanh.Sigmoid')",
                List.of(packed));

        BrowserContext fresh = newContext();
        Page other = fresh.newPage();
        open(other, href);
        other.waitForFunction("() => document.querySelector('#cnn-total-params').textContent.includes('38,170')");
        assertEquals("48", other.locator("#cnn-layer-1-out_features input").inputValue());
        assertEquals("7", other.locator("#cnn-epochs input").inputValue());
        assertTrue(other.locator("#cnn-compare").evaluate("c => c.checked").equals(Boolean.TRUE));
        assertFalse(other.locator("#cnn-link-error").isVisible());
        assertEquals(4, other.locator("#cnn-layers .cnn-layer").count());
        assertEquals("300", other.locator("#cnn-limit input").inputValue());
        assertEquals(Boolean.TRUE, other.locator("#cnn-drop-last").evaluate("c => c.checked"));
        assertTrue(other.locator("#cnn-data-note").innerText().contains("drop_last leaves out the last 48 images"));

        // the comparison trains one copy per activation, on one chart
        other.click("#cnn-train");
        CnnLabSteps.awaitDone(other);
        // the loss per epoch (test) and batch by batch (train): points between the epochs, in order on the axis
        other.waitForFunction("() => document.querySelector('#cnn-accuracy-chart').pointCount === 8");
        @SuppressWarnings("unchecked")
        List<Number> xs = (List<Number>) other.evaluate("() => document.querySelector('#cnn-loss-chart')._data[0]");
        assertTrue(xs.size() > 8 * 2, xs.toString());
        assertTrue(xs.stream().anyMatch(x -> x.doubleValue() != Math.rint(x.doubleValue())), "batch points: " + xs);
        for (int i = 1; i < xs.size(); i++) {
            assertTrue(xs.get(i).doubleValue() > xs.get(i - 1).doubleValue(), "sorted: " + xs);
        }
        assertEquals(7.0, xs.get(xs.size() - 1).doubleValue(), 1e-9);
        // every run draws its own training curve between the epochs
        for (int series = 1; series <= 3; series++) {
            int s = series;
            long between = other.evaluate("s => document.querySelector('#cnn-loss-chart')._data[0]"
                    + ".filter((x, i) => !Number.isInteger(x) && document.querySelector('#cnn-loss-chart')._data[s][i] !== null).length",
                    s) instanceof Number num ? num.longValue() : -1;
            assertTrue(between > 7, "series " + s + ": " + between);
        }
        assertEquals(List.of("epoch", "ReLU train", "Tanh train", "Sigmoid train", "ReLU test", "Tanh test", "Sigmoid test"),
                other.evaluate("() => [...document.querySelectorAll('#cnn-loss-chart .u-legend .u-series .u-label')]"
                        + ".map(e => e.textContent)"));
        other.waitForFunction("() => document.querySelector('#cnn-gradient-chart').barCount === 6");
        assertTrue(other.locator("#cnn-confusion-title").innerText().contains("of the ReLU run"));
        assertTrue(other.locator("#cnn-feature-maps .cnn-map-row[data-layer='2']").innerText().contains("ReLU"));
        // the details of another run of the comparison
        assertTrue(other.locator("#cnn-details-run").isVisible());
        chooseInSelect(other, "cnn-details-run", "Tanh");
        other.waitForFunction("() => document.querySelector('#cnn-confusion-title').textContent.includes('of the Tanh run')");
        assertTrue(other.locator("#cnn-feature-maps .cnn-map-row[data-layer='2']").innerText().contains("Tanh"));
        chooseInSelect(other, "cnn-details-run", "Sigmoid");
        other.waitForFunction("() => document.querySelector('#cnn-confusion-title').textContent.includes('of the Sigmoid run')");
        assertTrue(other.locator("#cnn-feature-maps .cnn-map-row[data-layer='2']").innerText().contains("Sigmoid"));
        // the export takes the run shown
        other.click("#cnn-export");
        other.waitForSelector("#export-code");
        assertTrue(other.locator("#export-weights-note").innerText().contains("of the Sigmoid run"));
        assertTrue(other.locator("#export-code").innerText().contains("nn.Sigmoid()"));
        other.click("#export-close");
        other.locator("#cnn-training").screenshot(new Locator.ScreenshotOptions()
                .setPath(SCREENSHOTS.resolve("cnn-compare.png")));

        // a damaged link opens the defaults with a message
        open(other, "cnn?x=1.bm90LWEtbGluaw");
        other.waitForSelector("#cnn-link-error:visible");
        assertTrue(other.locator("#cnn-link-error").innerText().contains("Opening the default experiment instead"));
        assertEquals(12, other.locator("#cnn-layers .cnn-layer").count(), "the LeNet-style default");
        screenshot(other, "cnn-broken-link");
    }

    @Test
    void stepTrainsOneBatchAtATimeAndShowsWhatTheStepDid() {
        open("cnn");
        page.waitForSelector("#cnn-layer-0");
        assertFalse(page.locator("#cnn-step").isDisabled());
        assertTrue(page.locator("#cnn-step-table").innerText().startsWith("Press Step"));
        // Step before any training: it starts one and holds after the first batch
        page.click("#cnn-step");
        page.waitForFunction("() => document.querySelector('#cnn-step-table').dataset.batch === '1.1'",
                null, new Page.WaitForFunctionOptions().setTimeout(60_000));
        page.waitForFunction("() => document.querySelector('#cnn-status').textContent.startsWith('Paused')");
        assertTrue(page.locator("#cnn-epoch").innerText().contains("batch 1 of "), page.locator("#cnn-epoch").innerText());
        // the LeNet-style default has five layers with weights: a row each under the header
        @SuppressWarnings("unchecked")
        List<List<String>> rows = (List<List<String>>) page.evaluate("() => [...document.querySelectorAll("
                + "'#cnn-step-table tr')].map(r => [...r.children].map(c => c.textContent))");
        assertEquals(List.of("layer", "mean |dL/dW|", "mean |\u0394W|", "|\u0394W| / |W|"), rows.get(0));
        assertEquals(List.of("0 Conv2d", "3 Conv2d", "7 Linear", "9 Linear", "11 Linear"),
                rows.subList(1, rows.size()).stream().map(r -> r.get(0)).toList());
        for (List<String> r : rows.subList(1, rows.size())) {
            for (String v : r.subList(1, 4)) {
                assertTrue(Double.parseDouble(v) > 0, r.toString());
            }
        }
        assertTrue(page.locator("#cnn-step-table").innerText().startsWith("Epoch 1, batch 1: the batch's loss"));
        assertTrue(page.locator("#cnn-feature-maps .cnn-map-row, #cnn-feature-maps > *").count() > 0);
        // one more step: exactly one more batch, and the training holds again
        page.click("#cnn-step");
        page.waitForFunction("() => document.querySelector('#cnn-step-table').dataset.batch === '1.2'");
        page.waitForFunction("() => document.querySelector('#cnn-status').textContent.startsWith('Paused')");
        assertTrue(page.locator("#cnn-epoch").innerText().contains("batch 2 of "), page.locator("#cnn-epoch").innerText());
        page.waitForTimeout(400);
        assertEquals("1.2", page.locator("#cnn-step-table").getAttribute("data-batch"), "held after the step");
        assertTrue(page.locator("#cnn-feature-title").innerText().contains("after batch 2 of epoch 1"),
                page.locator("#cnn-feature-title").innerText());
        // the output layer's ten logits are shown as numbers
        String logits = page.locator("#cnn-feature-maps .cnn-map-row[data-layer='11'] .caption").innerText();
        assertTrue(logits.matches("(-?\\d+\\.\\d\\d[ \\n]){9}-?\\d+\\.\\d\\d\\s*"), logits);
        page.locator("#cnn-training").screenshot(new Locator.ScreenshotOptions()
                .setPath(SCREENSHOTS.resolve("cnn-step.png")));
        page.click("#cnn-stop");
        page.waitForFunction("() => document.querySelector('#cnn-status').textContent.startsWith('Stopped')");
    }

    @Test
    void trainingPausesResumesAndEndsWhenThePageGoesAway() {
        open("cnn");
        page.waitForSelector("#cnn-layer-0");
        page.locator("#cnn-epochs input").fill("50");
        page.locator("#cnn-epochs input").press("Tab");
        // the new epochs redraw the data controls, which can swallow a pick made meanwhile: pick until it holds
        waitForVaadin(page);
        for (int attempt = 1; ; attempt++) {
            chooseInSelect(page, "cnn-batch-size", "8");
            try {
                page.waitForFunction("() => document.querySelector('#cnn-data-note').textContent.endsWith('of a batch of 8.')",
                        null, new Page.WaitForFunctionOptions().setTimeout(5_000));
                break;
            } catch (RuntimeException e) {
                if (attempt == 3) {
                    screenshot(page, "cnn-debug-batch");
                    throw new AssertionError("batch size 8 not taken; note: " + page.locator("#cnn-data-note").innerText(), e);
                }
            }
        }
        page.click("#cnn-train");
        try {
            page.waitForFunction("() => / batch \\d+ of 200/.test(document.querySelector('#cnn-epoch').textContent)",
                    null, new Page.WaitForFunctionOptions().setTimeout(60_000));
        } catch (RuntimeException e) {
            screenshot(page, "cnn-debug");
            throw new AssertionError("epoch text: " + page.locator("#cnn-epoch").innerText() + "; status: "
                    + page.locator("#cnn-status").innerText() + "; url " + page.url(), e);
        }
        assertFalse(cnnRuns().isEmpty());
        page.click("#cnn-pause");
        page.waitForFunction("() => document.querySelector('#cnn-status').textContent.startsWith('Paused')");
        assertEquals("Resume", page.locator("#cnn-pause").innerText().trim());
        // the learning rate changes while paused, and the page shows the rate in force
        chooseInSelect(page, "cnn-lr", "0.003");
        page.waitForFunction("() => document.querySelector('#cnn-speed').textContent.endsWith('lr 0.003')");
        // the weights as they are now, handed over by the paused training thread
        page.click("#cnn-export");
        page.waitForSelector("#export-code");
        assertTrue(page.locator("#export-weights-note").innerText().startsWith("The weights are the trained ones"),
                page.locator("#export-weights-note").innerText());
        JsonNode now = ExportChecks.assertWeightsFit(ExportChecks.download(page, "#export-weights"), CnnLinks.DEFAULTS.experiment());
        String pausedAt = page.locator("#cnn-epoch").innerText();
        // "Epoch 1.19 of 50 · batch 37 of 200": one epoch done, partial epochs counted; at an epoch's end "Epoch 2 of 50"
        java.util.regex.Matcher at = java.util.regex.Pattern.compile("^Epoch (\\d+)(\\.\\d+)? of \\d+").matcher(pausedAt);
        assertTrue(at.find(), pausedAt);
        int epochsDone = Integer.parseInt(at.group(1));
        assertEquals(String.valueOf(epochsDone), now.get("__metadata__").get("epoch").asText(), "paused at: " + pausedAt);
        page.click("#export-close");
        String epoch = page.locator("#cnn-epoch").innerText();
        page.waitForTimeout(500);
        assertEquals(epoch, page.locator("#cnn-epoch").innerText(), "paused: no batches");
        page.click("#cnn-pause");
        page.waitForFunction("() => document.querySelector('#cnn-status').textContent.startsWith('Training')");
        page.waitForFunction("([e]) => document.querySelector('#cnn-epoch').textContent !== e", List.of(epoch));
        screenshot(page, "cnn-training-live");

        // the run is the visitor's, not the page's: a reload finds it again, training on from where it was
        double before = epochs(page.locator("#cnn-epoch").innerText());
        page.reload();
        page.waitForSelector("#cnn-status");
        page.waitForFunction("() => document.querySelector('#cnn-status').textContent.startsWith('Training')",
                null, new Page.WaitForFunctionOptions().setTimeout(60_000));
        page.waitForFunction("() => / batch \\d+ of 200/.test(document.querySelector('#cnn-epoch').textContent)");
        assertTrue(epochs(page.locator("#cnn-epoch").innerText()) >= before, page.locator("#cnn-epoch").innerText());
        if (!page.locator("#cnn-pause").isEnabled()) {
            screenshot(page, "cnn-debug-reload");
        }
        assertTrue(page.locator("#cnn-pause").isEnabled(), page.locator("#cnn-status").innerText() + " / "
                + page.locator("#cnn-epoch").innerText() + " / " + page.locator("#cnn-pause").evaluate("e => e.outerHTML"));

        // leaving the page ends its training (an anonymous visitor's, once no page watched it for a while)
        page.click("a[data-path='']");
        awaitNoTraining("after navigating away");

        // closing the tab ends it too
        Page tab = context.newPage();
        open(tab, "cnn");
        tab.waitForSelector("#cnn-layer-0");
        tab.click("#cnn-train");
        tab.waitForFunction("() => document.querySelector('#cnn-status').textContent.startsWith('Training')",
                null, new Page.WaitForFunctionOptions().setTimeout(60_000));
        // as a person closing a tab: the browser runs the page's beforeunload, where Vaadin tells the server
        tab.close(new Page.CloseOptions().setRunBeforeUnload(true));
        awaitNoTraining("after closing the tab");
    }

    /** The epochs an epoch text ("Epoch 1.19 of 50 · batch 37 of 200") says are done. */
    private static double epochs(String epochText) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^Epoch ([\\d.]+) of").matcher(epochText);
        assertTrue(m.find(), epochText);
        return Double.parseDouble(m.group(1));
    }

    /** A zip of two class folders of grey 28x28 PNGs, wrapped in one more folder as zipping a folder does. */
    private static byte[] letters() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (String cls : List.of("a", "b")) {
                for (int i = 0; i < 6; i++) {
                    BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
                    Graphics2D g = img.createGraphics();
                    g.setColor(Color.WHITE);
                    if (cls.equals("a")) {
                        g.fillOval(4 + i, 4, 14, 14);
                    } else {
                        g.fillRect(4, 4 + i, 16, 8);
                    }
                    g.dispose();
                    ByteArrayOutputStream png = new ByteArrayOutputStream();
                    ImageIO.write(img, "png", png);
                    zip.putNextEntry(new ZipEntry("letters/" + cls + "/" + i + ".png"));
                    zip.write(png.toByteArray());
                    zip.closeEntry();
                }
            }
        }
        return out.toByteArray();
    }

    @Test
    void anUploadedFolderSetCanBeTrainedOn() throws IOException {
        open("cnn");
        page.waitForSelector("#cnn-upload");
        page.setInputFiles("#cnn-upload input[type=file]", new FilePayload("letters.zip", "application/zip", letters()));
        page.waitForSelector("#cnn-upload-message.cnn-ok:visible");
        assertEquals("Added \"letters\": 12 images [1, 28, 28] in 2 classes (a, b).",
                page.locator("#cnn-upload-message").innerText());
        page.waitForFunction("() => document.querySelector('#cnn-data-note').textContent.startsWith('12 images [1, 28, 28], 2 classes')");
        // the model still ends in 10 scores: the page says how to fit it to 2 classes
        String problem = page.locator("#cnn-train-problem").innerText();
        assertTrue(problem.contains("out_features to 2"), problem);
        assertTrue(page.locator("#cnn-train").isDisabled());
        page.locator("#cnn-layer-11-out_features input").fill("2");
        page.waitForFunction("() => !document.querySelector('#cnn-train').hasAttribute('disabled')");
        assertTrue(page.locator("#cnn-share-link").getAttribute("href").startsWith("cnn?x="));
        screenshot(page, "cnn-uploaded");
    }

    @Test
    void aBadZipIsRefusedWithAClearMessage() {
        open("cnn");
        page.waitForSelector("#cnn-upload");
        page.setInputFiles("#cnn-upload input[type=file]", new FilePayload("pets.zip", "application/zip",
                "this is not a zip file".getBytes(StandardCharsets.UTF_8)));
        page.waitForSelector("#cnn-upload-message:visible");
        String msg = page.locator("#cnn-upload-message").innerText();
        assertTrue(msg.startsWith("\"pets.zip\" was not added: ") && msg.endsWith("Nothing was changed."), msg);
        assertTrue(page.locator("#cnn-data-note").innerText().startsWith("2,000 images [1, 28, 28]"));
    }
}
