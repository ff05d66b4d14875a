package com.layerlab.app.ui.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.CnnLabSteps;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import org.junit.jupiter.api.Test;

/**
 * Saving in the CNN lab, in a real browser: the short link opens in a fresh browser with the confusion
 * matrix computed from the saved weights (the same counts as the lab's, made from the same weights) and
 * the curves, and Fork opens the lab ready to train on from those weights.
 */
class SavedCnnTest extends BrowserTestBase {

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
}
