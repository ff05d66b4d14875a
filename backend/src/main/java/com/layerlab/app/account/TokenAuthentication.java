package com.layerlab.app.account;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.userdetails.UserDetails;

/** A request signed in with a personal token (Authorization: Bearer): it may do what its user may, but not make tokens. */
public class TokenAuthentication extends AbstractAuthenticationToken {

    private final UserDetails user;

    TokenAuthentication(UserDetails user) {
        super(user.getAuthorities());
        this.user = user;
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public Object getPrincipal() {
        return user;
    }
}
