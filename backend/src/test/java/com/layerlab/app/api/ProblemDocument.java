package com.layerlab.app.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;

/** What API.md's "Errors" asks of every error answer of the API, checked in one place for all the API's tests. */
public final class ProblemDocument {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProblemDocument() {
    }

    /**
     * Asserts that {@code r} is an RFC 9457 problem document of {@code status} and returns it: its media type,
     * {@code type} "about:blank" with the status's own phrase as {@code title} (RFC 9457 4.2.1: the API defines
     * no problem types of its own, its {@code detail} says what is wrong), {@code status}, a {@code detail},
     * and no stack trace.
     */
    public static JsonNode assertProblem(HttpResponse<?> r, int status) throws IOException {
        String body = r.body() instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(r.body());
        String seen = r.statusCode() + " " + body;
        assertEquals(status, r.statusCode(), seen);
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                () -> r.headers().map() + " " + seen);
        JsonNode p = JSON.readTree(body);
        assertEquals("about:blank", p.path("type").asText(), seen);
        assertEquals(HttpStatus.valueOf(status).getReasonPhrase(), p.path("title").asText(), seen);
        assertEquals(status, p.path("status").asInt(), seen);
        assertFalse(p.path("detail").asText().isBlank(), seen);
        assertFalse(body.contains("\tat ") || body.contains("Exception"), "a stack trace or an exception's name: " + seen);
        return p;
    }
}
