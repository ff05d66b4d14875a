package com.layerlab.app.account;

/**
 * An account operation that changes nothing, with the reason in words a learner understands. The
 * kind decides the HTTP status on the API; the pages show the message as it is.
 */
public class AccountRefused extends RuntimeException {

    public enum Kind {
        /** A name, password or token name breaks a rule of {@link AccountRules}: 400. */
        RULE(400),
        /** The user name is taken: 409. */
        TAKEN(409),
        /** Registration is closed by configuration, or a personal token tried to make a token: 403. */
        FORBIDDEN(403),
        /** No such token of this user: 404. */
        UNKNOWN(404);

        public final int status;

        Kind(int status) {
            this.status = status;
        }
    }

    private final Kind kind;

    public AccountRefused(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
