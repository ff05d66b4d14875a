package com.layerlab.app.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.BrowserTestBase;
import com.microsoft.playwright.Locator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI page as a browser shows it, under the app's Content-Security-Policy: it lists the API's
 * endpoints, without signing in, and the browser reports no blocked script or style.
 */
class OpenApiPageTest extends BrowserTestBase {

    @Test
    void theOpenApiPageListsTheEndpointsWithNothingBlocked() {
        List<String> console = new CopyOnWriteArrayList<>();
        page.onConsoleMessage(m -> console.add(m.type() + ": " + m.text()));
        page.navigate(baseUrl() + "swagger-ui.html");
        Locator runs = page.locator(".opblock-summary-path").filter(new Locator.FilterOptions()
                .setHasText("/api/experiments/{id}/runs"));
        runs.first().waitFor();
        assertTrue(page.locator(".opblock-summary-path").count() >= 12, "every endpoint is listed");
        assertTrue(page.locator(".info .title").innerText().contains("LayerLab REST API"), page.locator(".info").innerText());
        screenshot(page, "openapi-page");
        assertTrue(console.stream().noneMatch(m -> m.contains("Content Security Policy")), console.toString());
    }
}
