package com.layerlab.app.account;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Every check of a user name and password (the sign-in page, HTTP Basic on the API) passes here: the
 * rate limit first, then the password against its hash. A wrong name and a wrong password get the
 * same message, so that sign-in does not tell which names exist.
 */
class LimitedSignIn implements AuthenticationProvider {

    static final String WRONG = "The user name or the password is wrong.";

    private final DaoAuthenticationProvider passwords;
    private final SignInLimiter limiter;

    LimitedSignIn(Accounts accounts, PasswordEncoder encoder, SignInLimiter limiter) {
        this.passwords = new DaoAuthenticationProvider(accounts::userDetails);
        this.passwords.setPasswordEncoder(encoder);
        this.limiter = limiter;
    }

    @Override
    public Authentication authenticate(Authentication request) throws AuthenticationException {
        String name = request.getName() == null ? "" : request.getName();
        String client = request.getDetails() instanceof WebAuthenticationDetails web && web.getRemoteAddress() != null
                ? web.getRemoteAddress() : "unknown";
        var refusal = limiter.refusal(name, client);
        if (refusal.isPresent()) {
            throw new TooManySignIns(refusal.get(), limiter.retryAfter(name, client));
        }
        try {
            Authentication done = passwords.authenticate(request);
            limiter.succeeded(name, client);
            return done;
        } catch (BadCredentialsException wrong) {
            limiter.failed(name, client);
            throw new BadCredentialsException(WRONG);
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
