package com.layerlab.app.ui.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.BrowserTestBase;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * Saving on the playground, in a real browser: the short link opens in a fresh browser with the same
 * boundary (the same map data and the same pixels) and curves, Fork trains on from the saved weights, and
 * links to nothing or to someone else's private experiment get the not-found page with status 404.
 */
class SavedPlaygroundTest extends BrowserTestBase {

    private static final String MAP_VALUES = "() => document.querySelector('#output-map').values";
    private static final String MAP_PIXELS =
            "() => document.querySelector('#output-map').shadowRoot.querySelector('canvas').toDataURL()";
    private static final String CHART = "() => JSON.stringify(document.querySelector('#loss-chart')._data)";

    private static void waitForEpoch(Page p, String condition) {
        p.waitForFunction("() => { const e = document.querySelector('#epoch'); "
                + "return e && e.dataset.epoch !== undefined && (" + condition.replace("epoch", "Number(e.dataset.epoch)") + "); }");
    }

    private static int epoch(Page p) {
        return Integer.parseInt(p.locator("#epoch").getAttribute("data-epoch"));
    }

    /** Trains to at least {@code epochs} and pauses; returns the epoch it stopped at. */
    private static int trainAndPause(Page p, int epochs) {
        p.locator("#play-button").click();
        waitForEpoch(p, "epoch >= " + epochs);
        p.locator("#play-button").click();
        p.waitForFunction("() => document.querySelector('#play-button').dataset.playing === 'false'");
        // the frame of where the run holds: frames of the batches still under way at the click come before it
        p.waitForFunction("() => !['RUNNING', 'QUEUED'].includes(document.querySelector('#epoch').dataset.state)");
        waitForVaadin(p);
        // after it nothing changes any more
        int e = epoch(p);
        p.waitForTimeout(300);
        waitForVaadin(p);
        assertEquals(e, epoch(p));
        return e;
    }

    @Test
    void savedPlaygroundOpensElsewhereWithTheSameBoundaryAndCurvesAndForksFromItsWeights() throws IOException {
        open("/");
        waitForEpoch(page, "epoch === 0");
        int trained = trainAndPause(page, 25);
        String values = (String) page.evaluate(MAP_VALUES);
        String pixels = (String) page.evaluate(MAP_PIXELS);
        String testLoss = page.locator("#test-loss").getAttribute("data-value");

        String path = save(page, "save-button", "Circle <b>bold</b> test", true);
        screenshot(page, "store-save-dialog");
        page.locator("#save-close").click();

        // a fresh browser: no cookie, no session
        BrowserContext other = newContext();
        Page there = other.newPage();
        Response r = there.navigate(baseUrl() + path.substring(1));
        assertEquals(200, r.status());
        waitForVaadin(there);
        there.waitForFunction("() => document.querySelector('#output-map') && document.querySelector('#output-map').values");
        assertEquals("Circle <b>bold</b> test", there.locator("#saved-name").textContent(), "the name, as text");
        assertEquals(values, there.evaluate(MAP_VALUES), "the boundary computed from the saved weights");
        there.waitForTimeout(300);
        assertEquals(pixels, there.evaluate(MAP_PIXELS), "the boundary looks as it did when saved");
        String chart = (String) there.evaluate(CHART);
        com.fasterxml.jackson.databind.JsonNode data = new com.fasterxml.jackson.databind.ObjectMapper().readTree(chart);
        assertEquals(trained + 1, data.get(0).size(), "one point per epoch, 0 to " + trained + ": " + chart);
        assertEquals(trained, data.get(0).get(trained).asInt());
        assertEquals(Double.parseDouble(testLoss), data.get(1).get(trained).asDouble(), 1e-5,
                "the last test loss (the chart keeps 6 decimals)");
        assertEquals(String.valueOf(trained), there.locator("#saved-losses").getAttribute("data-epoch"));
        screenshot(there, "store-saved-playground");

        // the download: one zip with the file, the weights, the metrics, the code and the events
        com.microsoft.playwright.Download d = there.waitForDownload(() -> there.locator("#saved-download").click());
        List<String> names = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(d.path())))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                names.add(e.getName());
            }
        }
        assertTrue(names.containsAll(List.of("experiment.json", "weights.safetensors", "metrics.json", "model.py")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("tensorboard/") && n.contains("tfevents")), names.toString());

        // Fork: the playground with the saved weights (the same boundary at its epoch 0), training on
        there.locator("#fork-link").click();
        there.waitForURL(u -> !u.contains("/e/"));
        waitForVaadin(there);
        waitForEpoch(there, "epoch === 0");
        there.waitForFunction("() => document.querySelector('#output-map').values");
        assertEquals(values, there.evaluate(MAP_VALUES), "the fork starts from the saved weights, not the seed's");
        assertTrue(there.locator("vaadin-notification-card").filter(new Locator.FilterOptions()
                .setHasText("Forked \"Circle <b>bold</b> test\"")).isVisible(), "the page says what it forked");
        trainAndPause(there, 10);
        assertNotEquals(values, there.evaluate(MAP_VALUES), "and trains on");
        screenshot(there, "store-forked-playground");

        // a reload shows the fork's run again, where it was
        int forked = epoch(there);
        String trainedValues = (String) there.evaluate(MAP_VALUES);
        there.reload();
        waitForVaadin(there);
        waitForEpoch(there, "epoch === " + forked);
        there.waitForFunction("v => document.querySelector('#output-map').values === v", trainedValues);

        // the fork's link keeps the fork: another tab, while this one shows its run, starts from the saved weights
        assertTrue(there.url().contains("fork=" + path.substring(path.lastIndexOf('/') + 1)), there.url());
        Page tab = other.newPage();
        tab.navigate(there.url());
        waitForVaadin(tab);
        waitForEpoch(tab, "epoch === 0");
        tab.waitForFunction("() => document.querySelector('#output-map').values");
        assertEquals(values, tab.evaluate(MAP_VALUES), "the fork's link starts from the saved weights again");
        tab.close();
    }

    @Test
    void privateAndUnknownLinksAreNotFoundForOthers() {
        open("/");
        waitForEpoch(page, "epoch === 0");
        String path = save(page, "save-button", "mine only", false);
        page.locator("#save-close").click();
        assertEquals(200, page.navigate(baseUrl() + path.substring(1)).status(), "its owner opens it");
        waitForVaadin(page);
        assertEquals("mine only", page.locator("#saved-name").textContent());

        open("/experiments");
        Locator row = page.locator(".ll-experiment-row[data-id='" + path.substring(3) + "']");
        assertTrue(row.isVisible());
        screenshot(page, "store-my-experiments");

        Page there = newContext().newPage();
        Response r = there.navigate(baseUrl() + path.substring(1));
        assertEquals(404, r.status());
        waitForVaadin(there);
        assertTrue(there.locator("#not-found").textContent().contains("private"));
        there.navigate(baseUrl() + "experiments");
        waitForVaadin(there);
        assertEquals(0, there.locator(".ll-experiment-row[data-id='" + path.substring(3) + "']").count());

        assertEquals(404, there.navigate(baseUrl() + "e/AAAAAAAAAAAAAAAAAAAA").status());
        waitForVaadin(there);
        assertTrue(there.locator("#not-found").isVisible());
        screenshot(there, "store-not-found");

        // made public by its owner: in the gallery, and open for anyone
        row.locator(".ll-row-public").click();
        waitForVaadin(page);
        there.navigate(baseUrl() + "gallery");
        waitForVaadin(there);
        assertTrue(there.locator(".ll-experiment-row[data-id='" + path.substring(3) + "']").isVisible());
        screenshot(there, "store-gallery");
        assertEquals(200, there.navigate(baseUrl() + path.substring(1)).status());

        // renamed, then deleted by its owner: the link leads nowhere
        row.locator(".ll-row-rename").click();
        page.locator("#rename-field input").fill("   ");
        page.locator("#rename-confirm").click();
        page.waitForSelector("#rename-field[invalid]");
        assertTrue(page.locator("#rename-field").textContent().contains("name"), "a blank name is refused with why");
        page.locator("#rename-field input").fill("renamed");
        page.locator("#rename-confirm").click();
        waitForVaadin(page);
        assertEquals("renamed", row.locator(".ll-row-name").textContent());
        row.locator(".ll-row-delete").click();
        page.locator("#delete-confirm").click();
        waitForVaadin(page);
        assertEquals(0, row.count());
        assertEquals(404, there.navigate(baseUrl() + path.substring(1)).status());
    }
}
