package com.layerlab.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.layerlab.engine.experiment.ExperimentFiles;
import com.layerlab.engine.experiment.Models;
import com.layerlab.engine.experiment.Safetensors;
import com.layerlab.engine.tensor.BackendProvider;
import com.layerlab.engine.tensor.Backends;
import com.layerlab.engine.tensor.Tensor;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code info}, {@code --backend} and the file's {@code backend} field, whichever backends this machine has. */
class BackendCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static CliResult run(String... args) {
        return CliResult.run(args);
    }

    /** The xor example (its file says "backend": "cpu") with {@code backend} in its place. */
    private static Path xor(Path dir, String backend) throws Exception {
        try (InputStream in = BackendCommandTest.class.getResourceAsStream("/layerlab/examples/xor-tanh.json")) {
            ObjectNode root = (ObjectNode) JSON.readTree(in);
            root.put("backend", backend);
            Path f = dir.resolve("xor-" + backend + ".json");
            Files.writeString(f, root.toPrettyString());
            return f;
        }
    }

    private static BackendProvider.Availability cuda() {
        return Backends.standard().providers().stream().filter(p -> p.name().equals("cuda")).findFirst().orElseThrow()
                .availability();
    }

    @Test
    void infoListsEveryBackendWithItsDevicesAndKernelsOrWhyNotAndAutosChoice() throws Exception {
        CliResult r = run("info");
        assertEquals(0, r.status(), r.err());
        assertEquals(1, r.out().lines().count(), "one JSON line: " + r.out());
        JsonNode root = JSON.readTree(r.out());
        List<String> names = new ArrayList<>();
        List<String> available = new ArrayList<>();
        for (JsonNode b : root.get("backends")) {
            String name = b.get("name").asText();
            names.add(name);
            assertTrue(b.get("available").isBoolean(), b.toString());
            assertTrue(b.get("devices").isArray(), b.toString());
            b.get("devices").forEach(d -> assertTrue(d.isTextual() && !d.asText().isBlank(), b.toString()));
            if (b.get("available").asBoolean()) {
                available.add(name);
                assertFalse(b.get("devices").isEmpty(), "an available backend has a device: " + b);
                assertFalse(b.get("kernels").asText().isBlank(), b.toString());
                assertFalse(b.has("reason"), b.toString());
            } else {
                assertFalse(b.get("reason").asText().isBlank(), "an unavailable backend says why: " + b);
                assertFalse(b.has("kernels"), b.toString());
            }
        }
        assertEquals(Backends.standard().providers().stream().map(BackendProvider::name).toList(), names);
        assertEquals("cpu", names.get(0));
        assertTrue(available.contains("cpu"), r.out());
        assertTrue(available.contains(root.get("auto").asText()), "auto names an available backend: " + r.out());
        assertEquals(Math.max(0, names.size() - 1 - names.indexOf(root.get("auto").asText())),
                r.err().lines().filter(l -> l.startsWith("layerlab: backend auto: ")).count(),
                "one line on stderr for each backend auto passed over: " + r.err());
    }

    @Test
    void backendCpuTrainsAndOverridesTheFile(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        CliResult r = run("train", xor(dir, "auto").toString(), "--backend", "cpu", "--epochs", "2", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(2, r.out().lines().count());
        assertTrue(r.err().startsWith("layerlab: training \"XOR with a 2-4-1 Tanh network\" for 2 epochs on backend cpu"),
                r.err());
        assertFalse(r.err().contains("backend auto:"), "cpu was named: auto chose nothing: " + r.err());
        assertEquals("cpu", ExperimentFiles.read(out.resolve("experiment.json")).backend());
    }

    @Test
    void anUnavailableBackendExitsWith2NamingWhatIsMissingAndSuggestingAuto(@TempDir Path dir) throws Exception {
        BackendProvider.Availability cuda = cuda();
        assumeFalse(cuda.available(), "this machine runs CUDA");
        String refusal = "layerlab: backend \"cuda\" is not available: " + cuda.reason()
                + "; backend \"auto\" takes the best one available\n";
        Path out = dir.resolve("run");

        CliResult r = run("train", xor(dir, "cpu").toString(), "--backend", "cuda", "--out", out.toString());
        assertEquals(2, r.status());
        assertEquals(refusal, r.err());
        assertFalse(Files.exists(out), "nothing written for a refused run");

        // the file's field is honoured: the same refusal, unless --backend auto overrides it
        Path cudaFile = xor(dir, "cuda");
        r = run("train", cudaFile.toString(), "--out", out.toString());
        assertEquals(2, r.status());
        assertEquals(refusal, r.err());
        assertFalse(Files.exists(out));
        r = run("train", cudaFile.toString(), "--backend", "auto", "--epochs", "1", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(1, r.out().lines().count());
        assertTrue(r.err().contains("layerlab: backend auto: cuda is not available: " + cuda.reason()), r.err());

        // forward too: --backend, then the file's field
        Path weights = dir.resolve("w.safetensors");
        Safetensors.write(weights, Models.build(ExperimentFiles.read(cudaFile)).stateDict());
        Path in = dir.resolve("x.safetensors");
        Safetensors.write(in, Map.of("input", Tensor.of(new float[] {1, 0, 0, 1}, 2, 2)));
        Path y = dir.resolve("y.safetensors");
        r = run("forward", cudaFile.toString(), "--weights", weights.toString(), "--input", in.toString(), "--out", y.toString());
        assertEquals(2, r.status());
        assertEquals(refusal, r.err());
        r = run("forward", cudaFile.toString(), "--weights", weights.toString(), "--input", in.toString(), "--out", y.toString(),
                "--backend", "cpu");
        assertEquals(0, r.status(), r.err());
        assertEquals(2, Safetensors.read(y).get("output").shape()[0]);
    }

    @Test
    void anUnknownBackendIsAUsageError(@TempDir Path dir) throws Exception {
        CliResult r = run("train", xor(dir, "cpu").toString(), "--backend", "gpu");
        assertEquals(2, r.status());
        assertEquals("layerlab: train: --backend must be one of auto, cpu, opencl, cuda, got \"gpu\"\n", r.err());
        r = run("info", "--backend", "cpu");
        assertEquals(2, r.status());
        assertEquals("layerlab: info: unknown option --backend\n", r.err());
    }
}
