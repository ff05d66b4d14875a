package com.layerlab.app;

import com.microsoft.playwright.Page;

/**
 * What the CNN lab's browser tests do again and again: a quick run of the lab's default model on the first
 * 500 MNIST images (400 to train on, 100 to test).
 */
public final class CnnLabSteps {

    private CnnLabSteps() {
    }

    /** On the open lab: the data set cut to its first 500 images, once the lab has loaded them. */
    public static void fiveHundredImages(Page p) {
        p.waitForSelector("#cnn-layer-0");
        p.locator("#cnn-limit input").fill("500");
        p.locator("#cnn-limit input").press("Tab");
        p.waitForFunction("() => document.querySelector('#cnn-data-note').textContent.startsWith('500 images')");
    }

    /** On the open lab: 500 images, two epochs in batches of 16 (enough steps to learn from 400 images). */
    public static void smallMnist(Page p) {
        fiveHundredImages(p);
        p.locator("#cnn-epochs input").fill("2");
        p.locator("#cnn-epochs input").press("Tab");
        BrowserTestBase.chooseInSelect(p, "cnn-batch-size", "16");
    }

    /** Waits until the lab's training is done. */
    public static void awaitDone(Page p) {
        p.waitForFunction("() => document.querySelector('#cnn-status').textContent.startsWith('Done')",
                null, new Page.WaitForFunctionOptions().setTimeout(180_000));
    }
}
