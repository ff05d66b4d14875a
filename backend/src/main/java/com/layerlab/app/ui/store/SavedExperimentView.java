package com.layerlab.app.ui.store;

import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.lab.CompareLinks;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.Metrics;
import com.layerlab.app.store.SavedExperiment;
import com.layerlab.app.store.StoreException;
import com.layerlab.app.ui.Downloads;
import com.layerlab.app.ui.MainLayout;
import com.layerlab.app.ui.cnn.SavedCnnPanel;
import com.layerlab.app.ui.compare.SavedComparePanel;
import com.layerlab.app.ui.playground.SavedPlaygroundPanel;
import com.layerlab.engine.train.Trainer;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * A short link {@code /e/{id}}: the saved experiment with what it learned, drawn from its saved weights and
 * metrics, with Fork (train on from those weights, in its page) and the download of it all. Unknown, deleted
 * and others' private experiments get the not-found page (status 404: {@link SavedLinkStatus}).
 */
@AnonymousAllowed
@Route(value = "e/:id", layout = MainLayout.class)
public class SavedExperimentView extends Div implements BeforeEnterObserver, HasDynamicTitle {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final ExperimentStore store;
    private final CurrentOwner owner;
    private String title = "LayerLab · Saved experiment";

    public SavedExperimentView(ExperimentStore store, CurrentOwner owner) {
        this.store = store;
        this.owner = owner;
        setId("saved-experiment");
        addClassName("ll-saved-page");
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        String id = event.getRouteParameters().get("id").orElse("");
        Optional<SavedExperiment> saved;
        try {
            saved = store.find(id, owner.key());
        } catch (StoreException e) {
            removeAll();
            Paragraph p = new Paragraph(e.getMessage());
            p.setId("saved-error");
            add(new H1("This experiment cannot be shown just now"), p);
            addClassNames("ll-panel", "ll-error-page");
            return;
        }
        if (saved.isEmpty()) {
            event.rerouteToError(NotFoundException.class, "There is no saved experiment at \"/e/" + id
                    + "\": the link is mistyped, or the experiment was deleted, or it is private to whoever saved it.");
            return;
        }
        show(saved.get());
    }

    private void show(SavedExperiment s) {
        removeAll();
        title = "LayerLab · " + s.name();
        H1 name = new H1(s.name());
        name.setId("saved-name");
        Span meta = new Span(s.page().label() + " · saved " + DATE.format(s.createdAt()) + " · trained "
                + s.trainedEpoch() + (s.trainedEpoch() == 1 ? " epoch" : " epochs") + " · "
                + (s.isPublic() ? "public" : "private"));
        meta.setId("saved-meta");
        meta.addClassName("ll-hint");

        Anchor fork = new Anchor(forkHref(s), "");
        Button forkButton = new Button("Fork: train on from these weights", VaadinIcon.SPLIT.create());
        forkButton.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        fork.add(forkButton);
        fork.setId("fork-link");
        fork.getElement().setAttribute("router-ignore", true);
        Anchor download = new Anchor(Downloads.file(ExperimentStore.zipName(s), "application/zip", () -> store.zip(s)),
                "Download (.zip)");
        download.setId("saved-download");
        download.getElement().setAttribute("title", "The experiment file, its weights (safetensors), its metrics, "
                + "its TensorBoard event files and the PyTorch code");
        Div actions = new Div(fork, download);
        actions.addClassName("ll-saved-actions");

        Div head = new Div(name, meta, actions);
        head.addClassName("ll-saved-head");
        add(head, body(s));
    }

    private Component body(SavedExperiment s) {
        try {
            return switch (s.page()) {
                case PLAYGROUND -> drawn(s, run -> new SavedPlaygroundPanel(run, ShareLinks.parsePlayground(
                        QueryParameters.fromString(s.viewState()).getParameters()).value(), Metrics.fromJson(s.metricsJson())));
                case CNN -> drawn(s, run -> new SavedCnnPanel(run, Metrics.fromJson(s.metricsJson()), () -> store.restore(s)));
                case COMPARE -> new SavedComparePanel(store.networks(s), store::restore);
            };
        } catch (RuntimeException e) {
            Paragraph p = new Paragraph("What this experiment learned cannot be drawn: " + e.getMessage());
            p.setId("saved-error");
            return p;
        }
    }

    /** What {@code draw} makes of a run holding the saved weights, closed after. */
    private Component drawn(SavedExperiment s, Function<Trainer, Component> draw) {
        try (Trainer run = store.restore(s)) {
            return draw.apply(run);
        }
    }

    /** The page the experiment came from, asked to start from its saved weights. */
    static String forkHref(SavedExperiment s) {
        return switch (s.page()) {
            case PLAYGROUND -> "/?fork=" + s.id();
            case CNN -> "/cnn?fork=" + s.id();
            case COMPARE -> "/" + CompareLinks.ROUTE + "?fork=" + s.id();
        };
    }

    @Override
    public String getPageTitle() {
        return title;
    }
}
