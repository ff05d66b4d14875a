package com.layerlab.app.ui.data;

import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.lab.DataRefused;
import com.layerlab.app.lab.OwnedData;
import com.layerlab.app.lab.SavedDataUses;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.StoreException;
import com.layerlab.app.ui.MainLayout;
import com.layerlab.app.ui.components.MyWorkTabs;
import com.layerlab.app.ui.components.RowActions;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * "My data": the visitor's (or user's) own point sets and image folders, with their sizes and the saved
 * experiments that train on them, to open, rename or delete. The rules are {@link OwnedData}'s.
 */
@AnonymousAllowed
@Route(value = "data", layout = MainLayout.class)
@PageTitle("LayerLab · My data")
public class MyDataView extends Div implements BeforeEnterObserver {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final OwnedData data;
    private final CurrentOwner owner;
    private final Paragraph message = new Paragraph();
    private final Div pointSets = new Div();
    private final Div folders = new Div();

    public MyDataView(OwnedData data, CurrentOwner owner) {
        this.data = data;
        this.owner = owner;
        setId("my-data");
        addClassName("ll-store-page");
        Paragraph about = new Paragraph("The point sets you uploaded or drew on the playground and the image folders you "
                + "uploaded in the CNN lab. Only you see them here and in your menus; a saved experiment or a link that "
                + "uses one carries it to whoever opens it, so a set in use cannot be deleted.");
        about.addClassName("ll-hint");
        message.setId("data-message");
        message.setVisible(false);
        pointSets.setId("data-points");
        folders.setId("data-folders");
        for (Div list : List.of(pointSets, folders)) {
            list.addClassName("ll-experiment-list");
        }
        add(new MyWorkTabs("data"), new H1("My data"), about, message, section("Point sets (playground)"), pointSets,
                section("Image folders (CNN lab)"), folders);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        message.setVisible(false);
        refresh();
    }

    private void refresh() {
        pointSets.removeAll();
        folders.removeAll();
        List<OwnedData.Item> items;
        try {
            items = data.list(owner.key());
        } catch (StoreException e) {
            say(e.getMessage(), true);
            return;
        }
        for (OwnedData.Item item : items) {
            (item.kind() == OwnedData.Kind.POINTS ? pointSets : folders).add(row(item));
        }
        if (pointSets.getChildren().findAny().isEmpty()) {
            pointSets.add(empty("No point sets yet. Upload a CSV file or draw points on the playground."));
        }
        if (folders.getChildren().findAny().isEmpty()) {
            folders.add(empty("No image folders yet. Upload a zip of class folders in the CNN lab."));
        }
    }

    private Div row(OwnedData.Item item) {
        Span name = new Span(item.name());
        name.addClassName("ll-row-name");
        Span size = hint(item.size() + " · added " + DATE.format(item.created()) + " UTC");
        size.addClassName("ll-data-size");

        Anchor open = new Anchor(item.openHref(), item.kind().openLabel());
        open.addClassName("ll-data-open");
        open.getElement().setAttribute("router-ignore", true);
        List<Button> actions = RowActions.renameAndDelete(() -> rename(item), () -> confirmDelete(item));
        Div tools = new Div(open, actions.get(0), actions.get(1));
        tools.addClassName("ll-row-tools");

        Div uses = new Div();
        uses.addClassName("ll-data-uses");
        if (item.usedBy().isEmpty()) {
            uses.add(hint("No saved experiment uses it."));
        } else {
            uses.add(hint("Used by "));
            for (SavedDataUses.Use u : item.usedBy()) {
                Anchor a = new Anchor(ExperimentStore.url(u.experimentId()), u.experimentName());
                a.addClassName("ll-data-use");
                uses.add(a);
            }
        }
        Div row = new Div(name, size, tools, uses);
        row.addClassNames("ll-experiment-row", "ll-data-row");
        row.getElement().setAttribute("data-id", item.id());
        return row;
    }

    private void rename(OwnedData.Item item) {
        RowActions.askName(item.name(), OwnedData.MAX_NAME_LENGTH,
                "The experiments and links that use it keep working: they name it by its id.", typed -> {
                    try {
                        OwnedData.Item renamed = data.rename(item.id(), owner.key(), typed);
                        say("Renamed \"" + item.name() + "\" to \"" + renamed.name() + "\".", false);
                        refresh();
                        return null;
                    } catch (DataRefused | StoreException ex) {
                        return ex.getMessage();
                    }
                });
    }

    private void confirmDelete(OwnedData.Item item) {
        RowActions.confirmDelete(item.name(), "Its files are removed from the server, and the links that use it stop "
                + "working. This cannot be undone.", () -> {
                    try {
                        say("Deleted \"" + data.delete(item.id(), owner.key()) + "\".", false);
                    } catch (DataRefused | StoreException ex) {
                        say(ex.getMessage(), true);
                    }
                    refresh();
                });
    }

    private void say(String text, boolean error) {
        message.setText(text);
        message.setClassName("ll-error", error);
        message.getElement().setAttribute("role", error ? "alert" : "status");
        message.setVisible(true);
    }

    private static H2 section(String text) {
        H2 h = new H2(text);
        h.addClassName("ll-data-section");
        return h;
    }

    private static Paragraph empty(String text) {
        Paragraph p = new Paragraph(text);
        p.addClassNames("ll-hint", "ll-data-empty");
        return p;
    }

    private static Span hint(String text) {
        Span s = new Span(text);
        s.addClassName("ll-hint");
        return s;
    }
}
