package com.layerlab.app;

import com.microsoft.playwright.Page;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the browser tests do with accounts again and again: a fresh user name, typing into the forms,
 * signing up and signing out. Paths are relative to the context's base address ({@link BrowserTestBase#newContext}).
 */
public final class AccountSteps {

    /** Every test user's password (long enough for the rules). */
    public static final String PASSWORD = "correct horse battery";

    private AccountSteps() {
    }

    /** A name no other test of this run has taken (the browser tests share one database). */
    public static String newName(String stem) {
        return stem + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);
    }

    /** Types {@code value} into the text or password field {@code field}. */
    public static void fill(Page p, String field, String value) {
        p.locator("#" + field + " input").fill(value);
    }

    /** On the open sign-up page: the name and {@link #PASSWORD}, submitted. */
    public static void submitSignUp(Page p, String name) {
        fill(p, "signup-username", name);
        fill(p, "signup-password", PASSWORD);
        p.locator("#signup-submit").click();
    }

    /** Signs up as {@code name} from the sign-up page, and waits on the start page where it lands. */
    public static void signUp(Page p, String name) {
        p.navigate("/signup");
        BrowserTestBase.waitForVaadin(p);
        submitSignUp(p, name);
        p.waitForURL("/");
        BrowserTestBase.waitForVaadin(p);
    }

    /** Signs out from the user's menu in the header, and waits on the start page where it lands. */
    public static void signOut(Page p) {
        p.locator("#ll-user vaadin-menu-bar-button:not([slot=overflow])").click();
        p.locator("vaadin-menu-bar-item:has-text('Sign out')").click();
        p.waitForURL("/");
        BrowserTestBase.waitForVaadin(p);
    }
}
