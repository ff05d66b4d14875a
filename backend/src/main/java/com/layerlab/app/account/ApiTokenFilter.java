package com.layerlab.app.account;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/** Signs in an API request that carries a personal token ("Authorization: Bearer ll_..."), for that request only. */
class ApiTokenFilter extends OncePerRequestFilter {

    static final String UNKNOWN_TOKEN = "This personal token is unknown or was revoked: create a new one on your account page.";

    private final Accounts accounts;
    private final ApiProblems problems;

    ApiTokenFilter(Accounts accounts, ApiProblems problems) {
        this.accounts = accounts;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
            chain.doFilter(request, response);
            return;
        }
        var user = accounts.userOfToken(header.substring("bearer ".length()).strip());
        if (user.isEmpty()) {
            problems.commence(request, response, new BadCredentialsException(UNKNOWN_TOKEN));
            return;
        }
        SecurityContext context = SecurityContextHolder.getContextHolderStrategy().createEmptyContext();
        context.setAuthentication(new TokenAuthentication(user.get()));
        SecurityContextHolder.getContextHolderStrategy().setContext(context);
        chain.doFilter(request, response);
    }
}
