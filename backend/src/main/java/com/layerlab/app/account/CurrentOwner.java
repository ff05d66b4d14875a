package com.layerlab.app.account;

import jakarta.servlet.http.HttpSession;
import java.security.SecureRandom;
import java.util.Base64;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Who owns what the current request creates: {@code "user:<name>"} for a signed-in user,
 * {@code "visitor:<random>"} for anyone else.
 *
 * <p>This version knows visitors only, each by a random key kept in its HTTP session: the accounts
 * work replaces it with one that reads the signed-in user and a visitor cookie, with the same
 * {@link #key()}.
 */
@Component
public class CurrentOwner {

    static final String SESSION_KEY = CurrentOwner.class.getName() + ".visitor";
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * The owner key of the request being handled (a page event, an upload).
     *
     * @throws IllegalStateException outside a request (a training thread has no owner of its own)
     */
    public String key() {
        if (!(RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes)) {
            throw new IllegalStateException("the owner of what is created is known only while a request is handled");
        }
        HttpSession session = attributes.getRequest().getSession(true);
        synchronized (session) {
            Object key = session.getAttribute(SESSION_KEY);
            if (key == null) {
                byte[] b = new byte[12];
                RANDOM.nextBytes(b);
                key = "visitor:" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
                session.setAttribute(SESSION_KEY, key);
            }
            return (String) key;
        }
    }
}
