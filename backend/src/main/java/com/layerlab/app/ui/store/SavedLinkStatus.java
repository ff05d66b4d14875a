package com.layerlab.app.ui.store;

import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.StoreException;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;
import jakarta.servlet.http.HttpServletResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * The HTTP status of a short link that leads nowhere (unknown, deleted, someone else's private experiment):
 * 404 on the start-up page itself, as NotFoundStatus does for addresses with no route, since the view's
 * reroute to the not-found page comes in a later request.
 */
@Component
public class SavedLinkStatus implements VaadinServiceInitListener {

    private static final Pattern SHORT_LINK = Pattern.compile("^/?e/([^/]*)$");

    private final ExperimentStore store;
    private final CurrentOwner owner;

    public SavedLinkStatus(ExperimentStore store, CurrentOwner owner) {
        this.store = store;
        this.owner = owner;
    }

    @Override
    public void serviceInit(ServiceInitEvent event) {
        event.addIndexHtmlRequestListener(response -> {
            String path = response.getVaadinRequest().getPathInfo();
            Matcher m = SHORT_LINK.matcher(path == null ? "" : path);
            if (!m.matches()) {
                return;
            }
            try {
                if (store.find(m.group(1), owner.key()).isEmpty()) {
                    response.getVaadinResponse().setStatus(HttpServletResponse.SC_NOT_FOUND);
                }
            } catch (StoreException e) {
                // the database is down: the page says so, with the status that means "try again later"
                response.getVaadinResponse().setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            }
        });
    }
}
