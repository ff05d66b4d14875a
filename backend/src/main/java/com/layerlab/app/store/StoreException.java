package com.layerlab.app.store;

import java.util.Objects;
import java.util.Optional;

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
        /**
         * Over a limit of what one user may keep (layerlab.limits.storage-mb-per-user): the message names it,
         * {@link #limit()} gives its key and value.
         */
        OVER_LIMIT,
        /** The database could not be reached: nothing changed, the request may be retried. */
        UNAVAILABLE
    }

    /** The limit a request was over: its configuration key and the value in force, for scripts to read. */
    public record Limit(String key, long value) {
        public Limit {
            Objects.requireNonNull(key);
        }
    }

    private final Kind kind;
    private final Limit limit;

    public StoreException(Kind kind, String message) {
        super(message);
        this.kind = kind;
        this.limit = null;
    }

    public StoreException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.limit = null;
    }

    private StoreException(Limit limit, String message) {
        super(message);
        this.kind = Kind.OVER_LIMIT;
        this.limit = limit;
    }

    /** Over the limit {@code key} (whose value is {@code value}); {@code message} names it for the learner. */
    public static StoreException overLimit(String key, long value, String message) {
        return new StoreException(new Limit(key, value), message);
    }

    public Kind kind() {
        return kind;
    }

    /** The limit an {@link Kind#OVER_LIMIT} request was over; empty for the other kinds. */
    public Optional<Limit> limit() {
        return Optional.ofNullable(limit);
    }
}
