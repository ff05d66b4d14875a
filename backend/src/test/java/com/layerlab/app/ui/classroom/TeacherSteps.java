package com.layerlab.app.ui.classroom;

import static com.layerlab.app.AccountSteps.PASSWORD;

import com.layerlab.app.AccountSteps;
import com.layerlab.app.account.AccountRefused;
import com.layerlab.app.account.Accounts;
import com.microsoft.playwright.Page;
import java.util.Optional;

/** What the teacher-page tests do again and again: an account that exists, signing in to /teach. */
final class TeacherSteps {

    /** The join code's alphabet: no 0/O, no 1/l/I. */
    static final String CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    /** A code as the dashboard shows it: "ABC-DEF". */
    static final String SHOWN_CODE = "^[" + CODE_ALPHABET + "]{3}-[" + CODE_ALPHABET + "]{3}$";

    private TeacherSteps() {
    }

    /** {@code name}'s account, made if it does not exist yet (the browser tests share one database). */
    static void account(Accounts accounts, String name) {
        try {
            accounts.register(name, PASSWORD, Optional.empty());
        } catch (AccountRefused taken) {
            // made by an earlier test of the class
        }
    }

    /** Waits until Vaadin is idle on {@code p} (BrowserTestBase's wait, which is for its subclasses). */
    static void idle(Page p) {
        p.waitForFunction("() => window.Vaadin && window.Vaadin.Flow && window.Vaadin.Flow.clients"
                + " && Object.keys(window.Vaadin.Flow.clients).length > 0"
                + " && Object.values(window.Vaadin.Flow.clients).every(c => !c.isActive || !c.isActive())");
    }

    /** Signs {@code p} in as {@code name} from the sign-in page, landing on /teach. */
    static void signInToTeach(Page p, String name) {
        p.navigate("/signin?to=%2Fteach");
        idle(p);
        AccountSteps.fill(p, "signin-username", name);
        AccountSteps.fill(p, "signin-password", PASSWORD);
        p.locator("#signin-submit").click();
        p.waitForURL("**/teach");
        idle(p);
    }
}
