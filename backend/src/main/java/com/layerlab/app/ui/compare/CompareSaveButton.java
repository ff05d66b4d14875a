package com.layerlab.app.ui.compare;

import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.lab.CompareActivation;
import com.layerlab.app.lab.CompareLinks;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.training.Run;
import com.layerlab.app.ui.store.SaveExperimentDialog;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * "Save" on the comparison: every network with its weights as they are when Save is pressed, its curves
 * and the run's TensorBoard files, as one experiment under one short link.
 */
final class CompareSaveButton extends Button {

    CompareSaveButton(ExperimentStore store, CurrentOwner owner, Supplier<Run<?>> shown,
                      Supplier<CompareLinks.State> state) {
        super("Save", VaadinIcon.CLOUD_UPLOAD_O.create());
        setId("compare-save");
        setTooltipText("Save every network of this comparison with what it has learned, and get a short link to it");
        addClickListener(e -> open(store, owner.key(), shown.get(), state.get()));
    }

    private static void open(ExperimentStore store, String ownerKey, Run<?> run, CompareLinks.State state) {
        if (run == null || !run.isAlive()) {
            Notification.show("There is no comparison to save: press Play, or reload the page.", 4000,
                    Notification.Position.MIDDLE);
            return;
        }
        int epoch = run.status().epoch();
        String name = state.settings().dataset() + ", " + state.activations().stream()
                .map(CompareActivation::layerType).collect(Collectors.joining(" vs ")) + ", epoch " + epoch;
        new SaveExperimentDialog(name, "Saves every network of this comparison with its weights as they are when "
                + "you press Save (epoch " + epoch + " now), its loss curves and its TensorBoard files.",
                (n, pub) -> store.saveComparison(run, ownerKey, n, pub)).open();
    }
}
