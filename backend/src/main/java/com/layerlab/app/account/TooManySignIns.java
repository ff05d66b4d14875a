package com.layerlab.app.account;

import java.time.Duration;
import org.springframework.security.core.AuthenticationException;

/** Sign-in refused by {@link SignInLimiter}: the message says which limit and how long to wait. */
public class TooManySignIns extends AuthenticationException {

    private final Duration retryAfter;

    public TooManySignIns(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
