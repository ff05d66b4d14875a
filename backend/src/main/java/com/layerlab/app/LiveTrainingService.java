package com.layerlab.app;

import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.TrainingRun;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.shared.Registration;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Starts live trainings for pages and keeps the server safe: each training belongs to one page and
 * ends when the page detaches (closed tab, navigation, expired session), and no more than
 * {@code layerlab.live.max-sessions} run at once.
 */
@Service
public class LiveTrainingService {

    private final Set<LiveTraining<?>> active = ConcurrentHashMap.newKeySet();
    private final LiveTraining.Limits limits;
    private final int maxSessions;

    public LiveTrainingService(@Value("${layerlab.live.max-sessions:32}") int maxSessions,
                               @Value("${layerlab.live.max-epochs:10000}") int maxEpochs,
                               @Value("${layerlab.live.max-play-minutes:10}") int maxPlayMinutes,
                               @Value("${layerlab.live.max-epochs-per-second:120}") int maxEpochsPerSecond,
                               @Value("${layerlab.live.frame-interval-ms:100}") int frameIntervalMs) {
        this.maxSessions = maxSessions;
        this.limits = new LiveTraining.Limits(maxEpochs, Duration.ofMinutes(maxPlayMinutes), maxEpochsPerSecond,
                Duration.ofMillis(frameIntervalMs));
    }

    public LiveTraining.Limits limits() {
        return limits;
    }

    /**
     * Starts training for an attached component; frames arrive through {@code UI.access}, and the
     * training ends when the component detaches.
     *
     * @throws BusyException when the server already runs its maximum of live trainings
     */
    public <F> LiveTraining<F> start(Component owner, List<Experiment> experiments,
                                     Function<List<TrainingRun>, F> snapshot,
                                     Consumer<LiveTraining.Frame<F>> onFrame) {
        UI ui = owner.getUI().orElseThrow(() -> new IllegalStateException("start live training from an attached component"));
        if (active.size() >= maxSessions) {
            throw new BusyException("The server is training " + active.size()
                    + " networks for other visitors right now. Please try again in a minute.");
        }
        AtomicReference<LiveTraining<F>> self = new AtomicReference<>();
        AtomicReference<Registration> detach = new AtomicReference<>();
        LiveTraining.Delivery delivery = task -> {
            try {
                ui.access(task::run);
                return true;
            } catch (UIDetachedException e) {
                return false;
            }
        };
        LiveTraining<F> training = new LiveTraining<>(experiments, snapshot, onFrame, delivery, limits, () -> {
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

    /** Whether the training with this {@link LiveTraining#id()} still runs. */
    public boolean isRunning(long id) {
        return active.stream().anyMatch(t -> t.id() == id && t.isAlive());
    }

    /** Live trainings whose thread is running. */
    public int activeCount() {
        active.removeIf(t -> !t.isAlive());
        return active.size();
    }

    /** The server is at its limit of live trainings; the message is meant for the user. */
    public static final class BusyException extends RuntimeException {
        public BusyException(String message) {
            super(message);
        }
    }
}
