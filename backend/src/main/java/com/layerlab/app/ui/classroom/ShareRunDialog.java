package com.layerlab.app.ui.classroom;

import com.layerlab.app.classroom.ClassRefused;
import com.layerlab.app.classroom.Classrooms;
import com.layerlab.app.store.Page;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.TextField;
import java.util.function.BiConsumer;

/**
 * "Look what Ana found": a student's run pushed to everyone, with their name or as "a classmate", as the
 * teacher chooses (named is not the default: a student may not want the class to know).
 */
class ShareRunDialog extends Dialog {

    static final String ANONYMOUS = Classrooms.ANONYMOUS;

    /**
     * @param lab  the lab of the student's run (a CNN lab run opens in the students' CNN lab)
     * @param send pushes the run with a title and the name it is shared under ({@link #ANONYMOUS} or the
     *             student's); throws ClassRefused when the server refuses
     */
    ShareRunDialog(String studentName, Page lab, BiConsumer<String, String> send) {
        setId("class-share-dialog");
        setHeaderTitle("Show this run to the whole class");
        setWidth("520px");
        RadioButtonGroup<Boolean> named = new RadioButtonGroup<>("Say whose it is");
        named.setId("class-share-named");
        named.setItems(false, true);
        named.setItemLabelGenerator(n -> n ? "Named: " + studentName : "Anonymous: \"" + ANONYMOUS + "\"");
        named.setValue(false);
        TextField title = new TextField("Title");
        title.setId("class-share-title");
        title.setWidthFull();
        title.setMaxLength(PushDialog.TITLE_MAX);
        title.setValue("Look what " + ANONYMOUS + " found");
        named.addValueChangeListener(e -> title.setValue("Look what " + (e.getValue() ? studentName : ANONYMOUS) + " found"));
        Paragraph what = new Paragraph("Their network and settings open on every student's screen"
                + (lab == Page.CNN ? ", in the CNN lab," : "") + " as a plain push (nothing locked): the current challenge ends.");
        what.addClassName("ll-hint");
        Paragraph error = new Paragraph();
        error.setId("class-share-error");
        error.addClassName("ll-error");
        error.setVisible(false);
        add(what, named, title, error);
        Button ok = new Button("Push to everyone", c -> {
            String t = title.getValue().trim();
            if (t.isEmpty()) {
                title.setInvalid(true);
                title.setErrorMessage("Title: say what the class will see.");
                return;
            }
            try {
                send.accept(t, named.getValue() ? studentName : ANONYMOUS);
                close();
            } catch (ClassRefused refused) {
                error.setText(refused.getMessage());
                error.setVisible(true);
            }
        });
        ok.setId("class-share-send");
        ok.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        getFooter().add(new Button("Cancel", c -> close()), ok);
    }
}
