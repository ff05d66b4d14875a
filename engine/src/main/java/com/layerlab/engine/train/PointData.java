package com.layerlab.engine.train;

import com.layerlab.datasets.Features2D;
import com.layerlab.datasets.Points2D;
import com.layerlab.engine.data.DataLoader;
import com.layerlab.engine.data.PointsDataset;
import com.layerlab.engine.experiment.DataSets;
import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.tensor.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A 2D point set generated and split for one training run: the data set from the data seed, split at
 * {@code train_fraction} by a generator from the data seed too (new starting weights keep the split).
 *
 * <p>The training batches come from a {@link DataLoader} whose epochs draw their orders in turn from one
 * generator ({@link DataLoader.Builder#generator}), as the playground has always shuffled; batches are
 * made on the training thread (a few points: a worker thread would cost more than it saves). Evaluation
 * takes each split as one batch.
 */
public final class PointData implements TrainData {

    private final String dataset;
    private final Points2D train;
    private final Points2D test;
    private final List<String> features;
    private final int classes;
    private final DataLoader trainLoader;
    private final DataLoader trainSample;
    private final DataLoader testLoader;

    private PointData(String dataset, Points2D train, Points2D test, List<String> features, int classes, DataSpec d,
                      long orderSeed, Device device) {
        this.dataset = dataset;
        this.train = train;
        this.test = test;
        this.features = List.copyOf(features);
        this.classes = classes;
        PointsDataset trainSet = new PointsDataset(train, features);
        PointsDataset testSet = new PointsDataset(test, features);
        this.trainLoader = DataLoader.builder(trainSet).batchSize(d.batchSize()).shuffle(d.shuffle()).dropLast(d.dropLast())
                .generator(new Random(orderSeed)).prefetch(0).device(device).build();
        this.trainSample = DataLoader.builder(trainSet).batchSize(train.size()).prefetch(0).device(device).build();
        this.testLoader = DataLoader.builder(testSet).batchSize(test.size()).prefetch(0).device(device).build();
    }

    /**
     * Generates the experiment's points (or reads a learner's point set from {@code dataDir}) and splits them.
     *
     * @param dataSeed  generates the points
     * @param splitSeed shuffles the split
     * @param orderSeed orders the training batches, epoch after epoch
     * @param device    the run's device, where the batches come
     */
    static PointData load(DataSpec d, Path dataDir, long dataSeed, long splitSeed, long orderSeed, Device device) {
        Points2D all = DataSets.load2D(d, dataSeed, dataDir);
        Points2D.Split split = all.split(d.trainFraction(), new Random(splitSeed));
        // a point set's classes come from its file, not from the experiment's options
        return new PointData(d.dataset(), split.train(), split.test(), d.featuresOrDefault(), all.classes(), d, orderSeed,
                device);
    }

    public Points2D trainPoints() {
        return train;
    }

    public Points2D testPoints() {
        return test;
    }

    /** The input features the model sees, e.g. {@code [x1, x2, x1*x2]}. */
    public List<String> features() {
        return features;
    }

    @Override
    public DataLoader trainLoader() {
        return trainLoader;
    }

    @Override
    public DataLoader testLoader() {
        return testLoader;
    }

    @Override
    public DataLoader trainSample() {
        return trainSample;
    }

    @Override
    public boolean trainStatsFromBatches() {
        return false;
    }

    @Override
    public int trainSize() {
        return train.size();
    }

    @Override
    public int testSize() {
        return test.size();
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public List<String> classNames() {
        List<String> names = new ArrayList<>();
        for (int k = 0; k < classes; k++) {
            names.add(Integer.toString(k));
        }
        return names;
    }

    @Override
    public float[] testInput(int index) {
        if (index < 0 || index >= test.size()) {
            throw new IndexOutOfBoundsException("test point " + index + " outside 0.." + (test.size() - 1));
        }
        float[] x = new float[features.size()];
        Features2D.compute(features, test.x1()[index], test.x2()[index], x, 0);
        return x;
    }

    @Override
    public int[] testLabels() {
        int[] labels = new int[test.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (int) test.label()[i];
        }
        return labels;
    }

    @Override
    public String description() {
        return String.format(Locale.ROOT, "%s: %,d training and %,d test points, features %s", dataset, train.size(),
                test.size(), features);
    }

    @Override
    public void close() {
        trainLoader.close();
        trainSample.close();
        testLoader.close();
    }
}
