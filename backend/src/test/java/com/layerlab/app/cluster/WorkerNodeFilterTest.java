package com.layerlab.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.Ordered;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** A worker node answers 404 to everything but the actuator, and only a worker node has the filter. */
class WorkerNodeFilterTest {

    private final ObjectMapper json = new ObjectMapper();
    private final WorkerNodeFilter filter = new WorkerNodeFilter("/actuator", json);

    /** The response, and the request the chain behind the filter saw (null when the filter answered itself). */
    private record Call(MockHttpServletResponse response, Object passedOn) {
    }

    private Call call(WorkerNodeFilter f, String contextPath, String uri) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", uri);
        request.setContextPath(contextPath);
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        f.doFilter(request, response, chain);
        return new Call(response, chain.getRequest());
    }

    @Test
    void pagesAndVaadinRequestsGetA404InPlainText() throws Exception {
        for (String uri : new String[] {"/", "/playground", "/VAADIN/build/x.js", "/signin", "/actuatorx"}) {
            Call c = call(filter, "", uri);
            assertEquals(404, c.response().getStatus(), uri);
            assertNull(c.passedOn(), uri + " must not reach the app behind the filter");
            assertThat(c.response().getContentType()).startsWith("text/plain");
            assertTrue(c.response().getContentAsString().contains("worker node"), c.response().getContentAsString());
            assertTrue(c.response().getContentAsString().contains("web node"), c.response().getContentAsString());
        }
    }

    @Test
    void apiRequestsGetA404ProblemDocument() throws Exception {
        Call c = call(filter, "", "/api/runs/abc");
        assertEquals(404, c.response().getStatus());
        assertNull(c.passedOn());
        assertEquals("application/problem+json", c.response().getContentType());
        JsonNode problem = json.readTree(c.response().getContentAsString());
        assertEquals(404, problem.get("status").asInt());
        assertEquals(WorkerNodeFilter.MESSAGE, problem.get("detail").asText());
        assertEquals("/api/runs/abc", problem.get("instance").asText());
    }

    @Test
    void theActuatorPassesUnderItsBasePathAndTheContextPath() throws Exception {
        for (String uri : new String[] {"/actuator", "/actuator/health", "/actuator/prometheus"}) {
            Call c = call(filter, "", uri);
            assertEquals(200, c.response().getStatus(), uri);
            assertTrue(c.passedOn() != null, uri + " must reach the actuator");
        }
        assertTrue(call(filter, "/lab", "/lab/actuator/health").passedOn() != null, "under a context path");
        assertNull(call(filter, "/lab", "/lab/").passedOn());

        WorkerNodeFilter moved = new WorkerNodeFilter("/manage/", json);
        assertTrue(call(moved, "", "/manage/health").passedOn() != null);
        assertEquals(404, call(moved, "", "/actuator/health").response().getStatus());
    }

    @Test
    void anActuatorAtTheRootIsRefusedForItWouldLetEverythingThrough() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new WorkerNodeFilter("/", json));
        assertTrue(e.getMessage().contains("base path"), e.getMessage());
    }

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
            .withUserConfiguration(WorkerNodeFilter.Registration.class);

    @Test
    void onlyAWorkerNodeRegistersTheFilterAheadOfEverythingButTheSecurityHeaders() {
        context.withPropertyValues(NodeSettings.ROLE_KEY + "=worker").run(c -> {
            @SuppressWarnings("unchecked")
            FilterRegistrationBean<WorkerNodeFilter> r = c.getBean(FilterRegistrationBean.class);
            assertSame(WorkerNodeFilter.class, r.getFilter().getClass());
            assertEquals(Ordered.HIGHEST_PRECEDENCE + 1, r.getOrder());
            assertThat(r.getUrlPatterns()).containsExactly("/*");
        });
        for (String role : new String[] {"both", "web"}) {
            context.withPropertyValues(NodeSettings.ROLE_KEY + "=" + role, NodeSettings.CLUSTER_KEY + "=true")
                    .run(c -> assertThat(c).doesNotHaveBean(FilterRegistrationBean.class));
        }
        context.run(c -> assertThat(c).doesNotHaveBean(FilterRegistrationBean.class));
    }

    @Test
    void aWrongRoleStopsTheStartNamingTheKey() {
        context.withPropertyValues(NodeSettings.ROLE_KEY + "=trainer").run(c -> {
            assertThat(c).hasFailed();
            assertThat(c.getStartupFailure()).hasStackTraceContaining(NodeSettings.ROLE_KEY);
        });
    }
}
