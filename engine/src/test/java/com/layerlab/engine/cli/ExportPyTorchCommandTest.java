package com.layerlab.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code export-pytorch FILE}: the code on stdout; bad input exits 2 with one line on stderr. */
class ExportPyTorchCommandTest {

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

    private static String resource(String path) throws Exception {
        try (InputStream in = ExportPyTorchCommandTest.class.getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void printsTheCodeOfTheFilesModel(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("cifar10-tutorial.json");
        Files.writeString(f, resource("/layerlab/examples/cifar10-tutorial.json"));
        Result r = run("export-pytorch", f.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        assertEquals(resource("/export/cifar10-tutorial.py"), r.out());
    }

    @Test
    void badInputExitsTwoWithAClearMessage(@TempDir Path dir) throws Exception {
        Result r = run("export-pytorch");
        assertEquals(2, r.status());
        assertEquals("", r.out());
        assertEquals("layerlab: export-pytorch: FILE is missing (usage: see \"help\")\n", r.err());

        r = run("export-pytorch", dir.resolve("missing.json").toString());
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("layerlab: ") && r.err().endsWith("missing.json: no such file\n"), r.err());

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, """
                {"format": "layerlab/experiment@1", "input_shape": [1, 28, 28],
                 "model": [{"type": "Conv2d", "out_channels": 4, "kernel_size": 3},
                           {"type": "Linear", "in_features": 2704, "out_features": 10}]}
                """);
        r = run("export-pytorch", bad.toString());
        assertEquals(2, r.status());
        assertEquals("", r.out());
        assertEquals("layerlab: model[1] (Linear): expects input whose last axis is 2704 (in_features is 2704) but got "
                + "[4, 26, 26]; add a Flatten layer before it to use all 2704 values\n", r.err());

        r = run("export-pytorch", bad.toString(), "--weights", "w.safetensors");
        assertEquals(2, r.status());
        assertEquals("layerlab: export-pytorch: unknown option --weights\n", r.err());

        r = run("export-pytorch", bad.toString(), "other.json");
        assertEquals(2, r.status());
        assertEquals("layerlab: export-pytorch: unexpected argument \"other.json\"\n", r.err());
    }

    @Test
    void helpListsTheCommand() {
        Result r = run("help");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("\n  export-pytorch FILE\n"), r.out());
    }
}
