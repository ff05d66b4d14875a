package com.layerlab.app.account;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Who is asking, as the store's owner key: {@code user:<name>} for a signed-in user, {@code visitor:<random>}
 * for an anonymous visitor, tied to a long-lived cookie so that what a visitor saves stays theirs after the
 * session ends. This version knows visitors only; the accounts part replaces it with one that also knows users.
 * Call it on a request thread (a click, a page load, a download), never on a training thread.
 */
@Component
public class CurrentOwner {

    static final String COOKIE = "layerlab-visitor";
    private static final String SESSION_KEY = CurrentOwner.class.getName();
    private static final int COOKIE_DAYS = 365;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The owner key of the current request's visitor; made (and its cookie set) on first use. */
    public String key() {
        ServletRequestAttributes attrs = (ServletRequestAttributes) RequestContextHolder.getRequestAttributes();
        if (attrs == null) {
            throw new IllegalStateException("CurrentOwner.key() outside a request");
        }
        HttpServletRequest request = attrs.getRequest();
        HttpSession session = request.getSession();
        Object known = session.getAttribute(SESSION_KEY);
        if (known instanceof String id) {
            return "visitor:" + id;
        }
        String id = fromCookie(request);
        if (id == null) {
            byte[] bytes = new byte[15];
            RANDOM.nextBytes(bytes);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            HttpServletResponse response = attrs.getResponse();
            if (response != null) {
                Cookie c = new Cookie(COOKIE, id);
                c.setPath("/");
                c.setHttpOnly(true);
                c.setMaxAge(COOKIE_DAYS * 24 * 3600);
                c.setAttribute("SameSite", "Lax");
                response.addCookie(c);
            }
        }
        // the session remembers it: until the browser has the cookie, later requests would not carry it
        session.setAttribute(SESSION_KEY, id);
        return "visitor:" + id;
    }

    /** The signed-in user's name; empty for a visitor (this version has no sign-in). */
    public Optional<String> username() {
        return Optional.empty();
    }

    private static String fromCookie(HttpServletRequest request) {
        if (request.getCookies() == null) {
            return null;
        }
        for (Cookie c : request.getCookies()) {
            // only what this class makes: 20 URL-safe characters
            if (COOKIE.equals(c.getName()) && c.getValue() != null && c.getValue().matches("[A-Za-z0-9_-]{20}")) {
                return c.getValue();
            }
        }
        return null;
    }
}
