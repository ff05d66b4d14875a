package com.layerlab.engine.experiment;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentFilesTest {

    private static String error(String json) {
        return assertThrows(ExperimentException.class, () -> ExperimentFiles.read(json)).getMessage();
    }

    /** The shallow example with one piece of text replaced. */
    private static String shallowWith(String from, String to) {
        assertTrue(Examples.SHALLOW.contains(from), from);
        return Examples.SHALLOW.replace(from, to);
    }

    @Test
    void readsFormatMdExampleIntoRecords() {
        Experiment e = ExperimentFiles.read(Examples.FORMAT_MD);
        assertEquals("CIFAR-10 tutorial model", e.name());
        assertEquals(42L, e.seed());
        assertEquals("classification", e.task());
        assertEquals("fashion-mnist", e.data().dataset());
        assertNull(e.data().features());
        assertEquals(0.8, e.data().trainFraction());
        assertEquals(64, e.data().batchSize());
        assertTrue(e.data().shuffle());
        assertEquals(List.of(3, 32, 32), e.inputShape());
        assertEquals(9, e.model().size());
        assertEquals(new LayerSpec("Conv2d", Map.of("out_channels", 32, "kernel_size", 5, "padding", 2)), e.model().get(0));
        assertEquals("CrossEntropyLoss", e.loss().type());
        assertEquals(OptimizerSpec.sgd(0.01, 0.9, 0.0, false), e.optimizer());
        assertEquals(RegularizationSpec.NONE, e.regularization());
        assertEquals(10, e.epochs());
        assertEquals("auto", e.backend());
        assertTrue(e.missingForTraining().isEmpty());
    }

    @Test
    void writeThenReadGivesTheSameExperiment() {
        for (String name : Examples.RESOURCE_NAMES) {
            Experiment e = ExperimentFiles.read(Examples.resource(name));
            String text = ExperimentFiles.write(e);
            assertEquals(e, ExperimentFiles.read(text), name);
            assertEquals(text, ExperimentFiles.write(ExperimentFiles.read(text)), name);
        }
        Experiment adam = ExperimentFiles.read(Examples.resource("spiral-3-classes"));
        String text = ExperimentFiles.write(adam);
        assertTrue(text.contains("\"betas\" : [ 0.9, 0.999 ]"), text);
        assertTrue(!text.contains("momentum"), "Adam files carry no SGD fields");
        assertTrue(text.indexOf("\"format\"") < text.indexOf("\"seed\"") && text.indexOf("\"data\"") < text.indexOf("\"model\""));
    }

    @Test
    void writesModelOnlyFilesWithoutTrainingFields(@TempDir Path dir) {
        Experiment e = Experiment.modelOnly(List.of(3), List.of(LayerSpec.linear(1), LayerSpec.of("Sigmoid")));
        Path f = dir.resolve("m.json");
        ExperimentFiles.write(e, f);
        Experiment back = ExperimentFiles.read(f);
        assertEquals(e, back);
        assertEquals(List.of("seed", "task", "data", "loss", "optimizer", "epochs"), back.missingForTraining());
        String text = ExperimentFiles.write(e);
        assertTrue(!text.contains("optimizer") && !text.contains("regularization"), text);
    }

    @Test
    void modelOnlyFileIsRefusedForTrainingSayingWhatIsMissing() {
        Experiment e = ExperimentFiles.read(Examples.resource("perceptron-3"));
        String m = assertThrows(ExperimentException.class, () -> ExperimentFiles.requireTrainable(e)).getMessage();
        assertTrue(m.startsWith("cannot train: the file has no seed, task, data, loss, optimizer, epochs"), m);
        String noLoss = shallowWith("\"loss\": {\"type\": \"BCEWithLogitsLoss\"},", "");
        m = assertThrows(ExperimentException.class, () -> ExperimentFiles.requireTrainable(ExperimentFiles.read(noLoss)))
                .getMessage();
        assertTrue(m.startsWith("cannot train: the file has no loss "), m);
    }

    @Test
    void formatAndTopLevelFieldsAreChecked() {
        assertEquals("format is missing: expected \"layerlab/experiment@1\"",
                error(shallowWith("\"format\": \"layerlab/experiment@1\",", "")));
        assertEquals("format: unknown format \"layerlab/experiment@2\" (expected \"layerlab/experiment@1\")",
                error(shallowWith("experiment@1", "experiment@2")));
        assertTrue(error(shallowWith("\"seed\": 5,", "\"seed\": 5, \"learning_rate\": 1,"))
                .startsWith("unknown field \"learning_rate\" (fields: format, name, seed"));
        assertEquals("seed must be an integer, got \"five\"", error(shallowWith("\"seed\": 5", "\"seed\": \"five\"")));
        assertEquals("task must be \"classification\" or \"regression\", got \"clustering\"",
                error(shallowWith("\"classification\"", "\"clustering\"")));
        assertEquals("epochs must be a non-negative integer, got -1", error(shallowWith("\"epochs\": 5", "\"epochs\": -1")));
        assertTrue(error("[1, 2]").startsWith("an experiment must be a JSON object"));
        assertTrue(error("{\"format\": ").startsWith("not valid JSON: "), error("{\"format\": "));
        assertTrue(error("").startsWith("the file is empty"));
        assertTrue(error(shallowWith("\"seed\": 5,", "\"seed\": 5, \"seed\": 6,")).contains("Duplicate field 'seed'"));
        assertTrue(error(shallowWith("\"epochs\": 5", "\"epochs\": 5, \"backend\": \"tpu\""))
                .startsWith("backend must be one of auto, cpu, opencl, cuda, got \"tpu\""));
    }

    @Test
    void dataFieldsAreCheckedByName() {
        assertEquals("data.batch_size must be a positive integer, got \"ten\"",
                error(shallowWith("\"batch_size\": 10", "\"batch_size\": \"ten\"")));
        assertTrue(error(shallowWith(", \"batch_size\": 10", "")).startsWith("data.batch_size is missing"));
        assertTrue(error(shallowWith("\"train_fraction\": 0.5", "\"train_fraction\": 1.5"))
                .startsWith("data.train_fraction must be a number between 0 and 1"));
        assertTrue(error(shallowWith("\"circle\"", "\"moons\"")).startsWith("data.dataset: unknown data set \"moons\" (known: circle"));
        assertEquals("data.options.noise must be a number from 0 to 50 (percent), got 80",
                error(shallowWith("\"noise\": 10", "\"noise\": 80")));
        assertTrue(error(shallowWith("\"noise\": 10", "\"noise\": 10, \"classes\": 3"))
                .startsWith("data.options.classes must be 2 for data set \"circle\""));
        assertTrue(error(shallowWith("\"noise\": 10", "\"noise\": 10, \"colour\": 3"))
                .startsWith("data.options: unknown option \"colour\" for data set \"circle\" (options: samples, noise, classes, seed)"));
        assertEquals("data.features: unknown feature \"cos(x1)\" (known: x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2))",
                error(shallowWith("[\"x1\", \"x2\"]", "[\"x1\", \"cos(x1)\"]")));
        assertTrue(error(shallowWith("\"batch_size\": 10", "\"batch_size\": 10, \"shufle\": true"))
                .startsWith("data: unknown field \"shufle\""));
        // input_shape must agree with a 2D set's features
        String m = error(shallowWith("\"model\"", "\"input_shape\": [3], \"model\""));
        assertEquals("input_shape [3] does not agree with data set \"circle\": its features [x1, x2] give [2]", m);
        // and is taken from it when left out
        Experiment e = ExperimentFiles.read(shallowWith("[\"x1\", \"x2\"]", "[\"x1\", \"x2\", \"x1*x2\"]"));
        assertEquals(3 * 8 + 8, Models.inspect(e).layers().get(0).params());
    }

    @Test
    void optimizerAndLossAreChecked() {
        assertTrue(error(shallowWith("\"SGD\"", "\"RMSprop\"")).startsWith("optimizer.type: unknown optimizer \"RMSprop\""));
        assertTrue(error(shallowWith("\"lr\": 0.03", "\"lr\": 0.03, \"betas\": [0.9, 0.99]"))
                .startsWith("optimizer (SGD): unknown field \"betas\""));
        assertTrue(error(shallowWith("\"lr\": 0.03", "\"momentum\": 0.9")).startsWith("optimizer (SGD): lr is missing"));
        assertEquals("optimizer (SGD): lr must be a number, got \"fast\"", error(shallowWith("0.03", "\"fast\"")));
        assertEquals("optimizer (SGD): lr must be a non-negative number, got -0.1", error(shallowWith("0.03", "-0.1")));
        assertEquals("optimizer (SGD): nesterov needs a positive momentum",
                error(shallowWith("\"lr\": 0.03", "\"lr\": 0.03, \"nesterov\": true")));
        assertTrue(error(shallowWith("\"BCEWithLogitsLoss\"", "\"NLLLoss\"")).startsWith("loss.type: unknown loss \"NLLLoss\""));
        assertTrue(error(shallowWith("\"epochs\": 5", "\"epochs\": 5, \"regularization\": {\"type\": \"L3\"}"))
                .startsWith("regularization.type must be one of none, L1, L2, got \"L3\""));
        Experiment adam = ExperimentFiles.read(shallowWith("{\"type\": \"SGD\", \"lr\": 0.03}",
                "{\"type\": \"Adam\", \"lr\": 0.01, \"betas\": [0.8, 0.9]}"));
        assertEquals(OptimizerSpec.adam(0.01, 0.8, 0.9, 1e-8, 0), adam.optimizer());
    }

    @Test
    void layerErrorsInFilesNameTheLayer() {
        assertEquals("model[2] (Linear): out_features must be a positive integer, got \"abc\"",
                error(shallowWith("{\"type\": \"Linear\", \"out_features\": 1}", "{\"type\": \"Linear\", \"out_features\": \"abc\"}")));
        assertTrue(error(shallowWith("{\"type\": \"ReLU\"}", "{\"kind\": \"ReLU\"}")).startsWith("model[1]: type is missing"));
        assertTrue(error(shallowWith("{\"type\": \"ReLU\"}", "\"ReLU\"")).startsWith("model[1] must be a layer object"));
    }

    @Test
    void trainingChecksTaskLossAndOutputTogether() {
        Experiment ok = ExperimentFiles.read(Examples.SHALLOW);
        assertEquals(33, ExperimentFiles.requireTrainable(ok).totalParams());
        String m = assertThrows(ExperimentException.class, () -> ExperimentFiles.requireTrainable(
                ok.withLoss(LossSpec.of("CrossEntropyLoss")))).getMessage();
        assertEquals("the model's output has shape [1] but CrossEntropyLoss on 2 classes needs [2] (one logit per class)", m);
        m = assertThrows(ExperimentException.class, () -> ExperimentFiles.requireTrainable(ok.withTask("regression")))
                .getMessage();
        assertEquals("task is regression but data set \"circle\" is a classification set", m);
        Experiment cifar = ExperimentFiles.read(Examples.FORMAT_MD);
        m = assertThrows(ExperimentException.class, () -> ExperimentFiles.requireTrainable(cifar)).getMessage();
        assertEquals("input_shape [3, 32, 32] does not agree with data set \"fashion-mnist\": its images are [1, 28, 28] "
                + "(channels, height, width)", m);
        // without the Flatten, Linear maps only the last axis (as in PyTorch) and the output keeps three axes
        Experiment noFlatten = cifar.withInputShape(null).withData(cifar.data().withDataset("shapes"))
                .withModel(cifar.model().stream().filter(l -> !l.type().equals("Flatten")).toList());
        m = assertThrows(ExperimentException.class, () -> ExperimentFiles.requireTrainable(noFlatten)).getMessage();
        assertEquals("the model's output has shape [64, 4, 10] but CrossEntropyLoss on 10 classes needs [10] (one logit per "
                + "class); model[6] (Linear) got [64, 4, 4] and, as in PyTorch, maps only its last axis: add a Flatten "
                + "layer before it", m);
        // whether a backend runs here is the registry's question, when the run starts (tensor.Backends)
        assertDoesNotThrow(() -> ExperimentFiles.requireTrainable(ok.withBackend("cuda")));
        Experiment spiral = ok.withData(ok.data().withDataset("spiral").withOption("classes", 3));
        m = assertThrows(ExperimentException.class, () -> ExperimentFiles.requireTrainable(spiral)).getMessage();
        assertTrue(m.startsWith("loss.type: BCEWithLogitsLoss needs 2 classes, but data set \"spiral\" has 3"), m);
    }

    @Test
    void readingAMissingFileSaysSo(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("nope.json");
        assertEquals(f + ": no such file", assertThrows(ExperimentException.class, () -> ExperimentFiles.read(f)).getMessage());
        Files.writeString(f, "{}");
        assertTrue(assertThrows(ExperimentException.class, () -> ExperimentFiles.read(f)).getMessage().startsWith("format is missing"));
    }

    @Test
    void aDataBlockWithoutItsSplitIsReadForTheModelAndRefusedForTraining() {
        String noSplit = Examples.SHALLOW.replaceAll("\"train_fraction\"\\s*:\\s*[0-9.]+\\s*,", "");
        assertTrue(!noSplit.contains("train_fraction"), noSplit);
        assertEquals("data.train_fraction is missing (the share of points used for training, e.g. 0.8)", error(noSplit));
        Experiment model = ExperimentFiles.readModel(noSplit);
        assertNull(model.data().trainFraction());
        assertEquals(Models.inspect(ExperimentFiles.read(Examples.SHALLOW)).totalParams(), Models.inspect(model).totalParams());
        assertEquals("data.train_fraction is missing (the share of points used for training, e.g. 0.8)",
                assertThrows(ExperimentException.class, () -> ExperimentFiles.requireTrainable(model)).getMessage());
        // what the file does give is still checked
        assertEquals("data.batch_size must be a positive integer, got 0",
                assertThrows(ExperimentException.class, () -> ExperimentFiles.readModel(noSplit.replaceFirst(
                        "\"batch_size\"\\s*:\\s*[0-9]+", "\"batch_size\": 0"))).getMessage());
    }

    @Test
    void aHugeExperimentIsRefusedBeforeParsing(@TempDir Path dir) throws Exception {
        String huge = "[" + "0,".repeat(3 << 20) + "0]";
        assertEquals("the experiment is 6,291,459 bytes, more than the 4 MiB an experiment file may have (a model with "
                + "its training settings takes a few KB)", error(huge));
        Path f = dir.resolve("huge.json");
        Files.writeString(f, huge);
        String m = assertThrows(ExperimentException.class, () -> ExperimentFiles.readModel(f)).getMessage();
        assertEquals(f + ": " + error(huge), m);
    }
}
