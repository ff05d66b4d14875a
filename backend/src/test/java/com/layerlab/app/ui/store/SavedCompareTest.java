package com.layerlab.app.ui.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.account.VisitorCookie;
import com.layerlab.app.lab.CompareActivation;
import com.layerlab.app.lab.CompareLinks;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.training.PlotData;
import com.layerlab.app.training.RunSnapshot;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.EpochStats;
import com.layerlab.engine.train.Trainer;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.Cookie;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A saved comparison's short link, in a real browser: a comparison saved through the store (three networks
 * trained as the compare page trains them) opens in a fresh browser with one panel per network, each with the
 * boundary of its own saved weights (the same map data the test computes from those weights, drawn in both
 * classes' colours) and its curves; Fork leads to the compare page with the comparison's id; the zip has a
 * folder per network; a private comparison is its owner's only.
 */
class SavedCompareTest extends BrowserTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<CompareActivation> COMPARED =
            List.of(CompareActivation.RELU, CompareActivation.TANH, CompareActivation.SIGMOID);
    private static final int EPOCHS = 40;

    @Autowired
    ExperimentStore store;

    /** The trained networks, kept open so that the test can compute what their weights draw. */
    private final Map<CompareActivation, Trainer> trained = new LinkedHashMap<>();

    @AfterAll
    void closeTrainers() {
        trained.values().forEach(Trainer::close);
    }

    /** Three networks trained as the compare page trains them (the same settings, one activation each). */
    private List<ExperimentStore.Trained> networks() {
        if (trained.isEmpty()) {
            for (CompareActivation a : COMPARED) {
                Experiment e = CompareLinks.experimentFor(CompareLinks.DEFAULT_SETTINGS, a);
                Trainer t = new Trainer(e);
                for (int i = 0; i < EPOCHS; i++) {
                    t.trainEpoch();
                }
                trained.put(a, t);
            }
        }
        List<ExperimentStore.Trained> out = new ArrayList<>();
        trained.values().forEach(t -> out.add(new ExperimentStore.Trained(t.experiment(), t.weights(), t.history())));
        return out;
    }

    /** A browser context that is the visitor {@code id} (its cookie), as the one who saved would be. */
    private BrowserContext visitor(String id) {
        BrowserContext c = newContext();
        c.addCookies(List.of(new Cookie(VisitorCookie.NAME, id).setUrl(baseUrl())));
        return c;
    }

    private static String visitorId() {
        return com.layerlab.app.store.ExperimentIds.next() + "ab"; // 22 URL-safe characters, as the cookie's
    }

    /** The share of the map's canvas pixels tinted blue (class 1) and orange (class 0): the neutral grey is neither. */
    private static List<Double> classShares(Locator map) {
        @SuppressWarnings("unchecked")
        List<Number> shares = (List<Number>) map.evaluate("m => { const c = m.shadowRoot.querySelector('canvas');"
                + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let blue = 0, orange = 0;"
                + " for (let i = 0; i < d.length; i += 4) { if (d[i + 2] > d[i] + 12) blue++; else if (d[i] > d[i + 2] + 12) orange++; }"
                + " const n = d.length / 4; return [blue / n, orange / n]; }");
        return shares.stream().map(Number::doubleValue).toList();
    }

    @Test
    void aSavedComparisonShowsEveryNetworksBoundaryAndCurvesElsewhere() throws Exception {
        String id = store.saveComparison("visitor:" + visitorId(), "ReLU, Tanh, Sigmoid <b>side by side</b>", true,
                networks(), EPOCHS, null).id();

        Page there = newContext().newPage();
        Response r = there.navigate(baseUrl() + "e/" + id);
        assertEquals(200, r.status());
        waitForVaadin(there);
        assertEquals("ReLU, Tanh, Sigmoid <b>side by side</b>", there.locator("#saved-name").textContent(), "the name, as text");
        assertTrue(there.locator("#saved-meta").textContent().startsWith("Compare activations"), there.locator("#saved-meta").textContent());
        assertEquals(3, there.locator(".ll-saved-compare-card").count(), "one panel per network");

        List<String> drawn = new ArrayList<>();
        for (CompareActivation a : COMPARED) {
            Locator card = there.locator("#saved-compare-" + a.key());
            assertEquals(a.layerType(), card.getAttribute("data-activation"));
            assertEquals(a.layerType(), card.locator("h2").textContent());
            Locator map = card.locator(".ll-saved-map");
            there.waitForFunction("m => m.values && m.shadowRoot && m.shadowRoot.querySelector('canvas')", map.elementHandle());
            int n = ((Number) map.evaluate("m => m.n")).intValue();
            Trainer t = trained.get(a);
            assertEquals(PlotData.base64(RunSnapshot.of(t, n, 0).output()), map.evaluate("m => m.values"),
                    a + ": the boundary computed from its own saved weights");
            drawn.add((String) map.evaluate("m => m.values"));

            // the curves: one point per epoch, 0 to EPOCHS, ending at the saved test loss
            JsonNode chart = JSON.readTree((String) card.locator(".ll-saved-chart").evaluate("c => JSON.stringify(c._data)"));
            assertEquals(EPOCHS + 1, chart.get(0).size(), a + ": " + chart);
            EpochStats last = t.history().get(t.history().size() - 1);
            assertEquals(last.testLoss(), chart.get(1).get(EPOCHS).asDouble(), 1e-5, a + ": the last test loss");
            assertEquals(String.valueOf(EPOCHS), card.locator(".ll-saved-losses").getAttribute("data-epoch"));
            assertTrue(card.locator(".ll-saved-losses").textContent().contains("test loss"), a + ": its test loss in words");

            String caption = card.locator(".ll-saved-compare-caption").textContent();
            assertFalse(caption.isBlank(), a + ": what its weights show");
            assertFalse(caption.contains("after the first epoch"), a + ": no promise of gradients a saved network has not: " + caption);
        }
        assertEquals(3, drawn.stream().distinct().count(), "three networks, three boundaries");

        // pixels: ReLU and Tanh learnt the circle, so their maps are drawn in both classes' colours
        there.waitForTimeout(300);
        for (CompareActivation a : List.of(CompareActivation.RELU, CompareActivation.TANH)) {
            List<Double> shares = classShares(there.locator("#saved-compare-" + a.key() + " .ll-saved-map"));
            assertTrue(shares.get(0) > 0.02 && shares.get(1) > 0.02, a + ": blue and orange share of the map " + shares);
        }
        assertTrue(there.locator("#saved-network").textContent().contains("ReLU, Tanh, Sigmoid: one network each"),
                there.locator("#saved-network").textContent());
        screenshot(there, "store-saved-compare");
        there.locator("#saved-compare-sigmoid .ll-saved-compare-caption").scrollIntoViewIfNeeded();
        screenshot(there, "store-saved-compare-captions");

        assertEquals("/compare?fork=" + id, there.locator("#fork-link").getAttribute("href"), "Fork trains on in the compare page");

        // the download: a folder per network
        Download d = there.waitForDownload(() -> there.locator("#saved-download").click());
        List<String> names = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(d.path())))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                names.add(e.getName());
            }
        }
        for (CompareActivation a : COMPARED) {
            for (String file : List.of("experiment.json", "weights.safetensors", "metrics.json", "model.py")) {
                assertTrue(names.contains(a.key() + "/" + file), a.key() + "/" + file + " in " + names);
            }
        }
    }

    @Test
    void aPrivateComparisonIsItsOwnersOnly() {
        String owner = visitorId();
        String id = store.saveComparison("visitor:" + owner, "mine only", false, networks(), EPOCHS, null).id();

        Page mine = visitor(owner).newPage();
        assertEquals(200, mine.navigate(baseUrl() + "e/" + id).status(), "its owner opens it");
        waitForVaadin(mine);
        assertEquals(3, mine.locator(".ll-saved-compare-card").count());
        open(mine, "experiments");
        assertTrue(mine.locator(".ll-experiment-row[data-id='" + id + "']").textContent().contains("Compare activations"),
                "listed under My experiments as a comparison");

        Page other = newContext().newPage();
        assertEquals(404, other.navigate(baseUrl() + "e/" + id).status());
        waitForVaadin(other);
        assertTrue(other.locator("#not-found").isVisible());
        assertEquals(0, other.locator(".ll-saved-compare-card").count());
        assertNotEquals(0, mine.locator(".ll-experiment-row").count());
    }
}
