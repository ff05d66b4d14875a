package com.layerlab.app.ui;

import com.vaadin.flow.server.VaadinSession;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Whose runs a page's runs are, until accounts land: the visitor of this browser session, named by a
 * random key kept in the session (not the session's id, which must never reach a log line).
 */
public final class RunOwners {

    private static final String ATTRIBUTE = "layerlab.owner";
    private static final SecureRandom RANDOM = new SecureRandom();

    private RunOwners() {
    }

    /** The owner key of the session's visitor, e.g. {@code visitor:Xq3...}; made on first use. */
    public static String key(VaadinSession session) {
        session.lock();
        try {
            Object k = session.getAttribute(ATTRIBUTE);
            if (k == null) {
                byte[] b = new byte[12];
                RANDOM.nextBytes(b);
                k = "visitor:" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
                session.setAttribute(ATTRIBUTE, k);
            }
            return k.toString();
        } finally {
            session.unlock();
        }
    }
}
