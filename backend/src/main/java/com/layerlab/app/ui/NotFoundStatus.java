package com.layerlab.app.ui;

import com.vaadin.flow.router.RouteConfiguration;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Component;

/**
 * The HTTP status of a page address with no route. Vaadin answers every page address with the same
 * start-up page (status 200) and finds the route afterwards, in the browser's next request, where
 * {@link NotFoundView}'s 404 comes too late for the address itself; this sets it on the start-up page.
 */
@Component
public class NotFoundStatus implements VaadinServiceInitListener {

    @Override
    public void serviceInit(ServiceInitEvent event) {
        event.addIndexHtmlRequestListener(response -> {
            String path = response.getVaadinRequest().getPathInfo();
            String route = path == null ? "" : path.replaceFirst("^/", "");
            // getRoute matches route templates (e/:id); isPathAvailable only knows the templates' own text
            if (RouteConfiguration.forApplicationScope().getRoute(route).isEmpty()) {
                response.getVaadinResponse().setStatus(HttpServletResponse.SC_NOT_FOUND);
            }
        });
    }
}
