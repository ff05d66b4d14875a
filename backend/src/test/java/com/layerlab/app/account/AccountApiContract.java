package com.layerlab.app.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.layerlab.app.TestHttp;
import com.layerlab.app.api.ProblemDocument;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;

/**
 * The accounts part of the REST API over HTTP, as a script sees it: sign-up and its rules, who am I,
 * HTTP Basic, personal tokens, problem documents, CSRF for cookie-borne requests, the sign-in rate
 * limit and the admin role from configuration. The same tests on H2 ({@link AccountApiTest}) and on
 * PostgreSQL ({@link PostgresAccountApiTest}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "layerlab.admin.usernames=Boss, other",
        "layerlab.signin.max-failures-per-name=3",
        "layerlab.signin.max-failures-per-client=1000"})
// imported: a nested configuration class is found only in the test class itself, not in this base of H2's and PostgreSQL's
@Import(AccountApiContract.Listen.class)
abstract class AccountApiContract {

    private static final String PASSWORD = "correct horse battery";

    @LocalServerPort
    int port;
    @Autowired
    Accounts accounts;
    @Autowired
    Claims claims;
    @Autowired
    ApiTokenRepository tokens;

    private final ObjectMapper json = new ObjectMapper();

    /** What the store would hear: visitors claimed by sign-ups. */
    static class Claims {
        final List<VisitorClaimed> seen = new CopyOnWriteArrayList<>();

        @EventListener
        void on(VisitorClaimed claimed) {
            seen.add(claimed);
        }
    }

    @TestConfiguration
    static class Listen {
        @Bean
        Claims claims() {
            return new Claims();
        }
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        return TestHttp.send(method, "http://localhost:" + port + path, body, headers);
    }

    private HttpResponse<String> signUp(String username, String password, String... headers) throws Exception {
        return send("POST", "/api/users", json.writeValueAsString(new AccountApi.SignUp(username, password)), headers);
    }

    private static String basic(String username, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode problem(HttpResponse<String> r, int status) throws IOException {
        return ProblemDocument.assertProblem(r, status);
    }

    @Test
    void signUpCreatesAUserOnceAndSaysWhichRuleANameOrPasswordBreaks() throws Exception {
        HttpResponse<String> created = signUp("ana", PASSWORD);
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("ana", json.readTree(created.body()).get("username").asText());

        assertTrue(problem(signUp("ANA", PASSWORD), 409).get("detail").asText().contains("\"ANA\" is taken"));
        assertTrue(problem(signUp("a b", PASSWORD), 400).get("detail").asText().startsWith("User name: only letters"));
        assertTrue(problem(signUp("bo", PASSWORD), 400).get("detail").asText().contains("at least 3 characters"));
        assertTrue(problem(signUp("bob", "short"), 400).get("detail").asText()
                .contains("Password: at least 10 characters (this one has 5)"));
        assertTrue(problem(send("POST", "/api/users", "{not json", new String[0]), 400).get("detail").asText()
                .startsWith("The body is not valid JSON at line 1"));
    }

    @Test
    void meAnswers401AnonymouslyAndTheUserWithBasic() throws Exception {
        signUp("carla", PASSWORD);
        JsonNode anonymous = problem(send("GET", "/api/me", null), 401);
        assertEquals(ApiProblems.SIGN_IN_FIRST, anonymous.get("detail").asText());

        HttpResponse<String> me = send("GET", "/api/me", null, "Authorization", basic("Carla", PASSWORD));
        assertEquals(200, me.statusCode(), me.body());
        JsonNode body = json.readTree(me.body());
        assertEquals("carla", body.get("username").asText(), "the name as registered, whatever the case typed");
        assertEquals("[\"user\"]", body.get("roles").toString());
        assertTrue(me.headers().allValues("Set-Cookie").stream().noneMatch(c -> c.startsWith("JSESSIONID")),
                "Basic is stateless: " + me.headers().allValues("Set-Cookie"));

        JsonNode wrong = problem(send("GET", "/api/me", null, "Authorization", basic("carla", "wrong password!")), 401);
        assertEquals(LimitedSignIn.WRONG, wrong.get("detail").asText());
        assertFalse(send("GET", "/api/me", null).headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"),
                "no Basic challenge: a browser would open its password dialog and then send the password on its own");
    }

    @Test
    void aTokenMadeWithBasicSignsInAsBearerUntilRevokedAndCannotMakeTokens() throws Exception {
        signUp("dora", PASSWORD);
        HttpResponse<String> made = send("POST", "/api/tokens", "{\"name\": \"nightly script\"}",
                "Authorization", basic("dora", PASSWORD));
        assertEquals(201, made.statusCode(), made.body());
        JsonNode token = json.readTree(made.body());
        String value = token.get("token").asText();
        assertTrue(value.startsWith("ll_") && value.length() > 40, value);
        assertEquals("nightly script", token.get("name").asText());

        HttpResponse<String> me = send("GET", "/api/me", null, "Authorization", "Bearer " + value);
        assertEquals(200, me.statusCode(), me.body());
        assertEquals("dora", json.readTree(me.body()).get("username").asText());
        ApiToken stored = accounts.tokens("dora").get(0);
        assertTrue(stored.lastUsedAt() != null, "the account page shows when a token was last used");
        assertFalse(stored.hint().contains(value.substring(10)), "only the token's start is kept in the clear");

        problem(send("POST", "/api/tokens", "{\"name\": \"more\"}", "Authorization", "Bearer " + value), 403);
        assertEquals(ApiProblems.SIGN_IN_FIRST,
                problem(send("POST", "/api/tokens", "{\"name\": \"more\"}"), 401).get("detail").asText());
        assertEquals(LimitedSignIn.WRONG, problem(send("POST", "/api/tokens", "{\"name\": \"more\"}",
                "Authorization", basic("dora", "wrong password!")), 401).get("detail").asText());
        assertEquals(1, accounts.tokens("dora").size(), "the refused requests made no token");
        assertEquals(ApiTokenFilter.UNKNOWN_TOKEN,
                problem(send("GET", "/api/me", null, "Authorization", "Bearer ll_madeup"), 401).get("detail").asText());

        accounts.revokeToken("dora", token.get("id").asLong());
        problem(send("GET", "/api/me", null, "Authorization", "Bearer " + value), 401);
    }

    @Test
    void aTokenIsStoredOnlyAsItsHash() throws Exception {
        signUp("emil", PASSWORD);
        Accounts.NewToken made = accounts.createToken("emil", "test");
        ApiToken stored = tokens.findById(made.token().id()).orElseThrow();
        assertEquals(stored.id(), tokens.findByTokenHash(Accounts.hash(made.value())).orElseThrow().id());
        assertEquals(64, Accounts.hash(made.value()).length());
        assertTrue(made.value().startsWith(stored.hint().replace("\u2026", "")), stored.hint());
        assertEquals(8, stored.hint().length() - 1, "the hint is the token's first 8 characters, the rest is not kept");
    }

    @Test
    void aStateChangingRequestWithTheSessionCookieButNoCsrfTokenIsRefused() throws Exception {
        HttpResponse<String> page = send("GET", "/", null);
        String session = page.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
        HttpResponse<String> forged = send("POST", "/api/users",
                json.writeValueAsString(new AccountApi.SignUp("forged", PASSWORD)), "Cookie", session);
        assertEquals(ApiProblems.CSRF, problem(forged, 403).get("detail").asText());
        problem(send("GET", "/api/me", null, "Authorization", basic("forged", PASSWORD)), 401); // the refused request made nobody

        signUp("fred", PASSWORD);
        HttpResponse<String> withBasic = send("POST", "/api/tokens", "{\"name\": \"x\"}",
                "Cookie", session, "Authorization", basic("fred", PASSWORD));
        assertEquals(201, withBasic.statusCode(), "a header that the browser never adds on its own needs no CSRF token");
    }

    @Test
    void signingUpWithAVisitorCookieClaimsWhatTheVisitorOwned() throws Exception {
        HttpResponse<String> page = send("GET", "/compare", null);
        String visitor = page.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(VisitorCookie.NAME + "="))
                .findFirst().orElseThrow();
        assertTrue(visitor.contains("HttpOnly") && visitor.contains("SameSite=Lax"), visitor);
        String id = visitor.substring(VisitorCookie.NAME.length() + 1, visitor.indexOf(';'));
        // a script with the visitor's cookie (no session): cookie-borne, so it needs the CSRF token too
        problem(signUp("gina", PASSWORD, "Cookie", VisitorCookie.NAME + "=" + id), 403);

        accounts.register("gina", PASSWORD, java.util.Optional.of("visitor:" + id));
        assertTrue(claims.seen.contains(new VisitorClaimed("visitor:" + id, "user:gina")), claims.seen.toString());
    }

    @Test
    void adminsAreNamedInTheConfigurationInAnyCase() throws Exception {
        signUp("boss", PASSWORD);
        HttpResponse<String> me = send("GET", "/api/me", null, "Authorization", basic("boss", PASSWORD));
        // admins run classes too
        assertEquals("[\"admin\",\"teacher\",\"user\"]", json.readTree(me.body()).get("roles").toString());
    }

    @Test
    void aTeacherGrantedByAnAdminHasTheRoleAtTheirNextSignIn() throws Exception {
        signUp("tess", PASSWORD);
        accounts.setTeacher("Tess", true);
        HttpResponse<String> me = send("GET", "/api/me", null, "Authorization", basic("tess", PASSWORD));
        assertEquals("[\"teacher\",\"user\"]", json.readTree(me.body()).get("roles").toString());
        accounts.setTeacher("tess", false);
        me = send("GET", "/api/me", null, "Authorization", basic("tess", PASSWORD));
        assertEquals("[\"user\"]", json.readTree(me.body()).get("roles").toString());
    }

    @Test
    void repeatedWrongPasswordsAreRefusedWith429ForThatNameOnly() throws Exception {
        signUp("hugo", PASSWORD);
        signUp("ines", PASSWORD);
        for (int i = 0; i < 3; i++) {
            problem(send("GET", "/api/me", null, "Authorization", basic("hugo", "wrong password " + i)), 401);
        }
        HttpResponse<String> limited = send("GET", "/api/me", null, "Authorization", basic("hugo", PASSWORD));
        String detail = problem(limited, 429).get("detail").asText();
        assertTrue(detail.contains("Too many failed sign-ins as \"hugo\"") && detail.contains("try again in 15 minutes"), detail);
        assertTrue(Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow()) > 800);
        assertEquals(200, send("GET", "/api/me", null, "Authorization", basic("ines", PASSWORD)).statusCode(),
                "another user from the same client is not locked out");
    }
}
