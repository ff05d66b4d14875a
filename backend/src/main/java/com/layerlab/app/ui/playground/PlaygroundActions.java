package com.layerlab.app.ui.playground;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.icon.VaadinIcon;

/** The toolbar's right end: the link to compare activations on this network, Save, and Copy link. */
class PlaygroundActions extends Div {

    private final Anchor compareLink = new Anchor();

    /**
     * @param onSave "Save"
     * @param onCopy "Copy link"
     */
    PlaygroundActions(Runnable onSave, Runnable onCopy) {
        compareLink.setId("compare-link");
        compareLink.setText("Compare activations");
        compareLink.getElement().setAttribute("title", "Train this network with ReLU, Tanh and Sigmoid side by side");
        compareLink.addClassName("ll-compare-link");
        Button save = new Button("Save", VaadinIcon.CLOUD_UPLOAD_O.create());
        save.setId("save-button");
        save.addThemeVariants(ButtonVariant.LUMO_SMALL);
        save.setTooltipText("Save this network with what it has learned, and get a short link to it");
        save.addClickListener(e -> onSave.run());
        Button copy = new Button("Copy link", VaadinIcon.LINK.create());
        copy.setId("copy-link-button");
        copy.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_SMALL);
        copy.addClickListener(e -> onCopy.run());
        Div buttons = new Div(save, copy);
        buttons.addClassName("ll-action-buttons");
        add(compareLink, buttons);
        addClassName("ll-actions");
    }

    /** Where "Compare activations" leads: the comparison of this network's settings. */
    void linkCompare(String href) {
        compareLink.setHref(href);
    }
}
