package com.layerlab.app.ui.classroom;

import com.layerlab.app.classroom.StudentRuns;
import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.Page;
import com.layerlab.app.store.SavedExperiment;
import com.layerlab.app.store.StoreException;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.experiment.Experiment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a teacher may push, and the link's query string each opens on the students' screens: a lab as it
 * is on the teacher's screen now (their current run there: the playground's or the CNN lab's), or one of
 * their saved experiments of either lab. The push dialog's list and what its "Push" sends.
 */
final class PushSources {

    static final String NOW = "My playground now";
    static final String NOW_CNN = "My CNN lab now";

    /**
     * One choice of the dialog.
     *
     * @param name         a saved experiment's name (null for a lab now)
     * @param experimentId the saved experiment's id, or null for the lab on the teacher's screen
     * @param lab          the lab it opens on
     */
    record Source(String name, String experimentId, Page lab) {
        boolean isNow() {
            return experimentId == null;
        }

        /** What the list says: the lab now, or the saved experiment's name and its lab. */
        String label() {
            return isNow() ? lab == Page.CNN ? NOW_CNN : NOW : name + " · " + lab.label();
        }
    }

    /** A source's view state, or the message (naming the field "Experiment") why it has none. */
    record Resolved(String viewState, String problem) {
        static Resolved ok(String viewState) {
            return new Resolved(viewState, null);
        }

        static Resolved no(String problem) {
            return new Resolved(null, problem);
        }
    }

    private final TrainingRuntime runtime;
    private final ExperimentStore store;
    private final String ownerKey;

    PushSources(TrainingRuntime runtime, ExperimentStore store, String ownerKey) {
        this.runtime = runtime;
        this.store = store;
        this.ownerKey = ownerKey;
    }

    /** The two labs now first, then the teacher's saved playground and CNN lab experiments, newest first. */
    List<Source> list() {
        List<Source> all = new ArrayList<>();
        all.add(new Source(null, null, Page.PLAYGROUND));
        all.add(new Source(null, null, Page.CNN));
        try {
            store.mine(ownerKey).forEach(s -> {
                if (Page.PLAYGROUND.id().equals(s.getPage())) {
                    all.add(new Source(s.getName(), s.getId(), Page.PLAYGROUND));
                } else if (Page.CNN.id().equals(s.getPage())) {
                    all.add(new Source(s.getName(), s.getId(), Page.CNN));
                }
                // a saved comparison of activations opens on a page no class opens
            });
        } catch (StoreException e) {
            // the store is down: the labs as they are now can still be pushed
        }
        return all;
    }

    /** The query string of the link that opens {@code s} on its lab. */
    Resolved resolve(Source s) {
        if (s.isNow()) {
            Optional<String> now = now(s.lab());
            if (now.isPresent()) {
                return Resolved.ok(now.get());
            }
            return Resolved.no(s.lab() == Page.CNN
                    ? "Experiment: you have no CNN lab run yet. Open the CNN lab, set it up and train, then push it "
                    + "(or pick a saved experiment)."
                    : "Experiment: you have no playground run yet. Open the Playground, set it up, then push it "
                    + "(or pick a saved experiment).");
        }
        Optional<SavedExperiment> saved;
        try {
            saved = store.find(s.experimentId(), ownerKey);
        } catch (StoreException e) {
            return Resolved.no("Experiment: the saved experiments cannot be read now (" + e.getMessage() + ").");
        }
        if (saved.isEmpty()) {
            return Resolved.no("Experiment: \"" + s.name() + "\" is no longer saved.");
        }
        if (s.lab() != Page.CNN) {
            return Resolved.ok(saved.get().viewState());
        }
        // the CNN lab saves no view state: its link is made from the saved experiment file
        try {
            return Resolved.ok(cnnViewState(store.experiment(saved.get())));
        } catch (RuntimeException e) {
            return Resolved.no("Experiment: \"" + s.name() + "\" cannot be read (" + e.getMessage() + ").");
        }
    }

    /** The teacher's lab as it is now: the experiment of their current run there, as that lab's link's query. */
    private Optional<String> now(Page lab) {
        Optional<List<Experiment>> trained = StudentRuns.current(runtime, ownerKey, lab)
                .map(Run::experiments).filter(e -> !e.isEmpty());
        if (lab == Page.CNN) {
            // a comparison of activations pushes its model (the students' lab compares if they like)
            return trained.map(e -> cnnViewState(CnnLinks.stateOf(e).experiment()));
        }
        return trained.map(e -> StudentRuns.viewState(PlaygroundSettings.fromExperiment(e.get(0))));
    }

    /** The CNN lab link's query string of {@code e} (one run, no comparison). */
    static String cnnViewState(Experiment e) {
        return ShareLinks.queryString(CnnLinks.query(new CnnLinks.State(e, List.of())));
    }
}
