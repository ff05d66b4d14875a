package com.layerlab.app.ui;

import com.layerlab.app.lab.CnnDataService;
import com.layerlab.app.lab.CnnLimits;
import com.layerlab.app.training.CnnTraining;
import com.layerlab.app.training.RunLogs;
import com.layerlab.app.training.TrainingSlots;
import com.layerlab.engine.experiment.Experiment;
import com.vaadin.flow.component.Component;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Starts CNN lab trainings for pages and keeps the server safe: each training belongs to one page and
 * ends when the page detaches (closed tab, navigation, expired session) or goes silent, and at most
 * {@code layerlab.cnn.max-sessions} compute at once (an image network can keep a core busy),
 * {@code layerlab.cnn.max-per-visitor} of them for one visitor; a paused or finished training computes
 * nothing ({@link TrainingSlots}). Each training logs into a folder of {@link RunLogs}.
 */
@Service
public class CnnTrainingService {

    private final PageTrainings<CnnTraining> trainings;
    private final CnnDataService data;
    private final RunLogs runLogs;

    public CnnTrainingService(CnnDataService data, RunLogs runLogs, PageWatch pages,
                              @Value("${layerlab.cnn.max-per-visitor:1}") int maxPerVisitor) {
        this.data = data;
        this.runLogs = runLogs;
        this.trainings = new PageTrainings<>(new TrainingSlots(data.limits().maxSessions(), maxPerVisitor,
                "image networks"), pages);
    }

    public CnnLimits limits() {
        return data.limits();
    }

    /**
     * Starts training for an attached component; frames arrive through {@code UI.access}, and the
     * training ends when the component detaches. While the server has no slot free for it, it waits
     * ({@link CnnTraining.Phase#WAITING}), and its frames say why.
     */
    public CnnTraining start(Component owner, List<Experiment> experiments, Consumer<CnnTraining.Frame> onFrame) {
        return start(owner, experiments, null, onFrame);
    }

    /** As above, the runs starting from {@code startWeights} (a fork: one safetensors file per experiment). */
    public CnnTraining start(Component owner, List<Experiment> experiments, List<byte[]> startWeights,
                             Consumer<CnnTraining.Frame> onFrame) {
        return trainings.start(owner, (delivery, slot, onEnd) -> new CnnTraining(experiments, startWeights,
                data.dataDir(), runLogs.open("cnn"), onFrame, delivery, limits().frameInterval(), slot, onEnd));
    }

    /** Trainings whose thread still runs, whatever they do. */
    public int activeCount() {
        return trainings.activeCount();
    }

    /** Trainings computing now (holding a slot). */
    public int computingCount() {
        return trainings.slots().computing();
    }
}
