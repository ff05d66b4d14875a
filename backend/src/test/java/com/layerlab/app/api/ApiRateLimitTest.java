package com.layerlab.app.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The API's per-client rate limit: a burst of N, then one request every 60/N seconds, per address. */
class ApiRateLimitTest {

    private final AtomicLong now = new AtomicLong();
    private final ObjectMapper json = new ObjectMapper();

    private MockHttpServletResponse call(ApiRateLimit limit, String address) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/experiments");
        request.setRemoteAddr(address);
        MockHttpServletResponse response = new MockHttpServletResponse();
        limit.doFilter(request, response, new MockFilterChain());
        return response;
    }

    @Test
    void pastTheLimitAClientGets429WithRetryAfterUntilATokenIsBack() throws Exception {
        ApiRateLimit limit = new ApiRateLimit(3, json, now::get);
        for (int i = 0; i < 3; i++) {
            assertEquals(200, call(limit, "10.0.0.1").getStatus());
        }
        MockHttpServletResponse refused = call(limit, "10.0.0.1");
        assertEquals(429, refused.getStatus());
        assertEquals("application/problem+json", refused.getContentType());
        assertEquals("20", refused.getHeader("Retry-After"), "one request every 20 s at 3 a minute");
        JsonNode problem = json.readTree(refused.getContentAsString());
        assertEquals(429, problem.get("status").asInt());
        assertTrue(problem.get("detail").asText().contains(ApiRateLimit.KEY), problem.toString());

        assertEquals(200, call(limit, "10.0.0.2").getStatus(), "another client has its own allowance");
        now.addAndGet(19_000_000_000L);
        assertEquals(429, call(limit, "10.0.0.1").getStatus());
        now.addAndGet(1_000_000_000L);
        assertEquals(200, call(limit, "10.0.0.1").getStatus());
        assertEquals(429, call(limit, "10.0.0.1").getStatus());
    }

    @Test
    void zeroMeansNoLimitAndANegativeOneIsRefused() throws Exception {
        ApiRateLimit off = new ApiRateLimit(0, json, now::get);
        for (int i = 0; i < 1000; i++) {
            assertEquals(200, call(off, "10.0.0.1").getStatus());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ApiRateLimit(-1, json, now::get));
        assertTrue(e.getMessage().contains(ApiRateLimit.KEY), e.getMessage());
    }
}
