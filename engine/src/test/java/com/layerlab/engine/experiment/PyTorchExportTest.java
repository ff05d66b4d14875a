package com.layerlab.engine.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import com.layerlab.engine.nn.Sequential;
import com.layerlab.engine.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PyTorch export: the code of every course preset against golden files reviewed by hand, the code
 * run through Python against stand-ins with PyTorch's signatures, and the weights file read by DJL (an
 * independent safetensors reader) and run through PyTorch following the exported layer list, to the
 * outputs of our own model.
 *
 * <p>To rewrite the golden files after a deliberate change: {@code -Dexport.golden.update=true}; the
 * tests then fail until the new files have been read and the property dropped.
 */
class PyTorchExportTest {

    /** Course presets: the shipped examples (layerlab/examples) and the ones this test adds (export/). */
    static final String[] PRESETS = {"perceptron-3", "xor-tanh", "deep-mlp", "spiral-3-classes", "plane-regression",
        "conv-demo", "pooling-demo", "cifar10-tutorial", "lenet-mnist", "batchnorm-dropout", "every-layer", "conv1d",
        "conv3d", "maxpool-dilation"};

    private static NDManager manager;

    @BeforeAll
    static void startPyTorch() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void stopPyTorch() {
        manager.close();
    }

    static String preset(String name) {
        String json = resource("/layerlab/examples/" + name + ".json");
        return json != null ? json : resource("/export/" + name + ".json");
    }

    private static String resource(String path) {
        try (InputStream in = PyTorchExportTest.class.getResourceAsStream(path)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(path, e);
        }
    }

    private static Experiment experiment(String name) {
        String json = preset(name);
        assertNotNull(json, "no preset " + name);
        return ExperimentFiles.read(json);
    }

    // ---- golden files

    @ParameterizedTest
    @ValueSource(strings = {"perceptron-3", "xor-tanh", "deep-mlp", "spiral-3-classes", "plane-regression",
        "conv-demo", "pooling-demo", "cifar10-tutorial", "lenet-mnist", "batchnorm-dropout", "every-layer", "conv1d",
        "conv3d", "maxpool-dilation"})
    void codeMatchesTheReviewedGoldenFile(String name) throws IOException {
        String code = PyTorchExport.code(experiment(name));
        if (Boolean.getBoolean("export.golden.update")) {
            Path file = Path.of("src/test/resources/export", name + ".py");
            Files.writeString(file, code);
            fail("rewrote " + file.toAbsolutePath() + ": review it, then run without -Dexport.golden.update");
        }
        String golden = resource("/export/" + name + ".py");
        assertNotNull(golden, "no golden file export/" + name + ".py");
        assertEquals(golden, code, name);
    }

    @Test
    void everyPresetHasAGoldenTest() throws Exception {
        ValueSource v = PyTorchExportTest.class.getDeclaredMethod("codeMatchesTheReviewedGoldenFile", String.class)
                .getAnnotation(ValueSource.class);
        assertEquals(List.of(PRESETS), List.of(v.strings()));
    }

    // ---- Python

    private record Process(int status, String out) {
    }

    private static Process python(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3"));
        command.addAll(List.of(args));
        java.lang.Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("python3 " + args[0] + " did not finish");
        }
        return new Process(p.exitValue(), out.strip());
    }

    private static boolean havePython() {
        try {
            return python("--version").status() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"perceptron-3", "xor-tanh", "deep-mlp", "spiral-3-classes", "plane-regression",
        "conv-demo", "pooling-demo", "cifar10-tutorial", "lenet-mnist", "batchnorm-dropout", "every-layer", "conv1d",
        "conv3d", "maxpool-dilation"})
    void pythonRunsTheCodeWithPyTorchsSignatures(String name, @TempDir Path dir) throws Exception {
        assumeTrue(havePython(), "python3 is not installed");
        Experiment e = experiment(name);
        Path file = dir.resolve("exported.py");
        Files.writeString(file, PyTorchExport.code(e));
        Process syntax = python("-c", "import ast,sys; ast.parse(open(sys.argv[1], encoding='utf-8').read())", file.toString());
        assertEquals(0, syntax.status(), name + ": not valid Python: " + syntax.out());

        Path checker = dir.resolve("check_export.py");
        Files.writeString(checker, resource("/export/check_export.py"));
        Process run = python(checker.toString(), file.toString());
        assertEquals(0, run.status(), name + ": " + run.out());
        // the last line is the checker's; the lines before it are what the file's __main__ printed
        String[] lines = run.out().split("\n");
        String[] words = lines[lines.length - 1].split(" ", -1);
        assertEquals("ok", words[0], run.out());
        assertEquals(PyTorchExport.className(e.name()), words[1]);
        assertEquals(e.model().size(), Integer.parseInt(words[2]), "layers built by the class");
        List<String> keys = words.length < 4 || words[3].isEmpty() ? List.of() : List.of(words[3].split(","));
        // the state_dict PyTorch would build from this code, key for key, is the one our weights file holds
        assertEquals(expectedKeys(e), keys, name + ": state_dict keys");
        Sequential ours = buildOrNull(e);
        if (ours != null) {
            assertEquals(List.copyOf(ours.stateDict().keySet()), keys, name + ": our model's state_dict keys");
        }
    }

    /** PyTorch's state_dict keys for the experiment's layers, from PyTorch's documented module attributes. */
    private static List<String> expectedKeys(Experiment e) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < e.model().size(); i++) {
            LayerSpec l = e.model().get(i);
            switch (l.type()) {
                case "Linear", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose2d" -> {
                    keys.add(i + ".weight");
                    if (!Boolean.FALSE.equals(l.args().get("bias"))) {
                        keys.add(i + ".bias");
                    }
                }
                case "BatchNorm1d", "BatchNorm2d" -> {
                    for (String k : List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked")) {
                        keys.add(i + "." + k);
                    }
                }
                default -> {
                }
            }
        }
        return keys;
    }

    @Test
    void theCheckerCatchesAWrongArgumentName(@TempDir Path dir) throws Exception {
        // guards the checker itself: a name PyTorch does not take must fail there too
        assumeTrue(havePython(), "python3 is not installed");
        String code = PyTorchExport.code(experiment("lenet-mnist"));
        Path checker = dir.resolve("check_export.py");
        Files.writeString(checker, resource("/export/check_export.py"));
        Path bad = dir.resolve("bad.py");
        Files.writeString(bad, code.replaceFirst("kernel_size=5, padding=2", "kernel=5, padding=2"));
        Process r = python(checker.toString(), bad.toString());
        assertEquals(1, r.status(), r.out());
        assertTrue(r.out().contains("unexpected keyword argument 'kernel'"), r.out());
        Files.writeString(bad, code.replace("lr=0.001", "learning_rate=0.001"));
        r = python(checker.toString(), bad.toString());
        assertEquals(1, r.status(), r.out());
        assertTrue(r.out().contains("learning_rate"), r.out());
    }

    // ---- names, literals, errors

    @Test
    void classNamesAreCamelCaseIdentifiers() {
        assertEquals("CIFAR10TutorialModel", PyTorchExport.className("CIFAR-10 tutorial model"));
        assertEquals("LeNetStyleMNISTModel", PyTorchExport.className("LeNet-style MNIST model"));
        assertEquals("Model3InputPerceptron", PyTorchExport.className("3-input perceptron"));
        assertEquals("ThreeArmedSpiralSoftmaxOutput", PyTorchExport.className("three-armed spiral, softmax output"));
        assertEquals("Model", PyTorchExport.className(null));
        assertEquals("Model", PyTorchExport.className(""));
        assertEquals("Model", PyTorchExport.className("卷积网络 -- !"));
        assertEquals("CNN", PyTorchExport.className("卷积网络 CNN"));
        assertEquals("NoneModel", PyTorchExport.className("none"));
        assertEquals("TrueModel", PyTorchExport.className("true"));
    }

    @Test
    void numbersAreWrittenAsPythonWritesThem() {
        assertEquals("0.01", PyTorchExport.number(0.01));
        assertEquals("0.0001", PyTorchExport.number(1e-4));
        assertEquals("1e-05", PyTorchExport.number(1e-5));
        assertEquals("1e-08", PyTorchExport.number(1e-8));
        assertEquals("2.5e-07", PyTorchExport.number(2.5e-7));
        assertEquals("-0.2", PyTorchExport.number(-0.2));
        assertEquals("2.0", PyTorchExport.number(2));
        assertEquals("100.0", PyTorchExport.number(100));
        assertEquals("0.0", PyTorchExport.number(0));
        assertEquals("1e+16", PyTorchExport.number(1e16));
        assertEquals("0.999", PyTorchExport.number(0.999));
    }

    @Test
    void aNameThatCouldEndTheDocstringIsEscaped() {
        Experiment e = experiment("perceptron-3").withName("say \"\"\" then \\ and\nnew line");
        String code = PyTorchExport.code(e);
        assertTrue(code.startsWith("\"\"\"say \\\"\\\"\\\" then \\\\ and new line: exported from LayerLab"), code);
        assertTrue(code.contains("class SayThenAndNewLine(nn.Sequential):"), code);
    }

    @Test
    void anInvalidModelIsRefusedNamingTheLayer() {
        Experiment e = Experiment.modelOnly(List.of(3, 32, 32), List.of(
                LayerSpec.of("Conv2d", Map.of("out_channels", 3, "kernel_size", 3)),
                LayerSpec.of("Linear", Map.of("out_features", 10, "in_features", 900))));
        ExperimentException x = assertThrows(ExperimentException.class, () -> PyTorchExport.code(e));
        assertEquals("model[1] (Linear): expects input whose last axis is 900 (in_features is 900) but got [3, 30, 30]; "
                + "add a Flatten layer before it to use all 2700 values", x.getMessage());
        Experiment noInput = Experiment.modelOnly(null, List.of(LayerSpec.linear(1)));
        x = assertThrows(ExperimentException.class, () -> PyTorchExport.code(noInput));
        assertTrue(x.getMessage().startsWith("input_shape is missing"), x.getMessage());
    }

    @Test
    void givenArgumentsEqualToPyTorchsDefaultsAreLeftOut() {
        Experiment e = Experiment.modelOnly(List.of(3, 8, 8), List.of(
                LayerSpec.of("Conv2d", Map.of("out_channels", 4, "kernel_size", List.of(3, 3), "stride", 1, "padding", 0,
                        "dilation", List.of(1, 1), "groups", 1, "bias", true, "in_channels", 3)),
                LayerSpec.of("MaxPool2d", Map.of("kernel_size", 2, "stride", 2, "ceil_mode", false)),
                LayerSpec.of("Flatten", Map.of("start_dim", 1)),
                LayerSpec.of("Dropout", Map.of("p", 0.5)),
                LayerSpec.of("Linear", Map.of("out_features", 2, "bias", true))));
        String code = PyTorchExport.code(e);
        assertTrue(code.contains("nn.Conv2d(in_channels=3, out_channels=4, kernel_size=3),"), code);
        assertTrue(code.contains("nn.MaxPool2d(kernel_size=2),"), code);
        assertTrue(code.contains("nn.Flatten(),"), code);
        assertTrue(code.contains("nn.Dropout(),"), code);
        assertTrue(code.contains("nn.Linear(in_features=36, out_features=2),"), code);
    }

    // ---- weights through PyTorch

    /** Our model for the experiment, or null while Models.build refuses one of its layer types. */
    private static Sequential buildOrNull(Experiment e) {
        try {
            return Models.build(e);
        } catch (ExperimentException x) {
            if (x.getMessage().contains("cannot be built")) {
                return null;
            }
            throw x;
        }
    }

    /**
     * Our model's weights go through a safetensors file into PyTorch (read by DJL's own safetensors
     * decoder, by the state_dict keys), and PyTorch runs the layers the exported code lists, with the
     * arguments it writes and PyTorch's defaults for those it leaves out: its outputs must be ours.
     * ({@code maxpool-dilation} is left out: DJL's max pooling has no dilation.)
     */
    @ParameterizedTest
    @ValueSource(strings = {"perceptron-3", "xor-tanh", "deep-mlp", "spiral-3-classes", "plane-regression",
        "conv-demo", "pooling-demo", "cifar10-tutorial", "lenet-mnist", "batchnorm-dropout", "every-layer", "conv1d",
        "conv3d"})
    void weightsRoundTripThroughPyTorchToTheSameOutputs(String name, @TempDir Path dir) {
        Experiment e = experiment(name);
        Sequential model = buildOrNull(e);
        assumeTrue(model != null, name + ": Models.build cannot build every layer of it yet");
        randomizeNormalization(model, e, new Random(5));
        Path weights = dir.resolve("weights.safetensors");
        Safetensors.write(weights, model.stateDict(), Map.of("format", "pt"));

        int[] sample = Models.inputShape(e);
        int batch = 3;
        float[] x = uniform(new Random(17), batch * numel(sample));
        int[] xShape = prepend(batch, sample);
        model.train(false);
        Tensor ours = Tensor.noGrad(() -> model.forward(Tensor.of(x.clone(), xShape)));

        try (NDManager m = manager.newSubManager()) {
            NDArray theirs = torchForward(m, PyTorchExport.code(e), readWithDjl(m, weights), x, xShape);
            assertArrayEquals(toLong(ours.shape()), theirs.getShape().getShape(), name + ": output shape");
            assertClose(name, theirs.toFloatArray(), ours.toHost());
        }
    }

    @Test
    void theRoundTripNoticesAWrongWeight(@TempDir Path dir) {
        // guards the oracle: PyTorch must really use the file's weights
        Experiment e = experiment("deep-mlp");
        Sequential model = Models.build(e);
        Path weights = dir.resolve("weights.safetensors");
        Safetensors.write(weights, model.stateDict());
        Tensor changed = model.stateDict().get("4.weight");
        float[] w = changed.toHost();
        w[3] += 0.25f;
        changed.copyFromHost(w);
        int[] xShape = {5, 7};
        float[] x = uniform(new Random(3), 35);
        Tensor ours = Tensor.noGrad(() -> model.forward(Tensor.of(x.clone(), xShape)));
        try (NDManager m = manager.newSubManager()) {
            float[] theirs = torchForward(m, PyTorchExport.code(e), readWithDjl(m, weights), x, xShape).toFloatArray();
            boolean differs = false;
            for (int i = 0; i < theirs.length; i++) {
                differs |= Math.abs(theirs[i] - ours.toHost()[i]) > 1e-4;
            }
            assertTrue(differs, "PyTorch's output did not change with the weights");
        }
    }

    /** Gives BatchNorm layers weights and running statistics that are not the identity. */
    private static void randomizeNormalization(Sequential model, Experiment e, Random rng) {
        Map<String, Tensor> state = model.stateDict();
        for (int i = 0; i < e.model().size(); i++) {
            if (!e.model().get(i).type().startsWith("BatchNorm")) {
                continue;
            }
            fill(state.get(i + ".weight"), rng, 0.5f, 1.5f);
            fill(state.get(i + ".bias"), rng, -0.5f, 0.5f);
            fill(state.get(i + ".running_mean"), rng, -0.5f, 0.5f);
            fill(state.get(i + ".running_var"), rng, 0.5f, 1.5f);
        }
    }

    private static void fill(Tensor t, Random rng, float lo, float hi) {
        assertNotNull(t, "a BatchNorm state tensor is missing from the model's state_dict");
        float[] d = t.toHost();
        for (int i = 0; i < d.length; i++) {
            d[i] = lo + (hi - lo) * rng.nextFloat();
        }
        t.copyFromHost(d);
    }

    /** The file as DJL decodes it, by name: an independent reader of the safetensors format. */
    private static Map<String, NDArray> readWithDjl(NDManager m, Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
        Map<String, NDArray> byName = new LinkedHashMap<>();
        for (NDArray a : NDList.decode(m, bytes)) {
            assertNotNull(a.getName(), "DJL read a tensor without a name");
            byName.put(a.getName(), a);
        }
        return byName;
    }

    private static final Pattern LAYER_LINE = Pattern.compile("^ {12}nn\\.(\\w+)\\((.*)\\), +# (\\d+): \\[N(, \\d+)*\\]$");

    /** One layer as the exported code constructs it: type and keyword arguments as Python literals. */
    private record PyLayer(int index, String type, Map<String, String> args) {
        String arg(String name, String pyTorchDefault) {
            String v = args.get(name);
            return v != null ? v : pyTorchDefault;
        }

        String required(String name) {
            String v = args.get(name);
            if (v == null) {
                fail("layer " + index + " (" + type + "): PyTorch requires " + name + ", the code does not give it");
            }
            return v;
        }
    }

    /** The layers of the class's {@code super().__init__(...)}, in order. */
    private static List<PyLayer> exportedLayers(String code) {
        int start = code.indexOf("        super().__init__(\n");
        int end = code.indexOf("\n        )\n", start);
        assertTrue(start >= 0 && end > start, "no super().__init__(...) block in the code");
        List<PyLayer> layers = new ArrayList<>();
        for (String line : code.substring(start, end).split("\n")) {
            if (line.equals("        super().__init__(")) {
                continue;
            }
            Matcher mt = LAYER_LINE.matcher(line);
            assertTrue(mt.matches(), "not a layer line: " + line);
            assertEquals(layers.size(), Integer.parseInt(mt.group(3)), "the comment's index: " + line);
            Map<String, String> args = new LinkedHashMap<>();
            for (String a : splitTopLevel(mt.group(2))) {
                int eq = a.indexOf('=');
                assertTrue(eq > 0, "not a keyword argument: " + a + " in " + line);
                assertTrue(args.put(a.substring(0, eq), a.substring(eq + 1)) == null, "argument given twice: " + line);
            }
            layers.add(new PyLayer(layers.size(), mt.group(1), args));
        }
        return layers;
    }

    private static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (c == ',' && depth == 0) {
                parts.add(s.substring(from, i).strip());
                from = i + 1;
            }
        }
        if (!s.isBlank()) {
            parts.add(s.substring(from).strip());
        }
        return parts;
    }

    private static int pyInt(String v) {
        return Integer.parseInt(v);
    }

    private static boolean pyBool(String v) {
        assertTrue(v.equals("True") || v.equals("False"), "not a Python bool: " + v);
        return v.equals("True");
    }

    /** A PyTorch size argument: an int (every axis) or a tuple of ints. */
    private static long[] pySize(String v, int axes) {
        long[] r = new long[axes];
        if (v.startsWith("(")) {
            String[] parts = v.substring(1, v.length() - 1).split(",");
            assertEquals(axes, parts.length, "size " + v);
            for (int i = 0; i < axes; i++) {
                r[i] = Long.parseLong(parts[i].strip());
            }
        } else {
            Arrays.fill(r, Long.parseLong(v));
        }
        return r;
    }

    /** PyTorch's forward over the exported layer list, with the weights the file holds under each key. */
    private static NDArray torchForward(NDManager m, String code, Map<String, NDArray> file, float[] x, int[] xShape) {
        Set<String> used = new HashSet<>();
        NDArray h = m.create(x.clone(), new Shape(toLong(xShape)));
        for (PyLayer l : exportedLayers(code)) {
            String p = l.index() + ".";
            switch (l.type()) {
                case "Linear" -> {
                    int in = pyInt(l.required("in_features"));
                    int out = pyInt(l.required("out_features"));
                    h = h.matMul(weight(file, used, p + "weight", out, in).transpose());
                    if (pyBool(l.arg("bias", "True"))) {
                        h = h.add(weight(file, used, p + "bias", out));
                    }
                }
                case "Conv1d", "Conv2d", "Conv3d", "ConvTranspose2d" -> {
                    int axes = l.type().equals("Conv1d") ? 1 : l.type().equals("Conv3d") ? 3 : 2;
                    int in = pyInt(l.required("in_channels"));
                    int out = pyInt(l.required("out_channels"));
                    long[] k = pySize(l.required("kernel_size"), axes);
                    Shape stride = new Shape(pySize(l.arg("stride", "1"), axes));
                    Shape padding = new Shape(pySize(l.arg("padding", "0"), axes));
                    Shape dilation = new Shape(pySize(l.arg("dilation", "1"), axes));
                    int groups = pyInt(l.arg("groups", "1"));
                    boolean transposed = l.type().equals("ConvTranspose2d");
                    // PyTorch's layouts: [out, in/groups, *k]; transposed [in, out/groups, *k]
                    long[] wShape = new long[2 + axes];
                    wShape[0] = transposed ? in : out;
                    wShape[1] = transposed ? out / groups : in / groups;
                    System.arraycopy(k, 0, wShape, 2, axes);
                    NDArray w = weight(file, used, p + "weight", wShape);
                    NDArray b = pyBool(l.arg("bias", "True")) ? weight(file, used, p + "bias", out) : null;
                    h = switch (l.type()) {
                        case "Conv1d" -> Conv1d.conv1d(h, w, b, stride, padding, dilation, groups).singletonOrThrow();
                        case "Conv2d" -> Conv2d.conv2d(h, w, b, stride, padding, dilation, groups).singletonOrThrow();
                        case "Conv3d" -> Conv3d.conv3d(h, w, b, stride, padding, dilation, groups).singletonOrThrow();
                        default -> convTranspose2d(m, h, w, b, k, stride, padding,
                                pySize(l.arg("output_padding", "0"), 2), dilation, groups, out);
                    };
                }
                case "MaxPool2d", "AvgPool2d" -> {
                    String kernel = l.required("kernel_size");
                    Shape k = new Shape(pySize(kernel, 2));
                    Shape stride = new Shape(pySize(l.arg("stride", kernel), 2));
                    Shape padding = new Shape(pySize(l.arg("padding", "0"), 2));
                    boolean ceil = pyBool(l.arg("ceil_mode", "False"));
                    if (l.type().equals("MaxPool2d")) {
                        assertEquals("1", l.arg("dilation", "1"), "DJL's max pooling has no dilation");
                        h = Pool.maxPool2d(h, k, stride, padding, ceil);
                    } else {
                        h = Pool.avgPool2d(h, k, stride, padding, ceil, true);
                    }
                }
                case "ReLU" -> h = Activation.relu(h);
                case "Tanh" -> h = Activation.tanh(h);
                case "Sigmoid" -> h = Activation.sigmoid(h);
                case "LeakyReLU" -> h = Activation.leakyRelu(h, Float.parseFloat(l.arg("negative_slope", "0.01")));
                case "Identity", "Dropout" -> {
                    // evaluation mode: Dropout passes its input through
                }
                case "Flatten" -> {
                    int rank = h.getShape().dimension();
                    int startDim = pyInt(l.arg("start_dim", "1"));
                    h = h.flatten(startDim < 0 ? startDim + rank : startDim, rank - 1);
                }
                case "BatchNorm1d", "BatchNorm2d" -> {
                    int c = pyInt(l.required("num_features"));
                    float eps = Float.parseFloat(l.arg("eps", "1e-05"));
                    float momentum = Float.parseFloat(l.arg("momentum", "0.1"));
                    NDArray gamma = weight(file, used, p + "weight", c);
                    NDArray beta = weight(file, used, p + "bias", c);
                    NDArray mean = weight(file, used, p + "running_mean", c);
                    NDArray var = weight(file, used, p + "running_var", c);
                    // a scalar in PyTorch: a [1] here would fail load_state_dict with a size mismatch
                    weight(file, used, p + "num_batches_tracked");
                    h = BatchNorm.batchNorm(h, mean, var, gamma, beta, 1, momentum, eps, false).singletonOrThrow();
                }
                case "Softmax" -> h = h.softmax(pyInt(l.required("dim")));
                default -> fail("layer " + l.index() + ": " + l.type() + " is not a layer this oracle knows");
            }
        }
        Set<String> unexpected = new HashSet<>(file.keySet());
        unexpected.removeAll(used);
        assertEquals(Set.of(), unexpected, "keys load_state_dict (strict) would refuse as unexpected");
        return h;
    }

    /**
     * PyTorch's conv_transpose2d, which DJL's PyTorch engine does not offer, as what it is defined to be:
     * the adjoint of conv2d with the same weight, that is the gradient of sum(conv2d(z, w) * x) with
     * respect to z, for z of the transposed output size ((L - 1) s - 2p + d (k - 1) + output_padding + 1).
     */
    private static NDArray convTranspose2d(NDManager m, NDArray x, NDArray w, NDArray b, long[] k, Shape stride,
                                           Shape padding, long[] outputPadding, Shape dilation, int groups, int out) {
        long[] xs = x.getShape().getShape();
        long[] zs = {xs[0], out, 0, 0};
        for (int a = 0; a < 2; a++) {
            zs[a + 2] = (xs[a + 2] - 1) * stride.get(a) - 2 * padding.get(a) + dilation.get(a) * (k[a] - 1) + outputPadding[a] + 1;
        }
        NDArray z = m.zeros(new Shape(zs));
        z.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = Conv2d.conv2d(z, w, null, stride, padding, dilation, groups).singletonOrThrow();
            assertEquals(x.getShape(), y.getShape(), "conv2d of the transposed output gives back the input's shape");
            gc.backward(y.mul(x).sum());
        }
        NDArray t = z.getGradient().duplicate();
        return b == null ? t : t.add(b.reshape(out, 1, 1));
    }

    private static NDArray weight(Map<String, NDArray> file, Set<String> used, String key, long... shape) {
        NDArray a = file.get(key);
        assertNotNull(a, "load_state_dict: missing key " + key + " (the file has " + file.keySet() + ")");
        assertArrayEquals(shape, a.getShape().getShape(), "load_state_dict: size mismatch for " + key);
        used.add(key);
        return a;
    }

    // ---- helpers

    private static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= 1e-4 * Math.max(1, Math.abs(expected[i])))) {
                fail(what + ": output " + i + " is " + actual[i] + ", PyTorch gives " + expected[i]);
            }
        }
    }

    private static float[] uniform(Random rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextFloat() * 2 - 1;
        }
        return v;
    }

    private static int numel(int[] s) {
        int n = 1;
        for (int d : s) {
            n *= d;
        }
        return n;
    }

    private static int[] prepend(int n, int[] s) {
        int[] r = new int[s.length + 1];
        r[0] = n;
        System.arraycopy(s, 0, r, 1, s.length);
        return r;
    }

    private static long[] toLong(int[] s) {
        return Arrays.stream(s).asLongStream().toArray();
    }
}
