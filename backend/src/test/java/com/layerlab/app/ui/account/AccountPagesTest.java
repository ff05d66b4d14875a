package com.layerlab.app.ui.account;

import static com.layerlab.app.AccountSteps.PASSWORD;
import static com.layerlab.app.AccountSteps.fill;
import static com.layerlab.app.AccountSteps.newName;
import static com.layerlab.app.AccountSteps.signOut;
import static com.layerlab.app.AccountSteps.signUp;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.account.VisitorClaimed;
import com.layerlab.app.account.VisitorCookie;
import com.layerlab.app.training.TrainingRuntime;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.RequestOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;

/**
 * Accounts as a learner meets them in the browser: sign up, the name in the header, a reload that
 * keeps the session, sign out, sign in (wrong password first), the account page's tokens, and the
 * pages that stay open without an account.
 */
class AccountPagesTest extends BrowserTestBase {

    @Autowired
    ConfigurableApplicationContext app;

    @Test
    void signUpSignOutAndSignInAgainWithTheNameInTheHeaderAcrossAReload() {
        String name = newName("Ana");
        open("/");
        assertEquals("Sign in", page.locator("#ll-signin").innerText().trim());
        String visitor = context.cookies().stream().filter(c -> c.name.equals(VisitorCookie.NAME)).findFirst().orElseThrow().value;
        List<VisitorClaimed> claims = new CopyOnWriteArrayList<>();
        app.addApplicationListener((ApplicationListener<ApplicationEvent>) e -> {
            if (e instanceof PayloadApplicationEvent<?> p && p.getPayload() instanceof VisitorClaimed claimed) {
                claims.add(claimed);
            }
        });

        signUp(page, name);
        assertEquals(List.of(new VisitorClaimed("visitor:" + visitor, "user:" + name)), claims,
                "what this browser saved before signing up is handed to the new user");
        assertEquals(name, page.locator("#ll-user").innerText().trim());
        page.reload();
        waitForVaadin(page);
        assertEquals(name, page.locator("#ll-user").innerText().trim(), "a reload keeps the session");
        screenshot(page, "account-signed-in");

        signOut(page);
        assertTrue(page.locator("#ll-signin").isVisible());
        assertEquals(0, page.locator("#ll-user").count());

        // the playground keeps its state in the address: the sign-in link carries it, to return there
        String playground = page.url();
        page.locator("#ll-signin").click();
        page.waitForURL("**/signin?to=**");
        waitForVaadin(page);
        fill(page, "signin-username", name.toLowerCase());
        fill(page, "signin-password", "not the password");
        page.locator("#signin-submit").click();
        waitForVaadin(page);
        assertEquals("The user name or the password is wrong.", page.locator("#signin-error").innerText().trim());
        screenshot(page, "account-signin-wrong-password");

        fill(page, "signin-password", PASSWORD);
        page.keyboard().press("Enter");
        page.waitForURL(playground);
        waitForVaadin(page);
        assertEquals(name, page.locator("#ll-user").innerText().trim(), "the name as registered, whatever the case typed");
    }

    @Test
    void signUpSaysWhichRuleIsBrokenAndChangesNothing() {
        open("signup");
        fill(page, "signup-username", "ab");
        fill(page, "signup-password", PASSWORD);
        page.locator("#signup-submit").click();
        waitForVaadin(page);
        assertEquals("User name: at least 3 characters (this one has 2).", page.locator("#signup-error").innerText().trim());
        fill(page, "signup-username", newName("bo"));
        fill(page, "signup-password", "short");
        page.locator("#signup-submit").click();
        waitForVaadin(page);
        assertEquals("Password: at least 10 characters (this one has 5).", page.locator("#signup-error").innerText().trim());
        assertTrue(page.url().endsWith("/signup"));
        screenshot(page, "account-signup-rule");
    }

    @Test
    void theSessionSignsInTheApiButAStateChangingCallNeedsTheCsrfToken() {
        String name = newName("carl");
        signUp(page, name);
        APIResponse me = page.request().get(baseUrl() + "api/me");
        assertEquals(200, me.status(), me.text());
        assertTrue(me.text().contains("\"username\":\"" + name + "\""), me.text());

        APIResponse forged = page.request().post(baseUrl() + "api/tokens",
                RequestOptions.create().setHeader("Content-Type", "application/json").setData("{\"name\":\"forged\"}"));
        assertEquals(403, forged.status(), forged.text());
        assertTrue(forged.text().contains("CSRF token"), forged.text());
        open("account");
        assertEquals(0, page.locator("#account-tokens vaadin-grid-cell-content:has-text('forged')").count());
    }

    @Test
    void theAccountPageMakesATokenShownOnceListsItAsTextAndRevokesIt() {
        String name = newName("dana");
        signUp(page, name);
        page.locator("#ll-user vaadin-menu-bar-button:not([slot=overflow])").click();
        page.locator("vaadin-menu-bar-item:has-text('Account')").click();
        page.waitForURL("**/account");
        waitForVaadin(page);
        assertEquals(name, page.locator("#account-name").innerText().trim());

        String tricky = "<img src=x onerror=alert(1)>";
        fill(page, "account-token-name", tricky);
        page.locator("#account-token-create").click();
        waitForVaadin(page);
        String token = page.locator("#account-token-value input").inputValue();
        assertTrue(token.startsWith("ll_"), token);
        assertEquals(1, page.locator("#account-tokens vaadin-grid-cell-content").getByText(tricky, new Locator.GetByTextOptions().setExact(true)).count(),
                "what the user typed is shown as text");
        assertEquals(0, page.locator("vaadin-grid-cell-content img").count(), "and never becomes markup");
        screenshot(page, "account-page");
        page.setViewportSize(390, 844);
        page.waitForTimeout(300);
        screenshot(page, "account-page-390x844");
        assertTrue(((Number) page.evaluate("() => document.scrollingElement.scrollWidth")).intValue() <= 390,
                "the account page and the header with the user's name fit a phone");
        assertTrue(page.locator("#ll-user").isVisible(), "the user's menu stays in the phone's header");
        page.setViewportSize(WIDTH, HEIGHT);

        APIResponse me = playwright.request().newContext().get(baseUrl() + "api/me",
                RequestOptions.create().setHeader("Authorization", "Bearer " + token));
        assertEquals(200, me.status(), me.text());

        page.reload();
        waitForVaadin(page);
        assertFalse(page.locator("#account-token-value").isVisible(), "the token is shown once");
        page.locator("#account-tokens vaadin-button:has-text('Revoke')").click();
        waitForVaadin(page);
        // the grid drops the row in its next frame
        assertThat(page.locator("#account-tokens vaadin-button:has-text('Revoke'):visible")).hasCount(0);
        assertEquals(401, playwright.request().newContext().get(baseUrl() + "api/me",
                RequestOptions.create().setHeader("Authorization", "Bearer " + token)).status());
    }

    /**
     * Anonymous visitors' runs whose thread still runs, in this app (signed-in users' runs of other tests
     * may rightly go on for a while).
     */
    private long anonymousRuns() {
        return app.getBean(TrainingRuntime.class).activeRuns().stream().filter(r -> r.owner().startsWith("visitor:")).count();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theAccountPageAsksAnonymousVisitorsToSignInAndTheOtherPagesStayOpen() {
        open("account");
        page.waitForURL("**/signin");
        waitForVaadin(page);
        assertTrue(page.locator("#signin-submit").isVisible());
        for (List<String> pageAndControl : List.of(List.of("", "play-button"), List.of("compare", "compare-play"),
                List.of("cnn", "cnn-train"), List.of("convolution", "conv-play"))) {
            open(pageAndControl.get(0));
            assertTrue(page.locator("#" + pageAndControl.get(1)).isVisible(), pageAndControl.get(0));
            assertTrue(page.locator("#ll-signin").isVisible());
        }
        // and train anonymously
        open("/");
        page.locator("#play-button").click();
        page.waitForFunction("() => Number(document.querySelector('#epoch').dataset.epoch) > 0");
        // an anonymous visitor's run ends once no page watched it for layerlab.runs.unwatched-seconds: no thread
        // left for the tests that count them
        page.close();
        long end = System.currentTimeMillis() + 30_000;
        while (anonymousRuns() > 0 && System.currentTimeMillis() < end) {
            sleep(100);
        }
        assertEquals(0, anonymousRuns(), "the anonymous visitor's training ended after its page");
    }
}
