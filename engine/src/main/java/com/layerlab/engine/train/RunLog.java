package com.layerlab.engine.train;

import com.layerlab.engine.summary.SummaryWriter;
import com.layerlab.engine.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A training run's TensorBoard log: per epoch the losses, accuracies, learning rate, gradient sizes,
 * weight histograms and (for image models) the first layer's filters, for 2D sets the decision
 * boundary; once, a grid of training inputs; at the end the hyper-parameters with the final metrics.
 * Steps are epochs (0: untrained); the {@link LogSchedule} says which epochs are recorded.
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
