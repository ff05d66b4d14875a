package com.layerlab.app.account;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import java.util.Set;
import org.springframework.http.HttpHeaders;

/**
 * How an API request says who is calling, and the CSRF rule that follows from it. A browser attaches
 * cookies (the session, the visitor) to requests that other sites start, so a state-changing request
 * that relies on a cookie must carry the CSRF token; an Authorization header (Basic or Bearer) is
 * never added by the browser on its own, so a script using one needs none.
 */
final class ApiCredentials {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private ApiCredentials() {
    }

    /** An Authorization header of a scheme the API reads: the request is then judged by it alone, never by a cookie. */
    static boolean inHeader(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return false;
        }
        String h = header.toLowerCase(Locale.ROOT);
        return h.startsWith("basic ") || h.startsWith("bearer ");
    }

    static boolean needsCsrfToken(HttpServletRequest request) {
        if (SAFE_METHODS.contains(request.getMethod()) || inHeader(request)) {
            return false;
        }
        return request.getRequestedSessionId() != null || VisitorCookie.sent(request);
    }
}
