package com.layerlab.app.ui.convolution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.BrowserTestBase;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.FilePayload;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The convolution explainer in a real browser. The expected numbers are worked out by hand from the
 * 16x16 checkerboard sample (4-pixel squares, white top-left) and the edge-detection kernel
 * (-1 everywhere, 8 in the centre).
 */
class ConvolutionViewTest extends BrowserTestBase {

    private static void type(Page p, String fieldId, String text) {
        p.locator("#" + fieldId + " input").fill(text);
    }

    private static void waitForText(Page p, String selector, String text) {
        p.waitForFunction("([s, t]) => { const e = document.querySelector(s); return e && e.textContent.includes(t); }",
                List.of(selector, text));
        waitForVaadin(p);
    }

    private static List<String> products(Page p) {
        return p.locator("#conv-products .conv-product").allTextContents();
    }

    private static String position(Page p) {
        return p.locator("#conv-position").textContent();
    }

    private static Path fullScreenshot(Page p, String name) {
        Path file = SCREENSHOTS.resolve(name + ".png");
        p.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true));
        return file;
    }

    /** Opens the page on the checkerboard with edge detection, stride 1, padding 1. */
    private void openOnCheckerboard() {
        open("/convolution");
        page.locator("conv-explainer canvas").waitFor();
        chooseInSelect(page, "conv-source", "Built-in samples");
        chooseInSelect(page, "conv-sample", "Checkerboard, 16x16");
        waitForText(page, "#conv-image-label", "Checkerboard, 16x16: 16 rows x 16 columns");
    }

    @Test
    void edgeDetectionFormulaAndSteppingShowTheRightNumbers() {
        open("/convolution");
        page.locator("conv-explainer canvas").waitFor();
        // the default: the first MNIST digit, edge detection, stride 1, padding 1 keeps 28x28
        assertTrue(page.locator("#conv-image-label").textContent().startsWith("MNIST digits image 0"));
        String formula = page.locator("#conv-formula").textContent();
        assertTrue(formula.contains("floor((28 + 2*1 - 1*(3 - 1) - 1) / 1) + 1"), formula);
        assertTrue(formula.contains("= (28 - 3 + 2*1) / 1 + 1 = 27 + 1 = 28"), formula);
        screenshot(page, "convolution-initial");

        chooseInSelect(page, "conv-source", "Built-in samples");
        chooseInSelect(page, "conv-sample", "Checkerboard, 16x16");
        chooseInSelect(page, "conv-preset", "Identity");
        assertEquals("1", page.locator("#conv-w-1-1 input").inputValue());
        assertEquals("0", page.locator("#conv-w-0-0 input").inputValue());
        chooseInSelect(page, "conv-preset", "Edge detection");
        assertEquals("8", page.locator("#conv-w-1-1 input").inputValue());
        assertEquals("-1", page.locator("#conv-w-0-0 input").inputValue());
        waitForText(page, "#conv-shapes", "out 16x16 (256 positions)");

        // stride 2: floor((16 + 2 - 2 - 1) / 2) + 1 = 8
        type(page, "conv-stride", "2");
        waitForText(page, "#conv-formula", "= floor(15 / 2) + 1 = 7 + 1 = 8");
        formula = page.locator("#conv-formula").textContent();
        assertTrue(formula.contains("floor((16 + 2*1 - 1*(3 - 1) - 1) / 2) + 1"), formula);
        assertTrue(formula.contains("= (16 - 3 + 2*1) / 2 + 1 = 7.5 + 1 -> 7 + 1 = 8 (the division rounds down)"), formula);
        assertTrue(page.locator("#conv-shapes").textContent().contains("out 8x8 (64 positions)"));
        assertEquals("Output row 0, column 0 (position 1 of 64)", position(page));
        assertEquals(8, ((Number) page.locator("conv-explainer").evaluate("e => e.outRows")).intValue());

        // two steps: output (0, 2) reads input rows -1..1 (row -1 is padding), columns 3..5
        page.locator("#conv-next").click();
        waitForText(page, "#conv-position", "position 2 of 64");
        page.locator("#conv-next").click();
        waitForText(page, "#conv-position", "Output row 0, column 2 (position 3 of 64)");
        assertEquals(List.of("0 \u00d7 (-1) = 0", "0 \u00d7 (-1) = 0", "0 \u00d7 (-1) = 0",
                "1 \u00d7 (-1) = -1", "0 \u00d7 8 = 0", "0 \u00d7 (-1) = 0",
                "1 \u00d7 (-1) = -1", "0 \u00d7 (-1) = 0", "0 \u00d7 (-1) = 0"), products(page));
        assertEquals(3, page.locator("#conv-products .conv-product.padding").count(), "the top row reads padding");
        assertEquals("sum of the 9 products = -2 = output[0, 2]", page.locator("#conv-sum").textContent());
        assertEquals("[0,4]", page.locator("conv-explainer").evaluate("e => JSON.stringify(e.taps.slice(0, 2))"));
        page.locator("#conv-prev").click();
        waitForText(page, "#conv-position", "Output row 0, column 1 (position 2 of 64)");

        // click output cell (2, 2): input rows 3..5, columns 3..5 hold 1 0 0 / 0 1 1 / 0 1 1
        @SuppressWarnings("unchecked")
        List<Number> g = (List<Number>) page.locator("conv-explainer")
                .evaluate("e => { const g = e._geometry(); return [g.outX, g.outY, g.c]; }");
        double cell = g.get(2).doubleValue();
        double x = g.get(0).doubleValue() + 2.5 * cell;
        double y = g.get(1).doubleValue() + 2.5 * cell;
        Locator canvas = page.locator("conv-explainer canvas");
        canvas.hover(new Locator.HoverOptions().setPosition(x, y));
        Locator tip = page.locator("conv-explainer [data-testid=tip]");
        tip.waitFor();
        assertEquals("output row 2, column 2: 4 (click to step here)", tip.textContent());
        canvas.click(new Locator.ClickOptions().setPosition(x, y));
        waitForText(page, "#conv-position", "Output row 2, column 2 (position 19 of 64)");
        assertEquals(List.of("1 \u00d7 (-1) = -1", "0 \u00d7 (-1) = 0", "0 \u00d7 (-1) = 0",
                "0 \u00d7 (-1) = 0", "1 \u00d7 8 = 8", "1 \u00d7 (-1) = -1",
                "0 \u00d7 (-1) = 0", "1 \u00d7 (-1) = -1", "1 \u00d7 (-1) = -1"), products(page));
        assertEquals("4", page.locator("#conv-sum").getAttribute("data-value"));
        assertEquals("[4,4]", page.locator("conv-explainer").evaluate("e => JSON.stringify(e.taps.slice(0, 2))"));
        assertEquals(2, ((Number) page.locator("conv-explainer").evaluate("e => e.row")).intValue());
        page.mouse().move(0, 0);
        screenshot(page, "convolution-stepped");
        fullScreenshot(page, "convolution-stepped-full");

        // play moves the window on its own; pause stops it
        page.locator("#conv-play").click();
        page.waitForFunction("() => /position (2[1-9]|[3-6][0-9]) of 64/.test(document.querySelector('#conv-position').textContent)");
        page.locator("#conv-play").click();
        waitForVaadin(page);
        assertEquals("false", page.locator("#conv-play").getAttribute("data-playing"));
        String stopped = position(page);
        page.waitForTimeout(800);
        assertEquals(stopped, position(page), "paused");
    }

    @Test
    void invalidSettingsGetAnInlineMessage() {
        openOnCheckerboard();
        Locator error = page.locator("#conv-error");
        assertFalse(error.isVisible());

        // no padding and dilation 8: the kernel spans 8*(3 - 1) + 1 = 17 pixels, more than 16
        type(page, "conv-padding", "0");
        waitForText(page, "#conv-shapes", "padding 0");
        type(page, "conv-dilation", "8");
        waitForText(page, "#conv-error", "spans 17 pixels");
        assertEquals("The 3x3 kernel spans 17 pixels (dilation*(kernel - 1) + 1 = 8*(3 - 1) + 1), but the padded input is "
                + "only 16x16 (16x16 plus 0 on each side): use a smaller kernel or dilation, or more padding.", error.textContent());
        assertTrue(page.locator("#conv-formula").textContent().contains("= floor(-1 / 1) + 1 = -1 + 1 = 0"));
        assertEquals(0, ((Number) page.locator("conv-explainer").evaluate("e => e.outRows")).intValue());
        assertTrue(page.locator("#conv-next").isDisabled());
        screenshot(page, "convolution-invalid");

        // more padding makes it fit again
        type(page, "conv-padding", "1");
        waitForText(page, "#conv-shapes", "out 2x2 (4 positions)");
        assertFalse(error.isVisible());

        type(page, "conv-stride", "0");
        waitForText(page, "#conv-error", "Stride must be a whole number from 1 to 8 (got 0)");
        assertEquals(true, page.locator("#conv-stride").evaluate("e => e.invalid"));
        type(page, "conv-stride", "1");
        waitForText(page, "#conv-shapes", "stride 1");
        assertFalse(error.isVisible());

        page.locator("#conv-w-0-1 input").fill("abc");
        waitForText(page, "#conv-error", "Kernel row 1, column 2: \"abc\" is not a number");
        assertEquals(true, page.locator("#conv-w-0-1").evaluate("e => e.invalid"));
        assertTrue(page.locator("#conv-preset").innerText().contains("Custom"));
        screenshot(page, "convolution-bad-kernel");
        page.locator("#conv-w-0-1 input").fill("1/9");
        page.waitForFunction("() => document.querySelector('#conv-error').hidden");
        waitForVaadin(page);
        assertEquals(false, page.locator("#conv-w-0-1").evaluate("e => e.invalid"));
        assertTrue(page.locator("#conv-sum").textContent().startsWith("sum of the 9 products"));

        // a 5x5 kernel with dilation 2 spans 9x9: floor((16 + 2 - 8 - 1) / 1) + 1 = 10
        chooseInSelect(page, "conv-preset", "Gaussian blur 5x5");
        assertEquals("36/256", page.locator("#conv-w-2-2 input").inputValue());
        type(page, "conv-dilation", "2");
        waitForText(page, "#conv-shapes", "kernel 5x5 (spans 9x9 with dilation 2), stride 1, padding 1 -> out 10x10");
        assertEquals(25, page.locator("#conv-products .conv-product").count());
        assertFalse(page.locator("#conv-formula").textContent().contains("course form"), "only for dilation 1");
        page.locator("#conv-last").click();
        waitForText(page, "#conv-position", "Output row 9, column 9 (position 100 of 100)");
        assertTrue(page.locator("#conv-next").isDisabled());
        fullScreenshot(page, "convolution-5x5-dilated");
    }

    @Test
    void uploadsAreCheckedAndShrunk() throws IOException {
        openOnCheckerboard();
        Locator input = page.locator("#conv-upload input[type=file]");
        Locator message = page.locator("#conv-upload-message");

        input.setInputFiles(new FilePayload("broken.png", "image/png", "this is not an image".getBytes(StandardCharsets.UTF_8)));
        waitForText(page, "#conv-upload-message", "\"broken.png\" is not a PNG or JPEG image.");
        assertTrue(message.isVisible());
        assertTrue(message.textContent().contains("The image shown is unchanged."));
        assertTrue(page.locator("#conv-image-label").textContent().startsWith("Checkerboard"), "the image stays");
        page.waitForTimeout(300);
        screenshot(page, "convolution-bad-upload");

        input.setInputFiles(new FilePayload("notes.txt", "text/plain", "hello".getBytes(StandardCharsets.UTF_8)));
        waitForText(page, "#conv-upload-message", "\"notes.txt\" was not uploaded");
        assertTrue(message.textContent().contains("Use a PNG or JPEG image of at most 2 MB."), message.textContent());

        // a 64x40 picture: white left half, blue right half; shrunk to 32x20
        BufferedImage img = new BufferedImage(64, 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 32, 40);
        g.setColor(new Color(30, 60, 220));
        g.fillRect(32, 0, 32, 40);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        input.setInputFiles(new FilePayload("halves.png", "image/png", png.toByteArray()));
        waitForText(page, "#conv-image-label", "your upload halves.png: 20 rows x 32 columns, colour");
        assertFalse(message.isVisible());
        assertTrue(page.locator("#conv-source").innerText().contains("Your upload"));
        assertTrue(page.locator("#conv-plane").isVisible(), "a colour image offers its channels");
        waitForText(page, "#conv-formula", "height (in = 20)");
        chooseInSelect(page, "conv-plane", "Blue channel");
        // the blue channel is bright on both halves: a small edge response at the border only
        chooseInSelect(page, "conv-preset", "Sobel x");
        waitForText(page, "#conv-shapes", "out 20x32");
        page.mouse().move(0, 0);
        screenshot(page, "convolution-upload");
    }
}
