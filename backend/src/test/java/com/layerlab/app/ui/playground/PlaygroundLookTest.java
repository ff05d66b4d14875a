package com.layerlab.app.ui.playground;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.BrowserTestBase;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the playground's output shows: points that stand out from the boundary, a legend on one line. */
class PlaygroundLookTest extends BrowserTestBase {

    private static double distance(List<Number> a, List<Number> b) {
        double s = 0;
        for (int i = 0; i < 3; i++) {
            double d = a.get(i).doubleValue() - b.get(i).doubleValue();
            s += d * d;
        }
        return Math.sqrt(s);
    }

    @Test
    @SuppressWarnings("unchecked")
    void pointsStandOutFromACertainBoundaryAndHaveAnOutline() {
        open("/");
        // a map that is certain of class 1 (blue) everywhere, one blue point in the middle, one orange point at (3, 3)
        List<List<Number>> pixels = (List<List<Number>>) page.evaluate("async () => {"
                + " const m = document.createElement('heat-map'); m.size = 300; m.mode = 'diverging'; document.body.append(m);"
                + " const floats = (xs) => btoa(String.fromCharCode(...new Uint8Array(new Float32Array(xs).buffer)));"
                + " m.n = 2; m.channels = 1; m.values = btoa(String.fromCharCode(255, 255, 255, 255));"
                + " m.points = floats([0, 0, 1, 3, 3, -1]);"
                + " await m.updateComplete;"
                + " const ctx = m.shadowRoot.querySelector('canvas').getContext('2d'); const dpr = window.devicePixelRatio || 1;"
                + " const at = (x, y) => [...ctx.getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data];"
                + " const r = 300 / 90;"
                + " const out = [at(40, 260), at(150, 150), at(225, 75), at(Math.floor(150 + r), 150)];"
                + " m.remove(); return out; }");
        List<Number> background = pixels.get(0);
        List<Number> bluePoint = pixels.get(1);
        List<Number> orangePoint = pixels.get(2);
        List<Number> outline = pixels.get(3);
        assertEquals(List.of(8, 119, 189), bluePoint.subList(0, 3).stream().map(Number::intValue).toList(),
                "a point keeps its class's full colour");
        assertTrue(distance(background, bluePoint) > 90, "a point on its own class's side still shows: background "
                + background + ", point " + bluePoint);
        assertTrue(distance(background, orangePoint) > 150, "a point on the other side stands out: " + orangePoint);
        double light = outline.get(0).doubleValue() + outline.get(1).doubleValue() + outline.get(2).doubleValue();
        double back = background.get(0).doubleValue() + background.get(1).doubleValue() + background.get(2).doubleValue();
        assertTrue(light > back + 60, "training points have a light outline: " + outline + " on " + background);
    }

    @Test
    void theLossLegendStaysOnOneLineWhileTraining() {
        for (int[] size : List.of(new int[] {1024, 768}, new int[] {390, 844})) {
            page.setViewportSize(size[0], size[1]);
            open("/");
            page.locator("#play-button").click();
            page.waitForFunction("() => Number(document.querySelector('#epoch').dataset.epoch) >= 120");
            for (int look = 0; look < 3; look++) {
                @SuppressWarnings("unchecked")
                List<Number> tops = (List<Number>) page.evaluate("() => [...document.querySelectorAll("
                        + "'#loss-chart .u-legend .u-series')].map(s => Math.round(s.getBoundingClientRect().top))");
                assertEquals(3, tops.size());
                assertEquals(1, tops.stream().distinct().count(), "one line at " + size[0] + " px: " + tops);
                Object fits = page.evaluate("() => { const l = document.querySelector('#loss-chart .u-legend');"
                        + " return l.scrollWidth <= document.querySelector('#loss-chart').clientWidth; }");
                assertEquals(true, fits, "the legend fits the chart's width at " + size[0] + " px");
                page.waitForTimeout(150);
            }
            page.locator("#play-button").click();
            waitForVaadin(page);
        }
    }
}
