package com.layerlab.app.training;

import com.layerlab.app.lab.CompareLinks;
import com.layerlab.app.lab.CompareStats;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.PointProbes;
import com.layerlab.engine.train.Trainer;
import java.util.ArrayList;
import java.util.List;

/**
 * What the playground and the comparison draw of a 2D run ({@link FrameMaker}): with every frame, per
 * trainer, its output map, weights, gradient sizes, last step and latest epoch's losses
 * ({@link RunSnapshot}), and for the playground every neuron's map, for the comparison what its hidden
 * activations look like ({@link CompareStats}); the training and test points, which never change, once
 * per page.
 */
public final class PointFrames implements FrameMaker<PointFrames.Frame> {

    /** The output map's resolution, cells per side. */
    public static final int GRID_N = 64;
    /** The playground's per-neuron maps' resolution. */
    public static final int NEURON_N = 20;

    /**
     * One trainer's points, encoded for the heat map ({@link PlotData#points}).
     *
     * @param regressionScale the scale a regression's values are drawn on (the largest |label|); 0 for a
     *                        classification
     */
    public record Points(String train, String test, double regressionScale) {
    }

    /**
     * One trainer as it is now.
     *
     * @param activations its hidden activations measured ({@link #comparison()}), else null
     */
    public record Item(Experiment experiment, RunSnapshot snapshot, CompareStats activations) {
    }

    /**
     * A frame: where the run is, one item per trainer (none before they are built), and each trainer's
     * points when the page has not had them yet (else null).
     */
    public record Frame(RunStatus status, List<Item> items, List<Points> points) {
    }

    private final int neuronN;
    private final boolean measureActivations;

    // training-thread state
    private List<Points> points;
    private long version;

    private PointFrames(int neuronN, boolean measureActivations) {
        this.neuronN = neuronN;
        this.measureActivations = measureActivations;
    }

    /** The playground's frames: the output map and every neuron's map. */
    public static PointFrames playground() {
        return new PointFrames(NEURON_N, false);
    }

    /** The comparison's frames: the output maps and the hidden activations of runs named by their activation. */
    public static PointFrames comparison() {
        return new PointFrames(0, true);
    }

    @Override
    public void started(List<Trainer> trainers) {
        List<Points> all = new ArrayList<>();
        for (Trainer t : trainers) {
            PointProbes probes = new PointProbes(t);
            Experiment e = t.experiment();
            double scale = e.isClassification() ? 0 : probes.labelScale();
            double drawn = scale > 0 ? scale : 1;
            all.add(new Points(RunSnapshot.encodePoints(probes.trainPoints(), e, drawn),
                    RunSnapshot.encodePoints(probes.testPoints(), e, drawn), scale));
        }
        points = List.copyOf(all);
        version++;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public Frame frame(RunStatus status, List<Trainer> trainers, long seen) {
        List<Item> items = new ArrayList<>();
        for (Trainer t : trainers) {
            Experiment e = t.experiment();
            CompareStats activations = measureActivations ? CompareStats.measure(CompareLinks.activationOf(e), t) : null;
            items.add(new Item(e, RunSnapshot.of(t, GRID_N, neuronN), activations));
        }
        return new Frame(status, List.copyOf(items), points != null && version > seen ? points : null);
    }
}
