package com.layerlab.app.ui.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.CnnLabSteps;
import com.layerlab.app.lab.CnnDataService;
import com.layerlab.app.lab.CnnPresets;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.training.CnnFrames;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.Trainer;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Saving in the CNN lab, in a real browser: the short link opens in a fresh browser with the confusion
 * matrix computed from the saved weights (the same counts as the lab's, made from the same weights) and
 * the curves, and Fork opens the lab ready to train on from those weights; the feature maps of a test image
 * picked on the saved page, computed from the saved weights.
 */
class SavedCnnTest extends BrowserTestBase {

    @Autowired
    ExperimentStore store;
    @Autowired
    CnnDataService data;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void savedCnnRunShowsTheConfusionMatrixOfItsWeightsElsewhereAndForks() throws Exception {
        open("cnn");
        CnnLabSteps.smallMnist(page);
        page.click("#cnn-train");
        CnnLabSteps.awaitDone(page);
        page.waitForFunction("() => document.querySelector('#cnn-confusion').total === 100");
        JsonNode labMatrix = JSON.readTree((String) page.evaluate("() => document.querySelector('#cnn-confusion').matrix"));

        page.locator("#cnn-save").click();
        page.locator("#save-name input").fill("MNIST, 2 epochs");
        page.locator("#save-public").click();
        page.locator("#save-confirm").click();
        page.waitForFunction("() => { const f = document.querySelector('#saved-url'); return f && f.value && f.value.includes('/e/'); }");
        String path = page.locator("#saved-url").getAttribute("data-path");
        page.locator("#save-close").click();

        Page there = newContext().newPage();
        Response r = there.navigate(baseUrl() + path.substring(1));
        assertEquals(200, r.status());
        waitForVaadin(there);
        there.waitForFunction("() => document.querySelector('#saved-confusion') && document.querySelector('#saved-confusion').total > 0");
        JsonNode saved = JSON.readTree((String) there.evaluate("() => document.querySelector('#saved-confusion').matrix"));
        assertEquals(labMatrix.get("counts"), saved.get("counts"), "the confusion matrix of the saved weights");
        assertEquals(labMatrix.get("classes"), saved.get("classes"));
        assertEquals("100", there.locator("#saved-confusion").getAttribute("data-images"));
        String chart = (String) there.evaluate("() => JSON.stringify(document.querySelector('#accuracy-chart')._data)");
        assertEquals(3, JSON.readTree(chart).get(0).size(), "epochs 0, 1 and 2: " + chart);
        there.waitForTimeout(500);
        screenshot(there, "store-saved-cnn");

        there.locator("#fork-link").click();
        there.waitForURL(u -> u.contains("/cnn"));
        waitForVaadin(there);
        there.waitForSelector("#cnn-layer-0");
        assertTrue(there.getByText("Forked \"MNIST, 2 epochs\"", new Page.GetByTextOptions().setExact(false)).isVisible());
        there.click("#cnn-train");
        CnnLabSteps.awaitDone(there);
        screenshot(there, "store-forked-cnn");
    }

    /** For each map row of the saved page: each canvas's pixel hash and how many colours it has. */
    private static final String MAP_PIXELS = "() => [...document.querySelectorAll('#saved-feature-maps .cnn-map-row')].map(r =>"
            + " [...r.querySelector('cnn-image-grid').shadowRoot.querySelectorAll('canvas')].map(c => {"
            + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let h = 0; const seen = new Set();"
            + " for (let i = 0; i < d.length; i += 4) { h = (h * 31 + d[i] + 3 * d[i + 1] + 7 * d[i + 2]) >>> 0;"
            + " seen.add(d[i] << 16 | d[i + 1] << 8 | d[i + 2]); }"
            + " return { hash: h, colours: seen.size }; }))";

    @SuppressWarnings("unchecked")
    private static List<List<Map<String, Number>>> mapPixels(Page p) {
        return (List<List<Map<String, Number>>>) p.evaluate(MAP_PIXELS);
    }

    @Test
    void theSavedPageDrawsTheFeatureMapsOfTheSavedWeightsForThePickedTestImage() {
        // seeded through the store: one epoch on 300 MNIST images, saved public by someone else
        Experiment e = CnnPresets.defaultExperiment().withData(CnnPresets.data("mnist", Map.of("limit", 300)));
        String path;
        try (Trainer t = new Trainer(e, data.dataDir())) {
            t.trainEpoch();
            path = store.save(new ExperimentStore.Draft("visitor:seeded", "Seeded LeNet", true, com.layerlab.app.store.Page.CNN,
                    e, ""), t.weights(), t.history(), t.epoch(), null).url();
        }

        Page there = newContext().newPage();
        open(there, path);
        int rows = e.model().size() + 1;
        there.waitForFunction("n => document.querySelectorAll('#saved-feature-maps .cnn-map-row').length === n", rows);
        assertEquals(CnnFrames.PREDICTIONS, there.locator("#saved-predictions").evaluate("g => g.tileCount"));
        assertEquals("0", there.locator("#saved-feature-title").getAttribute("data-image"));
        // drawn: the input digit and the first convolution's maps are pictures, not blank tiles
        there.waitForFunction("() => { const rows = (" + MAP_PIXELS + ")(); return rows.length > 1 && rows[1].some(c => c.colours > 2); }");
        List<List<Map<String, Number>>> first = mapPixels(there);
        assertEquals(rows, first.size());
        assertTrue(first.get(0).get(0).get("colours").intValue() > 2, "the input image: " + first.get(0));
        assertTrue(first.get(1).stream().filter(c -> c.get("colours").intValue() > 2).count() >= 3,
                "the first layer's maps: " + first.get(1));
        there.locator("#saved-feature-maps").scrollIntoViewIfNeeded();
        screenshot(there, "store-saved-cnn-feature-maps");

        // another test image: other maps, from the same saved weights
        there.locator("#saved-predictions figure[data-index='5']").click();
        there.waitForFunction("() => document.querySelector('#saved-feature-title').dataset.image !== '0'");
        waitForVaadin(there);
        there.waitForTimeout(300);
        List<List<Map<String, Number>>> second = mapPixels(there);
        assertEquals(rows, second.size());
        assertFalse(first.get(0).equals(second.get(0)), "the input row shows the picked image");
        assertFalse(first.get(1).equals(second.get(1)), "the first layer's maps changed with it");
        assertTrue(there.locator("#saved-predictions figure[data-index='5']").getAttribute("class").contains("selected"));
        assertFalse(there.locator("#saved-feature-error").isVisible());
    }
}
