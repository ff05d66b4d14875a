package com.layerlab.app.lab;

import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.LossSpec;
import com.layerlab.engine.experiment.OptimizerSpec;
import com.layerlab.engine.experiment.RegularizationSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The course's networks as ready experiments for the CNN lab: the convolution, pooling and linear
 * demos of the notes, the CIFAR-10 tutorial model, a LeNet-style MNIST model, and the perceptron,
 * shallow and deep networks on MNIST. Each trains offline: the colour models on the generated
 * {@code shapes} (CIFAR-10 itself when its files are present).
 */
public final class CnnPresets {

    /** A preset: its key (stable, for tests and links), its menu title, and what it shows. */
    public record Preset(String key, String title, String description, Experiment experiment) {
    }

    public static final String CONV_DEMO = "conv-demo";
    public static final String POOL_CEIL = "pool-ceil";
    public static final String POOL_FLOOR = "pool-floor";
    public static final String LINEAR_DEMO = "linear-demo";
    public static final String CIFAR10_TUTORIAL = "cifar10-tutorial";
    public static final String CIFAR10_RELU = "cifar10-relu";
    public static final String LENET = "lenet-mnist";
    public static final String PERCEPTRON = "perceptron-mnist";
    public static final String SHALLOW = "shallow-mnist";
    public static final String DEEP = "deep-mnist";

    /** What the page opens with. */
    public static final String DEFAULT = LENET;

    public static final long SEED = 42;
    /** Generated shapes for the colour presets: enough to learn from, few enough for a CPU. */
    public static final int SHAPES_SAMPLES = 2_000;
    /** CIFAR-10 images the tutorial preset uses when the set is present. */
    public static final int CIFAR10_LIMIT = 5_000;
    /** MNIST digits the LeNet preset uses: a quick first run. */
    public static final int MNIST_LIMIT = 2_000;

    private CnnPresets() {
    }

    /** The preset {@code e} is, unchanged; null when it is none (the learner's own network). */
    public static Preset matching(Experiment e, boolean cifar10Present) {
        for (Preset p : all(cifar10Present)) {
            // a preset stays itself on whichever backend it trains
            if (p.experiment().withBackend(e.backend()).equals(e)) {
                return p;
            }
        }
        return null;
    }

    /**
     * {@code e} after an edit: a preset stays itself, any other network is the learner's own and is named
     * so ("Custom: LeNet-5"; a name already custom stays as it is).
     */
    public static Experiment edited(Experiment e, boolean cifar10Present) {
        if (matching(e, cifar10Present) != null) {
            return e;
        }
        String n = e.name() == null ? "" : e.name();
        return e.withName(n.isBlank() ? "Custom CNN" : n.startsWith("Custom") ? n : "Custom: " + n);
    }

    /** Every preset, in menu order; {@code cifar10Present} puts CIFAR-10 itself under the tutorial model. */
    public static List<Preset> all(boolean cifar10Present) {
        List<Preset> p = new ArrayList<>();
        p.add(new Preset(CONV_DEMO, "Convolution demo",
                "Conv2d(3, 6, kernel_size=3) on a 3x32x32 image: (32 - 3 + 2*0) / 1 + 1 = 30, so [6, 30, 30]. "
                        + "Change kernel_size, stride and padding and watch the shape. To train it, add Flatten and Linear(10).",
                experiment("Convolution demo", List.of(3, 32, 32), shapes(), List.of(conv(6, 3, 0)), sgd(0.01, 0.9), 5)));
        p.add(new Preset(POOL_CEIL, "Pooling demo (ceil mode on)",
                "MaxPool2d(kernel_size=3, ceil_mode=True) on a 1x5x5 input: ceil((5 - 3) / 3) + 1 = 2, so [1, 2, 2]. "
                        + "Ceil mode keeps the last, partial window.",
                experiment("Pooling demo (ceil mode on)", List.of(1, 5, 5), mnist(0),
                        List.of(LayerSpec.of("MaxPool2d", args("kernel_size", 3, "ceil_mode", true))), adam(), 5)));
        p.add(new Preset(POOL_FLOOR, "Pooling demo (ceil mode off)",
                "MaxPool2d(kernel_size=3) on a 1x5x5 input: floor((5 - 3) / 3) + 1 = 1, so [1, 1, 1]. "
                        + "Without ceil mode the partial window is dropped.",
                experiment("Pooling demo (ceil mode off)", List.of(1, 5, 5), mnist(0),
                        List.of(LayerSpec.of("MaxPool2d", args("kernel_size", 3, "ceil_mode", false))), adam(), 5)));
        p.add(new Preset(LINEAR_DEMO, "Linear-layer demo",
                "Flatten lays a 3x32x32 image out as 3*32*32 = 3,072 values; Linear(3072, 10) maps them to 10 "
                        + "scores: y = xA^T + b with 30,730 parameters.",
                experiment("Linear-layer demo", null, shapes(), List.of(LayerSpec.of("Flatten"), LayerSpec.linear(10)),
                        adam(), 10)));
        String trainsOn = cifar10Present ? "Trains on CIFAR-10." : "Trains on the generated 3x32x32 shapes (CIFAR-10 "
                + "when its files are in the data folder).";
        p.add(new Preset(CIFAR10_TUTORIAL, "CIFAR-10 tutorial model",
                "The course's whole network, built with Sequential: three Conv2d(kernel_size=5, padding=2) + MaxPool2d(2) "
                        + "blocks, Flatten, Linear(1024, 64), Linear(64, 10): 145,578 parameters. Like the course's, it "
                        + "has no activation layers, so the network is linear between its pools (the max-pools are its "
                        + "only non-linear steps) and its two Linear layers together are no more than one. \"CIFAR-10 "
                        + "tutorial model with ReLU\" is the same model with a ReLU after each Conv2d and the first "
                        + "Linear. " + trainsOn,
                experiment("CIFAR-10 tutorial model", null, cifar10Present ? cifar10() : shapes(), cifar10Layers(false),
                        sgd(0.01, 0.9), 10)));
        p.add(new Preset(CIFAR10_RELU, "CIFAR-10 tutorial model with ReLU",
                "The CIFAR-10 tutorial model with a ReLU after each Conv2d and after Linear(1024, 64): the same "
                        + "145,578 parameters, but no longer linear between the pools. " + trainsOn,
                experiment("CIFAR-10 tutorial model with ReLU", null, cifar10Present ? cifar10() : shapes(),
                        cifar10Layers(true), sgd(0.01, 0.9), 10)));
        p.add(new Preset(LENET, "LeNet-style MNIST model",
                "Two Conv2d + ReLU + MaxPool2d blocks, then three Linear layers: the classic digit recogniser "
                        + "(61,706 parameters).",
                experiment("LeNet-style MNIST model", null, mnist(MNIST_LIMIT), List.of(
                        conv(6, 5, 2), LayerSpec.of("ReLU"), pool(2), conv(16, 5, 0), LayerSpec.of("ReLU"), pool(2),
                        LayerSpec.of("Flatten"), LayerSpec.linear(120), LayerSpec.of("ReLU"), LayerSpec.linear(84),
                        LayerSpec.of("ReLU"), LayerSpec.linear(10)), adam(), 5)));
        p.add(new Preset(PERCEPTRON, "Perceptron (MNIST)",
                "One layer: every pixel weighted and summed into each of the 10 digit scores (7,850 parameters).",
                experiment("Perceptron (MNIST)", null, mnist(0), List.of(LayerSpec.of("Flatten"), LayerSpec.linear(10)),
                        adam(), 5)));
        p.add(new Preset(SHALLOW, "Shallow network (MNIST)",
                "One hidden layer of 64 ReLU neurons (50,890 parameters).",
                experiment("Shallow network (MNIST)", null, mnist(0), List.of(LayerSpec.of("Flatten"), LayerSpec.linear(64),
                        LayerSpec.of("ReLU"), LayerSpec.linear(10)), adam(), 5)));
        p.add(new Preset(DEEP, "Deep network (MNIST)",
                "Three hidden layers of 32: deeper, yet fewer parameters than the shallow one (27,562).",
                experiment("Deep network (MNIST)", null, mnist(0), List.of(LayerSpec.of("Flatten"), LayerSpec.linear(32),
                        LayerSpec.of("ReLU"), LayerSpec.linear(32), LayerSpec.of("ReLU"), LayerSpec.linear(32),
                        LayerSpec.of("ReLU"), LayerSpec.linear(10)), adam(), 5)));
        return p;
    }

    /** The preset with this key. */
    public static Preset byKey(String key, boolean cifar10Present) {
        return all(cifar10Present).stream().filter(p -> p.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no CNN preset \"" + key + "\""));
    }

    /** The experiment the page opens with. */
    public static Experiment defaultExperiment() {
        return byKey(DEFAULT, false).experiment();
    }

    /** The course's CIFAR-10 network; {@code relu}: with a ReLU after each Conv2d and the hidden Linear. */
    private static List<LayerSpec> cifar10Layers(boolean relu) {
        List<LayerSpec> layers = new ArrayList<>();
        int[] channels = {32, 32, 64};
        for (int c : channels) {
            layers.add(conv(c, 5, 2));
            if (relu) {
                layers.add(LayerSpec.of("ReLU"));
            }
            layers.add(pool(2));
        }
        layers.add(LayerSpec.of("Flatten"));
        layers.add(LayerSpec.linear(64));
        if (relu) {
            layers.add(LayerSpec.of("ReLU"));
        }
        layers.add(LayerSpec.linear(10));
        return layers;
    }

    private static Experiment experiment(String name, List<Integer> inputShape, DataSpec data, List<LayerSpec> model,
                                         OptimizerSpec optimizer, int epochs) {
        return new Experiment(Experiment.FORMAT, name, SEED, Experiment.CLASSIFICATION, data, inputShape, model,
                LossSpec.of(LossSpec.CROSS_ENTROPY), optimizer, RegularizationSpec.NONE, epochs, "auto");
    }

    public static DataSpec data(String dataset, Map<String, Object> options) {
        return new DataSpec(dataset, options, null, 0.8, 64, true, false);
    }

    private static DataSpec mnist(int limit) {
        return data("mnist", limit > 0 ? Map.of("limit", limit) : Map.of());
    }

    private static DataSpec shapes() {
        return data("shapes", Map.of("samples", SHAPES_SAMPLES));
    }

    private static DataSpec cifar10() {
        return data("cifar10", Map.of("limit", CIFAR10_LIMIT));
    }

    private static LayerSpec conv(int out, int kernel, int padding) {
        return padding == 0 ? LayerSpec.of("Conv2d", args("out_channels", out, "kernel_size", kernel))
                : LayerSpec.of("Conv2d", args("out_channels", out, "kernel_size", kernel, "padding", padding));
    }

    private static LayerSpec pool(int kernel) {
        return LayerSpec.of("MaxPool2d", args("kernel_size", kernel));
    }

    private static OptimizerSpec sgd(double lr, double momentum) {
        return OptimizerSpec.sgd(lr, momentum, 0, false);
    }

    private static OptimizerSpec adam() {
        return OptimizerSpec.adam(0.001);
    }

    private static Map<String, Object> args(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
