package com.layerlab.app.ui.components;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.textfield.TextField;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Rename and delete on the rows of a learner's own things (My experiments, My data): the same icons,
 * the same dialogs and the same element ids, so that both lists work and read alike.
 */
public final class RowActions {

    private RowActions() {
    }

    /** The row's rename (pencil) and delete (trash) buttons. */
    public static List<Button> renameAndDelete(Runnable onRename, Runnable onDelete) {
        Button rename = new Button(VaadinIcon.PENCIL.create(), c -> onRename.run());
        rename.addClassName("ll-row-rename");
        rename.setAriaLabel("Rename");
        rename.setTooltipText("Rename");
        Button delete = new Button(VaadinIcon.TRASH.create(), c -> onDelete.run());
        delete.addClassName("ll-row-delete");
        delete.setAriaLabel("Delete");
        delete.setTooltipText("Delete");
        for (Button b : List.of(rename, delete)) {
            b.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ICON, ButtonVariant.LUMO_SMALL);
        }
        delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
        return List.of(rename, delete);
    }

    /**
     * Asks for a new name.
     *
     * @param rename renames to the name typed: null when done (the dialog closes), else why not (shown at the field)
     */
    public static void askName(String current, int maxLength, String helperText, Function<String, String> rename) {
        Dialog d = new Dialog();
        d.setHeaderTitle("Rename");
        TextField name = new TextField("Name");
        name.setId("rename-field");
        name.setWidth("420px");
        name.setMaxLength(maxLength);
        name.setValue(current);
        if (helperText != null) {
            name.setHelperText(helperText);
        }
        d.add(name);
        Button ok = new Button("Rename", c -> {
            String refused = rename.apply(name.getValue());
            if (refused == null) {
                d.close();
            } else {
                name.setInvalid(true);
                name.setErrorMessage(refused);
            }
        });
        ok.setId("rename-confirm");
        ok.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        d.getFooter().add(new Button("Cancel", c -> d.close()), ok);
        d.open();
    }

    /** Asks before deleting {@code name}; {@code consequence} says what is lost. */
    public static void confirmDelete(String name, String consequence, Runnable delete) {
        confirm("Delete", name, consequence, delete);
    }

    /**
     * Asks before doing {@code verb} ("Discard") to {@code name}; {@code consequence} says what is lost.
     * The dialog's button says the verb, and its id is the verb's ({@code discard-confirm}).
     */
    public static void confirm(String verb, String name, String consequence, Runnable action) {
        Dialog d = new Dialog();
        d.setHeaderTitle(verb + " \"" + name + "\"?");
        d.add(new Paragraph(consequence));
        Button ok = new Button(verb, c -> {
            d.close();
            action.run();
        });
        ok.setId(verb.toLowerCase(Locale.ROOT) + "-confirm");
        ok.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_ERROR);
        d.getFooter().add(new Button("Cancel", c -> d.close()), ok);
        d.open();
    }
}
