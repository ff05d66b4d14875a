package com.layerlab.app.account;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The identity of an anonymous visitor: a random id in a cookie, given on the first request that has
 * none and kept for a year, so that what a visitor saves stays theirs across sessions (API.md: "an
 * anonymous visitor gets a visitor identity tied to a cookie"). Whoever holds the cookie is that
 * visitor, so it is long enough not to be guessed, HttpOnly and not sent along by other sites' forms.
 */
@Component
public class VisitorCookie extends OncePerRequestFilter {

    public static final String NAME = "ll_visitor";
    private static final String ATTRIBUTE = VisitorCookie.class.getName();
    /** 128 random bits, URL-safe base64 */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final Duration KEPT = Duration.ofDays(365);

    private final SecureRandom random = new SecureRandom();

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!ApiCredentials.inHeader(request)) {
            String id = read(request).orElseGet(() -> {
                String fresh = newId();
                response.addHeader(HttpHeaders.SET_COOKIE, ResponseCookie.from(NAME, fresh).path("/").maxAge(KEPT)
                        .httpOnly(true).secure(request.isSecure()).sameSite("Lax").build().toString());
                return fresh;
            });
            request.setAttribute(ATTRIBUTE, id);
        }
        chain.doFilter(request, response);
    }

    /** The visitor id of this request (given by this filter), or empty for a script that sent credentials instead. */
    static Optional<String> id(HttpServletRequest request) {
        return Optional.ofNullable((String) request.getAttribute(ATTRIBUTE));
    }

    /** Whether the browser sent a visitor cookie (an identity that a cross-site request would carry too). */
    static boolean sent(HttpServletRequest request) {
        return read(request).isPresent();
    }

    private static Optional<String> read(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        // a value of another shape is not one this server gave: the visitor gets a fresh id
        return Arrays.stream(cookies).filter(c -> NAME.equals(c.getName())).map(Cookie::getValue)
                .filter(v -> v != null && ID.matcher(v).matches()).findFirst();
    }

    private String newId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
