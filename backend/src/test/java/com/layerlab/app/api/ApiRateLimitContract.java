package com.layerlab.app.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.layerlab.app.TestHttp;
import com.layerlab.app.account.Accounts;
import com.layerlab.app.store.ExperimentStore;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The API's rate limit over HTTP, as a script meets it: a context of its own with a limit of 3 requests a
 * minute (RestApiContract's turns it off: its tests make hundreds). The same test on H2
 * ({@link ApiRateLimitHttpTest}) and on PostgreSQL ({@link PostgresApiRateLimitHttpTest}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        ApiRateLimit.KEY + "=" + ApiRateLimitContract.PER_MINUTE})
// nothing else can share a context with this limit: closed after its class, not kept in the test context cache
@DirtiesContext
abstract class ApiRateLimitContract {

    static final int PER_MINUTE = 3;
    private static final String PASSWORD = "correct horse battery";

    @LocalServerPort
    int port;
    @Autowired
    Accounts accounts;
    @Autowired
    ExperimentStore store;

    /** From 127.0.0.1 every time: the limit counts one client address's requests. */
    private HttpResponse<String> send(String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        return TestHttp.send(method, "http://127.0.0.1:" + port + path, body, headers);
    }

    @Test
    void pastTheLimitAScriptGets429WithRetryAfterAndItsRequestChangesNothing() throws Exception {
        String name = "rate" + getClass().getSimpleName().toLowerCase().substring(0, 4);
        accounts.register(name, PASSWORD, Optional.empty()); // not through the API: it spends none of the 3
        String[] auth = {"Authorization", "Basic " + Base64.getEncoder().encodeToString((name + ":" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8))};
        String xor = new String(ApiRateLimitContract.class.getResourceAsStream("/layerlab/examples/xor-tanh.json")
                .readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(200, send("GET", "/api/me", null, auth).statusCode());
        assertEquals(201, send("POST", "/api/experiments", xor, auth).statusCode());
        assertEquals(200, send("GET", "/api/experiments?mine=true", null, auth).statusCode());

        HttpResponse<String> refused = send("POST", "/api/experiments", xor, auth);
        JsonNode p = ProblemDocument.assertProblem(refused, 429);
        String detail = p.get("detail").asText();
        assertTrue(detail.contains("this server answers 3 API requests a minute from one client ("
                + ApiRateLimit.KEY + ")"), detail);
        // a token back every 20 s: at most 20 s to wait, less the time the three requests took
        int retryAfter = Integer.parseInt(refused.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 60 / PER_MINUTE, "Retry-After: " + retryAfter);
        assertTrue(detail.endsWith("Try again in " + retryAfter + " s."), detail);

        assertEquals(1, store.mine(Accounts.ownerKey(name)).size(), "the refused save saved nothing");
        assertEquals(200, send("GET", "/actuator/health", null).statusCode(), "only /api/* is limited");
    }
}
