package com.layerlab.app.ui.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.BrowserTestBase;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Save and Fork on the compare page, in a real browser: a trained comparison saved privately opens by its
 * short link for its owner only; a public one opens in a fresh browser, and its Fork trains on in the
 * compare page from the saved weights (epoch 0 of the fork has the saved networks' test losses, not a fresh
 * network's) with the saved settings.
 */
class CompareSaveTest extends BrowserTestBase {

    private static final String CARDS = "#compare-cards .compare-card";

    /** Every card's test loss, by activation, once every card shows one for {@code epoch}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Double> testLosses(Page p, int epoch) {
        // read in the same check that waits: a frame may redraw the cards between two separate reads
        Map<String, Object> read = (Map<String, Object>) p.waitForFunction("e => { const cards = [...document.querySelectorAll('"
                + CARDS + "')]; const n = cards.map(c => c.querySelector('.compare-numbers'));"
                + " return n.length > 0 && n.every(x => x && x.dataset.testLoss !== undefined && x.textContent.startsWith('Epoch ' + e + ' '))"
                + " && {acts: cards.map(c => c.dataset.activation), losses: n.map(x => x.dataset.testLoss)}; }", epoch).jsonValue();
        List<String> acts = (List<String>) read.get("acts");
        List<String> losses = (List<String>) read.get("losses");
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < acts.size(); i++) {
            out.put(acts.get(i), Double.parseDouble(losses.get(i)));
        }
        return out;
    }

    private static String position(Page p) {
        Locator e = p.locator("#compare-epoch");
        return e.getAttribute("data-epoch") + "/" + e.getAttribute("data-batch");
    }

    /**
     * Trains every network to the end of an epoch (at least {@code epochs}): plays, pauses, then steps to
     * the epoch's last batch, so that the weights saved are those the cards' losses were measured on.
     */
    private static int trainToEpochEnd(Page p, int epochs) {
        p.click("#compare-play");
        p.waitForFunction("n => +document.querySelector('#compare-epoch').dataset.epoch >= n", epochs);
        CompareViewTest.pause(p);
        while (!"0".equals(p.locator("#compare-epoch").getAttribute("data-batch"))) {
            String before = position(p);
            p.click("#compare-step");
            p.waitForFunction("b => { const e = document.querySelector('#compare-epoch');"
                    + " return e.dataset.epoch + '/' + e.dataset.batch !== b && e.dataset.state === 'PAUSED'; }", before);
        }
        return Integer.parseInt(p.locator("#compare-epoch").getAttribute("data-epoch"));
    }

    @Test
    void aSavedComparisonOpensByItsLinkAndForksFromItsWeights() {
        open("compare");
        page.waitForFunction("() => document.querySelectorAll('" + CARDS + "').length === 3");
        page.click("#compare-dataset");
        page.locator("vaadin-select-item").filter(new Locator.FilterOptions().setHasText("xor")).click();
        Map<String, Double> fresh = testLosses(page, 0);
        int epoch = trainToEpochEnd(page, 2);
        Map<String, Double> trained = testLosses(page, epoch);
        assertEquals(List.of("ReLU", "Tanh", "Sigmoid"), List.copyOf(trained.keySet()));

        // private: its owner opens it, in the same browser, with a panel per network
        String mine = save(page, "compare-save", "xor mine only", false);
        screenshot(page, "compare-save-dialog");
        page.click("#save-close");
        Page own = context.newPage();
        assertEquals(200, own.navigate(baseUrl() + mine.substring(1)).status());
        waitForVaadin(own);
        assertEquals(3, own.locator(".ll-saved-compare-card").count(), "one panel per network");
        assertEquals("xor mine only", own.locator("#saved-name").textContent());
        screenshot(own, "compare-saved-private");
        own.close();
        Page stranger = newContext().newPage();
        assertEquals(404, stranger.navigate(baseUrl() + mine.substring(1)).status(), "private: nobody else's");

        // public: a fresh browser opens it and forks it
        String shared = save(page, "compare-save", "xor side by side", true);
        page.click("#save-close");
        page.close();
        Page there = newContext().newPage();
        assertEquals(200, there.navigate(baseUrl() + shared.substring(1)).status());
        waitForVaadin(there);
        for (Map.Entry<String, Double> e : trained.entrySet()) {
            Locator losses = there.locator("[data-activation='" + e.getKey() + "'] .ll-saved-losses");
            assertEquals(String.valueOf(epoch), losses.getAttribute("data-epoch"), e.getKey());
            assertEquals(e.getValue(), Double.parseDouble(losses.getAttribute("data-test-loss")), 1e-12, e.getKey());
        }
        String id = shared.substring(shared.lastIndexOf('/') + 1);
        there.locator("#fork-link").click();
        there.waitForURL(u -> u.contains("/compare"));
        waitForVaadin(there);
        Map<String, Double> forked = testLosses(there, 0);
        for (Map.Entry<String, Double> e : trained.entrySet()) {
            assertEquals(e.getValue(), forked.get(e.getKey()), 1e-9, e.getKey() + ": epoch 0 of the fork is the saved network");
            assertNotEquals(fresh.get(e.getKey()), forked.get(e.getKey()), 1e-6, e.getKey() + ": not the seed's network");
        }
        assertTrue(there.locator("#compare-dataset").innerText().contains("xor"), "the saved settings");
        assertTrue(there.locator("#compare-fork-note").isVisible());
        assertTrue(there.locator("#compare-fork-note").textContent().contains("Forked \"xor side by side\""));
        assertTrue(there.url().contains("fork=" + id), "the address keeps the fork while its weights apply: " + there.url());
        screenshot(there, "compare-forked");

        // it trains on; a reload finds the fork's run again
        there.click("#compare-play");
        there.waitForFunction("() => +document.querySelector('#compare-epoch').dataset.epoch >= 2");
        CompareViewTest.pause(there);
        String run = there.locator("#compare-view").getAttribute("data-run");
        there.reload();
        waitForVaadin(there);
        there.waitForFunction("() => document.querySelectorAll('" + CARDS + "').length === 3");
        assertEquals(run, there.locator("#compare-view").getAttribute("data-run"), "the reload shows the fork's run");

        // other data: the saved weights no longer fit, so the run starts from the seed's and the link drops the fork
        there.click("#compare-dataset");
        there.locator("vaadin-select-item").filter(new Locator.FilterOptions().setHasText("circle")).click();
        waitForVaadin(there);
        there.waitForFunction("() => !location.search.includes('fork=')");
        assertFalse(there.locator("#compare-fork-note").isVisible());
        there.close();
    }

    @Test
    void aForkOfNothingSaysSoAndShowsTheComparison() {
        open("compare?fork=AAAAAAAAAAAAAAAAAAAA");
        page.waitForFunction("() => document.querySelectorAll('" + CARDS + "').length === 3");
        assertTrue(page.locator("#compare-link-error").isVisible());
        assertTrue(page.locator("#compare-link-error").textContent().contains("no saved comparison \"AAAAAAAAAAAAAAAAAAAA\""),
                page.locator("#compare-link-error").textContent());
        assertFalse(page.url().contains("fork="), page.url());
        page.close();
    }
}
