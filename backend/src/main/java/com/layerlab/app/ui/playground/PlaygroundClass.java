package com.layerlab.app.ui.playground;

import com.layerlab.app.classroom.ChallengeScorer;
import com.layerlab.app.classroom.ClassEvents;
import com.layerlab.app.classroom.Classrooms;
import com.layerlab.app.classroom.Push;
import com.layerlab.app.classroom.ViewStates;
import com.layerlab.app.lab.ControlLocks;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.Page;
import com.layerlab.app.ui.classroom.StudentClass;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The playground in a class ({@link StudentClass}: the seat, the bar, the push, the locked controls), and a
 * challenge's locks on its settings: every setting the page applies goes through {@link #enforce}, whatever
 * asked for it (a control, a link of the student's own, a fork), so a locked control stays as the teacher
 * pushed it.
 */
final class PlaygroundClass extends StudentClass {

    /** The challenge whose settings {@link #pushed} holds (parsed once per push). */
    private Push parsedPush;
    private PlaygroundSettings pushed;

    PlaygroundClass(Classrooms classrooms, ClassEvents events, ChallengeScorer scorer, ExperimentStore store,
                    Consumer<String> onLeft) {
        super(classrooms, events, scorer, store, Page.PLAYGROUND, onLeft);
    }

    /**
     * {@code wanted} with the locked controls set back to the push's ({@link ControlLocks#enforce}); when
     * it changed a locked one, {@code notice} hears which.
     */
    PlaygroundSettings enforce(PlaygroundSettings wanted, Consumer<String> notice) {
        Optional<Push> challenge = challenge();
        if (challenge.isEmpty()) {
            return wanted;
        }
        Push p = challenge.get();
        if (p != parsedPush) {
            parsedPush = p;
            pushed = ViewStates.settings(p.viewState());
        }
        var unlocked = p.challenge().unlocked();
        ControlLocks.violated(unlocked, pushed, wanted).ifPresent(c -> notice.accept(StudentClass.lockedText(c)));
        return ControlLocks.enforce(unlocked, pushed, wanted);
    }
}
