package com.layerlab.app.ui;

import com.layerlab.app.training.TrainingSlots;
import com.layerlab.app.training.TrainingThread;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.shared.Registration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trainings of one kind that pages run, and how a training is tied to its page: its frames go
 * through the page's {@code UI.access}; it ends when the page detaches (closed tab, navigation,
 * expired session) or goes silent ({@link PageWatch}: a killed browser, an unload that did not
 * arrive), whatever state it is in; it computes only with a slot of {@link TrainingSlots}, its visitor
 * being the page's session; and it leaves this set when its thread ends.
 *
 * @param <T> the kind of training
 */
final class PageTrainings<T extends TrainingThread<?>> {

    /** Makes a training, not yet started, from what ties it to its page. */
    @FunctionalInterface
    interface Maker<U> {
        U make(TrainingThread.Delivery delivery, TrainingSlots.Claim slot, Runnable onEnd);
    }

    private final Set<T> active = ConcurrentHashMap.newKeySet();
    private final TrainingSlots slots;
    private final PageWatch watch;

    PageTrainings(TrainingSlots slots, PageWatch watch) {
        this.slots = slots;
        this.watch = watch;
    }

    TrainingSlots slots() {
        return slots;
    }

    /** Trainings whose thread still runs, whatever they do (computing, paused, finished, waiting). */
    int activeCount() {
        active.removeIf(t -> !t.isAlive());
        return active.size();
    }

    boolean isRunning(long id) {
        return active.stream().anyMatch(t -> t.id() == id && t.isAlive());
    }

    /**
     * Makes a training for an attached component, ties it to the component's page, and starts it.
     */
    <U extends T> U start(Component owner, Maker<U> make) {
        UI ui = owner.getUI().orElseThrow(() -> new IllegalStateException("start training from an attached component"));
        Ties ties = new Ties(ui);
        U training = make.make(task -> {
            try {
                ui.access(task::run);
                return true;
            } catch (UIDetachedException e) {
                return false;
            }
        }, slots.claim(ui.getSession()), ties::undo);
        ties.training = training;
        ties.detach = owner.addDetachListener(e -> training.close("page closed"));
        ties.watch = watch.watch(ui, () -> training.close("page not heard from for " + watch.timeout().toSeconds() + " s"));
        active.add(training);
        // started last: its end (which undoes the ties) may come at once
        training.start();
        return training;
    }

    /** What ties one training to its page, undone when the training ends. */
    private final class Ties {
        private final UI ui;
        private T training;
        private Registration detach;
        private PageWatch.Watch watch;

        Ties(UI ui) {
            this.ui = ui;
        }

        void undo() {
            active.remove(training);
            watch.end();
            try {
                // removing a listener changes the component: do it where that is allowed
                ui.access(detach::remove);
            } catch (UIDetachedException e) {
                // the page is gone and its listeners with it
            }
        }
    }
}
