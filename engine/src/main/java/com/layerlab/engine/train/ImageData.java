package com.layerlab.engine.train;

import com.layerlab.datasets.ImageSet;
import com.layerlab.engine.data.DataLoader;
import com.layerlab.engine.data.Dataset;
import com.layerlab.engine.data.ImageDataset;
import com.layerlab.engine.data.Subset;
import com.layerlab.engine.experiment.DataSets;
import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentException;
import com.layerlab.engine.experiment.Models;
import com.layerlab.engine.tensor.Device;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * An image set loaded and split for one training run, with its data loaders. The training batches are
 * made ahead on a worker thread (an epoch of images is worth it); epoch {@code e}'s order depends only
 * on the seed and {@code e}, so a resumed run shuffles as a straight one.
 *
 * <p>The split: a set that comes with an official train/test split (the full Fashion-MNIST, CIFAR-10's
 * batches) is split as published, and {@code train_fraction} is not used; every other set (MNIST, the
 * committed Fashion-MNIST subset, a set cut by {@code limit}, {@code shapes}, folder sets) is shuffled
 * with a generator from the data seed and cut at {@code train_fraction}, as the 2D sets are.
 *
 * <p>Samples are the images as floats in [0, 1] ({@code ToTensor}), not normalised, so that what the
 * model sees is what {@code transforms.ToTensor()} gives in PyTorch.
 */
public final class ImageData implements TrainData {

    /** Images per forward pass when evaluating (bounded memory, whatever the data set's size). */
    static final int EVAL_BATCH = Models.IMAGE_EVAL_BATCH;
    /** Before the first epoch, the train split's loss and accuracy are measured on this many of its images. */
    static final int START_SAMPLE = 2_000;

    private final ImageSet set;
    private final boolean officialSplit;
    private final double trainFraction;
    private final int[] trainIndices;
    private final int[] testIndices;
    private final DataLoader trainLoader;
    private final DataLoader testLoader;
    private final DataLoader startSampleLoader;

    private ImageData(ImageSet set, boolean officialSplit, int[] trainIndices, int[] testIndices, DataSpec d,
                      long loaderSeed, Device device) {
        this.set = set;
        this.officialSplit = officialSplit;
        this.trainFraction = d.trainFraction();
        this.trainIndices = trainIndices;
        this.testIndices = testIndices;
        Dataset all = ImageDataset.tensors(set);
        Dataset train = new Subset(all, trainIndices);
        Dataset test = new Subset(all, testIndices);
        Dataset startSample = new Subset(all, Arrays.copyOf(trainIndices, Math.min(START_SAMPLE, trainIndices.length)));
        this.trainLoader = DataLoader.builder(train).batchSize(d.batchSize()).shuffle(d.shuffle()).dropLast(d.dropLast())
                .seed(loaderSeed).device(device).build();
        this.testLoader = DataLoader.builder(test).batchSize(EVAL_BATCH).device(device).build();
        this.startSampleLoader = DataLoader.builder(startSample).batchSize(EVAL_BATCH).device(device).build();
    }

    /**
     * Loads the experiment's image set from {@code dataDir} and splits it.
     *
     * @param dataSeed   generates {@code shapes}
     * @param splitSeed  shuffles the split
     * @param loaderSeed orders the batches (epoch by epoch, see {@link DataLoader})
     * @param device     the run's device, where the batches come
     */
    static ImageData load(Experiment e, Path dataDir, long dataSeed, long splitSeed, long loaderSeed, Device device) {
        DataSpec d = e.data();
        ImageSet set = DataSets.load(d, dataSeed, dataDir);
        int n = set.size();
        int[] train;
        int[] test;
        boolean official = set.officialTrainCount() > 0 && set.officialTrainCount() < n;
        if (official) {
            int k = set.officialTrainCount();
            train = range(0, k);
            test = range(k, n);
        } else {
            // the cut Points2D.split makes for the 2D sets
            Subset.Split split = Subset.split(ImageDataset.tensors(set), d.trainFraction(), new Random(splitSeed));
            train = split.train().indices();
            test = split.test().indices();
        }
        if (train.length < 1 || test.length < 1) {
            throw new ExperimentException(String.format(Locale.ROOT, "data: %,d images with train_fraction %s leave no %s "
                    + "images (%s)", n, d.trainFraction(), train.length < 1 ? "training" : "test", set.source()));
        }
        if (d.dropLast() && d.batchSize() > train.length) {
            throw new ExperimentException("data.batch_size " + d.batchSize() + " is more than the " + train.length
                    + " training images and data.drop_last drops that one short batch: nothing would be trained "
                    + "(use a smaller batch_size or drop_last false)");
        }
        return new ImageData(set, official, train, test, d, loaderSeed, device);
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        Arrays.setAll(r, i -> from + i);
        return r;
    }

    /** The image set (all of it; the split is this object's). */
    public ImageSet set() {
        return set;
    }

    @Override
    public DataLoader trainLoader() {
        return trainLoader;
    }

    @Override
    public DataLoader testLoader() {
        return testLoader;
    }

    /** The first {@value #START_SAMPLE} images of the train split. */
    @Override
    public DataLoader trainSample() {
        return startSampleLoader;
    }

    @Override
    public boolean trainStatsFromBatches() {
        return true;
    }

    @Override
    public int trainSize() {
        return trainIndices.length;
    }

    @Override
    public int testSize() {
        return testIndices.length;
    }

    @Override
    public int classes() {
        return set.classes();
    }

    @Override
    public List<String> classNames() {
        return set.classNames();
    }

    /** Test image {@code i} as floats in [0, 1], CHW. */
    @Override
    public float[] testInput(int i) {
        return set.image(testIndices[checkTest(i)]);
    }

    @Override
    public int[] testLabels() {
        int[] l = new int[testIndices.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = set.label(testIndices[i]);
        }
        return l;
    }

    /** The first {@code count} images of the train split (fewer if it is smaller) as floats, NCHW. */
    float[] firstTrainImages(int count) {
        int n = Math.min(count, trainIndices.length);
        float[] out = new float[n * set.imageSize()];
        for (int i = 0; i < n; i++) {
            set.copyImage(trainIndices[i], out, i * set.imageSize());
        }
        return out;
    }

    private int checkTest(int i) {
        if (i < 0 || i >= testIndices.length) {
            throw new IndexOutOfBoundsException("test image " + i + " outside 0.." + (testIndices.length - 1));
        }
        return i;
    }

    @Override
    public String description() {
        return String.format(Locale.ROOT, "%s: %,d training and %,d test images %s, %d classes (%s; %s)", set.id(),
                trainIndices.length, testIndices.length, Arrays.toString(set.shape()), set.classes(),
                officialSplit ? "the official train/test split" : "shuffled, train_fraction " + trainFraction, set.source());
    }

    @Override
    public void close() {
        trainLoader.close();
        testLoader.close();
        startSampleLoader.close();
    }
}
