package com.layerlab.app.ui.cnn;

import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.lab.ForkStart;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.Page;
import com.layerlab.app.store.SavedExperiment;
import com.layerlab.app.store.StoreException;
import com.layerlab.app.training.BackendChoices;
import com.layerlab.app.training.CnnFrames;
import com.layerlab.app.training.Run;
import com.layerlab.app.ui.components.PyTorchExportDialog;
import com.layerlab.app.ui.store.SaveExperimentDialog;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentException;
import com.vaadin.flow.component.notification.Notification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CNN lab's saved experiments and exports: a fork's start, Save, and Export to PyTorch (the model
 * of the editor, with the weights of the training shown when it trains, or trained, this very model:
 * of the run whose details are shown).
 */
final class CnnSaving {

    private final ExperimentStore store;
    private final CurrentOwner owner;

    CnnSaving(ExperimentStore store, CurrentOwner owner) {
        this.store = store;
        this.owner = owner;
    }

    /** A fork opened: where its training starts ({@link ForkStart#NONE} when there is none), its model (or null), what the page says. */
    record Fork(ForkStart start, Experiment experiment, String message) {
    }

    /**
     * What a link opens: its state ({@code ?fork=<id>}: the saved model), on a backend this server has, the
     * fork's start, and what the page says of it (null: nothing): a broken link, the fork, a missing backend.
     */
    record Opened(CnnLinks.State state, ForkStart fork, String message) {
    }

    Opened open(Map<String, List<String>> query, BackendChoices backends) {
        ShareLinks.Parsed<CnnLinks.State> parsed = CnnLinks.parse(query);
        CnnLinks.State state = parsed.value();
        List<String> says = new ArrayList<>();
        if (!parsed.ok()) {
            says.add(parsed.error() + " Opening the default experiment instead.");
        }
        ForkStart start = ForkStart.NONE;
        List<String> forkId = query.get(ForkStart.PARAMETER);
        if (forkId != null && !forkId.isEmpty()) {
            Fork opened = fork(forkId.get(0));
            start = opened.start();
            if (opened.experiment() != null) {
                state = new CnnLinks.State(opened.experiment(), List.of());
            }
            says.add(opened.message());
        }
        BackendChoices.Kept backend = backends.keep(state.experiment().backend());
        state = new CnnLinks.State(state.experiment().withBackend(backend.backend()), state.compare());
        if (backend.note() != null) {
            says.add(backend.note());
        }
        return new Opened(state, start, says.isEmpty() ? null : String.join(" ", says));
    }

    /** {@code ?fork=<id>}: the saved model; its next training starts from the saved weights (a new run). */
    private Fork fork(String id) {
        try {
            Optional<SavedExperiment> saved = store.find(id, owner.key());
            if (saved.isEmpty() || saved.get().page() != Page.CNN) {
                return new Fork(ForkStart.NONE, null, "There is no saved CNN lab experiment \"" + id
                        + "\" to fork (deleted, or private).");
            }
            Experiment forked = store.experiment(saved.get());
            return new Fork(new ForkStart(id, List.of(forked), List.of(saved.get().weights())), forked, "Forked \""
                    + saved.get().name() + "\": Train goes on from its weights (epoch " + saved.get().trainedEpoch()
                    + " when saved), as a new run.");
        } catch (StoreException e) {
            return new Fork(ForkStart.NONE, null, e.getMessage());
        }
    }

    /**
     * "Save": the model with the weights, metrics and TensorBoard files of {@code t}'s run {@code shownRun};
     * when {@code t} has no trained model of {@code state}, a note says to train first.
     *
     * @param t     the training shown, or null
     * @param phase where it is, as its last frame said (null before one)
     */
    void save(Run<CnnFrames.Frame> t, CnnFrames.Phase phase, CnnLinks.State state, int shownRun) {
        if (t == null || !t.isAlive() || phase == null || !phase.hasModel() || !CnnLinks.trains(t.experiments(), state)) {
            Notification.show("Train first: Save keeps what a training of this model learned.", 4000,
                    Notification.Position.MIDDLE);
            return;
        }
        int run = shownRun < t.experiments().size() ? shownRun : 0;
        Experiment e = t.experiments().get(run);
        String name = (e.name() == null ? "CNN" : e.name()) + " on " + e.data().dataset();
        new SaveExperimentDialog(name, "Saves this model with its weights as they are when you press Save, its "
                + "loss and accuracy curves and its TensorBoard files" + (t.experiments().size() > 1
                ? " (the run whose details are shown)." : "."),
                (n, pub) -> store.saveLive(t, run, new ExperimentStore.Draft(owner.key(), n, pub, Page.CNN, e, ""))).open();
    }

    /**
     * "Export to PyTorch": {@code state}'s model as code, with the weights of {@code t}'s run {@code shownRun}
     * when {@code t} trains (or trained) this very model, else the starting weights.
     */
    static void export(Run<CnnFrames.Frame> t, CnnFrames.Phase phase, CnnLinks.State state, int shownRun) {
        boolean trained = t != null && t.isAlive() && phase != null && phase != CnnFrames.Phase.FAILED
                && CnnLinks.trains(t.experiments(), state);
        int run = trained && shownRun < t.experiments().size() ? shownRun : 0;
        PyTorchExportDialog dialog;
        try {
            if (trained) {
                Experiment e = t.experiments().get(run);
                String which = t.experiments().size() > 1 ? " of the " + CnnLinks.activationOf(e.name()) + " run" : "";
                String when = phase == CnnFrames.Phase.DONE || phase == CnnFrames.Phase.STOPPED
                        ? "as training left them" : "as they are when you click the link (training goes on meanwhile)";
                dialog = new PyTorchExportDialog(e, "The weights" + which + " are the trained ones, " + when + ".",
                        () -> PyTorchExportDialog.trainedWeights(t, run));
            } else {
                Experiment e = state.experiment();
                dialog = new PyTorchExportDialog(e, "Not trained yet: the weights are the starting ones that seed "
                        + e.seedOrZero() + " gives (training starts from the same). Train first to export what it learns.",
                        () -> PyTorchExportDialog.initialWeights(e));
            }
        } catch (ExperimentException ex) {
            Notification.show("The model cannot be exported: " + ex.getMessage(), 5000, Notification.Position.MIDDLE);
            return;
        }
        dialog.open();
    }
}
