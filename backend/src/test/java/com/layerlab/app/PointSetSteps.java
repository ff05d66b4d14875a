package com.layerlab.app;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.FilePayload;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;

/** What the browser tests of the learner's own 2D points do again and again: a CSV of two blobs, and its upload. */
public final class PointSetSteps {

    private PointSetSteps() {
    }

    /** 200 points in two blobs, "left" around (-2, 0) and "right" around (2, 0), with a header row. */
    public static String blobs() {
        StringBuilder csv = new StringBuilder("x1,x2,side\n");
        Random r = new Random(3);
        for (int i = 0; i < 200; i++) {
            boolean right = i % 2 == 1;
            csv.append(String.format(Locale.ROOT, "%.3f,%.3f,%s%n", (right ? 2 : -2) + r.nextGaussian() * 0.6,
                    r.nextGaussian() * 1.5, right ? "right" : "left"));
        }
        return csv.toString();
    }

    /**
     * On the open playground: uploads {@code text} as the CSV file {@code fileName} and returns the message
     * it gets (waiting for a message other than the one shown before).
     */
    public static String uploadCsv(Page p, String fileName, String text) {
        Object before = p.evaluate("() => { const m = document.querySelector('#points-message');"
                + " return m && !m.hidden ? m.textContent : ''; }");
        p.setInputFiles("#points-upload input[type=file]",
                new FilePayload(fileName, "text/csv", text.getBytes(StandardCharsets.UTF_8)));
        p.waitForFunction("before => { const m = document.querySelector('#points-message');"
                + " return m && !m.hidden && m.textContent.length > 0 && m.textContent !== before; }", before);
        BrowserTestBase.waitForVaadin(p);
        return p.locator("#points-message").innerText();
    }
}
