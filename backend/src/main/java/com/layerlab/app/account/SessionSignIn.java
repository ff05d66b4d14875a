package com.layerlab.app.account;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.stereotype.Component;

/**
 * Signing a browser's session in, for the sign-in and sign-up pages: the same checks as every other
 * sign-in (rules, rate limit, password hash), then a new session id (so that an id planted before
 * sign-in is worth nothing after) holding the user, which a reload keeps. Each method answers the
 * message to show, or empty when the session is signed in.
 */
@Component
public class SessionSignIn {

    private static final Logger LOG = LoggerFactory.getLogger(SessionSignIn.class);

    private final AuthenticationManager manager;
    private final Accounts accounts;
    private final CurrentOwner owner;
    private final HttpSessionSecurityContextRepository sessions = new HttpSessionSecurityContextRepository();

    public SessionSignIn(AuthenticationManager manager, Accounts accounts, CurrentOwner owner) {
        this.manager = manager;
        this.accounts = accounts;
        this.owner = owner;
    }

    public Optional<String> signIn(String username, String password, HttpServletRequest request, HttpServletResponse response) {
        Optional<String> missing = AccountRules.checkSignIn(username, password);
        if (missing.isPresent()) {
            return missing;
        }
        UsernamePasswordAuthenticationToken attempt = UsernamePasswordAuthenticationToken.unauthenticated(username.strip(), password);
        attempt.setDetails(new WebAuthenticationDetails(request));
        Authentication user;
        try {
            user = manager.authenticate(attempt);
        } catch (BadCredentialsException | TooManySignIns e) {
            return Optional.of(e.getMessage());
        } catch (AuthenticationException e) {
            LOG.warn("Sign-in as {} failed on the server", username.strip(), e);
            return Optional.of("Sign-in failed on the server (the user database did not answer): try again in a moment.");
        }
        request.changeSessionId();
        SecurityContext context = SecurityContextHolder.getContextHolderStrategy().createEmptyContext();
        context.setAuthentication(user);
        SecurityContextHolder.getContextHolderStrategy().setContext(context);
        sessions.saveContext(context, request, response);
        return Optional.empty();
    }

    /** Creates the user (claiming what this browser's visitor owned), then signs the session in as them. */
    public Optional<String> signUp(String username, String password, HttpServletRequest request, HttpServletResponse response) {
        try {
            accounts.register(username, password, owner.visitorKey());
        } catch (AccountRefused e) {
            return Optional.of(e.getMessage());
        } catch (DataAccessException e) {
            LOG.warn("Sign-up as {} failed on the server", username, e);
            return Optional.of("The account could not be saved (the user database did not answer): nothing was created; try again in a moment.");
        }
        return signIn(username, password, request, response);
    }
}
