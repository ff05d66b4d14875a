package com.layerlab.engine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.layerlab.datasets.PointFiles;
import com.layerlab.datasets.Points2D;
import com.layerlab.engine.experiment.DataSets;
import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentException;
import com.layerlab.engine.experiment.ExperimentFiles;
import com.layerlab.engine.train.PointProbes;
import com.layerlab.engine.train.Trainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A learner's point set, {@code points:<id>}: resolved from the data folder and trained as a built-in 2D set. */
class TrainPointsCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    private static CliResult run(String... args) {
        return CliResult.run(args);
    }

    /** Two blobs, class "left" around (-2, 0) and class "right" around (2, 0): easy to learn. */
    private String storeBlobs() {
        StringBuilder csv = new StringBuilder("x1,x2,side\n");
        Random r = new Random(5);
        for (int i = 0; i < 200; i++) {
            boolean right = i % 2 == 1;
            csv.append(String.format(java.util.Locale.ROOT, "%.3f,%.3f,%s%n", (right ? 2 : -2) + r.nextGaussian() * 0.5,
                    r.nextGaussian(), right ? "right" : "left"));
        }
        return PointFiles.save(csv.toString().getBytes(StandardCharsets.UTF_8), dataDir);
    }

    private static String experiment(String dataset, String task, String loss, int outputs) {
        return """
                {"format": "layerlab/experiment@1", "seed": 4, "task": "%s",
                 "data": {"dataset": "%s", "options": {"seed": 9}, "features": ["x1", "x2", "x1^2"],
                          "train_fraction": 0.7, "batch_size": 10},
                 "model": [{"type": "Linear", "out_features": 4}, {"type": "Tanh"},
                           {"type": "Linear", "out_features": %d}],
                 "loss": {"type": "%s"}, "optimizer": {"type": "SGD", "lr": 0.1}, "epochs": 5}
                """.formatted(task, dataset, outputs, loss);
    }

    private Path write(String json) throws Exception {
        Path f = dataDir.resolve("experiment.json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void theRegistryKnowsPointSetsAsTwoDimensionalSets() {
        assertTrue(DataSets.ids().contains("points:<id>"));
        assertTrue(DataSets.isKnown("points:Ab3_-x") && DataSets.is2D("points:Ab3_-x"));
        assertFalse(DataSets.isKnown("points:../x"));
        assertFalse(DataSets.isImage("points:Ab3"));
        assertEquals(List.of("seed"), DataSets.options("points:Ab3"));
        DataSpec d = new DataSpec("points:Ab3", Map.of(), List.of("x1", "x2", "sin(x1)"), 0.5, 10, true, false);
        assertEquals(List.of(3), DataSets.inputShape(d), "the features decide the input width, as for the built-in sets");
    }

    @Test
    void trainRunsAnExperimentOnAStoredSetAndTheLossFalls() throws Exception {
        String id = storeBlobs();
        Path file = write(experiment(id, "classification", "BCEWithLogitsLoss", 1));
        CliResult r = run("train", file.toString(), "--out", dataDir.resolve("run").toString(), "--data-dir", dataDir.toString());
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(5, lines.size());
        JsonNode first = JSON.readTree(lines.get(0));
        JsonNode last = JSON.readTree(lines.get(4));
        assertTrue(last.get("train_loss").asDouble() < first.get("train_loss").asDouble(), r.out());
        assertTrue(last.get("test_accuracy").asDouble() > 0.9, r.out());
    }

    @Test
    void theSplitFollowsTheSeedAsForTheBuiltInSets() throws Exception {
        String id = storeBlobs();
        Experiment e = ExperimentFiles.read(experiment(id, "classification", "BCEWithLogitsLoss", 1));
        try (Trainer a = new Trainer(e, dataDir); Trainer b = new Trainer(e, dataDir);
             Trainer c = new Trainer(e.withData(e.data().withOption("seed", 10)), dataDir)) {
            assertEquals(140, a.data().trainSize(), "70 % of the 200 points");
            assertEquals(60, a.data().testSize());
            assertEquals(2, a.data().classes());
            assertArrayEquals(new PointProbes(a).trainPoints().x1(), new PointProbes(b).trainPoints().x1());
            assertFalse(java.util.Arrays.equals(new PointProbes(a).trainPoints().x1(), new PointProbes(c).trainPoints().x1()),
                    "another data seed, another split");
        }
    }

    @Test
    void aSetOfNumbersIsARegressionSetAndTheTaskMustSayTheSame() throws Exception {
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            csv.append(i % 10 - 5).append(".0,").append(i % 7 - 3).append(".5,").append(0.1 * (i % 10 - 5)).append('\n');
        }
        String id = PointFiles.save(csv.toString().getBytes(StandardCharsets.UTF_8), dataDir);
        Experiment regression = ExperimentFiles.read(experiment(id, "regression", "MSELoss", 1));
        assertEquals(0, DataSets.size2D(regression.data(), dataDir).classes());
        ExperimentFiles.requireTrainable(regression, dataDir);
        Experiment asClasses = ExperimentFiles.read(experiment(id, "classification", "BCEWithLogitsLoss", 1));
        assertEquals("task is classification but data set \"" + id + "\" is a regression set",
                assertThrows(ExperimentException.class, () -> ExperimentFiles.requireTrainable(asClasses, dataDir)).getMessage());
    }

    @Test
    void theModelMustHaveOneOutputPerClassOfTheFile() throws Exception {
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            csv.append(i % 5).append(",1,").append(i % 3).append('\n');
        }
        String id = PointFiles.save(csv.toString().getBytes(StandardCharsets.UTF_8), dataDir);
        Experiment e = ExperimentFiles.read(experiment(id, "classification", "CrossEntropyLoss", 2));
        String m = assertThrows(ExperimentException.class, () -> ExperimentFiles.requireTrainable(e, dataDir)).getMessage();
        assertTrue(m.startsWith("the model's output has shape [2] but CrossEntropyLoss on 3 classes needs [3]"), m);
    }

    @Test
    void anUnknownIdIsAClearMessage() throws Exception {
        Path file = write(experiment("points:NoSuchSet", "classification", "BCEWithLogitsLoss", 1));
        CliResult r = run("train", file.toString(), "--data-dir", dataDir.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("data.dataset: there is no point set points:NoSuchSet in the data folder " + dataDir
                + " (looked for points/NoSuchSet.csv)"), r.err());
        CliResult malformed = run("train", write(experiment("points:a/b", "classification", "BCEWithLogitsLoss", 1)).toString());
        assertEquals(2, malformed.status());
        assertTrue(malformed.err().contains("unknown data set \"points:a/b\""), malformed.err());
    }

    @Test
    void aLabelEditedIntoAStoredSetIsRefusedNamingTheFileAndLine() throws Exception {
        StringBuilder csv = new StringBuilder("x1,x2,label\n");
        for (int i = 0; i < 20; i++) {
            csv.append(i % 5).append(",1,").append(i == 11 ? "-3" : Integer.toString(i % 2)).append('\n');
        }
        Files.createDirectories(dataDir.resolve("points"));
        Files.writeString(dataDir.resolve("points/edited.csv"), csv);
        CliResult r = run("train", write(experiment("points:edited", "classification", "BCEWithLogitsLoss", 1)).toString(),
                "--data-dir", dataDir.toString());
        assertEquals(2, r.status(), r.out());
        assertTrue(r.err().contains("data.dataset: point set points:edited, line 13: class -3 is negative: class numbers go "
                + "from 0 to 4"), r.err());
    }

    @Test
    void aDrawnSetIsStoredAndLoadsAsTheSamePoints() {
        Points2D drawn = new Points2D(new float[] {-1, 1, -2, 2, -3, 3, -4, 4, -5, 5}, new float[10],
                new float[] {0, 3, 0, 3, 0, 3, 0, 3, 0, 3}, 4);
        String id = PointFiles.save(drawn, dataDir);
        Points2D back = DataSets.load2D(new DataSpec(id, Map.of(), null, 0.5, 5, true, false), 0, dataDir);
        assertArrayEquals(drawn.x1(), back.x1());
        assertArrayEquals(drawn.label(), back.label());
        assertEquals(4, back.classes());
    }
}
