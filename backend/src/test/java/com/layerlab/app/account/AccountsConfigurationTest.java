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
        assertEquals(List.of(Accounts.ROLE_USER, Accounts.ROLE_ADMIN), a.roles("boss"));
        assertEquals(List.of(Accounts.ROLE_USER, Accounts.ROLE_ADMIN), a.roles("OPS-TEAM"));
        assertEquals(List.of(Accounts.ROLE_USER), a.roles("bossy"));
        assertEquals(List.of(Accounts.ROLE_USER), accounts("", true).roles("boss"), "nobody is an admin by default");
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
