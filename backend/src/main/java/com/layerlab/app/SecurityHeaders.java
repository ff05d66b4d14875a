package com.layerlab.app;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The security headers of every response the app serves (pages, Vaadin's requests, downloads, static
 * files, the API's problem documents). A servlet filter ahead of Spring Security's chains, so that
 * they are said once, in one place, also on what those chains never see; the chains leave these
 * headers to it ({@code account.SecurityConfig}). The session cookie's SameSite is set in
 * application.properties.
 */
public class SecurityHeaders extends OncePerRequestFilter {

    /**
     * Everything from this server only; no other site may frame the pages. Vaadin Flow's client needs
     * inline scripts and styles and {@code eval} (its bootstrap and the code it runs for the server),
     * images come as data: and blob: URLs (image grids, downloads), and push uses a WebSocket to this
     * server, which 'self' covers.
     */
    public static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        // for browsers that predate frame-ancestors
        response.setHeader("X-Frame-Options", "SAMEORIGIN");
        response.setHeader("Referrer-Policy", "same-origin");
        chain.doFilter(request, response);
    }
}
