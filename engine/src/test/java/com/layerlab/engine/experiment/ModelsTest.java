package com.layerlab.engine.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.engine.nn.Linear;
import com.layerlab.engine.nn.Sequential;
import com.layerlab.engine.nn.Tanh;
import com.layerlab.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelsTest {

    private static ModelSummary inspect(String json) {
        return Models.inspect(ExperimentFiles.read(json));
    }

    private static ModelSummary inspect(List<Integer> input, LayerSpec... layers) {
        return Models.inspect(Experiment.modelOnly(input, List.of(layers)));
    }

    private static String message(List<Integer> input, LayerSpec... layers) {
        return assertThrows(ExperimentException.class, () -> inspect(input, layers)).getMessage();
    }

    private static LayerSpec layer(String type, Object... args) {
        java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            m.put((String) args[i], args[i + 1]);
        }
        return LayerSpec.of(type, m);
    }

    @Test
    void cifarTutorialModelHasTheDocumentedShapesAndParameterCount() {
        ModelSummary s = inspect(Examples.FORMAT_MD);
        int[][] expected = {{32, 32, 32}, {32, 16, 16}, {32, 16, 16}, {32, 8, 8}, {64, 8, 8}, {64, 4, 4}, {1024}, {64}, {10}};
        assertEquals(expected.length, s.layers().size());
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], s.layers().get(i).outputShape(), "layer " + i);
            assertEquals(i, s.layers().get(i).index());
        }
        assertEquals(145_578, s.totalParams());
        long[] params = {2432, 0, 25632, 0, 51264, 0, 0, 65600, 650};
        for (int i = 0; i < params.length; i++) {
            assertEquals(params[i], s.layers().get(i).params(), "params of layer " + i);
        }
        assertEquals("Conv2d", s.layers().get(0).type());
        assertEquals(145_578, inspect(Examples.resource("cifar10-tutorial")).totalParams());
    }

    @Test
    void courseExamples() {
        ModelSummary perceptron = inspect(Examples.resource("perceptron-3"));
        assertEquals(4, perceptron.totalParams());
        assertArrayEquals(new int[] {1}, perceptron.outputShape());
        assertArrayEquals(new int[] {6, 30, 30}, inspect(Examples.resource("conv-demo")).outputShape());
        assertEquals(6 * 3 * 9 + 6, inspect(Examples.resource("conv-demo")).totalParams());
        assertArrayEquals(new int[] {1, 2, 2}, inspect(Examples.resource("pooling-demo")).outputShape());
        assertArrayEquals(new int[] {1, 1, 1}, inspect(List.of(1, 5, 5), layer("MaxPool2d", "kernel_size", 3)).outputShape());
        ModelSummary shallow = inspect(Examples.SHALLOW);
        assertEquals(2 * 8 + 8 + 8 + 1, shallow.totalParams());
        assertArrayEquals(new int[] {8}, shallow.layers().get(1).outputShape());
    }

    @Test
    void shapesFollowPyTorchFormulas() {
        // Conv1d/Conv3d with per-axis sizes, stride and dilation
        assertArrayEquals(new int[] {4, 48}, inspect(List.of(2, 100), layer("Conv1d", "out_channels", 4, "kernel_size", 5,
                "stride", 2, "dilation", 1)).outputShape());
        ModelSummary c3 = inspect(List.of(1, 8, 9, 10), layer("Conv3d", "out_channels", 2, "kernel_size", List.of(3, 3, 1),
                "padding", List.of(1, 0, 0)));
        assertArrayEquals(new int[] {2, 8, 7, 10}, c3.outputShape());
        assertEquals(2 * 9 + 2, c3.totalParams());
        assertArrayEquals(new int[] {4, 10, 10}, inspect(List.of(4, 14, 14), layer("Conv2d", "out_channels", 4,
                "kernel_size", 3, "dilation", 2)).outputShape());
        // groups divide the weight
        assertEquals(8 * 2 * 9 + 8, inspect(List.of(4, 5, 5), layer("Conv2d", "out_channels", 8, "kernel_size", 3,
                "groups", 2, "in_channels", 4)).totalParams());
        // ConvTranspose2d: (L-1)s - 2p + d(k-1) + output_padding + 1; weight [in, out/groups, kh, kw]
        ModelSummary t = inspect(List.of(16, 7, 7), layer("ConvTranspose2d", "out_channels", 8, "kernel_size", 3,
                "stride", 2, "padding", 1, "output_padding", 1));
        assertArrayEquals(new int[] {8, 14, 14}, t.outputShape());
        assertEquals(16 * 8 * 9 + 8, t.totalParams());
        // pools: stride defaults to kernel_size; ceil_mode drops a window that starts in the padding only
        assertArrayEquals(new int[] {3, 3, 3}, inspect(List.of(3, 7, 7), layer("AvgPool2d", "kernel_size", 2,
                "ceil_mode", false)).outputShape());
        assertArrayEquals(new int[] {3, 4, 4}, inspect(List.of(3, 7, 7), layer("AvgPool2d", "kernel_size", 2,
                "ceil_mode", true)).outputShape());
        assertArrayEquals(new int[] {1, 3, 3}, inspect(List.of(1, 5, 5), layer("MaxPool2d", "kernel_size", 2,
                "stride", 2, "padding", 1, "ceil_mode", true)).outputShape(), "a 4th window would start in the right padding");
        assertArrayEquals(new int[] {1, 4, 4}, inspect(List.of(1, 6, 6), layer("MaxPool2d", "kernel_size", 2,
                "padding", 1, "ceil_mode", true)).outputShape());
        assertArrayEquals(new int[] {1, 2, 2}, inspect(List.of(1, 7, 7), layer("MaxPool2d", "kernel_size", 2,
                "dilation", 3)).outputShape());
        // Flatten, BatchNorm, Dropout, Softmax
        assertArrayEquals(new int[] {3, 20}, inspect(List.of(3, 4, 5), layer("Flatten", "start_dim", 2)).outputShape());
        assertArrayEquals(new int[] {60}, inspect(List.of(3, 4, 5), layer("Flatten", "start_dim", -3)).outputShape());
        ModelSummary bn = inspect(List.of(6, 4, 4), layer("BatchNorm2d"), layer("Dropout", "p", 0.2), layer("Softmax", "dim", 1),
                layer("Flatten"), layer("BatchNorm1d"), layer("LeakyReLU", "negative_slope", 0.2));
        assertEquals(12 + 192, bn.totalParams());
        assertArrayEquals(new int[] {96}, bn.outputShape());
    }

    @Test
    void linearMapsTheLastAxisAsInPyTorch() {
        ModelSummary s = inspect(List.of(3, 30, 30), layer("Linear", "out_features", 4));
        assertArrayEquals(new int[] {3, 30, 4}, s.outputShape());
        assertEquals(30 * 4 + 4, s.totalParams());
        assertArrayEquals(new int[] {5, 2}, inspect(List.of(5, 8), layer("Linear", "out_features", 2, "in_features", 8,
                "bias", false)).outputShape());
    }

    @Test
    void shapeMismatchNamesTheLayerAndBothShapes() {
        String m = message(List.of(3, 32, 32), layer("Conv2d", "out_channels", 3, "kernel_size", 3),
                layer("ReLU"), layer("Identity"), layer("Linear", "out_features", 4, "in_features", 8));
        assertEquals("model[3] (Linear): expects input whose last axis is 8 (in_features is 8) but got [3, 30, 30]; "
                + "add a Flatten layer before it to use all 2700 values", m);
        m = message(List.of(3), layer("Linear", "out_features", 4, "in_features", 8));
        assertEquals("model[0] (Linear): expects input whose last axis is 8 (in_features is 8) but got [3]", m);
        m = message(List.of(784), layer("Conv2d", "out_channels", 3, "kernel_size", 3));
        assertTrue(m.startsWith("model[0] (Conv2d): expects input of shape [C, H, W] but got [784]"), m);
        m = message(List.of(1, 28, 28), layer("Conv2d", "out_channels", 3, "kernel_size", 3, "in_channels", 3));
        assertEquals("model[0] (Conv2d): expects input of shape [3, H, W] but got [1, 28, 28] (in_channels is 3)", m);
        m = message(List.of(3, 2, 2), layer("Conv2d", "out_channels", 6, "kernel_size", 5));
        assertTrue(m.startsWith("model[0] (Conv2d): input [3, 2, 2] is too small for kernel_size [5, 5]"), m);
        m = message(List.of(3, 5, 5), layer("Conv2d", "out_channels", 6, "kernel_size", 1, "groups", 2));
        assertEquals("model[0] (Conv2d): in_channels 3 is not divisible by groups 2", m);
        m = message(List.of(1, 5, 5), layer("MaxPool2d", "kernel_size", 2, "padding", 2));
        assertTrue(m.contains("padding [2, 2] must be at most half of kernel_size [2, 2]"), m);
        m = message(List.of(8), layer("MaxPool2d", "kernel_size", 2));
        assertEquals("model[0] (MaxPool2d): expects input of shape [C, H, W] but got [8]", m);
        m = message(List.of(3, 4), layer("Flatten", "start_dim", 0));
        assertTrue(m.startsWith("model[0] (Flatten): start_dim 0 is the batch axis"), m);
        m = message(List.of(3, 4), layer("Softmax", "dim", 3));
        assertTrue(m.startsWith("model[0] (Softmax): dim 3 is out of range for input [3, 4]"), m);
        m = message(List.of(4, 5), layer("BatchNorm2d"));
        assertEquals("model[0] (BatchNorm2d): expects input of shape [C, H, W] but got [4, 5]", m);
        m = message(List.of(4, 5, 5), layer("ConvTranspose2d", "out_channels", 2, "kernel_size", 3, "output_padding", 1));
        assertTrue(m.contains("output_padding [1, 1] must be smaller than stride [1, 1] or dilation [1, 1]"), m);
    }

    @Test
    void badArgumentsNameLayerArgumentAndValue() {
        assertEquals("model[0] (Linear): out_features must be a positive integer, got \"abc\"",
                message(List.of(2), layer("Linear", "out_features", "abc")));
        assertEquals("model[0] (Linear): out_features must be a positive integer, got 0",
                message(List.of(2), layer("Linear", "out_features", 0)));
        assertEquals("model[0] (Linear): out_features must be a positive integer, got 2.5",
                message(List.of(2), layer("Linear", "out_features", 2.5)));
        assertEquals("model[0] (Linear): out_features is missing", message(List.of(2), layer("Linear")));
        // a size beyond what an int holds is too large, not malformed
        assertEquals("model[0] (Linear): out_features is too large: at most 2,147,483,647, got 1000000000000",
                message(List.of(2), layer("Linear", "out_features", 1_000_000_000_000L)));
        assertEquals("model[0] (Linear): out_features is too large: at most 2,147,483,647, got 1.0E12",
                message(List.of(2), layer("Linear", "out_features", 1e12)));
        assertEquals("model[0] (Linear): bias must be true or false, got \"yes\"",
                message(List.of(2), layer("Linear", "out_features", 1, "bias", "yes")));
        assertTrue(message(List.of(2), layer("Linear", "out_feature", 1))
                .startsWith("model[0] (Linear): unknown argument \"out_feature\" (arguments: out_features, in_features, bias)"));
        assertTrue(message(List.of(2), layer("ReLU", "inplace", true)).contains("ReLU takes no arguments"));
        assertEquals("model[0] (Conv2d): kernel_size must be a positive integer or a list of 2 positive integers, got [3,3,3]",
                message(List.of(1, 9, 9), layer("Conv2d", "out_channels", 1, "kernel_size", List.of(3, 3, 3))));
        assertEquals("model[0] (Dropout): p must be a number between 0 and 1, got 1.5",
                message(List.of(2), layer("Dropout", "p", 1.5)));
        assertTrue(message(List.of(2), layer("Dense")).startsWith("model[0]: unknown layer type \"Dense\" (known: Linear, Conv1d"));
        assertTrue(message(List.of(2)).contains("at least one layer"));
    }

    @Test
    void buildInitialisesLinearLayersFromTheSeedInLayerOrder() {
        Experiment e = Experiment.modelOnly(List.of(2), List.of(LayerSpec.linear(4), LayerSpec.of("Tanh"), LayerSpec.linear(1)))
                .withSeed(123);
        Sequential a = Models.build(e);
        Sequential b = Models.build(e);
        Sequential c = Models.build(e.withSeed(124));
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), new ArrayList<>(a.stateDict().keySet()));
        assertTrue(a.layers().get(1) instanceof Tanh);
        Linear first = (Linear) a.layers().get(0);
        assertArrayEquals(new int[] {4, 2}, first.weight().shape());
        assertArrayEquals(first.weight().toHost(), ((Linear) b.layers().get(0)).weight().toHost());
        assertTrue(first.weight().toHost()[0] != ((Linear) c.layers().get(0)).weight().toHost()[0]);
        // same draws as PyTorch's order with one generator: layer 0 weight, layer 0 bias, layer 2 weight, ...
        Linear expected0 = new Linear(2, 4, true, new java.util.Random(123));
        assertArrayEquals(expected0.bias().toHost(), first.bias().toHost());
        float bound = (float) (1 / Math.sqrt(2));
        for (float w : first.weight().toHost()) {
            assertTrue(Math.abs(w) <= bound);
        }
        Tensor y = a.forward(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2));
        assertArrayEquals(new int[] {3, 1}, y.shape());
        Map<String, Tensor> sd = a.stateDict();
        assertEquals(4, sd.get("2.weight").numel());
    }

    /** Builds, checks every module's type, and runs a batch of 2 through it against inspect's shapes. */
    private static Sequential buildAndRun(Experiment e, String... types) {
        Sequential net = Models.build(e);
        ModelSummary summary = Models.inspect(e);
        assertEquals(types.length, net.layers().size());
        int[] sample = Models.inputShape(e);
        int[] batch = new int[sample.length + 1];
        batch[0] = 2;
        System.arraycopy(sample, 0, batch, 1, sample.length);
        float[] x = new float[Tensor.zeros(batch).numel()];
        java.util.Random rng = new java.util.Random(1);
        for (int i = 0; i < x.length; i++) x[i] = rng.nextFloat();
        List<Tensor> outs = net.forwardAll(Tensor.of(x, batch));
        long params = 0;
        for (int i = 0; i < types.length; i++) {
            assertEquals(types[i], net.layers().get(i).getClass().getSimpleName(), "layer " + i);
            int[] shape = outs.get(i).shape();
            assertEquals(2, shape[0]);
            assertArrayEquals(summary.layers().get(i).outputShape(), java.util.Arrays.copyOfRange(shape, 1, shape.length),
                    "output of layer " + i + " (" + types[i] + ")");
        }
        for (Tensor p : net.parameters()) params += p.numel();
        assertEquals(summary.totalParams(), params, "parameters() against inspect's count");
        return net;
    }

    @Test
    void buildsEveryLayerTypeAndItsShapesAgreeWithInspect() {
        buildAndRun(Experiment.modelOnly(List.of(3, 12, 12), List.of(
                layer("Conv2d", "out_channels", 4, "kernel_size", 3, "padding", 1, "groups", 1),
                layer("BatchNorm2d"), LayerSpec.of("ReLU"),
                layer("ConvTranspose2d", "out_channels", 6, "kernel_size", List.of(2, 3), "stride", 2, "padding", List.of(0, 1),
                        "output_padding", 1, "groups", 2),
                layer("MaxPool2d", "kernel_size", 2, "dilation", 2, "ceil_mode", true),
                layer("AvgPool2d", "kernel_size", 3, "stride", 2, "padding", 1, "ceil_mode", true),
                layer("Dropout", "p", 0.3), layer("LeakyReLU", "negative_slope", 0.2), LayerSpec.of("Tanh"),
                LayerSpec.of("Sigmoid"), LayerSpec.of("Identity"), LayerSpec.of("Flatten"), LayerSpec.linear(8),
                layer("BatchNorm1d", "eps", 1e-3, "momentum", 0.2), LayerSpec.linear(5), LayerSpec.of("Softmax"))),
                "Conv2d", "BatchNorm2d", "ReLU", "ConvTranspose2d", "MaxPool2d", "AvgPool2d", "Dropout", "LeakyReLU", "Tanh",
                "Sigmoid", "Identity", "Flatten", "Linear", "BatchNorm1d", "Linear", "Softmax");
        buildAndRun(Experiment.modelOnly(List.of(2, 20), List.of(
                layer("Conv1d", "out_channels", 4, "kernel_size", 5, "stride", 2, "dilation", 2, "bias", false),
                layer("BatchNorm1d"), layer("Flatten", "start_dim", -2), LayerSpec.linear(3))),
                "Conv1d", "BatchNorm1d", "Flatten", "Linear");
        // Linear on a multi-axis input maps the last axis, as torch.nn.Linear does
        buildAndRun(Experiment.modelOnly(List.of(2, 20), List.of(
                layer("Conv1d", "out_channels", 3, "kernel_size", 5), LayerSpec.linear(7), LayerSpec.of("ReLU"))),
                "Conv1d", "Linear", "ReLU");
        buildAndRun(Experiment.modelOnly(List.of(2, 4, 6, 6), List.of(
                layer("Conv3d", "out_channels", 4, "kernel_size", List.of(2, 3, 3), "padding", List.of(0, 1, 1), "groups", 2),
                layer("Softmax", "dim", 2), LayerSpec.of("Flatten"))),
                "Conv3d", "Softmax", "Flatten");
    }

    @Test
    void buildsTheCifarTutorialModelWithPyTorchsKeysAndTheSeedsWeights() {
        Experiment e = ExperimentFiles.read(Examples.FORMAT_MD);
        Sequential net = buildAndRun(e, "Conv2d", "MaxPool2d", "Conv2d", "MaxPool2d", "Conv2d", "MaxPool2d", "Flatten",
                "Linear", "Linear");
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias", "7.weight", "7.bias",
                "8.weight", "8.bias"), List.copyOf(net.stateDict().keySet()));
        assertArrayEquals(new int[] {32, 3, 5, 5}, net.stateDict().get("0.weight").shape());
        // the seed's generator, layer by layer: the first convolution is drawn first
        com.layerlab.engine.nn.Conv2d first = new com.layerlab.engine.nn.Conv2d(3, 32, new int[] {5, 5}, new int[] {1, 1},
                new int[] {2, 2}, new int[] {1, 1}, 1, true, new java.util.Random(42));
        assertArrayEquals(first.weight().toHost(), net.stateDict().get("0.weight").toHost());
        assertArrayEquals(first.bias().toHost(), net.stateDict().get("0.bias").toHost());
        assertArrayEquals(net.stateDict().get("8.weight").toHost(), Models.build(e).stateDict().get("8.weight").toHost());
    }

    @Test
    void dropoutLayersDoNotShiftTheWeightsAndDropTheSameUnitsForTheSameSeed() {
        Experiment plain = Experiment.modelOnly(List.of(4), List.of(LayerSpec.linear(16), LayerSpec.linear(3))).withSeed(5);
        Experiment dropped = Experiment.modelOnly(List.of(4), List.of(LayerSpec.linear(16), layer("Dropout", "p", 0.5),
                LayerSpec.linear(3))).withSeed(5);
        Sequential a = Models.build(plain);
        Sequential b = Models.build(dropped);
        assertArrayEquals(a.stateDict().get("1.weight").toHost(), b.stateDict().get("2.weight").toHost());
        Tensor x = Tensor.ones(8, 4);
        assertArrayEquals(b.forward(x).toHost(), Models.build(dropped).forward(x).toHost());
        b.train(false);
        assertArrayEquals(Tensor.noGrad(() -> b.forward(x)).toHost(),
                Tensor.noGrad(() -> a.forward(x)).toHost(), "Dropout passes through in evaluation mode");
    }

    @Test
    void maxPoolPaddingIsCheckedAgainstThePlainKernelAsInPyTorch() {
        // torch.nn.MaxPool2d(2, dilation=3, padding=2) fails in pool2d_shape_check: pad 2 > kernel 2 / 2
        String m = message(List.of(1, 7, 7), layer("MaxPool2d", "kernel_size", 2, "dilation", 3, "padding", 2));
        assertEquals("model[0] (MaxPool2d): padding [2, 2] must be at most half of kernel_size [2, 2]", m);
        // (7 + 2*1 - 3*(2-1) - 1) / 2 + 1 = 3
        assertArrayEquals(new int[] {1, 3, 3}, inspect(List.of(1, 7, 7), layer("MaxPool2d", "kernel_size", 2,
                "dilation", 3, "padding", 1)).outputShape());
    }

    @Test
    void buildRefusesWeightsTooLargeToHoldInsteadOfFailingOnTheAllocation() {
        // 50,000 x 50,000 weights overflow an int; as an array length it wrapped to a negative size
        Experiment huge = Experiment.modelOnly(List.of(50_000), List.of(LayerSpec.linear(50_000)));
        assertEquals(2_500_050_000L, Models.inspect(huge).totalParams());
        String m = assertThrows(ExperimentException.class, () -> Models.build(huge)).getMessage();
        assertEquals("model[0] (Linear): 2,500,050,000 parameters are more than one layer can hold (2,147,483,647)", m);
        // each layer fits a tensor, all of them together no Java heap
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            layers.add(LayerSpec.linear(40_000));
        }
        Experiment wide = Experiment.modelOnly(List.of(40_000), layers);
        m = assertThrows(ExperimentException.class, () -> Models.build(wide)).getMessage();
        assertTrue(m.startsWith("the model has 640,016,000,000 parameters: its float32 weights alone need"), m);
        assertThrows(IllegalArgumentException.class, () -> new Linear(50_000, 50_000, true, new java.util.Random(1)));
    }

    /** A shapes (3x32x32) experiment as a share link of the CNN lab makes it: a wide 1x1 convolution. */
    private static Experiment wideShapes(int channels) {
        return ExperimentFiles.read("""
                {"format": "layerlab/experiment@1", "seed": 1, "task": "classification",
                 "data": {"dataset": "shapes", "options": {}, "train_fraction": 0.8, "batch_size": 64},
                 "model": [{"type": "Conv2d", "out_channels": %d, "kernel_size": 1}, {"type": "ReLU"},
                           {"type": "Conv2d", "out_channels": 8, "kernel_size": 1}, {"type": "MaxPool2d", "kernel_size": 4},
                           {"type": "Flatten"}, {"type": "Linear", "out_features": 10}],
                 "loss": {"type": "CrossEntropyLoss"}, "optimizer": {"type": "Adam", "lr": 0.001}, "epochs": 1}
                """.formatted(channels));
    }

    @Test
    void memoryEstimateCountsActivationsGradientsEvaluationAndState() {
        // xor: 500 points evaluated whole; 2 -> Linear(4) -> Tanh -> Linear(1), batch 10, plain SGD
        Experiment e = Experiment.of("xor", 1, "classification", DataSpec.of2D("xor", 500, 0, null, 0.5, 10),
                List.of(LayerSpec.linear(4), LayerSpec.of("Tanh"), LayerSpec.linear(1)), LossSpec.of("BCEWithLogitsLoss"),
                OptimizerSpec.sgd(0.1), RegularizationSpec.NONE, 1);
        MemoryEstimate m = Models.memoryEstimate(e);
        assertEquals(10, m.batch());
        assertEquals(500, m.evalBatch());
        assertEquals(2 * 4 * (2 + 4 + 4 + 1) * 10, m.activationBytes(), "input and outputs, and their gradients");
        assertEquals(4 * (4 + 4) * 500, m.evaluationBytes(), "the largest input plus output of one layer");
        assertEquals(4 * 17 * 2, m.stateBytes(), "17 weights and their gradients");
        assertEquals(16_000 + 136, m.bytes());
        assertEquals(0, m.biggest().index());
        // Adam keeps two moments per weight
        assertEquals(4 * 17 * 4, Models.memoryEstimate(e.withOptimizer(OptimizerSpec.adam(0.01, 0.9, 0.999, 1e-8, 0)))
                .stateBytes());
        m.requireAtMost(m.bytes(), "");
        String over = assertThrows(ExperimentException.class, () -> m.requireAtMost(16_000, "")).getMessage();
        assertTrue(over.startsWith("training this model needs about 16 KiB, most of it to evaluate in batches of 500; "
                + "the biggest layer, model[0] (Linear) with output [4], takes 7.8 KiB of it: more than the bound of "
                + "16 KiB"), over);
    }

    @Test
    void aWideOneByOneConvolutionIsOverAnyServerBoundAndAWiderOneOverflows() {
        // 75,000 parameters pass a parameter limit, but 6,000 channels of 32x32 are 24 MB per image
        Experiment wide = wideShapes(6_000);
        assertEquals(77_138, Models.inspect(wide).totalParams());
        MemoryEstimate m = Models.memoryEstimate(wide);
        assertTrue(m.bytes() > 10L << 30, MemoryEstimate.size(m.bytes()));
        assertEquals("about 11 GiB, most of it to evaluate in batches of 250; the biggest layer, model[0] (Conv2d) with "
                + "output [6000, 32, 32], takes 5.7 GiB of it", m.describe());
        String refused = assertThrows(ExperimentException.class, () -> m.requireAtMost(512L << 20, "raise it")).getMessage();
        assertTrue(refused.contains("more than the bound of 512 MiB") && refused.endsWith("; raise it)"), refused);
        // 60,000 channels: 250 x 60,000 x 1,024 values, more than an int can count
        String overflow = assertThrows(ExperimentException.class, () -> Models.memoryEstimate(wideShapes(60_000))).getMessage();
        assertEquals("model[0] (Conv2d): its output for a batch of 250, a tensor of shape [250, 60000, 32, 32], would hold "
                + "15,360,000,000 values, more than the 2,147,483,639 one array can hold; use fewer channels or features, "
                + "or a smaller batch", overflow);
        // and training refuses it before loading any data
        assertEquals(overflow, assertThrows(ExperimentException.class,
                () -> ExperimentFiles.requireTrainable(wideShapes(60_000))).getMessage());
    }

    @Test
    void aConvolutionWhoseUnfoldedInputOverflowsIsRefusedWhenInspected() {
        // one sample of [20000, 64, 64] under a 7x7 kernel unfolds to 20,000 x 49 x 4,096 values
        String m = message(List.of(20_000, 64, 64), layer("Conv2d", "out_channels", 4, "kernel_size", 7, "padding", 3));
        assertEquals("model[0] (Conv2d): its unfolded input (im2col: channels x kernel positions x output positions) would "
                + "hold 4,014,080,000 values for one sample, more than the 2,147,483,639 one array can hold; use fewer "
                + "channels, a smaller kernel or a smaller input", m);
    }
}
