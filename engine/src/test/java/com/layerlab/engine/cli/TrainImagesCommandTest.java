package com.layerlab.engine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentFiles;
import com.layerlab.engine.experiment.Models;
import com.layerlab.engine.experiment.Safetensors;
import com.layerlab.engine.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code train} command on the shipped image examples, cut down to a few hundred images. */
class TrainImagesCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static CliResult run(String... args) {
        return CliResult.run(args);
    }

    private static String example(String name) throws IOException {
        try (InputStream in = TrainImagesCommandTest.class.getResourceAsStream("/layerlab/examples/" + name + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The example with its data set cut to {@code images} (option limit, or samples for shapes). */
    private static Path smaller(Path dir, String name, int images) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(example(name));
        ObjectNode options = (ObjectNode) root.get("data").get("options");
        options.put(root.get("data").get("dataset").asText().equals("shapes") ? "samples" : "limit", images);
        Path f = dir.resolve(name + ".json");
        Files.writeString(f, root.toPrettyString());
        return f;
    }

    /**
     * The stderr lines but those about the backends auto passed over (the examples ask for auto; without
     * a GPU, the GPU backends are passed over, one line each, before the run starts).
     */
    private static List<String> withoutAutoLines(String err) {
        return err.lines().filter(l -> !l.startsWith("layerlab: backend auto: ")).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"lenet-mnist", "lenet-fashion-mnist", "cifar10-tutorial-shapes"})
    void theImageExamplesTrainFromTheCommandLine(String name, @TempDir Path dir) throws Exception {
        Experiment shipped = ExperimentFiles.read(example(name));
        ExperimentFiles.requireTrainable(shipped);
        Path out = dir.resolve("run");
        CliResult r = run("train", smaller(dir, name, 100).toString(), "--out", out.toString(), "--epochs", "1");
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(1, lines.size(), r.out());
        JsonNode j = JSON.readTree(lines.get(0));
        assertEquals(1, j.get("epoch").asInt());
        double acc = j.get("test_accuracy").asDouble();
        assertTrue(acc >= 0 && acc <= 1, lines.get(0));
        assertTrue(j.get("test_loss").asDouble() > 0, lines.get(0));

        List<String> err = withoutAutoLines(r.err());
        assertEquals(4, err.size(), "start, data, one line per epoch, end: " + r.err());
        assertTrue(err.get(1).startsWith("layerlab: data " + shipped.data().dataset() + ": 80 training and 20 test images"),
                err.get(1));
        assertTrue(err.get(2).matches("layerlab: epoch 1/1 in [0-9.]+ s \\([0-9,]+ images/s training\\); test loss .*"),
                err.get(2));
        Path events = out.resolve("events");
        assertTrue(err.get(3).contains("TensorBoard event files in " + events), err.get(3));

        Map<String, Tensor> w = Safetensors.read(out.resolve("weights.safetensors"));
        assertEquals(Models.build(shipped).stateDict().keySet(), w.keySet());
        assertEquals(1, ExperimentFiles.read(out.resolve("experiment.json")).epochs());
        try (Stream<Path> files = Files.walk(events)) {
            assertEquals(2, files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).count(),
                    "the run's events and its hparams");
        }
    }

    @Test
    void theSameImageRunPrintsTheSameLinesAndWeights(@TempDir Path dir) throws Exception {
        Path f = smaller(dir, "lenet-mnist", 150);
        CliResult a = run("train", f.toString(), "--out", dir.resolve("a").toString(), "--epochs", "2");
        CliResult b = run("train", f.toString(), "--out", dir.resolve("b").toString(), "--epochs", "2");
        assertEquals(0, a.status(), a.err());
        assertEquals(a.out(), b.out());
        assertEquals(2, a.out().lines().count());
        assertArrayEquals(Files.readAllBytes(dir.resolve("a/weights.safetensors")),
                Files.readAllBytes(dir.resolve("b/weights.safetensors")));
    }

    @Test
    void aMissingImageSetIsAClearError(@TempDir Path dir) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(example("cifar10-tutorial"));
        Path f = dir.resolve("cifar.json");
        Files.writeString(f, root.toPrettyString());
        Path out = dir.resolve("run");
        CliResult r = run("train", f.toString(), "--out", out.toString(), "--data-dir", dir.resolve("data").toString());
        assertEquals(2, r.status());
        List<String> errors = withoutAutoLines(r.err());
        assertEquals(1, errors.size(), r.err());
        assertTrue(errors.get(0).startsWith("layerlab: data.dataset: cifar10: the CIFAR-10 files are not there"), r.err());
        assertFalse(Files.exists(out), "nothing written for a refused run");
    }
}
