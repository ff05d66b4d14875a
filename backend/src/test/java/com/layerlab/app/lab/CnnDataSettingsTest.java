package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.datasets.ImageSet;
import com.layerlab.datasets.ImageSets;
import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CnnDataSettingsTest {

    private static final DataSpec MNIST_500 = new DataSpec(ImageSets.MNIST, Map.of(ImageSets.LIMIT, 500), null, 0.7, 16,
            false, true);

    @Test
    void theGeneratedShapesAreCappedBySamplesEverySetElseByLimit() {
        assertEquals(ImageSets.SAMPLES, CnnDataSettings.sizeOption(ImageSets.SHAPES));
        assertEquals(ImageSets.LIMIT, CnnDataSettings.sizeOption(ImageSets.MNIST));
        assertEquals(ImageSets.LIMIT, CnnDataSettings.sizeOption("folder:pets-abc"));
    }

    @Test
    void anotherSetKeepsTheLoaderSettingsAndTheCapOnTheImages() {
        DataSpec shapes = CnnDataSettings.switchTo(MNIST_500, ImageSets.SHAPES);
        assertEquals(new DataSpec(ImageSets.SHAPES, Map.of(ImageSets.SAMPLES, 500), null, 0.7, 16, false, true), shapes);
        assertEquals(MNIST_500, CnnDataSettings.switchTo(shapes, ImageSets.MNIST));
    }

    @Test
    void theShapesWithoutACapGetThePresetsNumberOtherSetsAllTheirImages() {
        DataSpec all = new DataSpec(ImageSets.MNIST, Map.of(), null, 0.8, 32, true, false);
        assertEquals(Map.of(ImageSets.SAMPLES, CnnPresets.SHAPES_SAMPLES),
                CnnDataSettings.switchTo(all, ImageSets.SHAPES).options());
        assertEquals(Map.of(), CnnDataSettings.switchTo(all, ImageSets.FASHION_MNIST).options());
    }

    @Test
    void anUploadedSetIsTrainedWholeWithTheSameLoaderSettings() {
        assertEquals(new DataSpec("folder:pets-abc", Map.of(), null, 0.7, 16, false, true),
                CnnDataSettings.uploaded(MNIST_500, "folder:pets-abc"));
    }

    @Test
    void anInputShapeThatOnlyRepeatedTheSetsIsDroppedBeforeTheSetChanges() {
        Experiment e = CnnPresets.defaultExperiment().withInputShape(List.of(1, 28, 28));
        assertTrue(CnnDataSettings.repeatsDataShape(e, new int[] {1, 28, 28}));
        assertNull(CnnDataSettings.followingData(e, new int[] {1, 28, 28}).inputShape());
        assertEquals(List.of(1, 28, 28), CnnDataSettings.followingData(e, new int[] {3, 32, 32}).inputShape());
        assertEquals(List.of(1, 28, 28), CnnDataSettings.followingData(e, null).inputShape());
        assertFalse(CnnDataSettings.repeatsDataShape(e.withInputShape(null), new int[] {1, 28, 28}));
    }

    @Test
    void anUploadedSetsShapeIsStatedInTheExperimentOnlyWhereItIsMissing() {
        Experiment builtIn = CnnPresets.defaultExperiment().withInputShape(null);
        assertSame(builtIn, CnnDataSettings.statingShape(builtIn, new int[] {1, 28, 28}));
        Experiment folder = builtIn.withData(CnnDataSettings.uploaded(builtIn.data(), "folder:pets-abc"));
        assertEquals(List.of(3, 10, 12), CnnDataSettings.statingShape(folder, new int[] {3, 10, 12}).inputShape());
        Experiment given = folder.withInputShape(List.of(3, 8, 8));
        assertEquals(List.of(3, 8, 8), CnnDataSettings.statingShape(given, new int[] {3, 10, 12}).inputShape());
        assertSame(folder, CnnDataSettings.statingShape(folder, null));
    }

    private static ImageSet images(int n, int officialTrain) {
        return new ImageSet("test", new byte[n * 4], 1, 2, 2, new int[n], List.of("only"), officialTrain, "a test");
    }

    @Test
    void aSetWithItsOwnSplitUsesItElseTheTrainFractionCutsIt() {
        assertEquals(new CnnDataSettings.Split(60, 40, true), CnnDataSettings.split(images(100, 60), 0.9));
        assertEquals(new CnnDataSettings.Split(57, 43, false), CnnDataSettings.split(images(100, 0), 0.57));
        // an "official" split that holds every image is none: nothing would be left to test on
        assertEquals(new CnnDataSettings.Split(80, 20, false), CnnDataSettings.split(images(100, 100), 0.8));
    }
}
