package com.layerlab.app.ui.store;

import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.StoreException;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.textfield.TextField;
import java.util.concurrent.CompletableFuture;

/**
 * "Save": a name and whether the experiment is public, then the short link with a copy button. The page
 * says what saving stores ({@link Save}); a failure (the database down, over the size limit) is shown here
 * and Save can be pressed again: nothing on the page is lost.
 */
public class SaveExperimentDialog extends Dialog {

    /** Stores the page's experiment as it is now; called on the click's request thread. */
    @FunctionalInterface
    public interface Save {
        CompletableFuture<ExperimentStore.Saved> save(String name, boolean makePublic);
    }

    private final TextField name = new TextField("Name");
    private final Checkbox makePublic = new Checkbox("Public: listed in the gallery, and anyone with the link can open it");
    private final Paragraph message = new Paragraph();
    private final Button save = new Button("Save", VaadinIcon.CLOUD_UPLOAD_O.create());
    private final Div result = new Div();

    public SaveExperimentDialog(String defaultName, String what, Save action) {
        setHeaderTitle("Save this experiment");
        setWidth("560px");
        name.setId("save-name");
        name.setWidthFull();
        name.setMaxLength(ExperimentStore.MAX_NAME_LENGTH);
        name.setValue(defaultName);
        makePublic.setId("save-public");
        Paragraph about = new Paragraph(what + " Private experiments open only for you, in this browser, and "
                + "are listed under My experiments.");
        about.addClassName("ll-hint");
        message.setId("save-message");
        message.addClassName("ll-save-message");
        result.setId("save-result");
        add(name, makePublic, about, message, result);

        save.setId("save-confirm");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.addClickListener(e -> run(action));
        Button close = new Button("Close", e -> close());
        close.setId("save-close");
        getFooter().add(close, save);
    }

    private void run(Save action) {
        UI ui = UI.getCurrent();
        save.setEnabled(false);
        showMessage("Saving…", false);
        CompletableFuture<ExperimentStore.Saved> pending;
        try {
            pending = action.save(name.getValue(), makePublic.getValue());
        } catch (StoreException ex) {
            failed(ex);
            return;
        }
        pending.whenComplete((saved, err) -> ui.access(() -> {
            if (err != null) {
                failed(ExperimentStore.unwrap(err));
            } else {
                showLink(saved);
            }
        }));
    }

    private void failed(StoreException ex) {
        showMessage(ex.getMessage(), true);
        save.setEnabled(true);
    }

    private void showMessage(String text, boolean error) {
        message.setText(text);
        message.setClassName("ll-error", error);
        message.getElement().setAttribute("data-error", String.valueOf(error));
    }

    private void showLink(ExperimentStore.Saved saved) {
        showMessage("Saved. Its short link:", false);
        name.setReadOnly(true);
        makePublic.setReadOnly(true);
        save.setVisible(false);
        TextField link = new TextField();
        link.setId("saved-url");
        link.setReadOnly(true);
        link.setWidthFull();
        link.getElement().setAttribute("data-path", saved.url());
        Button copy = new Button("Copy", VaadinIcon.COPY_O.create());
        copy.setId("saved-copy");
        copy.addThemeVariants(ButtonVariant.LUMO_SMALL);
        Anchor open = new Anchor(saved.url(), "Open");
        open.setId("saved-open");
        open.setTarget("_blank");
        Div row = new Div(link, copy, open);
        row.addClassName("ll-saved-link");
        result.add(row);
        // the full address is the browser's to know (the server may sit behind a proxy)
        link.getElement().executeJs("return new URL($0, window.location.href).href", saved.url())
                .then(String.class, link::setValue);
        copy.addClickListener(e -> copy.getElement().executeJs(
                "navigator.clipboard.writeText(new URL($0, window.location.href).href).then(() => true, () => false)",
                saved.url()).then(Boolean.class, ok -> copy.setText(ok ? "Copied" : "Select and copy the link")));
    }
}
