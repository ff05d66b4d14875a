package com.layerlab.app.ui;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.ParentLayout;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import jakarta.servlet.http.HttpServletResponse;

/** An address with no page: said in LayerLab's frame, with the status 404 and a way back (instead of Vaadin's bare page). */
@AnonymousAllowed
@ParentLayout(MainLayout.class)
public class NotFoundView extends Div implements HasErrorParameter<NotFoundException> {

    private final Paragraph text = new Paragraph();

    public NotFoundView() {
        setId("not-found");
        addClassNames("ll-panel", "ll-error-page");
        Anchor home = new Anchor("", "Go to the playground");
        home.setId("not-found-home");
        add(new H1("There is no such page"), text, new Paragraph(home));
    }

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<NotFoundException> parameter) {
        String path = event.getLocation().getPath();
        // a view that knows why (a short link to nothing) says so; an address with no route gets the general text
        if (parameter.hasCustomMessage()) {
            text.setText(parameter.getCustomMessage());
            return HttpServletResponse.SC_NOT_FOUND;
        }
        text.setText("LayerLab has no page at \"/" + path + "\". Its pages are the playground, the activation "
                + "comparison, the CNN lab and the convolution explainer: pick one above.");
        return HttpServletResponse.SC_NOT_FOUND;
    }
}
