package com.layerlab.app.api;

import java.util.Objects;
import org.springframework.http.HttpStatus;

/** An API request that cannot be done as asked: its status and, for the caller, what is wrong and where. */
class ApiRefused extends RuntimeException {

    private final HttpStatus status;

    ApiRefused(HttpStatus status, String detail) {
        super(Objects.requireNonNull(detail));
        this.status = Objects.requireNonNull(status);
    }

    HttpStatus status() {
        return status;
    }
}
