package com.layerlab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.lab.ShareLinks;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * What the web server answers before any page logic: security headers on every response, the tab
 * icon, addresses with no page, and links from short to far too long.
 */
@ExtendWith(OutputCaptureExtension.class)
class WebServerTest extends BrowserTestBase {

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertSecurityHeaders(HttpResponse<?> r) {
        String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("frame-ancestors 'self'"), csp);
        assertTrue(csp.contains("default-src 'self'"), csp);
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null));
    }

    @Test
    void everyResponseHasTheSecurityHeadersAndTheSessionCookieIsSameSite() throws Exception {
        HttpResponse<String> page = get("cnn");
        assertEquals(200, page.statusCode());
        assertSecurityHeaders(page);
        List<String> cookies = page.headers().allValues("Set-Cookie");
        assertTrue(cookies.stream().anyMatch(c -> c.startsWith("JSESSIONID=") && c.contains("SameSite=Lax")),
                cookies.toString());
        assertSecurityHeaders(get("favicon.ico"));
        assertSecurityHeaders(get("nope"));
        // the sign-in page and the API's answers (its 401 comes from Spring Security, before any controller)
        assertSecurityHeaders(get("signin"));
        HttpResponse<String> api = get("api/me");
        assertEquals(401, api.statusCode());
        assertSecurityHeaders(api);
        assertEquals(1, api.headers().allValues("X-Frame-Options").size(), "one frame rule, not Spring's beside ours");
    }

    @Test
    void thePagesWorkUnderTheContentSecurityPolicy() {
        List<String> violations = new java.util.ArrayList<>();
        page.onConsoleMessage(m -> {
            if (m.text().contains("Content Security Policy")) {
                violations.add(m.text());
            }
        });
        for (String path : List.of("", "compare", "cnn", "convolution", "signin", "signup")) {
            open(path);
            assertTrue(page.locator(".ll-header").isVisible(), path);
        }
        open("cnn");
        page.locator("#cnn-train").waitFor();
        assertEquals(List.of(), violations);
    }

    @Test
    void theTabIconIsServed() throws Exception {
        HttpResponse<String> ico = get("favicon.ico");
        assertEquals(200, ico.statusCode());
        assertTrue(ico.headers().firstValue("Content-Type").orElse("").startsWith("image/"), ico.headers().toString());
        HttpResponse<String> svg = get("favicon.svg");
        assertEquals(200, svg.statusCode());
        assertTrue(svg.body().contains("<svg"), svg.body());
        open("cnn");
        assertEquals("favicon.svg", page.locator("link[rel=icon]").getAttribute("href"));
    }

    @Test
    void anAddressWithNoPageIsA404InLayerLabsFrame() {
        Response r = page.navigate(baseUrl() + "nope");
        waitForVaadin(page);
        assertEquals(404, r.status());
        assertTrue(page.locator(".ll-header").isVisible());
        assertTrue(page.locator("#not-found").innerText().contains("There is no such page"));
        assertTrue(page.locator("#not-found").innerText().contains("/nope"));
        screenshot(page, "not-found");
        page.locator("#not-found-home").click();
        page.waitForURL(baseUrl());
    }

    @Test
    void linksUpToTheAppsLimitReachTheAppAndLongerOnesGetItsMessage() {
        // well-formed but not a real experiment: the app's own message proves the request got through
        // Tomcat, Vaadin's start-up request and the Referer header included
        Page p = open("cnn?x=1." + "A".repeat(ShareLinks.MAX_PACKED_CHARS - 2));
        p.waitForSelector("#cnn-link-error:visible");
        assertTrue(p.locator("#cnn-link-error").innerText().contains("damaged"), p.locator("#cnn-link-error").innerText());

        open("cnn?x=1." + "A".repeat(ShareLinks.MAX_PACKED_CHARS + 100));
        page.waitForSelector("#cnn-link-error:visible");
        assertTrue(page.locator("#cnn-link-error").innerText().contains("too long"));
    }

    @Test
    void aHugeLinkGetsAStyled400WithoutAStackTraceInTheLog(CapturedOutput log) {
        Response r = page.navigate(baseUrl() + "cnn?x=1." + "A".repeat(100_000));
        assertEquals(400, r.status());
        assertTrue(page.locator("header").innerText().contains("LayerLab"));
        assertTrue(page.locator("main").innerText().contains("This address cannot be opened"));
        assertEquals("/", page.locator("a.home").getAttribute("href"));
        assertTrue(r.headers().getOrDefault("content-security-policy", "").contains("frame-ancestors 'self'"));
        screenshot(page, "link-too-large");
        assertFalse(log.getAll().contains("\tat org.apache"), log.getAll());
        assertFalse(log.getAll().contains("Error parsing HTTP request header"), log.getAll());
    }
}
