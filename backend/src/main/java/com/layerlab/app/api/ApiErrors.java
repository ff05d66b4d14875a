package com.layerlab.app.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.layerlab.app.store.StoreException;
import com.layerlab.app.training.OverLimit;
import com.layerlab.engine.experiment.ExperimentException;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.lang.Nullable;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error of the REST API as an RFC 9457 problem document whose {@code detail} says what is wrong
 * and where (API.md, "Errors"); never a stack trace. Spring's own errors (a wrong method, a missing
 * parameter) keep its problem documents; malformed JSON and unknown paths get words a learner reads.
 * Errors that security answers before a controller are account.ApiProblems'.
 */
@RestControllerAdvice
class ApiErrors extends ResponseEntityExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    @ExceptionHandler(ApiRefused.class)
    ProblemDetail refused(ApiRefused e) {
        return ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
    }

    /** The engine's own message: which field or layer is wrong, and why. */
    @ExceptionHandler(ExperimentException.class)
    ProblemDetail invalidExperiment(ExperimentException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    @ExceptionHandler(StoreException.class)
    ProblemDetail store(StoreException e) {
        if (e.limit().isPresent()) {
            return overLimit(e.limit().get().key(), e.limit().get().value(), e.getMessage());
        }
        return ProblemDetail.forStatusAndDetail(switch (e.kind()) {
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case BAD_INPUT -> HttpStatus.BAD_REQUEST;
            case TOO_LARGE -> HttpStatus.PAYLOAD_TOO_LARGE;
            case OVER_LIMIT -> HttpStatus.UNPROCESSABLE_ENTITY;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
        }, e.getMessage());
    }

    @ExceptionHandler(OverLimit.class)
    ProblemDetail overLimit(OverLimit e) {
        return overLimit(e.key(), e.value(), e.getMessage());
    }

    /** 422 naming the limit; its key and value also as members of their own, for scripts (README, "REST API"). */
    private static ProblemDetail overLimit(String key, long value, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_ENTITY, detail);
        p.setProperty("limit", key);
        p.setProperty("value", value);
        return p;
    }

    /**
     * A fault of the server's, not of the request: logged with its trace, answered without it. Only the
     * API's: what else reaches Spring MVC (Vaadin's requests, forwarded to its servlet) keeps its own
     * error handling.
     */
    @ExceptionHandler(RuntimeException.class)
    ProblemDetail unexpected(RuntimeException e, HttpServletRequest request) {
        if (!request.getRequestURI().startsWith("/api/")) {
            throw e;
        }
        LOG.error("An API request failed: {} {}", request.getMethod(), request.getRequestURI(), e);
        return ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR, "Something went wrong on the "
                + "server; nothing was changed. The error is in the server's log.");
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        return handleExceptionInternal(e, ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, unreadable(e)),
                headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException e, HttpHeaders headers,
                                                                    HttpStatusCode status, WebRequest request) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "There is no " + e.getHttpMethod()
                + " /" + e.getResourcePath() + " in the API: its endpoints are listed at /swagger-ui.html.");
        return handleExceptionInternal(e, p, headers, HttpStatus.NOT_FOUND, request);
    }

    /** "The body is not valid JSON: line 1, column 9: Unexpected character ('}')". */
    static String unreadable(HttpMessageNotReadableException e) {
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof MismatchedInputException m && m.getOriginalMessage().startsWith("No content")) {
            return "The body is empty: this request needs a JSON object.";
        }
        if (cause instanceof JsonProcessingException j) {
            return "The body is not valid JSON" + where(j.getLocation()) + ": " + j.getOriginalMessage();
        }
        return e.getMessage() != null && e.getMessage().startsWith("Required request body is missing")
                ? "The body is empty: this request needs a JSON object." : "The body cannot be read as JSON.";
    }

    private static String where(@Nullable JsonLocation at) {
        return at == null || at.getLineNr() < 0 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
}
