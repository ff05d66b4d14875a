package com.layerlab.app.ui.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.CnnLabSteps;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.training.FailingBackend;
import com.layerlab.app.training.TestRuns;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.tensor.BackendProvider;
import com.layerlab.engine.tensor.Backends;
import com.layerlab.engine.tensor.CpuProvider;
import com.layerlab.engine.tensor.Device;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.TestPropertySource;

/**
 * A run's backend chosen on the playground, the comparison and the CNN lab, where the server has more than
 * one: the page says where it trains, and its link and a saved experiment keep the choice; a link naming
 * a backend the server does not have opens on auto and says so; a device that fails mid-run leaves the
 * run on the CPU, and the page says so and why. The server's "opencl" is a fake that delegates to the
 * CPU's kernels (FailingBackend: fast, and it fails when told), beside the CPU and a CUDA that is missing.
 */
@TestPropertySource(properties = {"layerlab.data.dir=target/backend-choice-test/${random.uuid}", "layerlab.runs.unwatched-seconds=2"})
@Import(BackendChoicePagesTest.Registry.class)
class BackendChoicePagesTest extends BrowserTestBase {

    static final String OPENCL = "opencl backend, Fake GPU (the CPU's kernels)";

    @TestConfiguration
    static class Registry {

        @Bean
        FailingBackend fakeOpencl() {
            return new FailingBackend(Long.MAX_VALUE);
        }

        @Bean
        @Primary
        Backends testBackends(FailingBackend fake) {
            BackendProvider cuda = new BackendProvider() {
                @Override
                public String name() {
                    return "cuda";
                }

                @Override
                public Availability availability() {
                    return Availability.missing("no NVIDIA driver (test)");
                }

                @Override
                public Device device(int index) {
                    throw new IllegalStateException("cuda is not available");
                }
            };
            return new Backends(List.of(new CpuProvider(), fake.provider(), cuda), (level, line) -> { });
        }
    }

    @Autowired
    TrainingRuntime runtime;

    @Autowired
    FailingBackend fake;

    @AfterEach
    void noRunOutlivesTheTest() throws InterruptedException {
        fake.failAfter(Long.MAX_VALUE / 2);
        TestRuns.stopAll(runtime, Duration.ofSeconds(30));
    }

    private static void waitForPlaygroundEpoch(Page p, int atLeast) {
        p.waitForFunction("n => { const e = document.querySelector('#epoch'); return e && Number(e.dataset.epoch) >= n; }", atLeast);
    }

    private static void waitForText(Page p, String selector, String part) {
        p.waitForFunction("([s, t]) => { const e = document.querySelector(s); return e && e.textContent.includes(t); }",
                List.of(selector, part));
    }

    /** The select's value as it shows it: the backend's name alone (its menu names the devices). */
    private static String shown(Page p) {
        return p.locator("#backend-select vaadin-select-value-button").innerText().trim();
    }

    @Test
    void playgroundTrainsOnTheChosenBackendAndItsLinkAndSavedExperimentKeepIt() {
        open("/");
        waitForPlaygroundEpoch(page, 0);
        assertEquals("auto", shown(page));
        page.locator("#backend-select").click();
        // the menu's items (each select also shows its value as an item: the label tells them apart)
        Locator items = page.locator("vaadin-select-item:visible");
        for (String label : List.of("auto (cpu backend, ", "cpu backend, ", OPENCL, "cuda: not available (no NVIDIA driver (test))")) {
            assertTrue(items.filter(new Locator.FilterOptions().setHasText(label)).count() >= 1, label);
        }
        Locator cuda = items.filter(new Locator.FilterOptions().setHasText("cuda: not available"));
        assertEquals(1, cuda.count());
        assertNotNull(cuda.getAttribute("disabled"), "a backend this server does not have cannot be chosen");
        screenshot(page, "backend-select-playground");
        items.getByText(OPENCL, new Locator.GetByTextOptions().setExact(true)).click();
        waitForVaadin(page);

        assertTrue(page.url().contains("?"), page.url());
        page.locator("#play-button").click();
        waitForPlaygroundEpoch(page, 2);
        waitForText(page, "#engine-device", "Trained on " + OPENCL);
        screenshot(page, "backend-playground-opencl");
        String link = page.url();

        // the link opens on opencl
        Page other = newContext().newPage();
        other.navigate(link);
        waitForVaadin(other);
        waitForPlaygroundEpoch(other, 0);
        assertEquals("opencl", shown(other));
        waitForText(other, "#engine-device", "Trained on " + OPENCL);
        other.close();

        // a saved experiment keeps it, and its fork trains there again
        String saved = save(page, "save-button", "on opencl", true);
        page.locator("#save-close").click();
        Page there = newContext().newPage();
        there.navigate(baseUrl() + saved.substring(1));
        waitForVaadin(there);
        there.locator("#fork-link").click();
        there.waitForURL(u -> u.contains("fork="));
        waitForVaadin(there);
        waitForPlaygroundEpoch(there, 0);
        assertEquals("opencl", shown(there));
        waitForText(there, "#engine-device", "Trained on " + OPENCL);
        there.close();
        page.close();
    }

    @Test
    void aLinkToABackendThisServerDoesNotHaveOpensOnAutoAndSaysSo() {
        PlaygroundSettings onCuda = PlaygroundSettings.DEFAULTS.toBuilder().backend("cuda").build();
        open("/?" + ShareLinks.queryString(ShareLinks.playgroundQuery(onCuda)));
        waitForPlaygroundEpoch(page, 0);
        // a notification's text is in its card, which the overlay shows
        page.waitForFunction("t => [...document.querySelectorAll('vaadin-notification-card')].some(c => c.textContent.includes(t))",
                "The backend cuda is not available on this server (no NVIDIA driver (test)): this experiment trains on auto "
                        + "(cpu backend, ");
        screenshot(page, "backend-link-unavailable");
        assertEquals("auto", shown(page));
        waitForText(page, "#engine-device", "Trained on cpu backend, ");
        assertFalse(page.url().contains("cuda"), "the address bar names where it trains now: " + page.url());
        page.close();
    }

    @Test
    void aDeviceThatFailsMidRunLeavesThePlaygroundsRunOnTheCpuAndThePageSaysWhy() {
        open("/");
        waitForPlaygroundEpoch(page, 0);
        chooseInSelect(page, "backend-select", OPENCL);
        page.locator("#play-button").click();
        waitForPlaygroundEpoch(page, 2);
        waitForText(page, "#engine-device", "Trained on " + OPENCL);
        fake.failAfter(100);
        waitForText(page, "#engine-device", "Trained on cpu backend, ");
        String footer = page.locator("#engine-device").innerText();
        assertTrue(footer.contains("opencl failed (" + FailingBackend.FAILURE + "): training goes on on the CPU from epoch "), footer);
        int at = Integer.parseInt(page.locator("#epoch").getAttribute("data-epoch"));
        waitForPlaygroundEpoch(page, at + 1);
        screenshot(page, "backend-playground-fallback");
        page.close();
    }

    @Test
    void comparisonTrainsOnTheChosenBackendSaysSoAfterAFailureAndItsLinkKeepsIt() {
        open("compare");
        page.waitForFunction("() => document.querySelectorAll('#compare-cards > *').length === 3");
        chooseInSelect(page, "backend-select", OPENCL);
        page.click("#compare-play");
        page.waitForFunction("() => Number(document.querySelector('#compare-epoch').dataset.epoch) >= 2");
        waitForText(page, "#compare-device", "on " + OPENCL);
        screenshot(page, "backend-compare-opencl");
        String link = page.locator("#compare-share-link").getAttribute("href");

        fake.failAfter(100);
        waitForText(page, "#compare-device", "on cpu backend, ");
        assertTrue(page.locator("#compare-device").innerText().contains("opencl failed (" + FailingBackend.FAILURE + ")"),
                page.locator("#compare-device").innerText());
        screenshot(page, "backend-compare-fallback");
        page.close();

        fake.failAfter(Long.MAX_VALUE / 2);
        Page other = newContext().newPage();
        open(other, link);
        other.waitForFunction("() => document.querySelectorAll('#compare-cards > *').length === 3");
        assertEquals("opencl", shown(other));
        other.click("#compare-play");
        waitForText(other, "#compare-device", "on " + OPENCL);
        other.close();
    }

    @Test
    void cnnLabTrainsOnTheChosenBackendAndItsLinkKeepsIt() {
        open("cnn");
        CnnLabSteps.fiveHundredImages(page);
        page.locator("#cnn-epochs input").fill("1");
        page.locator("#cnn-epochs input").press("Tab");
        chooseInSelect(page, "backend-select", OPENCL);
        page.click("#cnn-train");
        waitForText(page, "#cnn-device", "on " + OPENCL);
        screenshot(page, "backend-cnn-opencl");
        CnnLabSteps.awaitDone(page);
        assertTrue(page.locator("#cnn-device").innerText().startsWith("on " + OPENCL), page.locator("#cnn-device").innerText());
        String link = page.locator("#cnn-share-link").getAttribute("href");
        page.close();

        Page other = newContext().newPage();
        open(other, link);
        other.waitForSelector("#cnn-layer-0");
        assertEquals("opencl", shown(other));
        other.close();
    }
}
