package com.layerlab.app.training;

import com.layerlab.engine.train.EpochStats;
import com.layerlab.engine.train.ImageProbes;
import com.layerlab.engine.train.StepReport;
import com.layerlab.engine.train.StepResult;
import com.layerlab.engine.train.Trainer;
import java.util.ArrayList;
import java.util.List;

/**
 * What the CNN lab draws of an image run ({@link FrameMaker}): progress and the training loss of the
 * latest batches with every frame, and the details of every trainer (confusion matrix, predictions,
 * feature maps, filters) after every epoch, when a step asked for is done, when the run stops, and when
 * a page picks another image ({@link #choose}). Details are sent to each page once.
 */
public final class CnnFrames implements FrameMaker<CnnFrames.Frame> {

    /** How many test images the page shows with their predictions (enough that the wrong ones alone are several). */
    public static final int PREDICTIONS = 48;
    /** About how many training-loss points an epoch adds to the curve (the mean loss of the batches between two). */
    public static final int BATCH_POINTS_PER_EPOCH = 25;

    /** Where the run is, as the lab says it; WAITING: for a training slot, the progress's message saying why. */
    public enum Phase {
        WAITING, LOADING, TRAINING, PAUSED, STOPPED, DONE, FAILED;

        /** Whether the run is over: done, stopped or failed. */
        public boolean ended() {
            return this == DONE || this == STOPPED || this == FAILED;
        }

        /** Whether the run has built its model and trains or trained it: its weights are worth saving. */
        public boolean hasModel() {
            return this == TRAINING || this == PAUSED || this == STOPPED || this == DONE;
        }
    }

    /**
     * Where the run is.
     *
     * @param epoch        completed epochs
     * @param batch        batches done in the epoch under way
     * @param progress     epochs done, the one under way as a fraction (3.25)
     * @param epochEta     seconds left in this epoch, NaN when unknown
     * @param totalEta     seconds left in the whole run, NaN when unknown
     * @param learningRate the rate the trainers train with now (NaN before they are built)
     */
    public record Progress(Phase phase, int epoch, int epochs, int batch, int batches, double progress,
                           double imagesPerSecond, double epochEta, double totalEta, double learningRate, String message) {
    }

    /**
     * One trainer's curve points (epoch 0 first: the untrained model), its training loss batch by batch
     * and its latest gradient sizes.
     */
    public record RunHistory(String name, List<EpochStats> stats, List<LossPoint> batchLosses, List<String> gradientLayers,
                             double[] gradientNorms, StepReport lastStep) {
    }

    /**
     * The mean training loss of the batches since the previous point.
     *
     * @param x where in the training: epochs done, fractions included (1.5: half way through epoch 2)
     */
    public record LossPoint(double x, double loss) {
    }

    /** A test image's class and the three classes the model rates highest, with their probabilities. */
    public record Guess(int index, int label, int[] top, float[] probabilities) {
    }

    /** An image or a stack of maps, CHW. */
    public record Planes(int[] shape, float[] values) {
    }

    /** One layer's output for the chosen image. */
    public record LayerOutput(int layer, String type, Planes output) {
    }

    /** What the page shows of one trainer: {@code epoch} is the epochs completed when its predictions were made. */
    public record Details(int run, int epoch, List<String> classNames, int[][] confusion, List<Guess> guesses,
                          List<Planes> images, int chosen, Planes chosenImage, List<LayerOutput> featureMaps, Planes filters) {
    }

    /** A frame: progress always, the trainers' histories, and details the page has not had yet (else null). */
    public record Frame(Progress progress, List<RunHistory> runs, List<Details> details) {
    }

    private final List<String> names;

    // training-thread state
    private final List<List<LossPoint>> batchLosses = new ArrayList<>();
    private double[] lossSums = new double[0];
    private int[] lossCounts = new int[0];
    private List<Details> details;
    private long version;
    private int stepsSinceDetails;
    private int chosen;
    private List<Planes> testImages;

    /** @param names the trainers' names, for the curves' legends (the experiments' names) */
    public CnnFrames(List<String> names) {
        this.names = List.copyOf(names);
    }

    @Override
    public void started(List<Trainer> trainers) {
        lossSums = new double[trainers.size()];
        lossCounts = new int[trainers.size()];
        for (int i = 0; i < trainers.size(); i++) {
            if (i == batchLosses.size()) {
                batchLosses.add(new ArrayList<>());
            } else {
                // built anew from a checkpoint (its device failed): the batches after it are trained again
                int from = trainers.get(i).epoch();
                batchLosses.get(i).removeIf(p -> p.x() > from);
            }
        }
        details(trainers);
    }

    @Override
    public void stepped(List<Trainer> trainers, List<StepResult> steps) {
        stepsSinceDetails++;
        for (int i = 0; i < steps.size(); i++) {
            StepResult s = steps.get(i);
            if (Double.isFinite(s.loss())) {
                lossSums[i] += s.loss();
                lossCounts[i]++;
            }
            int every = Math.max(1, Math.round((float) s.batches() / BATCH_POINTS_PER_EPOCH));
            if ((s.batch() % every == 0 || s.batch() == s.batches()) && lossCounts[i] > 0) {
                batchLosses.get(i).add(new LossPoint(s.epoch() - 1 + (double) s.batch() / s.batches(),
                        lossSums[i] / lossCounts[i]));
                lossSums[i] = 0;
                lossCounts[i] = 0;
            }
        }
        if (steps.get(0).endedEpoch()) {
            details(trainers);
        }
    }

    @Override
    public void held(List<Trainer> trainers) {
        if (stepsSinceDetails > 0) {
            details(trainers);
        }
    }

    @Override
    public long version() {
        return version;
    }

    /**
     * Shows test image {@code index}'s feature maps in every trainer's details, as the weights are now; on
     * the training thread ({@code run.call(t -> frames.choose(t, index))}).
     *
     * @return the index
     * @throws IllegalArgumentException when there is no such test image
     */
    public int choose(List<Trainer> trainers, int index) {
        if (trainers.isEmpty()) {
            throw new IllegalArgumentException("there is no test image " + index);
        }
        requireTestImage(trainers.get(0), index);
        chosen = index;
        if (details == null) {
            return index;
        }
        List<Details> updated = new ArrayList<>();
        for (Details d : details) {
            updated.add(choose(d, trainers.get(d.run()), chosen));
        }
        details = updated;
        version++;
        return index;
    }

    /**
     * What the lab's details show of one trainer, as its weights are now, with test image {@code chosen}'s
     * feature maps: for a page that draws a trainer it does not train (a saved experiment's weights).
     *
     * @throws IllegalArgumentException when there is no such test image
     */
    public static Details details(Trainer t, int chosen) {
        requireTestImage(t, chosen);
        return details(0, t, chosen, null);
    }

    /**
     * {@code d} with test image {@code index}'s feature maps instead, from trainer {@code t}'s weights.
     *
     * @throws IllegalArgumentException when there is no such test image
     */
    public static Details choose(Details d, Trainer t, int index) {
        requireTestImage(t, index);
        boolean training = t.model().isTraining();
        try {
            return new Details(d.run(), d.epoch(), d.classNames(), d.confusion(), d.guesses(), d.images(), index,
                    image(t, index), featureMaps(t, index), d.filters());
        } finally {
            t.model().train(training);
        }
    }

    private static void requireTestImage(Trainer t, int index) {
        if (index < 0 || index >= t.data().testSize()) {
            throw new IllegalArgumentException("there is no test image " + index);
        }
    }

    /** Everything the page shows of every trainer, as the weights are now. */
    private void details(List<Trainer> trainers) {
        if (chosen >= trainers.get(0).data().testSize()) {
            chosen = 0;
        }
        List<Details> all = new ArrayList<>();
        for (int i = 0; i < trainers.size(); i++) {
            Details d = details(i, trainers.get(i), chosen, testImages);
            // the same test images for every trainer: same data, same split
            testImages = d.images();
            all.add(d);
        }
        details = all;
        version++;
        stepsSinceDetails = 0;
    }

    /** The details of trainer {@code run}; {@code images}: the pictures of its predictions' test images when known. */
    private static Details details(int run, Trainer t, int chosen, List<Planes> images) {
        ImageProbes probes = new ImageProbes(t);
        boolean training = t.model().isTraining();
        try {
            List<Guess> guesses = new ArrayList<>();
            for (var p : probes.predictions(PREDICTIONS)) {
                guesses.add(new Guess(p.index(), p.label(), p.top().clone(), p.topProb().clone()));
            }
            if (images == null) {
                images = new ArrayList<>();
                for (Guess g : guesses) {
                    images.add(image(t, g.index()));
                }
            }
            return new Details(run, t.epoch(), List.copyOf(probes.classNames()), probes.confusionMatrix(), guesses,
                    images, chosen, image(t, chosen), featureMaps(t, chosen), filters(t));
        } finally {
            t.model().train(training);
        }
    }

    private static Planes image(Trainer t, int index) {
        return new Planes(t.inputShape().clone(), new ImageProbes(t).testImage(index));
    }

    private static List<LayerOutput> featureMaps(Trainer t, int index) {
        List<LayerOutput> maps = new ArrayList<>();
        for (var f : new ImageProbes(t).featureMaps(index)) {
            maps.add(new LayerOutput(f.layer(), f.type(), new Planes(f.shape().clone(), f.values())));
        }
        return maps;
    }

    private static Planes filters(Trainer t) {
        ImageProbes probes = new ImageProbes(t);
        float[] w = probes.firstLayerFilters();
        int[] shape = probes.firstLayerFilterShape();
        return w == null || shape == null ? null : new Planes(shape.clone(), w);
    }

    @Override
    public Frame frame(RunStatus status, List<Trainer> trainers, long seen) {
        List<RunHistory> h = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            Trainer t = i < trainers.size() ? trainers.get(i) : null;
            List<EpochStats> stats = t == null ? List.of() : t.history();
            List<LossPoint> losses = i < batchLosses.size() ? List.copyOf(batchLosses.get(i)) : List.of();
            List<String> layers = t == null ? List.of() : List.copyOf(t.stepProbe().layers());
            double[] norms = t == null ? new double[0] : t.stepProbe().gradientNorms().clone();
            h.add(new RunHistory(names.get(i), stats, losses, layers, norms, t == null ? null : t.stepProbe().lastStep()));
        }
        return new Frame(progress(status), h, details != null && version > seen ? details : null);
    }

    private static Progress progress(RunStatus s) {
        Phase phase = switch (s.state()) {
            case QUEUED -> s.message() == null ? Phase.LOADING : Phase.WAITING;
            case RUNNING -> s.loading() ? Phase.LOADING : Phase.TRAINING;
            case PAUSED -> Phase.PAUSED;
            case FINISHED -> Phase.DONE;
            case STOPPED, INTERRUPTED -> Phase.STOPPED;
            case FAILED -> Phase.FAILED;
        };
        return new Progress(phase, s.epoch(), s.epochs(), s.batch(), s.batches(), s.progress(), s.samplesPerSecond(),
                s.epochEta(), s.totalEta(), s.learningRate(), s.message());
    }
}
