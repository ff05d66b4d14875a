package com.layerlab.app;

import com.layerlab.engine.experiment.Experiment;
import com.vaadin.flow.component.Component;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.stereotype.Service;

/**
 * Starts CNN lab trainings for pages and keeps the server safe: each training belongs to one page and
 * ends when the page detaches (closed tab, navigation, expired session), and at most
 * {@code layerlab.cnn.max-sessions} train at once (an image network can keep a core busy). Each
 * training logs into a folder of {@link RunLogs}.
 */
@Service
public class CnnTrainingService {

    private final PageTrainings<CnnTraining> trainings = new PageTrainings<>();
    private final CnnDataService data;
    private final RunLogs runLogs;

    public CnnTrainingService(CnnDataService data, RunLogs runLogs) {
        this.data = data;
        this.runLogs = runLogs;
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
        int running = trainings.activeCount();
        if (running >= limits().maxSessions()) {
            throw new BusyException("The server is training " + running + " image networks for other visitors "
                    + "right now. Please try again in a minute.");
        }
        return trainings.start(owner, (delivery, onEnd) -> new CnnTraining(experiments, data.dataDir(), runLogs.open("cnn"),
                onFrame, delivery, limits().frameInterval(), onEnd));
    }

    /** Trainings whose thread still runs. */
    public int activeCount() {
        return trainings.activeCount();
    }

    /** The server is at its limit; the message is meant for the user. */
    public static final class BusyException extends RuntimeException {
        public BusyException(String message) {
            super(message);
        }
    }
}
