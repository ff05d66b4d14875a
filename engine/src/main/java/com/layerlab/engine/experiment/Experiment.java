package com.layerlab.engine.experiment;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code layerlab/experiment@1} document (see FORMAT.md): data, network and training, complete
 * enough to rebuild the same run. Read and write it with {@link ExperimentFiles}.
 *
 * <p>A model-only experiment has only {@code format}, {@code inputShape} and {@code model}; the other
 * components are then null and {@link #missingForTraining()} lists them.
 */
public record Experiment(String format, String name, Long seed, String task, DataSpec data,
                         List<Integer> inputShape, List<LayerSpec> model, LossSpec loss,
                         OptimizerSpec optimizer, RegularizationSpec regularization, Integer epochs,
                         String backend) {

    public static final String FORMAT = "layerlab/experiment@1";
    public static final String CLASSIFICATION = "classification";
    public static final String REGRESSION = "regression";
    public static final List<String> TASKS = List.of(CLASSIFICATION, REGRESSION);
    public static final List<String> BACKENDS = List.of("auto", "cpu", "opencl", "cuda");

    public Experiment {
        inputShape = inputShape == null ? null : List.copyOf(inputShape);
        model = model == null ? null : List.copyOf(model);
        if (regularization == null) {
            regularization = RegularizationSpec.NONE;
        }
        if (backend == null) {
            backend = "auto";
        }
    }

    /** A complete experiment of format {@code layerlab/experiment@1}. */
    public static Experiment of(String name, long seed, String task, DataSpec data, List<LayerSpec> model,
                                LossSpec loss, OptimizerSpec optimizer, RegularizationSpec regularization,
                                int epochs) {
        return new Experiment(FORMAT, name, seed, task, data, null, model, loss, optimizer, regularization,
                epochs, "auto");
    }

    /** A model-only experiment: enough to inspect the model, run it on inputs or export it. */
    public static Experiment modelOnly(List<Integer> inputShape, List<LayerSpec> model) {
        return new Experiment(FORMAT, null, null, null, null, inputShape, model, null, null, null, null, null);
    }

    /** The seed, 0 when the file gives none (model-only files). */
    public long seedOrZero() {
        return seed == null ? 0L : seed;
    }

    public boolean isClassification() {
        return CLASSIFICATION.equals(task);
    }

    /** The top-level fields training needs that this experiment lacks, in file order; empty when none. */
    public List<String> missingForTraining() {
        List<String> missing = new ArrayList<>();
        if (seed == null) {
            missing.add("seed");
        }
        if (task == null) {
            missing.add("task");
        }
        if (data == null) {
            missing.add("data");
        }
        if (loss == null) {
            missing.add("loss");
        }
        if (optimizer == null) {
            missing.add("optimizer");
        }
        if (epochs == null) {
            missing.add("epochs");
        }
        return missing;
    }

    public Experiment withName(String v) {
        return new Experiment(format, v, seed, task, data, inputShape, model, loss, optimizer, regularization, epochs, backend);
    }

    public Experiment withSeed(long v) {
        return new Experiment(format, name, v, task, data, inputShape, model, loss, optimizer, regularization, epochs, backend);
    }

    public Experiment withTask(String v) {
        return new Experiment(format, name, seed, v, data, inputShape, model, loss, optimizer, regularization, epochs, backend);
    }

    public Experiment withData(DataSpec v) {
        return new Experiment(format, name, seed, task, v, inputShape, model, loss, optimizer, regularization, epochs, backend);
    }

    public Experiment withInputShape(List<Integer> v) {
        return new Experiment(format, name, seed, task, data, v, model, loss, optimizer, regularization, epochs, backend);
    }

    public Experiment withModel(List<LayerSpec> v) {
        return new Experiment(format, name, seed, task, data, inputShape, v, loss, optimizer, regularization, epochs, backend);
    }

    public Experiment withLoss(LossSpec v) {
        return new Experiment(format, name, seed, task, data, inputShape, model, v, optimizer, regularization, epochs, backend);
    }

    public Experiment withOptimizer(OptimizerSpec v) {
        return new Experiment(format, name, seed, task, data, inputShape, model, loss, v, regularization, epochs, backend);
    }

    public Experiment withRegularization(RegularizationSpec v) {
        return new Experiment(format, name, seed, task, data, inputShape, model, loss, optimizer, v, epochs, backend);
    }

    public Experiment withEpochs(int v) {
        return new Experiment(format, name, seed, task, data, inputShape, model, loss, optimizer, regularization, v, backend);
    }

    public Experiment withBackend(String v) {
        return new Experiment(format, name, seed, task, data, inputShape, model, loss, optimizer, regularization, epochs, v);
    }
}
