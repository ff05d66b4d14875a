package com.layerlab.app.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The REST API's per-client rate limit, and what its OpenAPI page says of it. */
@Configuration
class ApiConfig {

    /** Ahead of Spring Security's filters (order -100), after the security headers. */
    @Bean
    FilterRegistrationBean<ApiRateLimit> apiRateLimit(@Value("${" + ApiRateLimit.KEY + ":300}") int perMinute,
                                                      ObjectMapper json) {
        FilterRegistrationBean<ApiRateLimit> r = new FilterRegistrationBean<>(new ApiRateLimit(perMinute, json,
                System::nanoTime));
        r.addUrlPatterns("/api/*");
        r.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return r;
    }

    /** Its description, with both ways a script signs in (the page's "Authorize" button takes either). */
    @Bean
    OpenAPI layerLabApi() {
        return new OpenAPI().info(new Info().title("LayerLab REST API").version("1")
                        .description("Experiments, runs and accounts of the lab server (the contract: API.md). Scripts "
                                + "sign in with HTTP Basic or with a personal token (`Authorization: Bearer` and the "
                                + "token, made by POST /api/tokens or on the account page); errors are RFC 9457 "
                                + "problem documents."))
                .components(new Components()
                        .addSecuritySchemes("basic", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic"))
                        .addSecuritySchemes("token", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")))
                .addSecurityItem(new SecurityRequirement().addList("basic"))
                .addSecurityItem(new SecurityRequirement().addList("token"));
    }
}
