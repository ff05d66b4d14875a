package com.layerlab.app.ui.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.training.FrameMaker;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunDevice;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.TestRuns;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.tensor.BackendProvider;
import com.layerlab.engine.tensor.Backends;
import com.microsoft.playwright.Locator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The Devices page in Chromium: one card per backend of the app's registry, available or not (with its
 * reason), its kernels and devices, the runs and training slots in use on each device now, and where auto trains; the playground's
 * footer links to it.
 */
// a run nobody watches is noticed after 2 s, and an ended one closed then: no run outlives the test
@TestPropertySource(properties = {"layerlab.data.dir=target/devices-test/${random.uuid}", "layerlab.runs.unwatched-seconds=2"})
class DevicesViewTest extends BrowserTestBase {

    @Autowired
    TrainingRuntime runtime;

    @Autowired
    Backends backends;

    @AfterEach
    void noRunOutlivesTheTest() throws InterruptedException {
        TestRuns.stopAll(runtime, Duration.ofSeconds(30));
    }

    @Test
    void listsEveryBackendOfTheRegistryAndTheRunsOnEachDevice() {
        // a paused run holds its device: the CPU's row counts it. A signed-in user's, which stays paused unwatched
        // (an anonymous one stops once unwatched for 2 s, which a loaded machine may take to open the page)
        FrameMaker<RunStatus> status = (s, trainers, seen) -> s;
        Run<RunStatus> run = runtime.submit(List.of(PlaygroundSettings.DEFAULTS.toExperiment().withBackend("cpu")),
                new RunOptions("user:devices-test", true, "playground", true, 0), status);

        open("devices");
        page.waitForSelector("#devices .ll-backend");
        screenshot(page, "devices");

        assertEquals(RunDevice.resolve(backends, Backends.AUTO).text(), page.locator("#devices-auto").innerText());
        Locator cards = page.locator("#devices .ll-backend");
        assertEquals(backends.providers().size(), cards.count(), "one card per backend");
        for (int i = 0; i < backends.providers().size(); i++) {
            BackendProvider p = backends.providers().get(i);
            BackendProvider.Availability a = p.availability();
            Locator card = cards.nth(i);
            assertEquals(p.name(), card.getAttribute("data-backend"));
            assertEquals(a.available() ? "available" : "not available", card.locator(".ll-backend-state").innerText());
            if (a.available()) {
                assertEquals("Kernels: " + a.kernels(), card.locator(".ll-backend-kernels").innerText());
            } else {
                assertEquals(a.reason(), card.locator(".ll-backend-reason").innerText());
            }
            Locator devices = card.locator(".ll-device");
            assertEquals(a.devices().size(), devices.count(), p.name() + "'s devices");
            for (int d = 0; d < a.devices().size(); d++) {
                String row = devices.nth(d).innerText();
                assertTrue(row.contains(p.name() + ":" + d) && row.contains(a.devices().get(d)), row);
                long expected = run.device().device().toString().equals(p.name() + ":" + d) ? 1 : 0;
                assertEquals(expected == 1 ? "1 run" : expected + " runs", devices.nth(d).locator("span").nth(2).innerText(), row);
                TrainingRuntime.Slots slots = runtime.slotsOf(p.name(), d);
                assertEquals(slots.text(), devices.nth(d).locator(".ll-device-slots").innerText(), row);
            }
        }
        assertEquals("1 run", page.locator("[data-device='cpu:0'] span").nth(2).innerText());
        assertEquals("0 / " + runtime.limits().computing() + " slots",
                page.locator("[data-device='cpu:0'] .ll-device-slots").innerText(), "a paused run holds no slot");
    }

    @Test
    void thePlaygroundsFooterLinksToIt() {
        open("");
        page.waitForSelector("#devices-link");
        page.click("#devices-link");
        page.waitForSelector("#devices .ll-backend");
        assertTrue(page.url().endsWith("/devices"), page.url());
        page.close();
    }
}
