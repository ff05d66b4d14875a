package com.layerlab.app;

import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.TrainingRun;
import com.vaadin.flow.component.Component;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Starts live trainings for pages and keeps the server safe: each training belongs to one page and
 * ends when the page detaches (closed tab, navigation, expired session), and no more than
 * {@code layerlab.live.max-sessions} run at once. Each training logs into a folder of {@link RunLogs}.
 */
@Service
public class LiveTrainingService {

    private final PageTrainings<LiveTraining<?>> trainings = new PageTrainings<>();
    private final LiveTraining.Limits limits;
    private final int maxSessions;
    private final RunLogs runLogs;

    public LiveTrainingService(RunLogs runLogs,
                               @Value("${layerlab.live.max-sessions:32}") int maxSessions,
                               @Value("${layerlab.live.max-epochs:10000}") int maxEpochs,
                               @Value("${layerlab.live.max-play-minutes:10}") int maxPlayMinutes,
                               @Value("${layerlab.live.max-epochs-per-second:120}") int maxEpochsPerSecond,
                               @Value("${layerlab.live.frame-interval-ms:100}") int frameIntervalMs) {
        this.runLogs = runLogs;
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
        if (trainings.activeCount() >= maxSessions) {
            throw new BusyException("The server is training " + trainings.activeCount()
                    + " networks for other visitors right now. Please try again in a minute.");
        }
        String page = owner.getClass().getSimpleName().replace("View", "");
        return trainings.start(owner, (delivery, onEnd) -> new LiveTraining<>(experiments, snapshot, onFrame, delivery,
                limits, runLogs.open(page), onEnd));
    }

    /** Whether the training with this {@link LiveTraining#id()} still runs. */
    public boolean isRunning(long id) {
        return trainings.isRunning(id);
    }

    /** Live trainings whose thread is running. */
    public int activeCount() {
        return trainings.activeCount();
    }

    /** The server is at its limit of live trainings; the message is meant for the user. */
    public static final class BusyException extends RuntimeException {
        public BusyException(String message) {
            super(message);
        }
    }
}
