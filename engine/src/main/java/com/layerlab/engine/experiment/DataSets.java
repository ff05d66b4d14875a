package com.layerlab.engine.experiment;

import com.layerlab.datasets.Datasets2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The registry of data set ids that an experiment file may name, and what each implies. */
public final class DataSets {

    /** Image sets and their per-sample shape. */
    private static final Map<String, List<Integer>> IMAGE_SHAPES = Map.of(
            "mnist", List.of(1, 28, 28),
            "fashion-mnist", List.of(1, 28, 28),
            "cifar10", List.of(3, 32, 32),
            "shapes", List.of(3, 32, 32));

    private static final Pattern FOLDER = Pattern.compile("folder:[A-Za-z0-9][A-Za-z0-9._-]*");

    private DataSets() {
    }

    /** The ids a file may name ({@code folder:<name>} stands for any uploaded folder). */
    public static List<String> ids() {
        List<String> ids = new ArrayList<>(Datasets2D.ids());
        ids.addAll(List.of("mnist", "fashion-mnist", "cifar10", "shapes", "folder:<name>"));
        return ids;
    }

    public static boolean isKnown(String id) {
        return id != null && (Datasets2D.isKnown(id) || IMAGE_SHAPES.containsKey(id) || FOLDER.matcher(id).matches());
    }

    public static boolean is2D(String id) {
        return Datasets2D.isKnown(id);
    }

    /** Whether this version can load the set for training: the 2D sets. */
    public static boolean isAvailable(String id) {
        return is2D(id);
    }

    /** The options a set accepts. */
    public static List<String> options(String id) {
        if (is2D(id)) {
            return Datasets2D.supportsMultiClass(id) || !Datasets2D.isRegression(id)
                    ? List.of("samples", "noise", "classes", "seed")
                    : List.of("samples", "noise", "seed");
        }
        return id.equals("shapes") ? List.of("limit", "samples") : List.of("limit");
    }

    /**
     * The per-sample input shape the set fixes: {@code [feature count]} for 2D sets, the image shape for
     * the built-in image sets, null for a folder (its images decide).
     */
    public static List<Integer> inputShape(DataSpec data) {
        if (is2D(data.dataset())) {
            return List.of(data.featuresOrDefault().size());
        }
        return IMAGE_SHAPES.get(data.dataset());
    }
}
