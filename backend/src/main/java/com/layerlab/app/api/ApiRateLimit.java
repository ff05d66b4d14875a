package com.layerlab.app.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * At most {@code layerlab.api.max-requests-per-minute} API requests a minute from one client address
 * (a token bucket: that many at once, then one every 60/N seconds), so that one script cannot take the
 * server from a class. Past it: 429 with Retry-After. It runs before sign-in, so a flood costs no
 * password checks either.
 */
class ApiRateLimit extends OncePerRequestFilter {

    static final String KEY = "layerlab.api.max-requests-per-minute";
    /** Clients remembered before the idle ones (their buckets full again) are forgotten. */
    private static final int FORGET_ABOVE = 10_000;

    private final int perMinute;
    private final ObjectMapper json;
    private final LongSupplier nanos;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** One client's requests: tokens left as of {@code at} (System.nanoTime). */
    private final class Bucket {
        private double tokens = perMinute;
        private long at = nanos.getAsLong();

        /** Takes a token; 0 when there was one, else the nanoseconds until there is. */
        synchronized long take() {
            refill();
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) * nanosPerToken());
        }

        synchronized boolean full() {
            refill();
            return tokens >= perMinute;
        }

        private void refill() {
            long now = nanos.getAsLong();
            tokens = Math.min(perMinute, tokens + (now - at) / nanosPerToken());
            at = now;
        }
    }

    /** @param perMinute requests a minute per client; 0: no limit */
    ApiRateLimit(int perMinute, ObjectMapper json, LongSupplier nanos) {
        if (perMinute < 0) {
            throw new IllegalArgumentException(KEY + " must be 0 (no limit) or more, got " + perMinute);
        }
        this.perMinute = perMinute;
        this.json = json;
        this.nanos = nanos;
    }

    private double nanosPerToken() {
        return 60e9 / perMinute;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return perMinute == 0;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (buckets.size() > FORGET_ABOVE) {
            buckets.values().removeIf(Bucket::full);
        }
        long wait = buckets.computeIfAbsent(request.getRemoteAddr(), a -> new Bucket()).take();
        if (wait == 0) {
            chain.doFilter(request, response);
            return;
        }
        long seconds = Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, "Too many requests: "
                + "this server answers " + perMinute + " API requests a minute from one client (" + KEY + "). Try again in "
                + seconds + " s.");
        problem.setInstance(URI.create(request.getRequestURI()));
        response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
        response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
