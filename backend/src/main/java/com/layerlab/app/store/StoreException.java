package com.layerlab.app.store;

/** A store request that cannot be done, with a message for the learner (never a stack trace). */
public class StoreException extends RuntimeException {

    /** What went wrong, so that pages and the API can answer with the right status. */
    public enum Kind {
        /** Unknown, deleted, or not visible to the caller (all look the same from outside). */
        NOT_FOUND,
        /** A name or a value that breaks a rule. */
        BAD_INPUT,
        /** Too large for the server: one experiment over layerlab.store.max-experiment-mb. */
        TOO_LARGE,
        /** Over a limit of what one user may keep (layerlab.limits.storage-mb-per-user): the message names it. */
        OVER_LIMIT,
        /** The database could not be reached: nothing changed, the request may be retried. */
        UNAVAILABLE
    }

    private final Kind kind;

    public StoreException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public StoreException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
