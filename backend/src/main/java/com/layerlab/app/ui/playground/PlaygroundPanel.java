package com.layerlab.app.ui.playground;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;

/** One of the playground's three columns (data, network, output): a titled panel. */
abstract class PlaygroundPanel extends Div {

    PlaygroundPanel(String title, String className) {
        addClassNames("ll-panel", className);
        H2 h = new H2(title);
        h.addClassName("ll-panel-title");
        add(h);
    }
}
