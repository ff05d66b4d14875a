package com.layerlab.app.ui;

import com.layerlab.app.lab.DataFolder;
import java.nio.file.Path;
import com.layerlab.app.training.LiveTraining;
import com.layerlab.app.training.RunLogs;
import com.layerlab.app.training.TrainingSlots;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.Trainer;
import com.vaadin.flow.component.Component;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Starts live trainings for pages and keeps the server safe: each training belongs to one page and
 * ends when the page detaches (closed tab, navigation, expired session) or goes silent, and no more
 * than {@code layerlab.live.max-sessions} compute at once, {@code layerlab.live.max-per-visitor} of them
 * for one visitor (a page that is only open, paused or finished computes nothing: see
 * {@link TrainingSlots}). Each training logs into a folder of {@link RunLogs}.
 */
@Service
public class LiveTrainingService {

    private final PageTrainings<LiveTraining<?>> trainings;
    private final LiveTraining.Limits limits;
    private final RunLogs runLogs;
    private final Path dataDir;

    public LiveTrainingService(RunLogs runLogs, PageWatch pages, DataFolder dataFolder,
                               @Value("${layerlab.live.max-sessions:32}") int maxSessions,
                               @Value("${layerlab.live.max-per-visitor:4}") int maxPerVisitor,
                               @Value("${layerlab.live.max-epochs:10000}") int maxEpochs,
                               @Value("${layerlab.live.max-play-minutes:10}") int maxPlayMinutes,
                               @Value("${layerlab.live.max-epochs-per-second:120}") int maxEpochsPerSecond,
                               @Value("${layerlab.live.frame-interval-ms:100}") int frameIntervalMs) {
        this.runLogs = runLogs;
        this.dataDir = dataFolder.path();
        this.trainings = new PageTrainings<>(new TrainingSlots(maxSessions, maxPerVisitor, "networks"), pages);
        this.limits = new LiveTraining.Limits(maxEpochs, Duration.ofMinutes(maxPlayMinutes), maxEpochsPerSecond,
                Duration.ofMillis(frameIntervalMs));
    }

    public LiveTraining.Limits limits() {
        return limits;
    }

    /**
     * Starts training for an attached component, paused; frames arrive through {@code UI.access}, and
     * the training ends when the component detaches. While the server has no slot free for it, playing
     * waits, and its frames say why ({@link LiveTraining.Status#waiting()}).
     */
    public <F> LiveTraining<F> start(Component owner, List<Experiment> experiments,
                                     Function<List<Trainer>, F> snapshot,
                                     Consumer<LiveTraining.Frame<F>> onFrame) {
        return start(owner, experiments, null, snapshot, onFrame);
    }

    /** As above, the runs starting from {@code startWeights} (a fork: one safetensors file per experiment). */
    public <F> LiveTraining<F> start(Component owner, List<Experiment> experiments, List<byte[]> startWeights,
                                     Function<List<Trainer>, F> snapshot,
                                     Consumer<LiveTraining.Frame<F>> onFrame) {
        String page = owner.getClass().getSimpleName().replace("View", "");
        return trainings.start(owner, (delivery, slot, onEnd) -> new LiveTraining<>(experiments, startWeights, snapshot,
                onFrame, delivery, limits, runLogs.open(page), slot, onEnd, dataDir));
    }

    /** Whether the training with this {@link LiveTraining#id()} still runs. */
    public boolean isRunning(long id) {
        return trainings.isRunning(id);
    }

    /** Live trainings whose thread is running, whatever they do. */
    public int activeCount() {
        return trainings.activeCount();
    }

    /** Live trainings computing now (holding a slot). */
    public int computingCount() {
        return trainings.slots().computing();
    }
}
