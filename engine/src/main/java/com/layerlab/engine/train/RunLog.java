package com.layerlab.engine.train;

import com.layerlab.engine.summary.SummaryWriter;
import com.layerlab.engine.tensor.Tensor;
import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.OptimizerSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A training run's TensorBoard log, the one place that decides what a {@link Trainer} logs: per epoch the losses, accuracies, learning rate, gradient sizes,
 * weight histograms and (for image models) the first layer's filters, for 2D sets the decision
 * boundary; once, a grid of training inputs; at the end the hyper-parameters with the final metrics.
 * Steps are epochs (0: untrained); the {@link LogSchedule} says which epochs are recorded. Scalars:
 * {@code loss/train}, {@code loss/test}, {@code accuracy/train}, {@code accuracy/test},
 * {@code learning_rate}, {@code gradient/<index>.<type>} ({@link StepProbe#gradientNorms()}); a histogram
 * of every state dict entry; images {@code inputs/train} (once), {@code filters/first_layer},
 * {@code boundary}.
 */
final class RunLog {

    static final String LOSS_TRAIN = "loss/train";
    static final String LOSS_TEST = "loss/test";
    static final String ACCURACY_TRAIN = "accuracy/train";
    static final String ACCURACY_TEST = "accuracy/test";
    static final String LEARNING_RATE = "learning_rate";
    static final String INPUTS = "inputs/train";
    static final String FILTERS = "filters/first_layer";
    static final String GRADIENT_PREFIX = "gradient/";
    static final String BOUNDARY = "boundary";

    private final SummaryWriter writer;
    private final LogSchedule schedule;
    private long lastStep = -1;
    private long lastDetailStep = -1;
    private boolean finished;

    RunLog(Path dir, LogSchedule schedule) {
        this.writer = new SummaryWriter(dir);
        this.schedule = schedule;
    }

    /**
     * Starts logging {@code t} into {@code dir}: for an image set a grid of 16 training inputs, then the
     * trainer's current statistics.
     */
    static RunLog open(Path dir, LogSchedule schedule, Trainer t) {
        RunLog l = new RunLog(dir, schedule);
        if (t.data() instanceof ImageData images) {
            int[] s = images.set().shape();
            float[] first = images.firstTrainImages(16);
            l.inputs(first, first.length / images.set().imageSize(), s[0], s[1], s[2]);
        }
        l.epoch(t, true);
        return l;
    }

    /** Records the trainer's current epoch where the schedule (or {@code always}: a start or an end) asks for it. */
    void epoch(Trainer t, boolean always) {
        EpochStats stats = t.stats();
        long step = stats.epoch();
        boolean scalars = step != lastStep && (always || schedule.scalarsAt(step));
        boolean details = step != lastDetailStep && (always || schedule.detailsAt(step));
        if (!scalars && !details) {
            return;
        }
        if (scalars) {
            StepProbe probe = t.stepProbe();
            scalars(stats, t.experiment().optimizer().lr(), probe.layers(), probe.gradientNorms());
        }
        if (details) {
            ImageProbes images = new ImageProbes(t);
            float[] boundary = t.data() instanceof PointData ? new PointProbes(t).boundaryImage() : null;
            details(step, t.model().stateDict(), images.firstLayerFilters(), images.firstLayerFilterShape(), boundary,
                    BoundaryImage.SIZE);
        }
        epochDone();
    }

    /**
     * Ends the log: the epoch the run ends at (if the schedule passed it over), the hyper-parameters with
     * the final metrics; closes the files.
     */
    void end(Trainer t) {
        try {
            epoch(t, true);
            finish(hparams(t), metrics(t.stats()));
        } finally {
            close();
        }
    }

    /** The run's settings for TensorBoard's HPARAMS tab. */
    private static Map<String, Object> hparams(Trainer t) {
        Experiment e = t.experiment();
        DataSpec d = e.data();
        OptimizerSpec o = e.optimizer();
        Map<String, Object> h = new LinkedHashMap<>();
        if (e.name() != null) {
            h.put("name", e.name());
        }
        h.put("dataset", d.dataset());
        h.put("seed", e.seed());
        h.put("model", e.model().stream().map(LayerSpec::type).collect(Collectors.joining(" ")));
        h.put("params", t.summary().totalParams());
        h.put("loss", e.loss().type());
        h.put("optimizer", o.type());
        h.put("lr", o.lr());
        if (o.type().equals(OptimizerSpec.SGD)) {
            h.put("momentum", o.momentum());
            h.put("nesterov", o.nesterov());
        } else {
            h.put("beta1", o.beta1());
            h.put("beta2", o.beta2());
        }
        h.put("weight_decay", o.weightDecay());
        h.put("regularization", e.regularization().type());
        h.put("regularization_rate", e.regularization().rate());
        h.put("batch_size", d.batchSize());
        h.put("shuffle", d.shuffle());
        h.put("drop_last", d.dropLast());
        h.put("train_fraction", d.trainFraction());
        h.put("epochs", t.epoch());
        return h;
    }

    private static Map<String, Double> metrics(EpochStats stats) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("hparam/loss_train", stats.trainLoss());
        m.put("hparam/loss_test", stats.testLoss());
        if (stats.testAccuracy() != null) {
            m.put("hparam/accuracy_train", stats.trainAccuracy());
            m.put("hparam/accuracy_test", stats.testAccuracy());
        }
        return m;
    }

    LogSchedule schedule() {
        return schedule;
    }

    /** The latest epoch whose scalars were recorded, -1 before the first. */
    long lastStep() {
        return lastStep;
    }

    /** The latest epoch whose histograms and images were recorded, -1 before the first. */
    long lastDetailStep() {
        return lastDetailStep;
    }

    Path dir() {
        return writer.logDir();
    }

    void inputs(float[] nchw, int n, int c, int h, int w) {
        if (n > 0) {
            writer.addImages(INPUTS, nchw, n, c, h, w, 0);
        }
    }

    /**
     * One epoch's scalars.
     *
     * @param gradientNames names of the layers in {@code gradientNorms} ("0 Conv2d", ...)
     */
    void scalars(EpochStats s, double lr, List<String> gradientNames, double[] gradientNorms) {
        long step = s.epoch();
        lastStep = step;
        writer.addScalar(LOSS_TRAIN, s.trainLoss(), step);
        writer.addScalar(LOSS_TEST, s.testLoss(), step);
        if (s.trainAccuracy() != null) {
            writer.addScalar(ACCURACY_TRAIN, s.trainAccuracy(), step);
            writer.addScalar(ACCURACY_TEST, s.testAccuracy(), step);
        }
        writer.addScalar(LEARNING_RATE, lr, step);
        if (step > 0) {
            for (int i = 0; i < gradientNames.size(); i++) {
                writer.addScalar(GRADIENT_PREFIX + gradientNames.get(i).replace(' ', '.'), gradientNorms[i], step);
            }
        }
    }

    /**
     * One epoch's histograms and images.
     *
     * @param filters  the first Conv2d's weight {@code [out, in, kh, kw]}, or null
     * @param boundary a 2D run's decision boundary, 3 x n x n, or null
     */
    void details(long step, Map<String, Tensor> state, float[] filters, int[] filterShape, float[] boundary, int n) {
        lastDetailStep = step;
        writer.addWeightHistograms(state, step);
        if (filters != null) {
            filterGrid(filters, filterShape, step);
        }
        if (boundary != null) {
            writer.addImage(BOUNDARY, boundary, 3, n, n, step);
        }
    }

    /** After an epoch: a run that logs every epoch writes it to disk now; a thinned one as its writer's queue fills. */
    void epochDone() {
        if (schedule == LogSchedule.EVERY_EPOCH) {
            writer.flush();
        }
    }

    /**
     * The filters as images, 0 shown grey, the largest |weight| black or white: one colour image per
     * filter when it has 3 input channels (one grey one for 1), else one grey image per filter and input
     * channel.
     */
    private void filterGrid(float[] w, int[] shape, long step) {
        float max = 0;
        for (float v : w) {
            max = Math.max(max, Math.abs(v));
        }
        float[] scaled = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            scaled[i] = max == 0 ? 0.5f : 0.5f + w[i] / (2 * max);
        }
        int out = shape[0];
        int in = shape[1];
        boolean perFilter = in == 1 || in == 3;
        writer.addImages(FILTERS, scaled, perFilter ? out : out * in, perFilter ? in : 1, shape[2], shape[3], step);
    }

    /** Writes the hyper-parameters with the final metrics, once; later calls do nothing. */
    void finish(Map<String, Object> hparams, Map<String, Double> metrics) {
        if (!finished) {
            finished = true;
            writer.addHparams(hparams, metrics);
        }
    }

    void flush() {
        writer.flush();
    }

    void close() {
        writer.close();
    }
}
