package com.layerlab.app.ui.playground;

import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.Page;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.ui.components.PyTorchExportDialog;
import com.layerlab.app.ui.store.SaveExperimentDialog;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentException;
import com.vaadin.flow.component.notification.Notification;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** The playground's "Export to PyTorch" (the network's code, and which weights the download gives) and "Save". */
final class PlaygroundDialogs {

    private PlaygroundDialogs() {
    }

    /**
     * Opens the export of {@code e}: with the weights of {@code run} as they are when the download is asked
     * for while it is alive ({@code playing}: it trains on meanwhile), else with the seed's starting weights.
     */
    static void export(Experiment e, Run<?> run, boolean playing) {
        String note;
        Callable<byte[]> weights;
        if (run != null && run.isAlive()) {
            RunStatus status = run.status();
            note = status.progress() == 0 && !playing ? "Not trained yet: the weights are the starting ones (epoch 0). Press "
                    + "play first to export what the network learns; the download takes the weights as they are when you "
                    + "click it."
                    : "The weights are the network's as they are when you click the download (" + status.epochText() + " now"
                    + (playing ? ", and training goes on" : "") + ").";
            weights = () -> PyTorchExportDialog.trainedWeights(run, 0);
        } else {
            note = "The weights are the starting ones that seed " + e.seedOrZero() + " gives.";
            weights = () -> PyTorchExportDialog.initialWeights(e);
        }
        try {
            new PyTorchExportDialog(e, note, weights).open();
        } catch (ExperimentException ex) {
            Notification.show("This network cannot be exported: " + ex.getMessage(), 5000, Notification.Position.MIDDLE);
        }
    }

    /**
     * Opens "Save" for {@code run} trained on {@code s} (its data set named {@code dataName}): the settings
     * with the network's weights as they are when the learner presses Save, under a short link.
     */
    static void save(ExperimentStore store, String owner, Run<?> run, PlaygroundSettings s, String dataName) {
        if (run == null || !run.isAlive()) {
            Notification.show("There is no network to save: reload the page.", 4000, Notification.Position.MIDDLE);
            return;
        }
        int epoch = run.status().epoch();
        String name = dataName + ", " + (s.hiddenLayers().isEmpty() ? "no hidden layer"
                : s.hiddenLayers().stream().map(String::valueOf).collect(Collectors.joining("-")) + " neurons")
                + ", epoch " + epoch;
        new SaveExperimentDialog(name, "Saves these settings with the network's weights as they are when you press "
                + "Save (epoch " + epoch + " now), its loss curves and its TensorBoard files.",
                (n, pub) -> store.saveLive(run, 0, new ExperimentStore.Draft(owner, n, pub, Page.PLAYGROUND,
                        s.toExperiment(), ShareLinks.queryString(ShareLinks.playgroundQuery(s))))).open();
    }
}
