package com.layerlab.app.ui.store;

import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.ExperimentSummary;
import com.layerlab.app.store.StoreException;
import com.layerlab.app.ui.MainLayout;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import java.util.List;

/** The gallery: every public experiment, newest first, for anyone. */
@AnonymousAllowed
@Route(value = "gallery", layout = MainLayout.class)
@PageTitle("LayerLab · Gallery")
public class GalleryView extends Div implements BeforeEnterObserver {

    private final ExperimentStore store;
    private final Div list = new Div();

    public GalleryView(ExperimentStore store) {
        this.store = store;
        setId("gallery");
        addClassName("ll-store-page");
        list.addClassName("ll-experiment-list");
        Paragraph about = new Paragraph("Experiments their authors made public: open one to see what it learned, "
                + "fork it to train on from there.");
        about.addClassName("ll-hint");
        add(new H1("Gallery"), about, list);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        list.removeAll();
        List<ExperimentSummary> shown;
        try {
            shown = store.gallery();
        } catch (StoreException e) {
            Paragraph p = new Paragraph(e.getMessage());
            p.setId("store-error");
            p.addClassName("ll-error");
            list.add(p);
            return;
        }
        if (shown.isEmpty()) {
            Paragraph none = new Paragraph("No public experiment yet.");
            none.setId("gallery-empty");
            list.add(none);
        }
        for (ExperimentSummary e : shown) {
            list.add(ExperimentRows.row(e));
        }
    }
}
