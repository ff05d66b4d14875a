package com.layerlab.app;

import com.layerlab.engine.experiment.Experiment;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.shared.Registration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.springframework.stereotype.Service;

/**
 * Starts CNN lab trainings for pages and keeps the server safe: each training belongs to one page and
 * ends when the page detaches (closed tab, navigation, expired session), and at most
 * {@code layerlab.cnn.max-sessions} train at once (an image network can keep a core busy).
 */
@Service
public class CnnTrainingService {

    private final Set<CnnTraining> active = ConcurrentHashMap.newKeySet();
    private final CnnDataService data;

    public CnnTrainingService(CnnDataService data) {
        this.data = data;
    }

    public CnnLimits limits() {
        return data.limits();
    }

    /**
     * Starts training for an attached component; frames arrive through {@code UI.access}, and the
     * training ends when the component detaches.
     *
     * @throws BusyException when the server trains its maximum of CNNs already
     */
    public CnnTraining start(Component owner, List<Experiment> experiments, Consumer<CnnTraining.Frame> onFrame) {
        UI ui = owner.getUI().orElseThrow(() -> new IllegalStateException("start training from an attached component"));
        active.removeIf(t -> !t.isAlive());
        if (active.size() >= limits().maxSessions()) {
            throw new BusyException("The server is training " + active.size() + " image networks for other visitors "
                    + "right now. Please try again in a minute.");
        }
        AtomicReference<CnnTraining> self = new AtomicReference<>();
        AtomicReference<Registration> detach = new AtomicReference<>();
        CnnTraining.Delivery delivery = task -> {
            try {
                ui.access(task::run);
                return true;
            } catch (UIDetachedException e) {
                return false;
            }
        };
        Path logs;
        try {
            logs = Files.createTempDirectory("layerlab-cnn-");
        } catch (IOException e) {
            logs = null; // train without TensorBoard files rather than not at all
        }
        CnnTraining training = new CnnTraining(experiments, data.dataDir(), logs, onFrame, delivery, limits().frameInterval(), () -> {
            active.remove(self.get());
            Registration r = detach.get();
            if (r != null) {
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

    /** Trainings whose thread still runs. */
    public int activeCount() {
        active.removeIf(t -> !t.isAlive());
        return active.size();
    }

    /** The server is at its limit; the message is meant for the user. */
    public static final class BusyException extends RuntimeException {
        public BusyException(String message) {
            super(message);
        }
    }
}
