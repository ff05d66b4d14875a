package com.layerlab.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.layerlab.app.BrowserTestBase;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;

/** What the classroom's browser tests do on the teacher's and the students' pages. */
final class ClassroomSteps {

    private ClassroomSteps() {
    }

    /** Sets a Vaadin checkbox to {@code checked} (clicking it only when it is not already so). */
    static void setChecked(Page p, String id, boolean checked) {
        Locator box = p.locator("#" + id);
        if ((Boolean) box.evaluate("e => e.checked === true") != checked) {
            box.click();
        }
        BrowserTestBase.waitForVaadin(p);
        assertEquals(checked, box.evaluate("e => e.checked === true"), "#" + id);
    }

    /** Types {@code value} into the number field {@code id} and leaves it (its change reaches the server). */
    static void fillNumber(Page p, String id, String value) {
        Locator input = p.locator("#" + id + " input");
        input.fill(value);
        input.press("Tab");
        BrowserTestBase.waitForVaadin(p);
    }

    /** Whether the first element {@code selector} finds carries the disabled attribute (a locked control). */
    static boolean disabled(Page p, String selector) {
        return (Boolean) p.locator(selector).first().evaluate("e => e.hasAttribute('disabled')");
    }

    /** A dashboard card's epoch ({@code data-epoch}), 0 before its first. */
    static int epochOf(Locator card) {
        String e = card.getAttribute("data-epoch");
        return e == null || e.isBlank() ? 0 : (int) Double.parseDouble(e);
    }
}
