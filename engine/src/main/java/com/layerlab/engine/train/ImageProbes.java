package com.layerlab.engine.train;

import com.layerlab.datasets.ImageSet;
import com.layerlab.engine.data.DataLoader;
import com.layerlab.engine.data.ImageDataset;
import com.layerlab.engine.nn.Conv2d;
import com.layerlab.engine.nn.Module;
import com.layerlab.engine.nn.Sequential;
import com.layerlab.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the CNN lab draws of a run: the confusion matrix and the predictions of the latest evaluation,
 * test images, every layer's feature maps for one test sample, the first layer's filters. Made for image
 * sets; all but {@link #testImage} also read a 2D classification run (its test points as inputs).
 */
public final class ImageProbes {

    /** The most probable classes {@link #predictions} lists per sample. */
    private static final int TOP = 3;

    private final Trainer trainer;

    public ImageProbes(Trainer trainer) {
        this.trainer = trainer;
    }

    /** The class names: an image set's; "0", "1", ... for a 2D classification set; empty for regression. */
    public List<String> classNames() {
        return trainer.head().isRegression() ? List.of() : trainer.data().classNames();
    }

    /**
     * The latest evaluation's confusion matrix over the test split, {@code [true class][predicted class]}
     * (its entries sum to the test split's size); an empty array for regression.
     */
    public int[][] confusionMatrix() {
        float[][] probs = trainer.testProbabilities();
        if (probs.length == 0) {
            return new int[0][0];
        }
        int[] labels = trainer.data().testLabels();
        int k = probs[0].length;
        int[][] m = new int[k][k];
        for (int i = 0; i < probs.length; i++) {
            m[labels[i]][Head.argmax(probs[i])]++;
        }
        return m;
    }

    /**
     * The first {@code count} test samples (fewer if the split is smaller) with their most probable
     * classes (top 3, or all classes when there are fewer) from the latest evaluation; empty for regression.
     */
    public List<Prediction> predictions(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        float[][] probs = trainer.testProbabilities();
        int n = Math.min(count, probs.length);
        int[] labels = trainer.data().testLabels();
        List<Prediction> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] p = probs[i];
            int k = Math.min(TOP, p.length);
            int[] top = new int[k];
            float[] topProb = new float[k];
            boolean[] taken = new boolean[p.length];
            for (int j = 0; j < k; j++) {
                int best = -1;
                for (int c = 0; c < p.length; c++) {
                    if (!taken[c] && (best < 0 || p[c] > p[best])) {
                        best = c;
                    }
                }
                taken[best] = true;
                top[j] = best;
                topProb[j] = p[best];
            }
            out.add(new Prediction(i, labels[i], top, topProb));
        }
        return out;
    }

    /**
     * The model's data loss and accuracy over images.
     *
     * @param loss     the mean of the experiment's loss function over the images (what the test loss is)
     * @param accuracy the share of images classified right
     * @param images   how many images were measured
     */
    public record Score(double loss, double accuracy, int images) {
    }

    /**
     * The model as it is, scored over {@code images} that it need not have seen (a class challenge's hidden
     * test set): in evaluation mode, without gradients, in evaluation batches of {@link ImageData#EVAL_BATCH}
     * (bounded memory, however many images), as the test split is at every epoch's end. On the training
     * thread, between two steps.
     *
     * @throws IllegalArgumentException when the images are not of the run's shape or classes
     */
    public Score score(ImageSet images) {
        if (!(trainer.data() instanceof ImageData)) {
            throw new IllegalArgumentException("ImageProbes.score: only for image data sets; this run trains on a 2D set ("
                    + trainer.experiment().data().dataset() + ")");
        }
        if (!Arrays.equals(images.shape(), trainer.inputShape()) || images.classes() != trainer.data().classes()) {
            throw new IllegalArgumentException("ImageProbes.score: images " + Arrays.toString(images.shape()) + " of "
                    + images.classes() + " classes do not fit the run's " + Arrays.toString(trainer.inputShape()) + " of "
                    + trainer.data().classes());
        }
        try (DataLoader loader = DataLoader.builder(ImageDataset.tensors(images)).batchSize(ImageData.EVAL_BATCH)
                .prefetch(0).device(trainer.device()).build()) {
            Trainer.Measure m = trainer.measure(loader, null);
            return new Score(m.loss(), m.accuracy(), images.size());
        }
    }

    /** Test image {@code index} as floats in [0, 1], CHW ({@link Trainer#inputShape()}); image sets only. */
    public float[] testImage(int index) {
        if (!(trainer.data() instanceof ImageData images)) {
            throw new IllegalStateException("testImage: only for image data sets; this run trains on a 2D set ("
                    + trainer.experiment().data().dataset() + ")");
        }
        return images.testInput(index);
    }

    /**
     * Every layer's output for test sample {@code testIndex}, in evaluation mode, without the batch axis;
     * the shapes are those {@code Models.inspect} gives.
     */
    public List<FeatureMap> featureMaps(int testIndex) {
        float[] x = trainer.data().testInput(testIndex);
        int[] shape = trainer.inputShape();
        int[] batched = new int[shape.length + 1];
        batched[0] = 1;
        System.arraycopy(shape, 0, batched, 1, shape.length);
        Sequential model = trainer.model();
        model.train(false);
        List<Tensor> outs;
        try (Tensor.NoGrad g = Tensor.noGradScope()) {
            outs = model.forwardAll(Tensor.of(trainer.device(), x, batched));
        }
        List<FeatureMap> maps = new ArrayList<>(outs.size());
        for (int i = 0; i < outs.size(); i++) {
            Tensor t = outs.get(i);
            int[] s = t.shape();
            maps.add(new FeatureMap(i, trainer.summary().layers().get(i).type(), Arrays.copyOfRange(s, 1, s.length),
                    t.toHost()));
        }
        return maps;
    }

    /** The first Conv2d layer's weight, {@code [out, in/groups, kh, kw]} row-major (a copy), or null when there is none. */
    public float[] firstLayerFilters() {
        Conv2d c = firstConv2d();
        return c == null ? null : c.weight().toHost();
    }

    /** The shape of {@link #firstLayerFilters()}, or null when there is no Conv2d layer. */
    public int[] firstLayerFilterShape() {
        Conv2d c = firstConv2d();
        return c == null ? null : c.weight().shape();
    }

    private Conv2d firstConv2d() {
        for (Module m : trainer.model().layers()) {
            if (m instanceof Conv2d c) {
                return c;
            }
        }
        return null;
    }
}
