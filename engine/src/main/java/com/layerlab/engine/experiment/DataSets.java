package com.layerlab.engine.experiment;

import com.layerlab.datasets.Datasets2D;
import com.layerlab.datasets.ImageDataException;
import com.layerlab.datasets.ImageFolders;
import com.layerlab.datasets.ImageSet;
import com.layerlab.datasets.ImageSets;
import com.layerlab.datasets.PointFiles;
import com.layerlab.datasets.Points2D;
import com.layerlab.datasets.PointsCsv;
import com.layerlab.datasets.PointsCsvException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The registry of data set ids that an experiment file may name, and what each implies. */
public final class DataSets {

    private DataSets() {
    }

    /**
     * The ids a file may name ({@code folder:<name>} stands for any uploaded folder, {@code points:<id>}
     * for any learner's point set).
     */
    public static List<String> ids() {
        List<String> ids = new ArrayList<>(Datasets2D.ids());
        ids.addAll(ImageSets.IDS);
        ids.add("folder:<name>");
        ids.add("points:<id>");
        return ids;
    }

    public static boolean isKnown(String id) {
        return id != null && (Datasets2D.isKnown(id) || ImageSets.isKnown(id) || isPoints(id));
    }

    /** A 2D set: a generated one or a learner's point set (the seven features apply to both). */
    public static boolean is2D(String id) {
        return Datasets2D.isKnown(id) || isPoints(id);
    }

    /** Whether {@code id} is a learner's point set, {@code points:<id>} (whose file is looked for when it is loaded). */
    public static boolean isPoints(String id) {
        return PointFiles.isId(id);
    }

    /** Whether {@code id} is an image set: a built-in one or {@code folder:<name>}. */
    public static boolean isImage(String id) {
        return ImageSets.isKnown(id);
    }

    /**
     * Whether this version can train on the set: the 2D sets and the image sets (whose files, for
     * {@code cifar10} and {@code folder:<name>}, are looked for when the set is loaded).
     */
    public static boolean isAvailable(String id) {
        return is2D(id) || isImage(id);
    }

    /** The options a set accepts. */
    public static List<String> options(String id) {
        if (isPoints(id)) {
            return List.of("seed"); // its points are fixed; the seed still shuffles the train/test split
        }
        if (is2D(id)) {
            return Datasets2D.supportsMultiClass(id) || !Datasets2D.isRegression(id)
                    ? List.of("samples", "noise", "classes", "seed")
                    : List.of("samples", "noise", "seed");
        }
        return ImageSets.options(id);
    }

    /** The largest value of count option {@code samples} or {@code limit} of set {@code id}. */
    public static int maxCount(String id, String option) {
        return is2D(id) ? Datasets2D.MAX_SAMPLES : ImageSets.maxOption(id, option);
    }

    /** What a 2D set holds: its points and classes (0: regression). */
    public record Size2D(int samples, int classes) {

        public boolean isRegression() {
            return classes == 0;
        }
    }

    /**
     * The size of a 2D set: a generated set's from its options, a point set's from its file in
     * {@code dataDir}.
     *
     * @throws ExperimentException naming {@code data.dataset} when a point set cannot be loaded
     */
    public static Size2D size2D(DataSpec data, Path dataDir) {
        if (isPoints(data.dataset())) {
            Points2D p = points(data.dataset(), dataDir).points();
            return new Size2D(p.size(), p.classes());
        }
        return new Size2D(data.samples(), data.classes());
    }

    /**
     * The most points a 2D set holds, known without reading a file: a generated set's {@code samples},
     * a point set's limit (an estimate made before training may count on it).
     */
    public static int samplesBound(DataSpec data) {
        return isPoints(data.dataset()) ? PointsCsv.MAX_POINTS : data.samples();
    }

    /**
     * The points of a 2D set: generated from {@code dataSeed} and the options, or read from a point
     * set's file in {@code dataDir}.
     *
     * @throws ExperimentException naming {@code data.dataset} when a point set cannot be loaded
     */
    public static Points2D load2D(DataSpec data, long dataSeed, Path dataDir) {
        if (isPoints(data.dataset())) {
            return points(data.dataset(), dataDir).points();
        }
        return Datasets2D.generate(data.dataset(), data.samples(), data.noise(), data.classes(), dataSeed);
    }

    /** A learner's point set, with its class names; a missing or damaged file is an {@link ExperimentException}. */
    public static PointsCsv.Parsed points(String id, Path dataDir) {
        try {
            return PointFiles.load(id, dataDir);
        } catch (PointsCsvException e) {
            throw new ExperimentException("data.dataset: " + e.getMessage(), e);
        }
    }

    /**
     * The per-sample input shape the set fixes: {@code [feature count]} for 2D sets, the image shape for
     * the built-in image sets, null for a folder (its images decide; see {@link #inputShape(DataSpec, Path)}).
     */
    public static List<Integer> inputShape(DataSpec data) {
        if (is2D(data.dataset())) {
            return List.of(data.featuresOrDefault().size());
        }
        if (ImageSets.IDS.contains(data.dataset())) {
            return toList(ImageSets.shape(data.dataset(), null));
        }
        return null;
    }

    /**
     * As {@link #inputShape(DataSpec)}, and for a folder set the shape of its stored images in
     * {@code dataDir} (null when there is no data folder or no such set).
     */
    public static List<Integer> inputShape(DataSpec data, Path dataDir) {
        List<Integer> fixed = inputShape(data);
        if (fixed != null || dataDir == null || !ImageSets.isFolder(data.dataset())
                || !ImageFolders.exists(ImageSets.folderName(data.dataset()), dataDir)) {
            return fixed;
        }
        return toList(ImageSets.shape(data.dataset(), dataDir));
    }

    /**
     * Checks that a given {@code input_shape} agrees with an image set's images (FORMAT.md: "when given,
     * it must agree with the data set"). A folder set is checked when {@code dataDir} holds it.
     *
     * @throws ExperimentException naming both shapes
     */
    public static void checkInputShape(DataSpec data, List<Integer> given, Path dataDir) {
        if (given == null || data == null || !isImage(data.dataset())) {
            return;
        }
        List<Integer> images = inputShape(data, dataDir);
        if (images != null && !images.equals(given)) {
            throw new ExperimentException("input_shape " + given + " does not agree with data set \"" + data.dataset()
                    + "\": its images are " + images + " (channels, height, width)");
        }
    }

    /** The number of classes of an image set (a folder set's from its stored files). */
    public static int imageClasses(String id, Path dataDir) {
        List<String> names = ImageSets.classNames(id);
        if (names != null) {
            return names.size();
        }
        return load(new DataSpec(id, Map.of("limit", 1), null, 0.8, 1, false, false), 0, dataDir).classes();
    }

    /**
     * Loads an image set as the experiment describes it ({@code data.options}); {@code seed} generates
     * {@code shapes}. Problems (missing files, bad options) become an {@link ExperimentException} that
     * names {@code data.dataset} or {@code data.options}.
     */
    public static ImageSet load(DataSpec data, long seed, Path dataDir) {
        try {
            return ImageSets.load(data.dataset(), data.options(), dataDir, seed);
        } catch (ImageDataException e) {
            String m = e.getMessage();
            String where = m.contains("option") ? "data.options" : "data.dataset";
            throw new ExperimentException(where + ": " + m, e);
        }
    }

    private static List<Integer> toList(int[] shape) {
        return Arrays.stream(shape).boxed().toList();
    }
}
