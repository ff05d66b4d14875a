package com.layerlab.app.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the configuration keys decide, without a database: who is an admin, whether sign-up is open. */
class AccountsConfigurationTest {

    private static Accounts accounts(String admins, boolean registrationOpen) {
        // neither question reaches the repositories
        return new Accounts(null, null, SecurityConfig.passwordEncoder(), event -> { }, admins, registrationOpen);
    }

    @Test
    void adminsAreTheConfiguredNamesInAnyCaseAndSpacing() {
        Accounts a = accounts(" Boss ,ops-team,, ", true);
        // admins run classes too
        assertEquals(List.of(Accounts.ROLE_USER, Accounts.ROLE_TEACHER, Accounts.ROLE_ADMIN), a.roles("boss"));
        assertEquals(List.of(Accounts.ROLE_USER, Accounts.ROLE_TEACHER, Accounts.ROLE_ADMIN), a.roles("OPS-TEAM"));
        assertEquals(List.of(Accounts.ROLE_USER), a.roles("bossy"));
        assertEquals(List.of(Accounts.ROLE_USER), accounts("", true).roles("boss"), "nobody is an admin by default");
    }

    @Test
    void teachersAreTheConfiguredNamesAndTheAdmins() {
        Accounts a = new Accounts(null, null, SecurityConfig.passwordEncoder(), event -> { }, "boss", " Tess, ,lee ", true);
        assertEquals(List.of(Accounts.ROLE_USER, Accounts.ROLE_TEACHER), a.roles("tess"));
        assertEquals(List.of(Accounts.ROLE_USER, Accounts.ROLE_TEACHER), a.roles("LEE"));
        assertEquals(List.of(Accounts.ROLE_USER), a.roles("tessa"));
        // a configured teacher or an admin is known without the database (a granted one is not: the repository)
        assertEquals(true, a.isTeacher(" TESS "));
        assertEquals(true, a.isTeacher("boss"));
        assertEquals(false, a.isTeacher(""));
        assertEquals(false, a.isTeacher(null));
        assertEquals(true, a.teacherByConfiguration("Boss"));
    }

    @Test
    void closedRegistrationRefusesEverySignUpWithA403AndSaysWhom() {
        AccountRefused refused = assertThrows(AccountRefused.class,
                () -> accounts("", false).register("ana", "correct horse battery", Optional.empty()));
        assertEquals(AccountRefused.Kind.FORBIDDEN, refused.kind());
        assertEquals(403, refused.kind().status);
        assertEquals("Registration is closed on this server: ask its administrator for an account.", refused.getMessage());
    }
}
