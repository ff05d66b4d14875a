package com.layerlab.app.ui.playground;

import com.layerlab.app.lab.ForkStart;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.Page;
import com.layerlab.app.store.SavedExperiment;
import com.layerlab.app.store.StoreException;
import com.vaadin.flow.router.QueryParameters;
import java.util.List;
import java.util.Optional;

/** {@code ?fork=<id>} on the playground: the saved experiment's settings, starting from its saved weights (a new run). */
final class PlaygroundFork {

    /** What the page opens: the fork and the settings it trains. */
    record Opened(ForkStart fork, PlaygroundSettings settings) {
    }

    private PlaygroundFork() {
    }

    /**
     * The saved playground experiment {@code id} as {@code viewer} may see it, or empty (the notices say why).
     *
     * @param linkSettings    the settings the page's link gives
     * @param linkHasSettings whether the link gives settings besides the fork (a fork's own link, a reload)
     */
    static Optional<Opened> open(ExperimentStore store, String id, String viewer, PlaygroundSettings linkSettings,
                                 boolean linkHasSettings, PlaygroundNotices notices) {
        try {
            Optional<SavedExperiment> saved = store.find(id, viewer);
            if (saved.isEmpty() || saved.get().page() != Page.PLAYGROUND) {
                notices.later(PlaygroundNotices.Later.LINK, "There is no saved playground experiment \"" + id
                        + "\" to fork (deleted, or private).");
                return Optional.empty();
            }
            PlaygroundSettings savedSettings = ShareLinks.parsePlayground(
                    QueryParameters.fromString(saved.get().viewState()).getParameters()).value();
            ForkStart fork = new ForkStart(id, List.of(savedSettings.toExperiment()), List.of(saved.get().weights()));
            notices.later(PlaygroundNotices.Later.FORK, "Forked \"" + saved.get().name() + "\": training goes on from "
                    + "its weights (epoch " + saved.get().trainedEpoch() + " when saved), as a new run from epoch 0.");
            // a fork's own link (a reload) keeps what may change while it trains (rate, view options)
            return Optional.of(new Opened(fork, fork.keepsLinkSettings(linkHasSettings, List.of(linkSettings.toExperiment()))
                    ? linkSettings : savedSettings));
        } catch (StoreException e) {
            notices.later(PlaygroundNotices.Later.LINK, e.getMessage());
            return Optional.empty();
        }
    }
}
