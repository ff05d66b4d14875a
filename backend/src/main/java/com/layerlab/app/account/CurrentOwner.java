package com.layerlab.app.account;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Who is asking, for whoever keeps things per owner (the store): a signed-in user (page session, HTTP
 * Basic or a personal token) is "user:&lt;username&gt;", anyone else the visitor of their cookie,
 * "visitor:&lt;id&gt;". Read it while handling a request (a page event, an API call): a background
 * thread has no request, hence no visitor.
 */
@Component
public class CurrentOwner {

    private final Accounts accounts;

    public CurrentOwner(Accounts accounts) {
        this.accounts = accounts;
    }

    /** The owner key of the caller; throws outside a request for an anonymous caller, who is known only by the request's cookie. */
    public String key() {
        return username().map(Accounts::ownerKey).orElseGet(() -> visitorKey().orElseThrow(() -> new IllegalStateException(
                "No signed-in user and no visitor cookie: the owner can only be known while handling a browser's request")));
    }

    /** The signed-in user's name as it was registered (its spelling, whatever was typed at sign-in). */
    public Optional<String> username() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        if (a == null || !a.isAuthenticated() || a instanceof AnonymousAuthenticationToken) {
            return Optional.empty();
        }
        return Optional.of(a.getName());
    }

    public boolean isAdmin() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        return username().isPresent() && a.getAuthorities().stream().anyMatch(g -> Accounts.ROLE_ADMIN.equals(g.getAuthority()));
    }

    /**
     * Whether the signed-in user may run class sessions now ({@link Accounts#isTeacher}: the database and
     * the configuration, so that an admin's grant applies without signing in again).
     */
    public boolean isTeacher() {
        return username().map(accounts::isTeacher).orElse(false);
    }

    /** This browser's visitor key ("visitor:&lt;id&gt;"), signed in or not: what it owned before signing up. */
    public Optional<String> visitorKey() {
        return currentRequest().flatMap(VisitorCookie::id).map(id -> "visitor:" + id);
    }

    private static Optional<HttpServletRequest> currentRequest() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes s
                ? Optional.of(s.getRequest()) : Optional.empty();
    }
}
