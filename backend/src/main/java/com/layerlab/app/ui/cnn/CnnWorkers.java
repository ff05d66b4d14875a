package com.layerlab.app.ui.cnn;

import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.cluster.BackgroundRuns;
import com.layerlab.app.lab.ForkStart;
import com.layerlab.app.training.OverLimit;
import com.layerlab.app.training.RunJournal;
import com.layerlab.app.ui.LimitNotice;
import com.layerlab.app.ui.WorkersNotice;
import com.layerlab.app.ui.runs.RunPages;
import com.layerlab.engine.experiment.Experiment;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import java.util.List;

/**
 * The CNN lab's "Train on the workers" (a node of a cluster, signed in): the lab's experiment (its comparison
 * too) as a background run, listed in My runs, which a worker node trains whether or not a page watches.
 */
final class CnnWorkers {

    /** The cluster's background runs; null on a single server (no button then). */
    private final BackgroundRuns workers;
    private final CurrentOwner owner;

    CnnWorkers(BackgroundRuns workers, CurrentOwner owner) {
        this.workers = workers;
        this.owner = owner;
    }

    /** Shows the toolbar's button as this server and visitor allow, disabled with {@code problem}'s tooltip. */
    void show(CnnToolbar toolbar, String problem) {
        toolbar.showWorkers(workers != null, owner.username().isPresent(), problem);
    }

    /**
     * Submits {@code runs} for the epochs set in the lab, from their seed's weights (a fork's saved experiment
     * is named, so that a finished run's weights become its owner's); says where it went, or why not.
     */
    void train(List<Experiment> runs, ForkStart fork) {
        if (workers == null || owner.username().isEmpty()) {
            return;
        }
        int epochs = runs.get(0).epochs() == null ? 1 : runs.get(0).epochs();
        String saved = runs.size() == 1 && fork.appliesTo(runs) ? fork.id() : null;
        String id;
        try {
            id = workers.submit(runs, owner.key(), true, RunPages.CNN, epochs, saved).id();
        } catch (OverLimit refused) {
            LimitNotice.show(refused);
            return;
        } catch (BackgroundRuns.NoWorker | RunJournal.Unreachable refused) {
            Notification n = Notification.show(refused.getMessage(), 10_000, Notification.Position.TOP_CENTER);
            n.addThemeVariants(NotificationVariant.LUMO_ERROR);
            return;
        }
        WorkersNotice.submitted(runs.size() == 1 ? runs.get(0).name() : "Comparison of " + runs.size() + " networks", id);
    }
}
