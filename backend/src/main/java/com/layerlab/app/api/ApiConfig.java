package com.layerlab.app.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
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

    @Bean
    OpenAPI layerLabApi() {
        return new OpenAPI().info(new Info().title("LayerLab REST API").version("1")
                .description("Experiments, runs and accounts of the lab server (the contract: API.md). Scripts sign in "
                        + "with HTTP Basic or \"Authorization: Bearer <token>\" (POST /api/tokens); errors are RFC 9457 "
                        + "problem documents."));
    }
}
