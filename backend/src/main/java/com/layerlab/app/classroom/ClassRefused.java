package com.layerlab.app.classroom;

/**
 * A class action refused, with a message for the person who asked (a wrong or locked code, too many
 * attempts, a name too long, not this session's teacher). Pages show the message; the API answers with
 * {@link #status}.
 */
public class ClassRefused extends RuntimeException {

    /** What the API answers: 400 bad input, 403 not allowed, 404 no such session, 409 locked or ended, 429 too many tries. */
    private final int status;

    public ClassRefused(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
