package com.layerlab.app.account;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.vaadin.flow.spring.security.VaadinAwareSecurityContextHolderStrategyConfiguration;
import com.vaadin.flow.spring.security.VaadinSecurityConfigurer;
import org.springframework.boot.actuate.autoconfigure.security.servlet.EndpointRequest;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * Who may do what. Three filter chains:
 * <ul>
 * <li>{@code /actuator/**}: {@code /actuator/health} open to anyone (a load balancer's or a container's
 * check), every other endpoint for the admin role, by HTTP Basic only (stateless: a script or a Prometheus
 * scraper; no session cookie counts, so no CSRF token is needed).</li>
 * <li>{@code /api/**}: HTTP Basic or a personal token (stateless, no CSRF), or the browser's session
 * (CSRF token required on state-changing requests, see {@link ApiCredentials}); errors are problem
 * documents ({@link ApiProblems}).</li>
 * <li>everything else, the pages: Vaadin's configuration (its own CSRF protection for its requests,
 * Spring's for other posts such as the sign-in form), every page open to anonymous visitors unless its
 * view says otherwise ({@code @AnonymousAllowed} on the open ones, {@code @PermitAll} on the account
 * page), sign-in at {@link #SIGN_IN_PATH}.</li>
 * </ul>
 * Both check passwords through one {@link AuthenticationManager}, rate-limited by {@link SignInLimiter}.
 */
@Configuration
@EnableWebSecurity
@Import(VaadinAwareSecurityContextHolderStrategyConfiguration.class)
public class SecurityConfig {

    public static final String SIGN_IN_PATH = "signin";
    public static final String SIGN_UP_PATH = "signup";
    public static final String ACCOUNT_PATH = "account";

    /**
     * bcrypt today; the "{bcrypt}" prefix each stored hash carries lets a later default (Argon2) take over
     * for new passwords while the old hashes still verify.
     */
    @Bean
    static PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    AuthenticationManager authenticationManager(Accounts accounts, PasswordEncoder encoder, SignInLimiter limiter) {
        return new ProviderManager(new LimitedSignIn(accounts, encoder, limiter));
    }

    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http, AuthenticationManager manager, Accounts accounts, ObjectMapper json)
            throws Exception {
        ApiProblems problems = new ApiProblems(json);
        PathPatternRequestMatcher.Builder path = PathPatternRequestMatcher.withDefaults();
        http.securityMatcher(path.matcher("/api/**"))
                .authenticationManager(manager)
                .securityContext(c -> c.securityContextRepository(new ApiContextRepository()))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.NEVER))
                .csrf(c -> c.requireCsrfProtectionMatcher(ApiCredentials::needsCsrfToken))
                .httpBasic(b -> b.authenticationEntryPoint(problems))
                .addFilterBefore(new ApiTokenFilter(accounts, problems), BasicAuthenticationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .requestCache(c -> c.disable())
                .headers(SecurityConfig::headers)
                // the store's endpoints serve anonymous visitors too and decide per experiment themselves
                .authorizeHttpRequests(a -> a.requestMatchers(path.matcher("/api/me"), path.matcher("/api/tokens"),
                        path.matcher("/api/tokens/**")).authenticated().anyRequest().permitAll());
        return http.build();
    }

    @Bean
    @Order(0)
    SecurityFilterChain actuator(HttpSecurity http, AuthenticationManager manager) throws Exception {
        http.securityMatcher(EndpointRequest.toAnyEndpoint())
                .authenticationManager(manager)
                .securityContext(c -> c.securityContextRepository(new RequestAttributeSecurityContextRepository()))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(c -> c.disable())
                .httpBasic(Customizer.withDefaults())
                .requestCache(c -> c.disable())
                .headers(SecurityConfig::headers)
                .authorizeHttpRequests(a -> a.requestMatchers(EndpointRequest.to(HealthEndpoint.class)).permitAll()
                        .anyRequest().hasAuthority(Accounts.ROLE_ADMIN));
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain pages(HttpSecurity http, AuthenticationManager manager) throws Exception {
        http.authenticationManager(manager)
                .headers(SecurityConfig::headers)
                .with(VaadinSecurityConfigurer.vaadin(), vaadin -> vaadin.loginView("/" + SIGN_IN_PATH, "/")
                        // views decide with their annotations (Vaadin's navigation access control); other requests
                        // (static files, Vaadin's own) need no sign-in
                        .anyRequest(r -> r.permitAll()));
        return http.build();
    }

    /**
     * The Content-Security-Policy, X-Frame-Options and nosniff headers come from
     * {@link com.layerlab.app.SecurityHeaders}, a servlet filter ahead of these chains that also covers
     * what they never see; Spring's defaults for two of them would repeat them with other values.
     * Its others stay (Cache-Control: no-store on pages that may show an account).
     */
    private static void headers(HeadersConfigurer<HttpSecurity> h) {
        h.frameOptions(f -> f.disable()).contentTypeOptions(c -> c.disable());
    }
}
