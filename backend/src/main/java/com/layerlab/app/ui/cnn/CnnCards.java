package com.layerlab.app.ui.cnn;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;

/** The CNN lab's panel titles and the cards its charts and results sit in. */
final class CnnCards {

    private CnnCards() {
    }

    static H3 section(String text) {
        H3 h = new H3(text);
        h.addClassName("ll-panel-title");
        return h;
    }

    /** A card: an optional heading over {@code body}. */
    static Div card(String heading, Component... body) {
        Div d = new Div();
        d.addClassName("cnn-card");
        if (heading != null) {
            Span h = new Span(heading);
            h.addClassName("cnn-subtitle");
            d.add(h);
        }
        d.add(body);
        return d;
    }
}
