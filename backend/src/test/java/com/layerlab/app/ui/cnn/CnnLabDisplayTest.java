package com.layerlab.app.ui.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.CnnLabSteps;
import com.layerlab.app.training.CnnFrames;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** What the CNN lab shows while stepping: charts on one epoch axis, rounded legends, test images to filter and enlarge. */
@TestPropertySource(properties = {"layerlab.data.dir=target/cnn-test-data", "layerlab.runs.unwatched-seconds=2"})
class CnnLabDisplayTest extends BrowserTestBase {

    @Test
    void steppingShowsChartsOnOneAxisAndImagesThatCanBeFilteredAndEnlarged() {
        open("cnn");
        CnnLabSteps.fiveHundredImages(page);
        page.click("#cnn-step");
        page.waitForFunction("() => document.querySelector('#cnn-status').textContent.startsWith('Paused')",
                null, new Page.WaitForFunctionOptions().setTimeout(60_000));
        page.click("#cnn-step");
        page.waitForFunction("() => document.querySelector('#cnn-step-table').dataset.batch === '1.2'");
        page.waitForFunction("() => document.querySelector('#cnn-loss-chart').pointCount >= 2");
        page.waitForTimeout(300);

        // the loss has points inside epoch 1, the accuracy only epoch 0: both axes show the same epochs
        @SuppressWarnings("unchecked")
        List<Number> ranges = (List<Number>) page.evaluate("() => ['#cnn-loss-chart', '#cnn-accuracy-chart']"
                + ".flatMap(id => { const x = document.querySelector(id)._plot.scales.x; return [x.min, x.max]; })");
        assertEquals(ranges.subList(0, 2), ranges.subList(2, 4), "loss and accuracy x axes: " + ranges);
        assertEquals(0.0, ranges.get(0).doubleValue());
        assertEquals(1.0, ranges.get(1).doubleValue());

        @SuppressWarnings("unchecked")
        List<String> values = (List<String>) page.evaluate("() => [...document.querySelectorAll("
                + "'#cnn-accuracy-chart .u-legend .u-series:not(:first-child) .u-value')].map(v => v.textContent)");
        assertTrue(!values.isEmpty() && values.stream().allMatch(v -> v.matches("\\d{2,3}(\\.\\d)?|\\d(\\.\\d{1,4})?|–")),
                "accuracies rounded: " + values);

        // more test images than one row, and a filter for the wrong ones
        page.waitForFunction("n => document.querySelector('#cnn-predictions').tileCount === n", CnnFrames.PREDICTIONS);
        Locator tiles = page.locator("#cnn-predictions figure");
        int wrong = page.locator("#cnn-predictions figure.wrong").count();
        assertTrue(wrong > 0, "an untrained model gets some wrong");
        page.locator("#cnn-wrong-only").click();
        waitForVaadin(page);
        assertEquals(wrong, tiles.count());
        assertEquals(wrong, page.locator("#cnn-predictions figure.wrong").count());
        // a click on a filtered tile picks that test image
        String tooltip = tiles.nth(wrong - 1).getAttribute("title");
        tiles.nth(wrong - 1).click();
        waitForVaadin(page);
        String index = tooltip.replaceAll("test image (\\d+),.*", "$1");
        page.waitForFunction("i => document.querySelector('#cnn-feature-title').textContent"
                + ".startsWith('Feature maps of test image ' + i + ' ')", index);

        // a projector: every picture twice as large
        double before = page.locator("#cnn-predictions canvas").first().boundingBox().width;
        double filter = page.locator("#cnn-filters canvas").first().boundingBox().width;
        double map = page.locator("#cnn-feature-maps cnn-image-grid canvas").first().boundingBox().width;
        page.locator("#cnn-image-size").click();
        page.locator("vaadin-select-item:visible").getByText("2\u00d7").click();
        waitForVaadin(page);
        assertEquals(2 * before, page.locator("#cnn-predictions canvas").first().boundingBox().width, 0.5);
        assertEquals(2 * filter, page.locator("#cnn-filters canvas").first().boundingBox().width, 0.5);
        assertEquals(2 * map, page.locator("#cnn-feature-maps cnn-image-grid canvas").first().boundingBox().width, 0.5);
        page.locator("#cnn-training").screenshot(new Locator.ScreenshotOptions()
                .setPath(SCREENSHOTS.resolve("cnn-wrong-only-2x.png")));
        page.click("#cnn-stop");
        page.waitForFunction("() => document.querySelector('#cnn-status').textContent.startsWith('Stopped')");
    }
}
