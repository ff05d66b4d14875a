package com.layerlab.app.ui.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.ExportChecks;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/** The compare page in headless Chromium: live training side by side, the selection, share links. */
class CompareViewTest extends BrowserTestBase {

    private static final String CARDS = "#compare-cards .compare-card";

    /** Epoch shown on every card, or -1 where a card shows none yet. */
    private static final String CARD_EPOCHS = "() => [...document.querySelectorAll('" + CARDS + " .compare-numbers')]"
            + ".map(e => { const m = /^Epoch (\\d+)/.exec(e.textContent); return m ? +m[1] : -1; })";

    private static final String LEGEND = "() => [...document.querySelectorAll('#compare-loss-chart .u-legend .u-series .u-label')]"
            + ".map(e => e.textContent)";

    @SuppressWarnings("unchecked")
    private static List<String> legend(Page p) {
        return (List<String>) p.evaluate(LEGEND);
    }

    private static void waitForEpochOnEveryCard(Page p, int atLeast) {
        p.waitForFunction("() => { const e = (" + CARD_EPOCHS + ")(); return e.length > 0 && e.every(v => v >= "
                + atLeast + "); }");
    }

    /** One step, one batch of every network: waits until the page says {@code batch} batches of epoch 0 are done. */
    private static void stepTo(Page p, int batch) {
        p.click("#compare-step");
        p.waitForFunction("b => { const e = document.querySelector('#compare-epoch'); return e.dataset.epoch === '0'"
                + " && e.dataset.batch === b; }", String.valueOf(batch));
    }

    /** Plays until every network has trained {@code epochs} epochs, then pauses. */
    private static void trainAndPause(Page p, int epochs) {
        p.click("#compare-play");
        waitForEpochOnEveryCard(p, epochs);
        pause(p);
    }

    /**
     * Pauses a playing comparison and waits for the frame of where it holds: the button answers at once,
     * but frames of the batches under way still come, and one of them may end an epoch.
     */
    static void pause(Page p) {
        p.click("#compare-play");
        p.waitForFunction("() => document.querySelector('#compare-play').textContent.trim() === 'Play'");
        p.waitForFunction("() => document.querySelector('#compare-epoch').dataset.state === 'PAUSED'");
        waitForVaadin(p);
    }

    private static Locator activationBox(Page p, String name) {
        return p.locator("#compare-activations vaadin-checkbox")
                .filter(new Locator.FilterOptions().setHasText(Pattern.compile("^\\s*" + name + "\\s*$")));
    }

    @Test
    void playTrainsEveryActivationTogether() {
        open("compare");
        page.waitForSelector(CARDS + " heat-map");
        assertEquals(List.of("ReLU", "Tanh", "Sigmoid"),
                page.locator(CARDS).evaluateAll("cs => cs.map(c => c.dataset.activation)"));
        assertEquals(3, page.locator(CARDS + " heat-map canvas").count());
        page.waitForFunction("() => document.querySelectorAll('#compare-loss-chart .u-legend .u-series').length === 7");
        assertEquals(List.of("epoch", "ReLU train", "Tanh train", "Sigmoid train", "ReLU test", "Tanh test", "Sigmoid test"),
                legend(page));
        assertTrue(page.locator("#compare-card-relu .compare-range").innerText().contains("[0, \u221e)"));
        assertTrue(page.locator("#compare-card-tanh .compare-range").innerText().contains("zero-centred"));
        assertTrue(page.locator("#compare-card-sigmoid .compare-range").innerText().contains("not zero-centred"));

        page.click("#compare-play");
        waitForEpochOnEveryCard(page, 8);
        page.waitForFunction("() => document.querySelector('#compare-loss-chart').pointCount >= 3");
        // every activation has one gradient bar per Linear layer (4 hidden layers + output)
        page.waitForFunction("() => document.querySelector('#compare-gradient-chart').barCount === 15");
        fullScreenshot(page, "compare-playing");
        pause(page);

        List<?> epochs = (List<?>) page.evaluate(CARD_EPOCHS);
        assertEquals(3, epochs.size());
        assertEquals(1, epochs.stream().distinct().count(), "the runs step together: " + epochs);
        // the cards' losses are those of the last whole epoch; the counter shows how far into the next it is
        String shown = page.locator("#compare-epoch").innerText();
        String whole = "Epoch " + ((Number) epochs.get(0)).intValue();
        assertTrue(shown.equals(whole) || shown.startsWith(whole + "."), shown + " after " + whole);

        // the gradient chart shows Sigmoid's gradient fading towards the input, and Tanh's not nearly as much
        double sigmoidFirst = barValue(page, "Sigmoid", 0);
        double sigmoidLast = barValue(page, "Sigmoid", 4);
        double tanhFirst = barValue(page, "Tanh", 0);
        double tanhLast = barValue(page, "Tanh", 4);
        assertTrue(sigmoidFirst < sigmoidLast / 100, sigmoidFirst + " vs " + sigmoidLast);
        assertTrue(tanhFirst / tanhLast > 10 * sigmoidFirst / sigmoidLast);
        String sigmoidCaption = page.locator("#compare-card-sigmoid .compare-caption").innerText();
        assertTrue(sigmoidCaption.contains("shrinks layer by layer"), sigmoidCaption);
        String reluCaption = page.locator("#compare-card-relu .compare-caption").innerText();
        assertTrue(reluCaption.matches("(?s).*\\d+ of 24 hidden neurons (is|are) dead.*|No dead neurons.*"), reluCaption);

        page.click("#compare-reset");
        waitForEpochOnEveryCard(page, 0);
        page.waitForFunction("() => document.querySelector('#compare-epoch').textContent === 'Epoch 0'");
    }

    private static void fullScreenshot(Page p, String name) {
        screenshot(p, name);
        p.screenshot(new Page.ScreenshotOptions().setFullPage(true).setPath(SCREENSHOTS.resolve(name + "-full.png")));
    }

    private static double barValue(Page p, String series, int layer) {
        Object v = p.evaluate("([s, l]) => { const r = document.querySelector('#compare-gradient-chart').shadowRoot"
                + ".querySelector(`rect.bar[data-series=\"${s}\"][data-layer=\"${l}\"]`); return r ? +r.dataset.value : -1; }",
                List.of(series, layer));
        double d = ((Number) v).doubleValue();
        assertTrue(d > 0, "a bar for " + series + " layer " + layer);
        return d;
    }

    @Test
    void deselectingAnActivationLeavesTheOthers() {
        open("compare");
        page.waitForFunction("() => document.querySelectorAll('" + CARDS + "').length === 3");
        activationBox(page, "Tanh").click();
        page.waitForFunction("() => document.querySelectorAll('" + CARDS + "').length === 2");
        page.waitForFunction("() => document.querySelectorAll('#compare-loss-chart .u-legend .u-series').length === 5");
        assertEquals(List.of("epoch", "ReLU train", "Sigmoid train", "ReLU test", "Sigmoid test"), legend(page));
        // a step is one batch of both networks: 25 make an epoch
        stepTo(page, 1);
        assertEquals("Epoch 0.04", page.locator("#compare-epoch").innerText());
        trainAndPause(page, 1);
        page.waitForFunction("() => document.querySelector('#compare-gradient-chart').barCount === 10");
        assertTrue(page.url().contains("acts=ReLU.Sigmoid"), page.url());
        // both networks' TensorBoard files, one run folder each
        assertTrue(page.locator("#compare-logs").isVisible());
        Map<String, String> events = new TreeMap<>();
        try (ZipInputStream in = new ZipInputStream(
                new ByteArrayInputStream(ExportChecks.download(page, "#compare-logs")))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                events.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertEquals(2, events.size(), events.keySet().toString());
        for (var e : events.entrySet()) {
            assertTrue(e.getKey().contains("/events.out.tfevents.") && e.getValue().contains("loss/test"), e.getKey());
        }

        // one activation alone is no comparison: the last two cannot be unticked, the others can be added
        assertEquals(Boolean.TRUE, activationBox(page, "Sigmoid").evaluate("c => c.checked && c.disabled"));
        assertEquals(Boolean.TRUE, activationBox(page, "ReLU").evaluate("c => c.checked && c.disabled"));
        assertEquals(Boolean.FALSE, activationBox(page, "Tanh").evaluate("c => c.checked || c.disabled"));
        fullScreenshot(page, "compare-two");
        activationBox(page, "Identity").click();
        page.waitForFunction("() => document.querySelectorAll('" + CARDS + "').length === 3");
        assertEquals(Boolean.FALSE, activationBox(page, "Sigmoid").evaluate("c => c.disabled"));
    }

    @Test
    void theShareLinkRestoresTheComparisonInAFreshBrowser() {
        open("compare");
        page.waitForSelector(CARDS + " heat-map");
        page.click("#compare-dataset");
        page.locator("vaadin-select-item").filter(new Locator.FilterOptions().setHasText("xor")).click();
        page.waitForFunction("() => document.querySelector('#compare-shape') && location.search.length > 0");
        activationBox(page, "Sigmoid").click();
        activationBox(page, "LeakyReLU").click();
        page.waitForFunction("() => [...document.querySelectorAll('" + CARDS + "')].map(c => c.dataset.activation).join() "
                + "=== 'ReLU,Tanh,LeakyReLU'");
        waitForEpochOnEveryCard(page, 0);
        waitForVaadin(page);
        String startNumbers = page.locator("#compare-card-leakyrelu .compare-numbers").innerText();
        assertTrue(startNumbers.startsWith("Epoch 0 \u00b7 train loss"), startNumbers);
        stepTo(page, 1);
        stepTo(page, 2);

        String link = (String) page.locator("#compare-share-link").evaluate("a => a.href");
        assertTrue(link.contains("/compare?x=") && link.endsWith("&acts=ReLU.Tanh.LeakyReLU"), link);
        assertEquals(link, page.url(), "the address bar holds the same link");
        page.click("#compare-copy-link");
        page.waitForSelector("vaadin-notification-card:has-text('Link copied')");
        assertEquals(link, page.evaluate("() => navigator.clipboard.readText()"));

        BrowserContext fresh = newContext();
        Page other = fresh.newPage();
        other.navigate(link);
        waitForVaadin(other);
        other.waitForSelector(CARDS + " heat-map");
        assertEquals(List.of("ReLU", "Tanh", "LeakyReLU"), other.locator(CARDS).evaluateAll("cs => cs.map(c => c.dataset.activation)"));
        assertTrue(other.locator("#compare-dataset").innerText().contains("xor"));
        assertEquals(page.locator("#compare-shape").innerText(), other.locator("#compare-shape").innerText());
        waitForEpochOnEveryCard(other, 0);
        assertEquals(startNumbers, other.locator("#compare-card-leakyrelu .compare-numbers").innerText(),
                "the same data and starting weights give the same starting loss");
        assertEquals(link, other.locator("#compare-share-link").evaluate("a => a.href"));
        assertFalse(other.locator("#compare-link-error").isVisible());
        screenshot(other, "compare-shared");
    }

    @Test
    void aBrokenLinkShowsAMessageAndTheDefaults() {
        open("compare?x=1.thisIsNotAnExperiment&acts=ReLU.Tanh");
        Locator error = page.locator("#compare-link-error");
        error.waitFor();
        assertTrue(error.isVisible());
        String text = error.innerText();
        assertTrue(text.startsWith("The link") && text.contains("default comparison"), text);
        assertEquals(List.of("ReLU", "Tanh", "Sigmoid"), page.locator(CARDS).evaluateAll("cs => cs.map(c => c.dataset.activation)"));
        String body = page.locator("body").innerText();
        assertFalse(body.contains("Exception") || body.contains("at com."), body);
        screenshot(page, "compare-broken-link");

        open("compare?acts=ReLU.Swish");
        page.locator("#compare-link-error").waitFor();
        assertTrue(page.locator("#compare-link-error").innerText().contains("Swish"));
    }

    @Test
    void regressionDataAndANetworkWithoutHiddenLayersTrainToo() {
        open("compare");
        page.waitForSelector(CARDS + " heat-map");
        page.click("#compare-dataset");
        page.locator("vaadin-select-item").filter(new Locator.FilterOptions().setHasText("plane")).click();
        page.waitForFunction("() => document.querySelector('#compare-shape').textContent.endsWith('6 \u2192 1')"
                + " && location.search.includes('acts=')");
        trainAndPause(page, 1);
        assertEquals("", page.locator("#compare-status").innerText());
        assertTrue(page.locator("#compare-card-tanh .compare-numbers").innerText().matches("Epoch \\d+ \u00b7 train loss [0-9.e-]+ .*"),
                page.locator("#compare-card-tanh .compare-numbers").innerText());

        page.click("#compare-layers");
        page.locator("vaadin-select-item[role=option]:visible")
                .filter(new Locator.FilterOptions().setHasText(Pattern.compile("^\\s*0\\s*$"))).click();
        page.waitForFunction("() => document.querySelector('#compare-shape').textContent === 'Network: 2 \u2192 1'");
        trainAndPause(page, 1);
        page.waitForFunction("() => document.querySelector('#compare-card-relu .compare-caption').textContent.includes('No hidden layer')");
        page.waitForFunction("() => document.querySelector('#compare-gradient-chart').barCount === 3");
        fullScreenshot(page, "compare-regression-perceptron");
    }
}
