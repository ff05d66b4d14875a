package com.layerlab.app.ui.cnn;

import com.layerlab.app.classroom.ChallengeScorer;
import com.layerlab.app.classroom.ClassEvents;
import com.layerlab.app.classroom.Classrooms;
import com.layerlab.app.classroom.Push;
import com.layerlab.app.classroom.ViewStates;
import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.lab.ControlLocks;
import com.layerlab.app.lab.ControlLocks.Control;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.Page;
import com.layerlab.app.ui.classroom.StudentClass;
import com.layerlab.engine.experiment.Experiment;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The CNN lab in a class ({@link StudentClass}: the seat, the bar, the push, the locked controls), and a
 * challenge's locks on its experiment: every experiment the lab applies (a control, a preset, a link of the
 * student's own, a fork, a reload) goes through {@link #enforce}, so a locked control stays as the teacher
 * pushed it; {@link #lock} disables the locked controls. Comparing activations trains other layer stacks
 * (one per activation), so a challenge that locks the layer stack turns it off.
 */
final class CnnClass extends StudentClass {

    /** The challenge whose experiment {@link #pushed} holds (parsed once per push). */
    private Push parsedPush;
    private Experiment pushed;

    CnnClass(Classrooms classrooms, ClassEvents events, ChallengeScorer scorer, ExperimentStore store, Consumer<String> onLeft) {
        super(classrooms, events, scorer, store, Page.CNN, onLeft);
    }

    /**
     * {@code wanted} with the locked controls set back to the push's ({@link ControlLocks#enforce}), and no
     * comparison while the layer stack is locked; when it changed a locked control, {@code notice} hears which.
     */
    CnnLinks.State enforce(CnnLinks.State wanted, Consumer<String> notice) {
        Optional<Push> challenge = challenge();
        if (challenge.isEmpty()) {
            return wanted;
        }
        Push p = challenge.get();
        if (p != parsedPush) {
            parsedPush = p;
            pushed = ViewStates.cnn(p.viewState());
        }
        Set<Control> unlocked = p.challenge().unlocked();
        Optional<Control> refused = ControlLocks.violated(unlocked, pushed, wanted.experiment());
        if (refused.isEmpty() && wanted.comparing() && !unlocked.contains(Control.LAYER_STACK)) {
            refused = Optional.of(Control.LAYER_STACK);
        }
        refused.ifPresent(c -> notice.accept(StudentClass.lockedText(c)));
        Experiment allowed = ControlLocks.enforce(unlocked, pushed, wanted.experiment());
        return new CnnLinks.State(allowed, unlocked.contains(Control.LAYER_STACK) ? wanted.compare() : List.of());
    }

    /** Whether a comparison of activations may be turned on (not while a challenge locks the layer stack). */
    boolean mayCompare() {
        return !locked().contains(Control.LAYER_STACK);
    }

    /** Disables the locked controls of the page's parts (and enables every other one). */
    void lock(CnnToolbar toolbar, CnnDataPanel data, CnnLayerEditor editor) {
        Set<Control> locked = locked();
        toolbar.lock(locked);
        data.lock(locked.contains(Control.DATASET));
        editor.lock(locked.contains(Control.LAYER_STACK));
    }
}
