package com.layerlab.engine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentFiles;
import com.layerlab.engine.experiment.Models;
import com.layerlab.engine.experiment.Safetensors;
import com.layerlab.engine.nn.Sequential;
import com.layerlab.engine.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        Result r = new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        return r;
    }

    private static Path example(Path dir, String name) throws Exception {
        Path f = dir.resolve(name + ".json");
        try (InputStream in = MainTest.class.getResourceAsStream("/layerlab/examples/" + name + ".json")) {
            Files.write(f, in.readAllBytes());
        }
        return f;
    }

    @Test
    void inspectPrintsLayersAndTotal(@TempDir Path dir) throws Exception {
        Result r = run("inspect", example(dir, "cifar10-tutorial").toString());
        assertEquals(0, r.status(), r.err());
        JsonNode j = JSON.readTree(r.out());
        assertEquals(145_578, j.get("total_params").asLong());
        assertEquals(9, j.get("layers").size());
        assertEquals("{\"index\":0,\"type\":\"Conv2d\",\"output_shape\":[32,32,32],\"params\":2432}", j.get("layers").get(0).toString());
        assertEquals("[1024]", j.get("layers").get(6).get("output_shape").toString());
        Result p = run("inspect", example(dir, "perceptron-3").toString());
        assertEquals("{\"layers\":[{\"index\":0,\"type\":\"Linear\",\"output_shape\":[1],\"params\":4},"
                + "{\"index\":1,\"type\":\"Sigmoid\",\"output_shape\":[1],\"params\":0}],\"total_params\":4}", p.out().trim());
    }

    @Test
    void inspectWarnsWhenTrainingWouldRefuseTheInputShape(@TempDir Path dir) throws Exception {
        // FORMAT.md's own example pairs fashion-mnist (1x28x28) with input_shape [3, 32, 32]
        Path f = dir.resolve("mismatch.json");
        Files.writeString(f, """
                {"format": "layerlab/experiment@1", "seed": 1, "task": "classification",
                 "data": {"dataset": "fashion-mnist", "train_fraction": 0.8, "batch_size": 64},
                 "input_shape": [3, 32, 32],
                 "model": [{"type": "Conv2d", "out_channels": 4, "kernel_size": 5}, {"type": "Flatten"},
                           {"type": "Linear", "out_features": 10}],
                 "loss": {"type": "CrossEntropyLoss"}, "optimizer": {"type": "SGD", "lr": 0.01}, "epochs": 1}
                """);
        Result r = run("inspect", f.toString());
        assertEquals(0, r.status());
        assertTrue(r.out().contains("\"total_params\":"), r.out());
        assertEquals("layerlab: warning: input_shape [3, 32, 32] does not agree with data set \"fashion-mnist\": its images "
                + "are [1, 28, 28] (channels, height, width); training this file will be refused\n", r.err());
    }

    @Test
    void inspectRefusesAModelThatDoesNotFitItsInput(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, """
                {"format": "layerlab/experiment@1", "input_shape": [3, 32, 32],
                 "model": [{"type": "Conv2d", "out_channels": 3, "kernel_size": 3},
                           {"type": "Linear", "in_features": 2700, "out_features": 10}]}
                """);
        Result r = run("inspect", f.toString());
        assertEquals(2, r.status());
        assertEquals("", r.out());
        assertEquals("layerlab: model[1] (Linear): expects input whose last axis is 2700 (in_features is 2700) but got "
                + "[3, 30, 30]; add a Flatten layer before it to use all 2700 values\n", r.err());
        r = run("inspect", dir.resolve("missing.json").toString());
        assertEquals(2, r.status());
        assertTrue(r.err().endsWith("missing.json: no such file\n"), r.err());
        Files.writeString(f, "{not json");
        r = run("inspect", f.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("layerlab: not valid JSON"), r.err());
    }

    @Test
    void trainPrintsOneLinePerEpochAndWritesTheRun(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Result r = run("train", example(dir, "xor-tanh").toString(), "--out", out.toString(), "--epochs", "4");
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(4, lines.size());
        for (int i = 0; i < 4; i++) {
            JsonNode j = JSON.readTree(lines.get(i));
            assertEquals(i + 1, j.get("epoch").asInt());
            assertTrue(j.get("train_loss").isNumber() && j.get("test_loss").isNumber());
            assertTrue(j.get("train_accuracy").asDouble() >= 0 && j.get("test_accuracy").asDouble() <= 1);
        }
        assertTrue(r.err().contains("backend cpu (device: CPU"), r.err());
        assertEquals(2, r.err().lines().count(), "one line at the start, one at the end");
        Experiment saved = ExperimentFiles.read(out.resolve("experiment.json"));
        assertEquals(4, saved.epochs());
        Map<String, Tensor> w = Safetensors.read(out.resolve("weights.safetensors"));
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(w.keySet()));
        assertArrayEquals(new int[] {4, 2}, w.get("0.weight").shape());
        // the same run again gives the same lines, bit for bit
        Result again = run("train", example(dir, "xor-tanh").toString(), "--out", dir.resolve("run2").toString(), "--epochs", "4");
        assertEquals(r.out(), again.out());
        assertArrayEquals(Files.readAllBytes(out.resolve("weights.safetensors")),
                Files.readAllBytes(dir.resolve("run2").resolve("weights.safetensors")));
    }

    @Test
    void regressionLinesHaveNoAccuracy(@TempDir Path dir) throws Exception {
        Result r = run("train", example(dir, "plane-regression").toString(), "--out", dir.resolve("r").toString(), "--epochs", "1");
        assertEquals(0, r.status(), r.err());
        JsonNode j = JSON.readTree(r.out());
        assertEquals(1, j.get("epoch").asInt());
        assertFalse(j.has("train_accuracy"));
    }

    @Test
    void trainRefusesModelOnlyFilesAndBadOptions(@TempDir Path dir) throws Exception {
        Result r = run("train", example(dir, "perceptron-3").toString(), "--out", dir.resolve("x").toString());
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("layerlab: cannot train: the file has no seed, task, data, loss, optimizer, epochs"), r.err());
        assertFalse(Files.exists(dir.resolve("x")), "nothing written for a refused run");
        r = run("train", example(dir, "xor-tanh").toString(), "--epochs", "many");
        assertEquals(2, r.status());
        assertEquals("layerlab: train: --epochs must be an integer of at least 0, got \"many\"\n", r.err());
        r = run("train", example(dir, "xor-tanh").toString(), "--lr", "1");
        assertEquals("layerlab: train: unknown option --lr (options: --out, --epochs, --data-dir, --max-memory, --backend)\n", r.err());
        r = run("train");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("FILE is missing"));
    }

    @Test
    void forwardRunsTheModelOnTheInputTensor(@TempDir Path dir) throws Exception {
        Path model = example(dir, "perceptron-3");
        Experiment e = ExperimentFiles.read(model).withSeed(77);
        Sequential net = Models.build(e);
        Path weights = dir.resolve("w.safetensors");
        Safetensors.write(weights, net.stateDict());
        float[] x = {1, 2, 3, -1, 0, 0.5f};
        Map<String, Tensor> input = new LinkedHashMap<>();
        input.put("input", Tensor.of(x.clone(), 2, 3));
        Path in = dir.resolve("x.safetensors");
        Safetensors.write(in, input);
        Path out = dir.resolve("y.safetensors");
        Result r = run("forward", model.toString(), "--weights", weights.toString(), "--input", in.toString(), "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        Tensor y = Safetensors.read(out).get("output");
        assertArrayEquals(new int[] {2, 1}, y.shape());
        float[] expected = Tensor.noGrad(() -> net.forward(Tensor.of(x.clone(), 2, 3))).toHost();
        assertArrayEquals(expected, y.toHost());
        // by hand: sigmoid(w . x + b)
        float[] w = net.stateDict().get("0.weight").toHost();
        float b = net.stateDict().get("0.bias").toHost()[0];
        assertEquals(1 / (1 + Math.exp(-(w[0] + 2 * w[1] + 3 * w[2] + b))), y.toHost()[0], 1e-6);

        input.put("input", Tensor.of(new float[] {1, 2}, 1, 2));
        Safetensors.write(in, input);
        r = run("forward", model.toString(), "--weights", weights.toString(), "--input", in.toString(), "--out", out.toString());
        assertEquals(2, r.status());
        assertEquals("layerlab: " + in + ": tensor \"input\" has shape [1, 2] but the model takes [N, 3] (batch first)\n", r.err());
        r = run("forward", model.toString(), "--weights", in.toString(), "--input", in.toString(), "--out", out.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("layerlab: " + in + ": the weights do not fit the model: missing 0.weight, 0.bias;"), r.err());
        r = run("forward", model.toString(), "--weights", weights.toString(), "--out", out.toString());
        assertEquals("layerlab: forward: --input is missing\n", r.err());
    }

    @Test
    void forwardRunsAConvolutionModel(@TempDir Path dir) throws Exception {
        // the convolution demo: [3, 32, 32] through Conv2d(6, kernel 3) gives [6, 30, 30]; on a zero image
        // every output is its channel's bias
        Path model = example(dir, "conv-demo");
        Sequential net = Models.build(ExperimentFiles.read(model));
        Path weights = dir.resolve("w.safetensors");
        Safetensors.write(weights, net.stateDict());
        Path in = dir.resolve("x.safetensors");
        Safetensors.write(in, Map.of("input", Tensor.zeros(1, 3, 32, 32)));
        Path out = dir.resolve("y.safetensors");
        Result r = run("forward", model.toString(), "--weights", weights.toString(), "--input", in.toString(), "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        Tensor y = Safetensors.read(out).get("output");
        assertArrayEquals(new int[] {1, 6, 30, 30}, y.shape());
        float[] bias = net.stateDict().get("0.bias").toHost();
        for (int c = 0; c < 6; c++) {
            assertEquals(bias[c], y.toHost()[c * 900 + 437]);
        }
    }

    /** A LeNet-style MNIST experiment whose first layer has {@code channels} output channels. */
    private static Path wideMnist(Path dir, int channels, String lr) throws Exception {
        Path f = dir.resolve("wide-" + channels + ".json");
        Files.writeString(f, """
                {"format": "layerlab/experiment@1", "seed": 1, "task": "classification",
                 "data": {"dataset": "mnist", "options": {"limit": 300}, "train_fraction": 0.8, "batch_size": 64},
                 "model": [{"type": "Conv2d", "out_channels": %d, "kernel_size": 5, "padding": 2}, {"type": "ReLU"},
                           {"type": "MaxPool2d", "kernel_size": 4}, {"type": "Flatten"}, {"type": "Linear", "out_features": 10}],
                 "loss": {"type": "CrossEntropyLoss"}, "optimizer": {"type": "SGD", "lr": %s}, "epochs": 2}
                """.formatted(channels, lr));
        return f;
    }

    @Test
    void trainRefusesAModelWhoseSizesOverflowNamingTheLayer(@TempDir Path dir) throws Exception {
        // 300 x 10,000,000 x 28 x 28 values: once a NegativeArraySizeException ("internal error")
        Result r = run("train", wideMnist(dir, 10_000_000, "0.01").toString(), "--out", dir.resolve("run").toString());
        assertEquals(2, r.status());
        assertEquals("layerlab: model[0] (Conv2d): its output for a batch of 250, a tensor of shape [250, 10000000, 28, 28], "
                + "would hold 1,960,000,000,000 values, more than the 2,147,483,639 one array can hold; use fewer "
                + "channels or features, or a smaller batch\n", r.err());
        assertFalse(Files.exists(dir.resolve("run")), "refused before anything is written");
    }

    @Test
    void trainRefusesAModelOverTheMemoryBoundWithItsEstimate(@TempDir Path dir) throws Exception {
        Result r = run("train", wideMnist(dir, 10_000, "0.01").toString(), "--out", dir.resolve("run").toString());
        assertEquals(2, r.status());
        assertEquals("layerlab: training this model needs about 15 GiB, most of it to evaluate in batches of 250; the "
                + "biggest layer, model[0] (Conv2d) with output [10000, 28, 28], takes 7.3 GiB of it: more than the bound "
                + "of 2 GiB (use fewer channels or features, pool earlier, or a smaller data.batch_size; or raise the "
                + "bound: --max-memory MIB)\n", r.err());
        // the bound is an option: a small model is refused under a bound of 1 MiB
        r = run("train", example(dir, "lenet-mnist").toString(), "--out", dir.resolve("run").toString(), "--max-memory", "1");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("layerlab: training this model needs about ") && r.err().contains("the bound of 1 MiB"),
                r.err());
        r = run("train", example(dir, "lenet-mnist").toString(), "--max-memory", "0");
        assertEquals("layerlab: train: --max-memory must be an integer of at least 1, got \"0\"\n", r.err());
    }

    @Test
    void aLossThatBecomesNaNStopsTheRunNamingEpochAndBatch(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("huge-lr.json");
        Files.writeString(f, Files.readString(example(dir, "xor-tanh")).replaceFirst("\"lr\": [0-9.e-]+", "\"lr\": 1e308"));
        assertTrue(Files.readString(f).contains("1e308"));
        Result r = run("train", f.toString(), "--out", dir.resolve("run").toString());
        assertEquals(2, r.status());
        String last = r.err().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.matches("layerlab: the training loss became (NaN|infinite) in epoch 1, batch \\d+ of \\d+: the weights "
                + "have grown out of float range; use a smaller learning rate \\(optimizer.lr is 1.0E308; 0.001 to 0.1 is "
                + "usual\\)"), last);
    }

    @Test
    void aHugeExperimentFileIsRefusedBeforeParsing(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("huge.json");
        Files.writeString(f, "{\"format\": \"layerlab/experiment@1\", \"name\": \"" + "x".repeat(5 << 20) + "\"}");
        Result r = run("inspect", f.toString());
        assertEquals(2, r.status());
        assertEquals("layerlab: " + f + ": the experiment is 5,242,927 bytes, more than the 4 MiB an experiment file may "
                + "have (a model with its training settings takes a few KB)\n", r.err());
    }

    @Test
    void inspectNeedsNoDataSplitButTrainDoes(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("no-split.json");
        Files.writeString(f, """
                {"format": "layerlab/experiment@1", "seed": 1, "task": "classification",
                 "data": {"dataset": "mnist"},
                 "model": [{"type": "Flatten"}, {"type": "Linear", "out_features": 10}],
                 "loss": {"type": "CrossEntropyLoss"}, "optimizer": {"type": "SGD", "lr": 0.1}, "epochs": 1}
                """);
        Result r = run("inspect", f.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(7850, JSON.readTree(r.out()).get("total_params").asLong());
        assertEquals("", r.err());
        r = run("train", f.toString(), "--out", dir.resolve("run").toString());
        assertEquals(2, r.status());
        assertEquals("layerlab: data.train_fraction is missing (the share of points used for training, e.g. 0.8)\n", r.err());
    }

    @Test
    void forwardRefusesWeightsWhoseTensorsOverlap(@TempDir Path dir) throws Exception {
        Path model = example(dir, "perceptron-3");
        // 0.weight [1, 3] and 0.bias [1] both sized right, the bias reading the weight's last float
        String header = "{\"0.weight\":{\"dtype\":\"F32\",\"shape\":[1,3],\"data_offsets\":[0,12]},"
                + "\"0.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + h.length + 12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).putFloat(1f).putFloat(2f).putFloat(3f);
        Path weights = dir.resolve("w.safetensors");
        Files.write(weights, b.array());
        Path in = dir.resolve("x.safetensors");
        Safetensors.write(in, Map.of("input", Tensor.of(new float[] {1, 2, 3}, 1, 3)));
        Result r = run("forward", model.toString(), "--weights", weights.toString(), "--input", in.toString(), "--out",
                dir.resolve("y.safetensors").toString());
        assertEquals(2, r.status());
        assertEquals("layerlab: " + weights + ": tensors \"0.weight\" and \"0.bias\" overlap: their data_offsets [0, 12] "
                + "and [8, 12] share bytes\n", r.err());
    }

    @Test
    void usageOnNoOrUnknownCommand() {
        Result r = run();
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("usage: java -jar layerlab-engine.jar"), r.err());
        r = run("fly");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("layerlab: unknown command \"fly\"\nusage:"), r.err());
        r = run("help");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("inspect FILE") && r.out().contains("forward FILE --weights"));
    }

    @Test
    void benchmarkRunsBothSidesOnTheSameWork() {
        // a smoke test of the command's wiring, not a timing: tiny rounds, no assertion on speed
        Result r = run("benchmark", "--seconds", "0.05", "--rounds", "1", "--backends", "cpu", "--profile", "off");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("LayerLab cpu (1 thread)"), r.out());
        assertTrue(r.out().contains("PyTorch"), r.out());
        List<String> losses = r.out().lines().filter(l -> l.contains("loss after 3 epochs")).map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
        assertEquals(2, losses.size(), r.out());
        assertEquals(Double.parseDouble(losses.get(0)), Double.parseDouble(losses.get(1)), 1e-4, "same work on both sides");
        assertTrue(r.out().contains("ratio LayerLab cpu (1 thread) / PyTorch"), r.out());
        // the image models and the MLP: the same loss on both sides after 3 steps from the same weights, then a ratio each
        List<Double> imageLosses = r.out().lines().filter(l -> l.contains("loss after 3 steps"))
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).toList();
        assertEquals(6, imageLosses.size(), r.out());
        assertEquals(imageLosses.get(0), imageLosses.get(1), 1e-3 * imageLosses.get(0), "CIFAR-10 model, same work");
        assertEquals(imageLosses.get(2), imageLosses.get(3), 1e-3 * imageLosses.get(2), "LeNet model, same work");
        assertEquals(imageLosses.get(4), imageLosses.get(5), 1e-3 * imageLosses.get(4), "MLP, same work");
        assertTrue(r.out().contains("CIFAR-10 tutorial model (3x32x32, 145,578 parameters)"), r.out());
        assertTrue(r.out().contains("LeNet-5-style MNIST model (1x28x28, 61,706 parameters)"), r.out());
        assertTrue(r.out().contains("MLP 784-128-64-10 (MNIST, flattened) (784, 109,386 parameters)"), r.out());
        // 1 thread each, then every core each (when there is more than one)
        long ratios = r.out().lines().filter(l -> l.contains("ratio LayerLab cpu (") && l.contains("/ PyTorch, ")).count();
        assertEquals(Runtime.getRuntime().availableProcessors() == 1 ? 3 : 6, ratios, r.out());
        assertTrue(r.out().contains("ratio LayerLab cpu (1 thread) / PyTorch, 1 thread: "), r.out());
        assertFalse(r.out().contains("profile of one training step"), r.out());
    }

    @Test
    void benchmarkRunsTheModelsAskedForWithTheProfileOfAStep() {
        Result r = run("benchmark", "--seconds", "0.05", "--rounds", "1", "--backends", "cpu", "--models", "mlp");
        assertEquals(0, r.status(), r.err());
        assertFalse(r.out().contains("2-8-8-1"), r.out());
        assertFalse(r.out().contains("CIFAR-10"), r.out());
        assertTrue(r.out().contains("MLP 784-128-64-10"), r.out());
        assertTrue(r.out().contains("profile of one training step, LayerLab cpu"), r.out());
        // the MLP's step: its matrix products, and the rest of the step
        assertTrue(r.out().lines().anyMatch(l -> l.trim().startsWith("matmul ")), r.out());
        assertTrue(r.out().contains("outside the primitives"), r.out());
        // the profiled step takes its arrays from the step's memory as the timed steps do (0.7 MB a step
        // came fresh when the timing proxy kept the memory out): only arrays too small to keep are allocated
        for (String l : r.out().lines().filter(l -> l.trim().startsWith("allocate (")).toList()) {
            double mb = Double.parseDouble(l.substring(l.indexOf('(') + 1, l.indexOf(" MB)")));
            assertTrue(mb < 0.1, l);
        }
    }

    @Test
    void benchmarkNamesAnUnknownModel() {
        Result r = run("benchmark", "--models", "cifar,resnet");
        assertEquals(2, r.status());
        assertEquals("layerlab: benchmark: --models has \"resnet\", which is not one of playground, cifar, lenet, mlp\n",
                r.err().replace("\r\n", "\n"));
    }
}
