package com.layerlab.app.api;

import com.layerlab.app.account.Accounts;
import com.layerlab.app.account.CurrentOwner;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/** Who calls the API, as its controllers need it: an owner key for the store and the runtime, signed in or not. */
@Component
class ApiCaller {

    private final CurrentOwner owner;

    ApiCaller(CurrentOwner owner) {
        this.owner = owner;
    }

    /**
     * The caller's owner key: the signed-in user's, else the visitor of the browser's cookie (every
     * anonymous request is given one); 401 for a caller who is neither.
     */
    String owner() {
        try {
            return owner.key();
        } catch (IllegalStateException e) {
            throw new ApiRefused(HttpStatus.UNAUTHORIZED, "Sign in first: send HTTP Basic credentials or "
                    + "\"Authorization: Bearer <token>\" (or call from a browser, which keeps a visitor cookie).");
        }
    }

    /** As {@link #owner()}; for reading, where an unknown caller simply owns nothing. */
    String ownerIfKnown() {
        return owner.username().map(Accounts::ownerKey).or(owner::visitorKey).orElse("");
    }

    /** Whether the caller is signed in (a page session, HTTP Basic or a token): their runs train on unwatched. */
    boolean signedIn() {
        return owner.username().isPresent();
    }

    /** What the API shows of an owner: the user's name; never a visitor's key, which is their cookie. */
    static String ownerName(String ownerKey) {
        return Accounts.username(ownerKey).orElse("anonymous visitor");
    }

    /** Bytes as a download (weights, event files). */
    static ResponseEntity<byte[]> download(byte[] bytes, String fileName, MediaType type) {
        return ResponseEntity.ok().contentType(type)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(fileName).build().toString())
                .body(bytes);
    }
}
