package com.layerlab.app.account;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;

/**
 * The API's answers when security stops a request before it reaches a controller: RFC 9457 problem
 * documents (401 not signed in or wrong credentials, 403 refused, 429 too many sign-ins), never a
 * sign-in page or a browser's password dialog.
 */
class ApiProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

    static final String SIGN_IN_FIRST = "Sign in first: send HTTP Basic credentials (user name and password) "
            + "or a personal token as \"Authorization: Bearer <token>\".";
    static final String CSRF = "This request relies on the browser's cookies but has no CSRF token: send the token "
            + "in the X-CSRF-TOKEN header, or call with HTTP Basic or a personal token, which need none.";

    private final ObjectMapper json;

    ApiProblems(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        if (e instanceof TooManySignIns limited) {
            response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, limited.retryAfter().toSeconds())));
            write(request, response, HttpStatus.TOO_MANY_REQUESTS, e.getMessage());
            return;
        }
        // Bearer, not Basic: a Basic challenge would make a browser open its password dialog and then send
        // the typed password along on its own, which is what CSRF protection relies on never happening
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"LayerLab\"");
        String detail = e instanceof BadCredentialsException ? e.getMessage() : SIGN_IN_FIRST;
        write(request, response, HttpStatus.UNAUTHORIZED, detail);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        write(request, response, HttpStatus.FORBIDDEN, e instanceof CsrfException ? CSRF
                : "Your account may not do this.");
    }

    private void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
            throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setInstance(URI.create(request.getRequestURI()));
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
