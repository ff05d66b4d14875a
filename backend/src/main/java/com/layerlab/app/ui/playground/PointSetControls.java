package com.layerlab.app.ui.playground;

import com.layerlab.app.lab.PointSets;
import com.layerlab.datasets.PointsCsv;
import com.layerlab.datasets.PointsCsvException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.server.streams.UploadHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The playground's "your own data": the learner's point sets to pick from, a CSV upload and the
 * button that starts drawing. Checking and storing are {@link PointSets}'; this keeps the layout and
 * says what happened.
 */
class PointSetControls extends Div {

    private final PointSets pointSets;
    private final Supplier<String> owner;
    private final Consumer<PointSets.PointSet> onChosen;
    private final Select<String> menu = new Select<>();
    private final Upload upload;
    private final Button draw = new Button("Draw points", VaadinIcon.PENCIL.create());
    private final Span message = new Span();
    private final Anchor manage = new Anchor("data", "Rename or delete in My data");
    private final Map<String, String> labels = new LinkedHashMap<>();
    private boolean drawing;
    private boolean locked;

    /**
     * @param owner    the key of the page's owner (read on the upload's request thread)
     * @param onChosen called with a set picked from the menu or just uploaded
     * @param onDraw   called when the learner asks to draw
     */
    PointSetControls(PointSets pointSets, Supplier<String> owner, Consumer<PointSets.PointSet> onChosen, Runnable onDraw) {
        this.pointSets = pointSets;
        this.owner = owner;
        this.onChosen = onChosen;
        addClassName("ll-own-data");
        Span title = new Span("Your own data");
        title.addClassName("ll-subtitle");

        menu.setId("point-set-select");
        menu.setAriaLabel("Your point sets");
        menu.setPlaceholder("Your point sets…");
        menu.setItemLabelGenerator(id -> labels.getOrDefault(id, id));
        menu.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                pointSets.describe(e.getValue()).ifPresentOrElse(onChosen,
                        () -> say("That point set is no longer on the server.", true));
            }
        });

        upload = new Upload(UploadHandler.inMemory((meta, bytes) -> {
            // checked and stored on the upload's request thread; only the page changes under its lock
            String fileName = PointSets.menuName(meta.fileName());
            PointSets.PointSet stored = null;
            String error;
            try {
                stored = pointSets.upload(bytes, meta.fileName(), owner.get());
                error = null;
            } catch (PointsCsvException e) {
                error = e.getMessage();
            }
            PointSets.PointSet done = stored;
            String problem = error;
            getUI().ifPresent(ui -> ui.access(() -> uploaded(fileName, done, problem)));
        }));
        upload.setId("points-upload");
        upload.setAcceptedFileTypes(".csv", "text/csv", "text/plain");
        upload.setMaxFiles(1);
        upload.setMaxFileSize(PointsCsv.MAX_BYTES);
        Button pick = new Button("Upload CSV", VaadinIcon.UPLOAD.create());
        pick.addThemeVariants(ButtonVariant.LUMO_SMALL);
        upload.setUploadButton(pick);
        upload.setDropLabel(new Span("x1,x2,label"));
        upload.addFileRejectedListener(e -> say("\"" + e.getFileName() + "\" was not uploaded: a point set is a .csv "
                + "file of at most 1 MB.", true));

        draw.setId("draw-button");
        draw.addThemeVariants(ButtonVariant.LUMO_SMALL);
        draw.setTooltipText("Click on the data view to add points of a class you choose");
        draw.addClickListener(e -> onDraw.run());

        manage.setId("points-manage");
        manage.addClassName("ll-own-data-link");
        manage.getElement().setAttribute("router-link", true);
        manage.setVisible(false);

        message.setId("points-message");
        message.addClassName("ll-points-message");
        message.setVisible(false);
        add(title, menu, upload, draw, manage, message);
    }

    /** The owner's sets in the menu, and the page's set ({@code dataset}) chosen when it is a point set. */
    void show(List<PointSets.PointSet> owned, String dataset, Optional<PointSets.PointSet> current) {
        labels.clear();
        owned.forEach(s -> labels.put(s.id(), s.label()));
        // a set someone shared by a link: the link's holder may use it, and sees it as such
        current.filter(s -> !labels.containsKey(s.id())).ifPresent(s -> labels.put(s.id(), "Shared with the link · " + s.label()));
        menu.setItems(List.copyOf(labels.keySet()));
        menu.setVisible(!labels.isEmpty()); // nothing to pick until the learner uploads or draws a set
        manage.setVisible(!owned.isEmpty());
        select(dataset);
    }

    /** Shows {@code dataset} as chosen when it is in the menu, else nothing. */
    void select(String dataset) {
        menu.setValue(labels.containsKey(dataset) ? dataset : null);
    }

    /** A class's challenge locks the data set: no other set can be picked, uploaded or drawn. */
    void setLocked(boolean on) {
        locked = on;
        menu.setEnabled(!on);
        upload.setEnabled(!on);
        draw.setEnabled(!on && !drawing);
    }

    void setDrawing(boolean on) {
        drawing = on;
        draw.setEnabled(!on && !locked);
    }

    void say(String text, boolean error) {
        message.setText(text);
        message.setClassName("ll-error", error);
        message.getElement().setAttribute("role", error ? "alert" : "status");
        message.setVisible(true);
    }

    private void uploaded(String fileName, PointSets.PointSet stored, String error) {
        upload.clearFileList();
        if (error != null) {
            say("\"" + fileName + "\" was not added: " + error + ". Nothing was changed.", true);
            return;
        }
        say("Added \"" + fileName + "\": " + stored.summary() + ".", false);
        onChosen.accept(stored);
    }
}
