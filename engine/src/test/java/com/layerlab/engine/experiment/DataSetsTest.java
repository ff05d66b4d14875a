package com.layerlab.engine.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.datasets.ImageFolders;
import com.layerlab.datasets.ImageSet;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image sets in the registry: ids, options, input shapes, loading. */
class DataSetsTest {

    @TempDir
    Path dataDir;

    private static String file(String dataset, String options, String inputShape) {
        return """
                {"format": "layerlab/experiment@1", "seed": 1, "task": "classification",
                 "data": {"dataset": "%s", "options": %s, "train_fraction": 0.8, "batch_size": 16},
                 %s
                 "model": [{"type": "Flatten"}, {"type": "Linear", "out_features": 10}],
                 "loss": {"type": "CrossEntropyLoss"}, "optimizer": {"type": "SGD", "lr": 0.01}, "epochs": 1}
                """.formatted(dataset, options, inputShape == null ? "" : "\"input_shape\": " + inputShape + ",");
    }

    private static String error(String json) {
        return assertThrows(ExperimentException.class, () -> ExperimentFiles.read(json)).getMessage();
    }

    private static DataSpec data(String id) {
        return new DataSpec(id, Map.of(), null, 0.8, 16, true, false);
    }

    @Test
    void knowsTheImageSetsAndTheirOptions() {
        assertTrue(DataSets.ids().containsAll(List.of("mnist", "fashion-mnist", "cifar10", "shapes", "folder:<name>")));
        assertTrue(DataSets.isKnown("folder:holiday-photos_2"));
        assertFalse(DataSets.isKnown("folder:../etc"));
        assertTrue(DataSets.isImage("shapes") && !DataSets.isImage("circle"));
        assertEquals(List.of("limit", "samples"), DataSets.options("shapes"));
        assertEquals(List.of("limit"), DataSets.options("cifar10"));
        assertEquals(List.of(1, 28, 28), DataSets.inputShape(data("fashion-mnist")));
        assertEquals(List.of(3, 32, 32), DataSets.inputShape(data("shapes")));
        assertNull(DataSets.inputShape(data("folder:x")));
        assertEquals(10, DataSets.imageClasses("mnist", null));
    }

    @Test
    void readingChecksImageOptions() {
        ExperimentFiles.read(file("shapes", "{\"samples\": 2000, \"limit\": 500}", null));
        ExperimentFiles.read(file("mnist", "{\"limit\": 100}", "[1, 28, 28]"));
        assertEquals("data.options.samples must be an integer from 1 to 60000, got 70000",
                error(file("shapes", "{\"samples\": 70000}", null)));
        assertEquals("data.options.limit must be an integer from 1 to 1000000, got 0", error(file("mnist", "{\"limit\": 0}", null)));
        assertEquals("data.options: unknown option \"samples\" for data set \"mnist\" (options: limit)",
                error(file("mnist", "{\"samples\": 10}", null)));
        assertEquals("data.options: unknown option \"noise\" for data set \"folder:cats\" (options: limit)",
                error(file("folder:cats", "{\"noise\": 10}", "[3, 8, 8]")));
    }

    @Test
    void aGivenInputShapeMustAgreeWithTheImages() throws IOException {
        String m = assertThrows(ExperimentException.class, () -> DataSets.checkInputShape(data("mnist"), List.of(3, 32, 32),
                null)).getMessage();
        assertEquals("input_shape [3, 32, 32] does not agree with data set \"mnist\": its images are [1, 28, 28] "
                + "(channels, height, width)", m);
        DataSets.checkInputShape(data("cifar10"), List.of(3, 32, 32), null);
        DataSets.checkInputShape(data("cifar10"), null, null);
        DataSets.checkInputShape(data("circle"), List.of(5), null);
        // a folder set's shape is known once it is uploaded
        DataSets.checkInputShape(data("folder:tiny"), List.of(1, 2, 2), dataDir);
        ImageFolders.importZip(new ByteArrayInputStream(tinyZip()), "tiny", dataDir, ImageFolders.Limits.DEFAULT);
        assertEquals(List.of(3, 4, 5), DataSets.inputShape(data("folder:tiny"), dataDir));
        DataSets.checkInputShape(data("folder:tiny"), List.of(3, 4, 5), dataDir);
        m = assertThrows(ExperimentException.class, () -> DataSets.checkInputShape(data("folder:tiny"), List.of(1, 4, 5),
                dataDir)).getMessage();
        assertEquals("input_shape [1, 4, 5] does not agree with data set \"folder:tiny\": its images are [3, 4, 5] "
                + "(channels, height, width)", m);
        assertEquals(2, DataSets.imageClasses("folder:tiny", dataDir));
    }

    @Test
    void loadingNamesTheField() {
        ImageSet s = DataSets.load(new DataSpec("shapes", Map.of("samples", 30), null, 0.8, 16, true, false), 4, null);
        assertEquals(30, s.size());
        assertArrayEquals(new int[] {3, 32, 32}, s.shape());
        String m = assertThrows(ExperimentException.class, () -> DataSets.load(data("cifar10"), 0, dataDir)).getMessage();
        assertTrue(m.startsWith("data.dataset: cifar10: the CIFAR-10 files are not there"), m);
        m = assertThrows(ExperimentException.class, () -> DataSets.load(data("folder:none"), 0, dataDir)).getMessage();
        assertEquals("data.dataset: folder:none: there is no uploaded image folder set named \"none\" (none uploaded yet)", m);
        m = assertThrows(ExperimentException.class, () -> DataSets.load(new DataSpec("mnist", Map.of("limit", -1), null, 0.8,
                16, true, false), 0, null)).getMessage();
        assertEquals("data.options: mnist: option limit must be an integer from 1 to 1,000,000, got -1", m);
    }

    private static byte[] tinyZip() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (String name : new String[] {"a/1.png", "b/1.png"}) {
                BufferedImage img = new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB);
                img.setRGB(1, 1, name.startsWith("a") ? 0xff0000 : 0x00ff00);
                z.putNextEntry(new ZipEntry(name));
                ImageIO.write(img, "png", z);
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
