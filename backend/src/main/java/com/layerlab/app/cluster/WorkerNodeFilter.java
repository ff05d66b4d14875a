package com.layerlab.app.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A worker node ({@code layerlab.node.role=worker}, docs/cluster.md) serves no pages and no API: it only trains
 * the background runs it takes from JobRunr. Every request but the actuator's (the load balancer's and the
 * operator's health checks, metrics) gets a 404 saying so, so that a browser or a script sent to the wrong
 * node learns where to go instead of seeing a page whose runs would never start, or an API over a runtime
 * that holds none of its runs. API paths get the API's kind of error, a problem document; the others a line
 * of plain text.
 *
 * <p>Registered only on worker nodes ({@link Registration}), right after the security headers and ahead of
 * everything else (the API's rate limit, Spring Security, Vaadin), so nothing behind it does any work for
 * such a request.
 */
public class WorkerNodeFilter extends OncePerRequestFilter {

    /** What a request to a worker node is told. */
    public static final String MESSAGE = "This is a LayerLab worker node: it trains background runs and serves "
            + "no pages or API. Open the LayerLab web node instead.";

    private final String actuatorPath;
    private final ObjectMapper json;

    /**
     * @param actuatorPath the actuator's base path ({@code management.endpoints.web.base-path}, "/actuator"
     *                     by default): it and what is under it pass
     * @param json         writes the API's problem documents
     */
    public WorkerNodeFilter(String actuatorPath, ObjectMapper json) {
        String path = actuatorPath.endsWith("/") ? actuatorPath.substring(0, actuatorPath.length() - 1) : actuatorPath;
        if (!path.startsWith("/") || path.length() < 2) {
            // an actuator at the root would let every request through: a configuration this filter cannot honour
            throw new IllegalArgumentException("the actuator's base path must be a path below the root, like "
                    + "/actuator, for a worker node to tell its requests from the others; got \"" + actuatorPath + "\"");
        }
        this.actuatorPath = path;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = path(request);
        return path.equals(actuatorPath) || path.startsWith(actuatorPath + "/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException {
        // setStatus, not sendError: no error dispatch, so neither Spring's error page nor Vaadin's answers
        response.setStatus(HttpStatus.NOT_FOUND.value());
        String path = path(request);
        if (path.equals("/api") || path.startsWith("/api/")) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, MESSAGE);
            problem.setTitle("Worker node");
            problem.setInstance(URI.create(request.getRequestURI()));
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            json.writeValue(response.getOutputStream(), problem);
        } else {
            response.setContentType(MediaType.TEXT_PLAIN_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter().println(MESSAGE);
        }
    }

    /** The request's path within the app (without the context path), as the actuator's base path is written. */
    private static String path(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return context != null && !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length()) : uri;
    }

    /** Whether this node is a worker ({@link NodeSettings#from}; a wrong role stops the start, naming the key). */
    static final class OnWorker implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return NodeSettings.from(context.getEnvironment()).role() == NodeSettings.Role.WORKER;
        }
    }

    /** The filter on a worker node, for every path; nothing of it on a web node or a single server. */
    @Configuration(proxyBeanMethods = false)
    @Conditional(OnWorker.class)
    static class Registration {

        /**
         * Right after {@link com.layerlab.app.SecurityHeaders} (the highest precedence), so that its 404 carries
         * the same headers as every other answer; ahead of the API's rate limit (+10) and Spring Security (-100).
         */
        @Bean
        FilterRegistrationBean<WorkerNodeFilter> workerNodeFilter(Environment env, ObjectMapper json) {
            FilterRegistrationBean<WorkerNodeFilter> r = new FilterRegistrationBean<>(new WorkerNodeFilter(
                    env.getProperty("management.endpoints.web.base-path", "/actuator"), json));
            r.addUrlPatterns("/*");
            r.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
            return r;
        }
    }
}
