package com.layerlab.app.ui.playground;

import static com.layerlab.app.PointSetSteps.blobs;
import static com.layerlab.app.PointSetSteps.uploadCsv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.lab.DataFolder;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.datasets.PointFiles;
import com.layerlab.datasets.Points2D;
import com.layerlab.engine.experiment.Experiment;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The learner's own data in the playground: a CSV uploaded or points drawn, trained on, kept to their
 * owner's menu, and opened by anyone who holds the share link.
 */
@TestPropertySource(properties = "layerlab.data.dir=target/own-data-test/${random.uuid}")
class OwnDataTest extends BrowserTestBase {

    @Autowired
    DataFolder dataFolder;

    private static void waitForEpoch(Page p, String condition) {
        p.waitForFunction("() => { const e = document.querySelector('#epoch'); "
                + "return e && e.dataset.epoch !== undefined && (" + condition.replace("epoch", "Number(e.dataset.epoch)") + "); }");
    }

    private static double trainLoss(Page p) {
        return Double.parseDouble(p.locator("#train-loss").getAttribute("data-value"));
    }

    /** Point set files in the data folder (the tests of this class share it). */
    private int storedSets() {
        String[] files = dataFolder.path().resolve("points").toFile().list((d, n) -> n.endsWith(".csv"));
        return files == null ? 0 : files.length;
    }

    /** Trains for a while and returns the training loss before and after. */
    private static double[] train(Page p) {
        waitForEpoch(p, "epoch === 0");
        double start = trainLoss(p);
        p.locator("#play-button").click();
        waitForEpoch(p, "epoch >= 30");
        p.locator("#play-button").click();
        p.waitForFunction("() => document.querySelector('#play-button').dataset.playing === 'false'");
        waitForVaadin(p);
        return new double[] {start, trainLoss(p)};
    }

    /** The items of the select that is open (a select also shows its value as a copy of its item). */
    private static final String OPEN_ITEMS = "vaadin-select-list-box vaadin-select-item:visible";

    /** Whether the point set menu is hidden: it is while its owner has no set. */
    private static boolean menuEmpty(Page p) {
        return !p.locator("#point-set-select").isVisible();
    }

    private static List<String> menuItems(Page p) {
        p.locator("#point-set-select").click();
        List<String> items = p.locator(OPEN_ITEMS).allInnerTexts();
        p.keyboard().press("Escape");
        return items;
    }

    @Test
    void anUploadedCsvTrainsAndItsLinkOpensInAnotherContextButStaysOutOfItsMenu() {
        open("/");
        waitForEpoch(page, "epoch === 0");
        String message = uploadCsv(page, "blobs.csv", blobs());
        assertEquals("Added \"blobs.csv\": 200 points, 2 classes.", message);
        page.waitForFunction("() => window.location.search.length > 3");
        waitForVaadin(page);
        Experiment e = ShareLinks.unpack(page.url().replaceAll(".*[?&]x=([^&]*).*", "$1"));
        String id = e.data().dataset();
        assertTrue(id.matches("points:[A-Za-z0-9_-]{16}"), id);
        assertTrue(Files.isRegularFile(PointFiles.file(id, dataFolder.path())));
        assertEquals(List.of("left", "right"), page.locator("#legend .ll-legend-item").allInnerTexts().stream()
                .map(String::strip).toList(), "the legend names the file's classes");
        double[] loss = train(page);
        assertTrue(loss[1] < loss[0] * 0.7, "training loss " + loss[0] + " -> " + loss[1]);
        screenshot(page, "own-data-uploaded");
        assertEquals(List.of("blobs.csv · 200 points, 2 classes"), menuItems(page));
        String link = page.url();
        // the comparison of activations trains on the same points
        open(page, page.locator("#compare-link").getAttribute("href"));
        page.waitForFunction("() => document.querySelector('#compare-epoch').textContent === 'Epoch 0'");
        assertFalse(page.locator("#compare-link-error").isVisible());
        assertTrue(page.locator("#compare-dataset").innerText().contains("Own points"), page.locator("#compare-dataset").innerText());

        BrowserContext other = newContext();
        Page p2 = other.newPage();
        open(p2, "/");
        waitForEpoch(p2, "epoch === 0");
        assertTrue(menuEmpty(p2), "another visitor's menu is empty");
        p2.navigate(link);
        waitForVaadin(p2);
        waitForEpoch(p2, "epoch === 0");
        assertEquals(0, p2.locator(".ll-link-error").count(), "the link opens");
        assertEquals(List.of("Shared with the link · blobs.csv · 200 points, 2 classes"), menuItems(p2));
        double[] loss2 = train(p2);
        assertEquals(loss[0], loss2[0], 1e-9, "the same points and seeds: the same starting loss");
        assertTrue(loss2[1] < loss2[0] * 0.7);
        // it is not theirs: a fresh page of theirs still lists nothing
        open(p2, "/");
        waitForEpoch(p2, "epoch === 0");
        assertTrue(menuEmpty(p2));
    }

    @Test
    void aBadCsvIsRefusedWithTheLineAndTheReasonAndChangesNothing() {
        open("/");
        waitForEpoch(page, "epoch === 0");
        String before = page.url();
        int storedBefore = storedSets();
        String message = uploadCsv(page, "bad.csv", "x1,x2,label\n1,2,0\n1,2\n");
        assertEquals("\"bad.csv\" was not added: line 3: expected 3 values x1,x2,label but found 2. Nothing was changed.",
                message);
        assertEquals("alert", page.locator("#points-message").getAttribute("role"));
        screenshot(page, "own-data-bad-csv");
        message = uploadCsv(page, "far.csv", blobs().replaceFirst("\n-?[0-9.]+,", "\n9.5,"));
        assertTrue(message.contains("line 2: x1 is 9.5, outside the playground's view -6 to 6"), message);
        assertEquals(before, page.url(), "the page's experiment is unchanged");
        assertTrue(menuEmpty(page), "nothing was stored");
        assertEquals(storedBefore, storedSets(), "no file was stored");
    }

    @Test
    void pointsDrawnOfTwoClassesTrain() {
        page.setViewportSize(1280, 800);
        open("/");
        waitForEpoch(page, "epoch === 0");
        page.locator("#draw-button").click();
        waitForVaadin(page);
        Locator canvas = page.locator("#draw-board canvas");
        double w = canvas.boundingBox().width;
        // class 0 on the left, class 1 on the right, 8 points each
        for (int c = 0; c < 2; c++) {
            page.locator("#draw-class").click();
            page.locator(OPEN_ITEMS).nth(c).click();
            waitForVaadin(page);
            for (int i = 0; i < 8; i++) {
                double x = c == 0 ? w * 0.15 + i * 6 : w * 0.7 + i * 6;
                canvas.click(new Locator.ClickOptions().setPosition(x, w * (0.2 + 0.08 * i)));
            }
        }
        page.waitForFunction("() => document.querySelector('#draw-count').dataset.count === '16'");
        // erase the last point of class 1
        page.locator("#draw-tool vaadin-radio-button").nth(1).click();
        canvas.click(new Locator.ClickOptions().setPosition(w * 0.7 + 7 * 6, w * (0.2 + 0.08 * 7)));
        page.waitForFunction("() => document.querySelector('#draw-count').dataset.count === '15'");
        screenshot(page, "own-data-drawing-1280");
        page.setViewportSize(390, 844);
        page.locator("#draw-board").scrollIntoViewIfNeeded();
        screenshot(page, "own-data-drawing-390");
        page.setViewportSize(1280, 800);
        page.locator("#draw-use").click();
        waitForVaadin(page);
        assertFalse(page.locator("#draw-board").isVisible());
        assertTrue(page.locator("#points-message").innerText().startsWith("Saved your drawing as \"Drawing 1\": 15 points, 2 classes"),
                page.locator("#points-message").innerText());
        double[] loss = train(page);
        assertTrue(loss[1] < loss[0], "training loss " + loss[0] + " -> " + loss[1]);
        screenshot(page, "own-data-drawn-trained");
        Experiment e = ShareLinks.unpack(page.url().replaceAll(".*[?&]x=([^&]*).*", "$1"));
        Points2D stored = PointFiles.load(e.data().dataset(), dataFolder.path()).points();
        assertEquals(15, stored.size());
        assertTrue(stored.x1()[0] < -2 && stored.x1()[14] > 2, "drawn where clicked: " + stored.x1()[0] + ", " + stored.x1()[14]);
    }

    @Test
    void aDrawingNeedsTwoClassesAndTenPoints() {
        open("/");
        waitForEpoch(page, "epoch === 0");
        page.locator("#draw-button").click();
        waitForVaadin(page);
        Locator canvas = page.locator("#draw-board canvas");
        for (int i = 0; i < 3; i++) {
            canvas.click(new Locator.ClickOptions().setPosition(40 + 20 * i, 60));
        }
        page.waitForFunction("() => document.querySelector('#draw-count').dataset.count === '3'");
        page.locator("#draw-use").click();
        waitForVaadin(page);
        assertEquals("Draw at least 10 points (there are 3): some of them become the test split.",
                page.locator("#draw-message").innerText());
        for (int i = 0; i < 8; i++) {
            canvas.click(new Locator.ClickOptions().setPosition(40 + 20 * i, 150));
        }
        page.locator("#draw-use").click();
        waitForVaadin(page);
        assertEquals("Draw points of at least two classes: a classifier learns to tell classes apart.",
                page.locator("#draw-message").innerText());
        page.locator("#draw-clear").click();
        waitForVaadin(page);
        assertEquals("0", page.locator("#draw-count").getAttribute("data-count"));
        page.locator("#draw-cancel").click();
        waitForVaadin(page);
        assertTrue(page.locator("#output-map").isVisible());
        assertTrue(menuEmpty(page), "nothing was saved");
    }
}
