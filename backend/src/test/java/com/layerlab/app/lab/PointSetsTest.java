package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.ui.components.HeatMap;
import com.layerlab.datasets.PointFiles;
import com.layerlab.datasets.Points2D;
import com.layerlab.datasets.PointsCsv;
import com.layerlab.datasets.PointsCsvException;
import com.layerlab.engine.experiment.Experiment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Point sets in the lab: uploads, drawings, who finds them, and the playground's settings and links for them. */
class PointSetsTest {

    @TempDir
    Path dataDir;

    private PointSets sets() {
        return new PointSets(dataDir, new DataOwners(dataDir));
    }

    private static byte[] csv(String... labels) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            sb.append(i % 6 - 3).append(",1,").append(labels[i % labels.length]).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void thePlaygroundHasAColourForEveryClassAFileMayHave() {
        assertTrue(HeatMap.CLASS_COLORS.size() >= PointsCsv.MAX_CLASSES);
    }

    @Test
    void anUploadBelongsToItsUploaderAndOnlyTheyListIt() {
        PointSets s = sets();
        PointSets.PointSet a = s.upload(csv("cat", "dog", "emu"), "C:\\Users\\me\\animals.csv", "visitor:a");
        assertEquals("animals.csv", a.name());
        assertEquals(3, a.classes());
        assertEquals(List.of("cat", "dog", "emu"), a.classNames());
        assertEquals("animals.csv · 12 points, 3 classes", a.label());
        assertEquals(List.of(a.id()), s.ownedBy("visitor:a").stream().map(PointSets.PointSet::id).toList());
        assertTrue(s.ownedBy("visitor:b").isEmpty());
        assertEquals(a, s.describe(a.id()).orElseThrow(), "whoever holds the id can use the set");
    }

    @Test
    void aRefusedUploadStoresAndRecordsNothing() {
        PointSets s = sets();
        PointsCsvException e = assertThrows(PointsCsvException.class, () -> s.upload(csv("1.5", "x"), "m.csv", "visitor:a"));
        assertTrue(e.getMessage().startsWith("line 2:"), e.getMessage());
        assertTrue(s.ownedBy("visitor:a").isEmpty());
        assertFalse(Files.exists(dataDir.resolve("owners")));
    }

    @Test
    void anUploadWithALabelThatNamesNoClassIsRefusedNamingItsLine() {
        PointSets s = sets();
        PointsCsvException e = assertThrows(PointsCsvException.class, () -> s.upload(csv("0", "1", "-3"), "m.csv", "visitor:a"));
        assertEquals("line 3: class -3 is negative: class numbers go from 0 to 4 (or are -1 and 1 as TensorFlow Playground "
                + "writes them)", e.getMessage());
        e = assertThrows(PointsCsvException.class, () -> s.upload(csv("0", "1", "7"), "m.csv", "visitor:a"));
        assertEquals("line 3: class 7: the playground draws at most 5 classes, numbered 0 to 4 (for numbers to predict, "
                + "write them with a decimal point: 7.0)", e.getMessage());
        assertTrue(s.ownedBy("visitor:a").isEmpty());
    }

    @Test
    void drawingsAreNumberedPerOwnerAndNeverReplaceASet() {
        PointSets s = sets();
        Points2D drawn = new Points2D(new float[] {0, 1, 2, 3, 4, 5, -1, -2, -3, -4}, new float[10],
                new float[] {0, 1, 0, 1, 0, 1, 0, 1, 0, 1}, 2);
        PointSets.PointSet first = s.saveDrawn(drawn, "visitor:a");
        PointSets.PointSet second = s.saveDrawn(drawn, "visitor:a");
        PointSets.PointSet theirs = s.saveDrawn(drawn, "visitor:b");
        assertEquals(List.of("Drawing 1", "Drawing 2"), s.ownedBy("visitor:a").stream().map(PointSets.PointSet::name).toList());
        assertEquals("Drawing 1", theirs.name());
        assertFalse(first.id().equals(second.id()));
        assertEquals(10, s.points(second.id()).size());
    }

    @Test
    void aSetWithoutAnOwnerRecordIsTheOperatorsAndADamagedRecordHidesTheSet() throws Exception {
        DataOwners owners = new DataOwners(dataDir);
        String operators = PointFiles.save(csv("0", "1"), dataDir);
        assertTrue(owners.isOffered(operators, "visitor:a"));
        assertTrue(sets().describe(operators).isPresent());
        owners.record(operators, "visitor:b", "x.csv");
        assertFalse(owners.isOffered(operators, "visitor:a"));
        Files.writeString(dataDir.resolve("owners").resolve("points-" + operators.substring(7) + ".json"), "{broken");
        assertFalse(owners.isOffered(operators, "visitor:b"));
        assertTrue(owners.ownedBy("visitor:b", "points:").isEmpty());
    }

    @Test
    void aDrawingSaysWhatItLacksAndClampsWhatIsClicked() {
        PointDrawing d = new PointDrawing(false);
        assertEquals("Draw at least 10 points (there are 0): some of them become the test split.", d.problem());
        for (int i = 0; i < 10; i++) {
            d.add(i - 5, 9, 0);
        }
        assertEquals("Draw points of at least two classes: a classifier learns to tell classes apart.", d.problem());
        d.add(0, 0, 7);
        assertNull(d.problem());
        Points2D p = d.points();
        assertEquals(5, p.classes(), "class 7 is clamped to the last class, 4");
        assertEquals(6f, p.x2()[0], "a click outside the view lands on its edge");
        assertEquals(1, d.eraseNear(0.1, -0.1));
        assertEquals(10, d.size());
        PointDrawing values = new PointDrawing(true);
        values.add(1, 1, 3);
        assertEquals(1f, values.points().label()[0]);
        assertTrue(values.points().isRegression());
    }

    @Test
    void theSettingsOfAPointSetTravelInTheShareLinkAndComeBack() {
        PlaygroundSettings s = PlaygroundSettings.DEFAULTS.toBuilder().pointSet("points:AbCdEfGhIjKlMnOp", 3).build();
        assertTrue(s.isPointSet());
        assertEquals(3, s.classes());
        Experiment e = s.toExperiment();
        assertEquals("points:AbCdEfGhIjKlMnOp", e.data().dataset());
        assertEquals(Map.of("seed", s.dataSeed()), e.data().options(), "a point set's points are its file's: no samples or noise");
        ShareLinks.Parsed<PlaygroundSettings> back = ShareLinks.parsePlayground(
                Map.of(ShareLinks.EXPERIMENT, List.of(ShareLinks.pack(e))));
        assertNull(back.error());
        assertEquals(s, back.value());
        PlaygroundSettings regression = s.toBuilder().pointSet("points:xyz", 0).build();
        assertEquals(PlaygroundSettings.REGRESSION, regression.problem());
        assertEquals(regression, ShareLinks.parsePlayground(
                Map.of(ShareLinks.EXPERIMENT, List.of(ShareLinks.pack(regression.toExperiment())))).value());
        assertEquals("circle", regression.toBuilder().problem(PlaygroundSettings.CLASSIFICATION).build().dataset(),
                "another problem type leaves the point set for that type's first set");
    }
}
