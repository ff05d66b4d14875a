package com.layerlab.app.ui.store;

import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.ExperimentSummary;
import com.layerlab.app.store.StoreException;
import com.layerlab.app.ui.MainLayout;
import com.layerlab.app.ui.components.MyWorkTabs;
import com.layerlab.app.ui.components.RowActions;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import java.util.List;

/** "My experiments": what this visitor (or user) saved, to open, rename, make public or delete. */
@AnonymousAllowed
@Route(value = "experiments", layout = MainLayout.class)
@PageTitle("LayerLab · My experiments")
public class MyExperimentsView extends Div implements BeforeEnterObserver {

    private final ExperimentStore store;
    private final CurrentOwner owner;
    private final Div list = new Div();

    public MyExperimentsView(ExperimentStore store, CurrentOwner owner) {
        this.store = store;
        this.owner = owner;
        setId("my-experiments");
        addClassName("ll-store-page");
        list.addClassName("ll-experiment-list");
        Paragraph about = new Paragraph("What you saved with Save on the playground and in the CNN lab. Private ones open only for you; "
                + "public ones are in the gallery and open for anyone with their link.");
        about.addClassName("ll-hint");
        add(new MyWorkTabs("experiments"), new H1("My experiments"), about, list);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        refresh();
    }

    private void refresh() {
        list.removeAll();
        List<ExperimentSummary> mine;
        try {
            mine = store.mine(owner.key());
        } catch (StoreException e) {
            list.add(error(e.getMessage()));
            return;
        }
        if (mine.isEmpty()) {
            Paragraph none = new Paragraph("Nothing saved yet. Train a network on the playground and press Save.");
            none.setId("my-experiments-empty");
            list.add(none);
            return;
        }
        for (ExperimentSummary e : mine) {
            list.add(row(e));
        }
    }

    private Div row(ExperimentSummary e) {
        Div row = ExperimentRows.row(e);
        Checkbox shared = new Checkbox("Public", e.isPublicFlag());
        shared.addClassName("ll-row-public");
        shared.addValueChangeListener(v -> {
            if (v.isFromClient()) {
                change(() -> store.setPublic(e.getId(), owner.key(), v.getValue()),
                        v.getValue() ? "\"" + e.getName() + "\" is public: it is in the gallery." : "\"" + e.getName() + "\" is private.");
            }
        });
        List<Button> actions = RowActions.renameAndDelete(() -> rename(e), () -> confirmDelete(e));
        Div tools = new Div(shared, actions.get(0), actions.get(1));
        tools.addClassName("ll-row-tools");
        row.add(tools);
        return row;
    }

    private void rename(ExperimentSummary e) {
        RowActions.askName(e.getName(), ExperimentStore.MAX_NAME_LENGTH, null, typed -> {
            try {
                store.rename(e.getId(), owner.key(), typed);
                refresh();
                return null;
            } catch (StoreException ex) {
                return ex.getMessage();
            }
        });
    }

    private void confirmDelete(ExperimentSummary e) {
        RowActions.confirmDelete(e.getName(), "Its link stops working for everyone. This cannot be undone.",
                () -> change(() -> store.delete(e.getId(), owner.key()), "Deleted \"" + e.getName() + "\"."));
    }

    private void change(Runnable action, String done) {
        try {
            action.run();
            Notification.show(done, 3000, Notification.Position.BOTTOM_CENTER);
        } catch (StoreException ex) {
            Notification n = Notification.show(ex.getMessage(), 6000, Notification.Position.MIDDLE);
            n.addThemeVariants(NotificationVariant.LUMO_ERROR);
        }
        refresh();
    }

    private static Paragraph error(String text) {
        Paragraph p = new Paragraph(text);
        p.setId("store-error");
        p.addClassName("ll-error");
        return p;
    }

    static Anchor open(ExperimentSummary e) {
        Anchor a = new Anchor(ExperimentStore.url(e.getId()), e.getName());
        a.addClassName("ll-row-name");
        return a;
    }

    static Span hint(String text) {
        Span s = new Span(text);
        s.addClassName("ll-hint");
        return s;
    }
}
