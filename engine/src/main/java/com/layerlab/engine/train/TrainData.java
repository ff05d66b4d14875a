package com.layerlab.engine.train;

import com.layerlab.engine.data.DataLoader;
import java.util.List;

/**
 * The data a {@link Trainer} trains on, loaded and split: a 2D point set ({@link PointData}) or an
 * image set ({@link ImageData}). Both hand the trainer the same things, data loaders over the train and
 * test splits, so that one training loop serves both.
 */
public sealed interface TrainData extends AutoCloseable permits PointData, ImageData {

    /** Batches of the train split to train on: the experiment's batch size, shuffle and drop_last. */
    DataLoader trainLoader();

    /** The test split in evaluation batches, in order. */
    DataLoader testLoader();

    /**
     * The train-split samples the untrained model is measured on; for a 2D set the whole split, measured
     * again after every epoch (see {@link #trainStatsFromBatches()}).
     */
    DataLoader trainSample();

    /**
     * Whether an epoch's train loss and accuracy are the means over its training batches, as PyTorch
     * training loops report them (image sets: a second pass over a large train split would cost as much
     * as the epoch), rather than a pass over {@link #trainSample()} in evaluation mode after the epoch
     * (2D sets: small, and the playground shows the loss of the weights as they are).
     */
    boolean trainStatsFromBatches();

    int trainSize();

    int testSize();

    /** Classes of a classification set; 0 for regression. */
    int classes();

    /** The class names: an image set's own, "0", "1", ... for a 2D set; empty for regression. */
    List<String> classNames();

    /** The input of test sample {@code index}: an image (CHW floats in [0, 1]) or a point's features. */
    float[] testInput(int index);

    /** The labels of the test split, in its order, as class indices (meaningless for regression). */
    int[] testLabels();

    /** The data and its split in words, e.g. "mnist: 8,000 training and 2,000 test images [1, 28, 28], ...". */
    String description();

    /** Stops the data loaders' threads. */
    @Override
    void close();
}
