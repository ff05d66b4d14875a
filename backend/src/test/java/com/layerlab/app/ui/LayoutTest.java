package com.layerlab.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.BrowserTestBase;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.BoundingBox;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every page at a laptop's (1024x768), a projector's (1280x800) and a phone's (390x844) size:
 * nothing scrolls sideways, the key controls lie inside the window and apart from each other, and
 * the grey page background reaches the bottom of the page. Each case leaves a full-page screenshot,
 * target/screenshots/layout-PAGE-WIDTHxHEIGHT.png, to be looked at.
 */
class LayoutTest extends BrowserTestBase {

    record Size(int width, int height) {
        boolean phone() {
            return width < 600;
        }
    }

    record Screen(String name, String path, List<String> controls) {
    }

    static final List<Size> SIZES = List.of(new Size(1024, 768), new Size(1280, 800), new Size(390, 844));

    static final List<Screen> SCREENS = List.of(
            new Screen("playground", "/", List.of("reset-button", "play-button", "step-button", "stop-button", "new-seed-button",
                    "learning-rate-select", "activation-select", "regularization-select", "regularization-rate-select",
                    "problem-select", "preset-select", "compare-link", "copy-link-button", "network", "stop-select",
                    "loss-chart", "output-map", "export-button")),
            new Screen("compare", "/compare", List.of("compare-dataset", "compare-noise", "compare-layers",
                    "compare-neurons", "compare-learning-rate", "compare-play", "compare-step", "compare-reset", "compare-stop",
                    "compare-share-link", "compare-copy-link", "compare-cards", "compare-loss-chart")),
            new Screen("cnn", "/cnn", List.of("cnn-preset", "cnn-epochs", "cnn-optimizer", "cnn-lr", "cnn-compare",
                    "cnn-train", "cnn-step", "cnn-pause", "cnn-stop", "cnn-share-link", "cnn-copy-link", "cnn-export",
                    "cnn-dataset", "cnn-limit", "cnn-batch-size", "cnn-loss-chart", "cnn-accuracy-chart",
                    "cnn-gradient-chart")),
            new Screen("convolution", "/convolution", List.of("conv-source", "conv-preset", "conv-kernel-size",
                    "conv-first", "conv-prev", "conv-play", "conv-next", "conv-last", "conv-speed", "conv-products",
                    "conv-formula")),
            new Screen("signin", "/signin", List.of("signin-username", "signin-password", "signin-submit", "signin-signup",
                    "ll-signin")),
            new Screen("signup", "/signup", List.of("signup-username", "signup-password", "signup-submit", "signup-signin",
                    "ll-signin")));

    static Stream<Arguments> cases() {
        return SCREENS.stream().flatMap(s -> SIZES.stream().map(z -> Arguments.of(s, z)));
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("cases")
    void fitsTheWindow(Screen screen, Size size) throws IOException {
        page.setViewportSize(size.width(), size.height());
        open(screen.path());
        // the charts and the maps size themselves a frame after they attach
        page.waitForTimeout(300);
        Files.createDirectories(SCREENSHOTS);
        page.screenshot(new Page.ScreenshotOptions().setFullPage(true)
                .setPath(SCREENSHOTS.resolve("layout-" + screen.name() + "-" + size.width() + "x" + size.height() + ".png")));

        Number scrollWidth = (Number) page.evaluate("() => document.scrollingElement.scrollWidth");
        assertTrue(scrollWidth.intValue() <= size.width(),
                screen.name() + " is " + scrollWidth + " px wide in a window of " + size.width());

        List<String> problems = new ArrayList<>();
        List<BoundingBox> boxes = new ArrayList<>();
        for (String id : screen.controls()) {
            BoundingBox b = page.locator("#" + id).boundingBox();
            if (b == null || b.width < 1 || b.height < 1) {
                problems.add("#" + id + " is not shown");
            } else if (b.x < -0.5 || b.x + b.width > size.width() + 0.5) {
                problems.add("#" + id + " spans x " + Math.round(b.x) + " to " + Math.round(b.x + b.width));
            }
            boxes.add(b);
        }
        for (int i = 0; i < boxes.size(); i++) {
            for (int j = i + 1; j < boxes.size(); j++) {
                BoundingBox a = boxes.get(i);
                BoundingBox b = boxes.get(j);
                if (a != null && b != null && overlap(a, b) > 1) {
                    problems.add("#" + screen.controls().get(i) + " overlaps #" + screen.controls().get(j));
                }
            }
        }
        // a number field squeezed between its step buttons has no room left for its value
        @SuppressWarnings("unchecked")
        List<String> squeezed = (List<String>) page.evaluate("() => [...document.querySelectorAll("
                + "'vaadin-integer-field, vaadin-text-field, vaadin-number-field')].filter(f => f.offsetParent !== null)"
                + ".filter(f => { const i = f.querySelector('input'); return i && i.clientWidth < 20; })"
                + ".map(f => (f.id || f.getAttribute('label') || f.tagName) + ' input is too narrow')");
        problems.addAll(squeezed);
        assertEquals(List.of(), problems, screen.name() + " at " + size.width() + "x" + size.height());

        // the canvas takes the root element's background, which then covers the whole scroll height
        assertEquals("rgb(244, 246, 248)", page.evaluate("() => getComputedStyle(document.documentElement).backgroundColor"));
        if (!size.phone()) {
            for (String link : List.of("Playground", "Compare activations", "CNN lab", "Convolution", "My work",
                    "Gallery")) {
                BoundingBox b = page.locator("#ll-nav a").getByText(link).boundingBox();
                assertTrue(b != null && b.x + b.width <= size.width(), link + " is in the header");
            }
        }
    }

    private static double overlap(BoundingBox a, BoundingBox b) {
        double w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
        double h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
        return w > 0 && h > 0 ? w * h : 0;
    }

    @Test
    void thePlaygroundsSelectsShowTheirWholeLabelsAndValues() {
        for (Size size : SIZES) {
            page.setViewportSize(size.width(), size.height());
            open("/");
            assertEquals("Classification", page.locator("#problem-select vaadin-select-value-button").innerText().trim());
            @SuppressWarnings("unchecked")
            // a label is cut (with an ellipsis) where its text is wider than its part less the part's padding
            List<String> cut = (List<String>) page.evaluate("() => [...document.querySelectorAll('.ll-toolbar vaadin-select')]"
                    + ".flatMap(s => { const out = []; const part = s.shadowRoot.querySelector('[part~=label]');"
                    + " const cs = getComputedStyle(part); const text = document.createRange();"
                    + " text.selectNodeContents(s.querySelector('label'));"
                    + " if (text.getBoundingClientRect().width > part.getBoundingClientRect().width"
                    + "     - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) + 0.05) out.push(s.id + ' label');"
                    + " const item = s.querySelector('vaadin-select-value-button vaadin-select-item');"
                    + " if (item && item.scrollWidth > item.clientWidth) out.push(s.id + ' value');"
                    + " return out; })");
            assertEquals(List.of(), cut, "cut at " + size);
        }
    }

    @Test
    void onAPhoneTheNavigationIsAMenu() {
        Size phone = SIZES.get(2);
        page.setViewportSize(phone.width(), phone.height());
        open("/");
        assertFalse(page.locator("#ll-nav").isVisible(), "the navigation waits behind the menu button");
        BoundingBox menu = page.locator("#ll-menu").boundingBox();
        assertTrue(menu != null && menu.x >= 0 && menu.x + menu.width <= phone.width(), "the menu button is on screen");
        assertEquals("false", page.locator("#ll-menu").getAttribute("aria-expanded"));

        page.locator("#ll-menu").click();
        waitForVaadin(page);
        assertEquals("true", page.locator("#ll-menu").getAttribute("aria-expanded"));
        for (String link : List.of("Playground", "Compare activations", "CNN lab", "Convolution")) {
            BoundingBox b = page.locator("#ll-nav a").getByText(link).boundingBox();
            assertTrue(b != null && b.x >= 0 && b.x + b.width <= phone.width() && b.height >= 24,
                    link + " is a tappable line of the open menu");
        }
        screenshot(page, "layout-phone-menu");

        page.locator("#ll-nav a").getByText("CNN lab").click();
        page.waitForURL("**/cnn");
        waitForVaadin(page);
        assertFalse(page.locator("#ll-nav").isVisible(), "the menu closes once the page has changed");
        Number scrollWidth = (Number) page.evaluate("() => document.scrollingElement.scrollWidth");
        assertTrue(scrollWidth.intValue() <= phone.width());
    }
}
