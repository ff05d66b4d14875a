package com.layerlab.app;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.shared.Registration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * The trainings of one kind that pages run, and how a training is tied to its page: its frames go
 * through the page's {@code UI.access}, it ends when the page detaches (closed tab, navigation,
 * expired session), and it leaves this set when its thread ends.
 *
 * @param <T> the kind of training
 */
final class PageTrainings<T extends TrainingThread<?>> {

    private final Set<T> active = ConcurrentHashMap.newKeySet();

    /** Trainings whose thread still runs. */
    int activeCount() {
        active.removeIf(t -> !t.isAlive());
        return active.size();
    }

    boolean isRunning(long id) {
        return active.stream().anyMatch(t -> t.id() == id && t.isAlive());
    }

    /**
     * Makes a training for an attached component and ties it to the component's page.
     *
     * @param make makes the training from its delivery and its end callback
     */
    <U extends T> U start(Component owner, BiFunction<TrainingThread.Delivery, Runnable, U> make) {
        UI ui = owner.getUI().orElseThrow(() -> new IllegalStateException("start training from an attached component"));
        AtomicReference<U> self = new AtomicReference<>();
        AtomicReference<Registration> detach = new AtomicReference<>();
        TrainingThread.Delivery delivery = task -> {
            try {
                ui.access(task::run);
                return true;
            } catch (UIDetachedException e) {
                return false;
            }
        };
        U training = make.apply(delivery, () -> {
            active.remove(self.get());
            Registration r = detach.get();
            if (r != null) {
                // removing a listener changes the component: do it where that is allowed
                try {
                    ui.access(r::remove);
                } catch (UIDetachedException e) {
                    // the page is gone and its listeners with it
                }
            }
        });
        self.set(training);
        active.add(training);
        detach.set(owner.addDetachListener(e -> training.close()));
        return training;
    }
}
