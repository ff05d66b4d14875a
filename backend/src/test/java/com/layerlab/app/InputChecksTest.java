package com.layerlab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Bad values typed into the pages' fields: each is said to be wrong, where it was typed, and none is used silently. */
class InputChecksTest extends BrowserTestBase {

    private void typeLimit(String value) {
        page.locator("#cnn-limit input").fill(value);
        page.locator("#cnn-limit input").press("Tab");
        waitForVaadin(page);
    }

    @Test
    void anInvalidLimitInTheCnnLabDisablesTrainAndSaysWhy() {
        open("cnn");
        page.waitForSelector("#cnn-limit");
        assertFalse(page.locator("#cnn-train").isDisabled());
        for (String bad : new String[] {"0", "-5"}) {
            typeLimit(bad);
            page.waitForFunction("() => document.querySelector('#cnn-train').hasAttribute('disabled')");
            assertTrue(page.locator("#cnn-limit").getAttribute("invalid") != null, bad);
            page.waitForFunction("bad => document.querySelector('#cnn-train-problem').textContent.endsWith('got ' + bad)", bad);
            assertTrue(page.locator("#cnn-train-problem").innerText().contains("limit must be an integer from 1 to"),
                    page.locator("#cnn-train-problem").innerText());
            assertTrue(page.locator("#cnn-step").isDisabled());
        }
        screenshot(page, "cnn-invalid-limit");
        typeLimit("300");
        page.waitForFunction("() => !document.querySelector('#cnn-train').hasAttribute('disabled')");
        assertTrue(page.locator("#cnn-limit").getAttribute("invalid") == null);
        assertTrue(page.locator("#cnn-data-note").innerText().startsWith("300 images"));
    }

    @Test
    void aBillionOutputChannelsIsTooLargeAndSaysTheLimit() {
        open("cnn");
        page.waitForSelector("#cnn-layer-0");
        page.locator("#cnn-layer-0-out_channels input").fill("1000000000");
        page.waitForFunction("() => document.querySelector('#cnn-layer-0').classList.contains('broken')");
        assertEquals("out_channels 1,000,000,000 is too large: a layer here has at most 16,384",
                page.locator("#cnn-layer-0 .cnn-layer-error").innerText());
        assertTrue(page.locator("#cnn-train").isDisabled());
        screenshot(page, "cnn-too-many-channels");
    }

    @Test
    void aLayerWhoseOutputTakesTooMuchMemoryIsMarkedBeforeTraining() {
        open("cnn");
        page.waitForSelector("#cnn-layer-0");
        // 6,000 channels of LeNet's first convolution: few parameters (the second convolution cut to one
        // channel keeps the model under the parameter limit), gigabytes of feature maps
        page.locator("#cnn-layer-3-out_channels input").fill("1");
        page.locator("#cnn-layer-3-out_channels input").press("Tab");
        page.waitForFunction("() => document.querySelector('#cnn-layer-3').textContent.includes('[1, 10, 10]')");
        page.locator("#cnn-layer-0-out_channels input").fill("6000");
        page.locator("#cnn-layer-0-out_channels input").press("Tab");
        page.waitForFunction("() => document.querySelector('#cnn-layer-0').classList.contains('broken')");
        String note = page.locator("#cnn-layer-0 .cnn-layer-error").innerText();
        assertTrue(note.startsWith("Its output [6000, 28, 28] is the largest: the model needs about ")
                && note.endsWith("Use fewer channels here."), note);
        assertTrue(page.locator("#cnn-train").isDisabled());
        screenshot(page, "cnn-memory-bound");
    }

    @Test
    void anImageNumberPastTheEndSaysSoAndWhichImageIsShown() {
        open("convolution");
        page.locator("#conv-image-index input").waitFor();
        String shown = page.locator("#conv-image-label").innerText();
        page.locator("#conv-image-index input").fill("999999");
        page.waitForFunction("() => document.querySelector('#conv-image-index').hasAttribute('invalid')");
        String message = page.locator("#conv-image-index [slot=error-message]").innerText();
        assertTrue(message.startsWith("There is no image 999,999: the numbers go from 0 to 99. Still showing MNIST digits "
                + "image 0"), message);
        assertEquals(shown, page.locator("#conv-image-label").innerText(), "the image shown is unchanged");
        screenshot(page, "convolution-image-number-past-the-end");
    }
}
