package com.layerlab.engine.experiment;

import com.layerlab.datasets.Datasets2D;
import com.layerlab.datasets.Features2D;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code data}: which data set, its options, the 2D input features, and how it is split and batched.
 *
 * <p>Options of the 2D sets: {@code samples}, {@code noise} (0..50 percent), {@code classes} (gauss and
 * spiral: 2..5) and {@code seed} (the data's own seed; without it the data follow the experiment's seed,
 * so "regenerate data" can change the points and keep the starting weights).
 *
 * <p>{@code trainFraction} and {@code batchSize} are null only in a file read for a command that needs
 * no data split ({@link ExperimentFiles#readModel}); training refuses them missing
 * ({@link ExperimentFiles#requireTrainable}).
 */
public record DataSpec(String dataset, Map<String, Object> options, List<String> features,
                       Double trainFraction, Integer batchSize, boolean shuffle, boolean dropLast) {

    public DataSpec {
        options = options == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(options));
        features = features == null ? null : List.copyOf(features);
    }

    /** A 2D set with the given options; shuffled, keeping the last short batch. */
    public static DataSpec of2D(String dataset, int samples, double noise, List<String> features,
                                double trainFraction, int batchSize) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("samples", samples);
        o.put("noise", noise);
        return new DataSpec(dataset, o, features, trainFraction, batchSize, true, false);
    }

    /** A generated 2D set or a learner's point set. */
    public boolean is2D() {
        return DataSets.is2D(dataset);
    }

    /**
     * {@code options.samples}, or the Playground's default for a generated set (500, regression 1,200).
     * A point set's size is in its file: {@link DataSets#size2D}.
     */
    public int samples() {
        Object v = options.get("samples");
        return v instanceof Number n ? n.intValue() : Datasets2D.defaultSamples(dataset);
    }

    /** {@code options.noise} in percent, default 0. */
    public double noise() {
        Object v = options.get("noise");
        return v instanceof Number n ? n.doubleValue() : 0.0;
    }

    /**
     * {@code options.classes}; default 2 for generated classification sets, 0 for regression sets. A
     * point set's classes are in its file: {@link DataSets#size2D}.
     */
    public int classes() {
        Object v = options.get("classes");
        return v instanceof Number n ? n.intValue() : Datasets2D.defaultClasses(dataset);
    }

    /** The seed the data are generated from: {@code options.seed}, else the experiment's seed. */
    public long dataSeed(long experimentSeed) {
        Object v = options.get("seed");
        return v instanceof Number n ? n.longValue() : experimentSeed;
    }

    /** The 2D input features, {@code [x1, x2]} when none are given. */
    public List<String> featuresOrDefault() {
        return features == null ? Features2D.DEFAULT : features;
    }

    /** A copy with one option set (or removed when {@code value} is null). */
    public DataSpec withOption(String name, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(options);
        if (value == null) {
            m.remove(name);
        } else {
            m.put(name, value);
        }
        return new DataSpec(dataset, m, features, trainFraction, batchSize, shuffle, dropLast);
    }

    public DataSpec withDataset(String id) {
        return new DataSpec(id, options, features, trainFraction, batchSize, shuffle, dropLast);
    }

    public DataSpec withFeatures(List<String> names) {
        return new DataSpec(dataset, options, names, trainFraction, batchSize, shuffle, dropLast);
    }

    public DataSpec withTrainFraction(Double f) {
        return new DataSpec(dataset, options, features, f, batchSize, shuffle, dropLast);
    }

    public DataSpec withBatchSize(Integer n) {
        return new DataSpec(dataset, options, features, trainFraction, n, shuffle, dropLast);
    }

    public DataSpec withShuffle(boolean on) {
        return new DataSpec(dataset, options, features, trainFraction, batchSize, on, dropLast);
    }

    public DataSpec withDropLast(boolean on) {
        return new DataSpec(dataset, options, features, trainFraction, batchSize, shuffle, on);
    }
}
