package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.datasets.ImageDataException;
import com.layerlab.datasets.ImageFolders;
import com.layerlab.datasets.ImageSet;
import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.ExperimentException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CnnDataServiceTest {

    @TempDir
    Path dataDir;

    private CnnDataService service() {
        return new CnnDataService(dataDir, CnnLimits.DEFAULT);
    }

    private static byte[] zipOfTwoClasses() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (String cls : new String[] {"cats", "dogs"}) {
                for (int i = 0; i < 3; i++) {
                    BufferedImage img = new BufferedImage(12, 10, BufferedImage.TYPE_INT_RGB);
                    Graphics2D g = img.createGraphics();
                    g.setColor(cls.equals("cats") ? Color.ORANGE : Color.BLUE);
                    g.fillRect(i, i, 6, 5);
                    g.dispose();
                    ByteArrayOutputStream png = new ByteArrayOutputStream();
                    ImageIO.write(img, "png", png);
                    zip.putNextEntry(new ZipEntry("pets/" + cls + "/" + i + ".png"));
                    zip.write(png.toByteArray());
                    zip.closeEntry();
                }
            }
        }
        return out.toByteArray();
    }

    @Test
    void offersTheBuiltInSetsAndCifar10OnlyWhenItsFilesArePresent() {
        CnnDataService s = service();
        assertEquals(java.util.List.of("mnist", "fashion-mnist", "shapes"),
                s.choices("visitor:a").stream().map(CnnDataService.Choice::id).toList());
        assertFalse(s.cifar10Present());
    }

    @Test
    void anUploadedZipBecomesAFolderSetToTrainOn() throws IOException {
        CnnDataService s = service();
        ImageFolders.Imported imported = s.importZip(new ByteArrayInputStream(zipOfTwoClasses()),
                CnnDataService.folderName("My Pets.zip"), "visitor:a");
        assertTrue(imported.name().matches("my-pets-[A-Za-z0-9_-]{16}"), "an unguessable id: " + imported.name());
        assertEquals(6, imported.images());
        assertTrue(s.choices("visitor:a").stream().anyMatch(c -> c.id().equals(imported.id())
                && c.label().equals("Uploaded: my-pets")));
        DataSpec d = CnnPresets.data(imported.id(), Map.of());
        CnnInspection.DataInfo info = s.info(d, 1);
        assertEquals(6, info.images());
        assertEquals(2, info.classes());
        assertArrayEquals(new int[] {3, 10, 12}, info.shape());
    }

    @Test
    void aBadZipIsRefusedWithAMessageAndStoresNothing() {
        CnnDataService s = service();
        ImageDataException e = assertThrows(ImageDataException.class,
                () -> s.importZip(new ByteArrayInputStream("not a zip".getBytes()), "bad", "visitor:a"));
        assertFalse(e.getMessage().isBlank());
        assertEquals(3, s.choices("visitor:a").size());
        assertFalse(java.nio.file.Files.exists(dataDir.resolve("owners")), "a refused upload records no owner");
    }

    @Test
    void loadedSetsAreKeptAndAMissingSetIsReportedByName() {
        CnnDataService s = service();
        DataSpec d = CnnPresets.data("mnist", Map.of("limit", 100));
        ImageSet a = s.load(d, 1);
        assertSame(a, s.load(d, 2), "mnist does not depend on the seed");
        assertEquals(100, a.size());
        ExperimentException e = assertThrows(ExperimentException.class,
                () -> s.load(CnnPresets.data("cifar10", Map.of()), 1));
        assertTrue(e.getMessage().startsWith("data.dataset"), e.getMessage());
    }

    @Test
    void theBatchShownIsTheDataLoadersFirstOne() {
        CnnDataService s = service();
        DataSpec d = CnnPresets.data("mnist", Map.of("limit", 200)).withBatchSize(16);
        ImageSet set = s.load(d, 1);
        int[] shuffled = CnnDataService.firstBatch(set, d, 42, 32);
        assertEquals(16, shuffled.length);
        assertArrayEquals(shuffled, CnnDataService.firstBatch(set, d, 42, 32), "the seed fixes it");
        assertFalse(java.util.Arrays.equals(shuffled, CnnDataService.firstBatch(set, d, 43, 32)));
        DataSpec plain = new DataSpec("mnist", Map.of("limit", 200), null, 0.8, 64, false, false);
        assertArrayEquals(java.util.stream.IntStream.range(0, 32).toArray(), CnnDataService.firstBatch(set, plain, 42, 32));
        assertNotEquals(0, shuffled[0] + shuffled[1] + shuffled[2]);
    }

    @Test
    void uploadsNeverReplaceOneAnotherAndOnlyTheirOwnerFindsThemInTheMenu() throws IOException {
        CnnDataService s = service();
        byte[] zip = zipOfTwoClasses();
        String mine = s.importZip(new ByteArrayInputStream(zip), "pets", "visitor:a").id();
        String theirs = s.importZip(new ByteArrayInputStream(zip), "pets", "visitor:b").id();
        assertNotEquals(mine, theirs, "the same name twice: two sets");
        assertEquals(java.util.List.of(mine), uploads(s, "visitor:a"));
        assertEquals(java.util.List.of(theirs), uploads(s, "visitor:b"));
        // the id is the capability: whoever holds it (a link) loads the set, whoever uploaded it
        assertEquals(6, s.load(CnnPresets.data(theirs, Map.of()), 1).size());
        // a set the operator put in the data folder has no owner: everyone is offered it
        ImageFolders.importZip(new ByteArrayInputStream(zip), "shared", dataDir, ImageFolders.Limits.DEFAULT);
        assertTrue(uploads(s, "visitor:a").contains("folder:shared") && uploads(s, "visitor:b").contains("folder:shared"));
        String longest = s.importZip(new ByteArrayInputStream(zip), "a".repeat(ImageFolders.MAX_NAME_LENGTH), "visitor:a").name();
        assertEquals(ImageFolders.MAX_NAME_LENGTH, longest.length());
    }

    @Test
    void aSetALinkNamesIsInItsMenuAsSharedOrAsNotHere() throws IOException {
        CnnDataService s = service();
        String theirs = s.importZip(new ByteArrayInputStream(zipOfTwoClasses()), "pets", "visitor:b").id();
        assertEquals(s.choices("visitor:a"), s.choices("visitor:a", "mnist"), "a set in the menu is not added again");
        java.util.List<CnnDataService.Choice> shared = s.choices("visitor:a", theirs);
        assertEquals(new CnnDataService.Choice(theirs, "Shared with the link: uploaded images"), shared.get(shared.size() - 1));
        assertEquals(s.choices("visitor:a").size() + 1, shared.size());
        java.util.List<CnnDataService.Choice> gone = s.choices("visitor:a", "folder:deleted-xyz");
        assertEquals(new CnnDataService.Choice("folder:deleted-xyz", "folder:deleted-xyz (not available here)"),
                gone.get(gone.size() - 1));
    }

    private static java.util.List<String> uploads(CnnDataService s, String owner) {
        return s.choices(owner).stream().map(CnnDataService.Choice::id).filter(id -> id.startsWith("folder:")).toList();
    }

    @Test
    void theCifar10MessageNamesItsFolderInTheDataFolderNotTheServersPath() {
        ExperimentException e = assertThrows(ExperimentException.class,
                () -> service().load(CnnPresets.data("cifar10", Map.of()), 1));
        assertTrue(e.getMessage().contains("into <data folder>/cifar10"), e.getMessage());
        assertFalse(e.getMessage().contains(dataDir.toString()), e.getMessage());
    }

    @Test
    void uploadNamesAreMadeSafe() {
        assertEquals("my-pets", CnnDataService.folderName("C:\\fakepath\\My Pets.ZIP"));
        assertEquals("a.b_c", CnnDataService.folderName("../../a.b_c.zip"));
        assertEquals("upload", CnnDataService.folderName("???.zip"));
    }
}
