package com.layerlab.app.ui.account;

import static com.layerlab.app.AccountSteps.PASSWORD;
import static com.layerlab.app.AccountSteps.fill;
import static com.layerlab.app.AccountSteps.newName;
import static com.layerlab.app.AccountSteps.signUp;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.account.Accounts;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The Account page's "Teachers" section: an admin grants the teacher role by user name (an unknown name
 * is told), sees the teachers and revokes one, and the server knows the change at once; a user who is
 * not an admin has no such section.
 */
@TestPropertySource(properties = "layerlab.admin.usernames=teachadmin")
class TeachersSectionTest extends BrowserTestBase {

    @Autowired
    Accounts accounts;

    @Test
    void anAdminGrantsAndRevokesTheTeacherRoleByName() {
        signUp(page, "teachadmin");
        open("/account");
        assertTrue(page.locator("#account-teacher-section").isVisible());
        assertTrue(page.locator("#account-teacher").isVisible(), "an admin is a teacher too");

        fill(page, "teacher-username", "nobody-here");
        page.locator("#teacher-grant").click();
        waitForVaadin(page);
        assertEquals("There is no user \"nobody-here\".", page.locator("#teacher-error").innerText().trim());

        String tina = newName("tina");
        accounts.register(tina, PASSWORD, Optional.empty());
        assertFalse(accounts.isTeacher(tina));
        fill(page, "teacher-username", " " + tina.toUpperCase() + " ");
        page.locator("#teacher-grant").click();
        waitForVaadin(page);
        assertFalse(page.locator("#teacher-error").isVisible());
        assertTrue(page.locator("#teacher-message").innerText().startsWith(tina + " is a teacher now"));
        assertThat(page.locator(".teacher-row[data-username='" + tina + "']")).hasCount(1);
        assertTrue(accounts.isTeacher(tina), "at once, without signing in again");
        screenshot(page, "account-teachers");

        page.locator(".teacher-row[data-username='" + tina + "'] .teacher-revoke").click();
        waitForVaadin(page);
        assertThat(page.locator(".teacher-row[data-username='" + tina + "']")).hasCount(0);
        assertEquals(tina + " is no longer a teacher.", page.locator("#teacher-message").innerText().trim());
        assertFalse(accounts.isTeacher(tina));
    }

    @Test
    void aUserWhoIsNotAnAdminHasNoTeachersSection() {
        String ben = newName("ben");
        signUp(page, ben);
        open("/account");
        assertEquals(ben, page.locator("#account-name").innerText().trim());
        assertEquals(0, page.locator("#account-teacher-section").count());
        assertEquals(0, page.locator("#teacher-grant").count());
        assertEquals(0, page.locator("#account-teacher").count());
    }
}
