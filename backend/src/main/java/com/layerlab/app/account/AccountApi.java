package com.layerlab.app.account;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The accounts part of the REST API (API.md, "Users"): sign up, who am I, and personal tokens for scripts. */
@RestController
@RequestMapping("/api")
class AccountApi {

    private final Accounts accounts;
    private final CurrentOwner owner;

    AccountApi(Accounts accounts, CurrentOwner owner) {
        this.accounts = accounts;
        this.owner = owner;
    }

    record SignUp(String username, String password) {
    }

    record TokenRequest(String name) {
    }

    @PostMapping("/users")
    ResponseEntity<Map<String, String>> signUp(@RequestBody SignUp body) {
        Account account = accounts.register(body.username(), body.password(), owner.visitorKey());
        return ResponseEntity.created(URI.create("/api/me")).body(Map.of("username", account.username()));
    }

    @GetMapping("/me")
    Map<String, Object> me(Authentication auth) {
        Map<String, Object> me = new LinkedHashMap<>();
        me.put("username", auth.getName());
        me.put("roles", roles(auth));
        return me;
    }

    /** A personal token, made with the password (HTTP Basic or a page session): its value is in this answer only. */
    @PostMapping("/tokens")
    ResponseEntity<Map<String, Object>> createToken(@RequestBody(required = false) TokenRequest body, Authentication auth) {
        if (auth instanceof TokenAuthentication) {
            // else a stolen token could make more tokens and outlive its own revocation
            throw new AccountRefused(AccountRefused.Kind.FORBIDDEN,
                    "A personal token cannot create tokens: use HTTP Basic with your user name and password.");
        }
        String name = body == null || body.name() == null ? "API" : body.name();
        Accounts.NewToken made = accounts.createToken(auth.getName(), name);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", made.token().id());
        answer.put("name", made.token().name());
        answer.put("token", made.value());
        answer.put("created", made.token().createdAt().toString());
        return ResponseEntity.status(HttpStatus.CREATED).body(answer);
    }

    /** "user", "admin": the role names without Spring Security's prefix. */
    private static List<String> roles(Authentication auth) {
        return auth.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .filter(a -> a.startsWith("ROLE_")).map(a -> a.substring(5).toLowerCase(Locale.ROOT)).sorted().toList();
    }

    @ExceptionHandler(AccountRefused.class)
    ProblemDetail refused(AccountRefused e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(e.kind().status), e.getMessage());
    }
}
