package com.layerlab.app.lab;

import com.layerlab.datasets.ImageSet;
import com.layerlab.datasets.ImageSets;
import com.layerlab.datasets.Points2D;
import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the CNN lab changes an experiment's data section and its input shape when the learner picks or
 * uploads another image set, and how a set splits into training and test images.
 */
public final class CnnDataSettings {

    private CnnDataSettings() {
    }

    /** The option that caps how many images {@code dataset} has: {@code samples} for the generated shapes, else {@code limit}. */
    public static String sizeOption(String dataset) {
        return ImageSets.SHAPES.equals(dataset) ? ImageSets.SAMPLES : ImageSets.LIMIT;
    }

    /**
     * The data section for another built-in set, with the same loader settings; a quick run stays quick:
     * a cap on the images carries over (as {@code samples} for the shapes, which otherwise get the
     * presets' number).
     */
    public static DataSpec switchTo(DataSpec d, String dataset) {
        Map<String, Object> options = new LinkedHashMap<>();
        Object n = d.options().getOrDefault(ImageSets.LIMIT, d.options().get(ImageSets.SAMPLES));
        if (n != null) {
            options.put(sizeOption(dataset), n);
        } else if (dataset.equals(ImageSets.SHAPES)) {
            options.put(ImageSets.SAMPLES, CnnPresets.SHAPES_SAMPLES);
        }
        return new DataSpec(dataset, options, null, d.trainFraction(), d.batchSize(), d.shuffle(), d.dropLast());
    }

    /** The data section for a set just uploaded: all of its images, with the same loader settings. */
    public static DataSpec uploaded(DataSpec d, String id) {
        return new DataSpec(id, Map.of(), null, d.trainFraction(), d.batchSize(), d.shuffle(), d.dropLast());
    }

    /**
     * {@code e} before its data set changes: without an input shape that only repeated the current set's
     * ({@code dataShape}, null when none loaded), so that the next set's own shape applies.
     */
    public static Experiment followingData(Experiment e, int[] dataShape) {
        return repeatsDataShape(e, dataShape) ? e.withInputShape(null) : e;
    }

    /** Whether the experiment's input shape is the loaded set's ({@code dataShape}, null when none loaded). */
    public static boolean repeatsDataShape(Experiment e, int[] dataShape) {
        return e.inputShape() != null && dataShape != null && e.inputShape().equals(toList(dataShape));
    }

    /**
     * {@code e} with the loaded set's shape as its input shape where the experiment must state it: an
     * uploaded set's shape is known only from its files, so a link must carry it.
     */
    public static Experiment statingShape(Experiment e, int[] dataShape) {
        return ImageSets.isFolder(e.data().dataset()) && e.inputShape() == null && dataShape != null
                ? e.withInputShape(toList(dataShape)) : e;
    }

    /**
     * How a set of images splits, as a training run splits it.
     *
     * @param official whether the set's own train/test split is used (then train_fraction is not)
     */
    public record Split(int train, int test, boolean official) {
    }

    /** The set's official split where it has one, else the first {@code trainFraction} of it. */
    public static Split split(ImageSet set, double trainFraction) {
        int n = set.size();
        boolean official = set.officialTrainCount() > 0 && set.officialTrainCount() < n;
        int train = official ? set.officialTrainCount() : Points2D.trainCount(n, trainFraction);
        return new Split(train, n - train, official);
    }

    private static List<Integer> toList(int[] a) {
        List<Integer> l = new ArrayList<>();
        for (int v : a) {
            l.add(v);
        }
        return l;
    }
}
