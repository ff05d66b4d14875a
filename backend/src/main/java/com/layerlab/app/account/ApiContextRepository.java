package com.layerlab.app.account;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.context.DeferredSecurityContext;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.context.HttpRequestResponseHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * Where an API request's sign-in comes from: a request with credentials in its header is judged by
 * them alone (stateless: the session is neither read nor written, so a cookie cannot stand in for a
 * wrong password); any other request is the browser's, signed in by its session if at all.
 */
final class ApiContextRepository implements SecurityContextRepository {

    private final HttpSessionSecurityContextRepository session = new HttpSessionSecurityContextRepository();
    private final RequestAttributeSecurityContextRepository request = new RequestAttributeSecurityContextRepository();

    private SecurityContextRepository of(HttpServletRequest r) {
        return ApiCredentials.inHeader(r) ? request : session;
    }

    @Override
    @SuppressWarnings("deprecation")
    public SecurityContext loadContext(HttpRequestResponseHolder holder) {
        return of(holder.getRequest()).loadContext(holder);
    }

    @Override
    public DeferredSecurityContext loadDeferredContext(HttpServletRequest r) {
        return of(r).loadDeferredContext(r);
    }

    @Override
    public void saveContext(SecurityContext context, HttpServletRequest r, HttpServletResponse response) {
        // the API signs nobody into a session: what a request proves holds for that request only
        request.saveContext(context, r, response);
    }

    @Override
    public boolean containsContext(HttpServletRequest r) {
        return of(r).containsContext(r);
    }
}
