package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.datasets.ImageFolders;
import com.layerlab.datasets.ImageSets;
import com.layerlab.datasets.PointFiles;
import com.layerlab.engine.experiment.Experiment;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "My data"'s rules: only the owner lists, renames or deletes a set; a set in use is not deleted. */
class OwnedDataTest {

    @TempDir
    Path dataDir;

    /** The saved experiments, as the store would answer. */
    private final List<SavedDataUses.Use> saved = new ArrayList<>();

    private final SavedDataUses uses = new SavedDataUses() {
        @Override
        public List<Use> savedBy(String owner) {
            return saved.stream().filter(u -> u.ownerKey().equals(owner)).toList();
        }

        @Override
        public List<Use> using(String dataset) {
            return saved.stream().filter(u -> u.dataset().equals(dataset)).toList();
        }
    };

    private PointSets points;
    private CnnDataService images;

    private OwnedData data() {
        DataOwners owners = new DataOwners(dataDir);
        points = new PointSets(dataDir, owners);
        images = new CnnDataService(dataDir, CnnLimits.DEFAULT);
        return new OwnedData(owners, points, images, uses);
    }

    private static byte[] csv() {
        StringBuilder sb = new StringBuilder("x1,x2,label\n");
        for (int i = 0; i < 12; i++) {
            sb.append(i % 6 - 3).append(",1,").append(i % 2 == 0 ? "left" : "right").append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Three 16x16 colour images in each of two classes. */
    private static byte[] zip() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (String cls : new String[] {"cats", "dogs"}) {
                for (int i = 0; i < 3; i++) {
                    BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
                    img.setRGB(i, i, 0xff0000);
                    ByteArrayOutputStream png = new ByteArrayOutputStream();
                    ImageIO.write(img, "png", png);
                    zip.putNextEntry(new ZipEntry(cls + "/" + i + ".png"));
                    zip.write(png.toByteArray());
                    zip.closeEntry();
                }
            }
        }
        return out.toByteArray();
    }

    @Test
    void theOwnerListsItsSetsWithTheirSizesAndTheExperimentsThatUseThem() throws IOException {
        OwnedData data = data();
        PointSets.PointSet set = points.upload(csv(), "blobs.csv", "visitor:a");
        String folder = images.importZip(new ByteArrayInputStream(zip()), "pets", "visitor:a").id();
        points.upload(csv(), "theirs.csv", "visitor:b");
        saved.add(new SavedDataUses.Use("e1", "visitor:a", "Blobs run", set.id()));
        saved.add(new SavedDataUses.Use("e2", "visitor:b", "Their run", set.id()));

        List<OwnedData.Item> mine = data.list("visitor:a");
        assertEquals(List.of(set.id(), folder), mine.stream().map(OwnedData.Item::id).toList());
        OwnedData.Item p = mine.get(0);
        assertEquals(OwnedData.Kind.POINTS, p.kind());
        assertEquals("blobs.csv", p.name());
        assertEquals("12 points, 2 classes", p.size());
        assertEquals(List.of("Blobs run"), p.usedBy().stream().map(SavedDataUses.Use::experimentName).toList(),
                "only the owner's experiments are listed");
        Experiment opened = ShareLinks.unpack(p.openHref().replaceAll(".*[?&]x=([^&]*).*", "$1"));
        assertEquals(set.id(), opened.data().dataset(), "Open: the playground on the set");
        OwnedData.Item f = mine.get(1);
        assertEquals(OwnedData.Kind.IMAGES, f.kind());
        assertEquals("pets", f.name());
        assertEquals("6 images [3, 16, 16], 2 classes", f.size());
        assertTrue(f.usedBy().isEmpty());
        assertTrue(f.openHref().startsWith("/cnn?x="), f.openHref());

        assertEquals(List.of("theirs.csv"), data.list("visitor:b").stream().map(OwnedData.Item::name).toList());
        assertTrue(data.list("visitor:c").isEmpty(), "another owner gets nothing");
    }

    @Test
    void renamingChangesTheNameInTheMenusNotTheId() {
        OwnedData data = data();
        PointSets.PointSet set = points.upload(csv(), "blobs.csv", "visitor:a");
        OwnedData.Item renamed = data.rename(set.id(), "visitor:a", "  <b>My blobs</b> ");
        assertEquals("<b>My blobs</b>", renamed.name());
        assertEquals(set.id(), renamed.id());
        assertEquals(List.of("<b>My blobs</b> · 12 points, 2 classes"),
                points.ownedBy("visitor:a").stream().map(PointSets.PointSet::label).toList(), "the playground's menu");
        assertEquals("Give the data set a name.",
                assertThrows(DataRefused.class, () -> data.rename(set.id(), "visitor:a", " ")).getMessage());
        assertTrue(assertThrows(DataRefused.class, () -> data.rename(set.id(), "visitor:a", "x".repeat(61))).getMessage()
                .startsWith("The name has 61 characters; at most 60 fit."));
        assertTrue(assertThrows(DataRefused.class, () -> data.rename(set.id(), "visitor:a", "a\nb")).getMessage()
                .contains("control character"));
    }

    @Test
    void aSetInUseIsNotDeletedAndTheMessageNamesWhatUsesIt() {
        OwnedData data = data();
        PointSets.PointSet set = points.upload(csv(), "blobs.csv", "visitor:a");
        saved.add(new SavedDataUses.Use("e1", "visitor:a", "Blobs run", set.id()));
        saved.add(new SavedDataUses.Use("e2", "visitor:b", "Their private run", set.id()));
        String message = assertThrows(DataRefused.class, () -> data.delete(set.id(), "visitor:a")).getMessage();
        assertEquals("\"blobs.csv\" was not deleted: the saved experiments \"Blobs run\", 1 saved experiment of other "
                + "people (shared with them by a link) train on it and would no longer open. Delete it in My experiments first.",
                message);
        assertFalse(message.contains("Their private run"), "another's experiment is counted, not named");
        assertTrue(Files.isRegularFile(PointFiles.file(set.id(), dataDir)), "nothing was deleted");
        assertEquals(1, data.list("visitor:a").size());
    }

    @Test
    void anUnusedSetIsDeletedWithItsFilesAndRecord() throws IOException {
        OwnedData data = data();
        PointSets.PointSet set = points.upload(csv(), "blobs.csv", "visitor:a");
        String folder = images.importZip(new ByteArrayInputStream(zip()), "pets", "visitor:a").id();
        images.load(CnnPresets.data(folder, Map.of()), 1);
        assertEquals("blobs.csv", data.delete(set.id(), "visitor:a"));
        assertFalse(Files.exists(PointFiles.file(set.id(), dataDir)));
        assertEquals("pets", data.delete(folder, "visitor:a"));
        assertFalse(Files.exists(ImageFolders.folder(ImageSets.folderName(folder), dataDir)));
        assertTrue(data.list("visitor:a").isEmpty());
        assertTrue(new DataOwners(dataDir).ownedBy("visitor:a", "").isEmpty(), "the owner records are gone");
        assertThrows(RuntimeException.class, () -> images.load(CnnPresets.data(folder, Map.of()), 1),
                "nothing of it is left in the cache");
    }

    @Test
    void anotherOwnersForgedOrUnknownIdGetsTheSameClearAnswer() {
        OwnedData data = data();
        PointSets.PointSet set = points.upload(csv(), "blobs.csv", "visitor:a");
        for (String id : List.of(set.id(), "points:AAAAAAAAAAAAAAAA", "points:../../etc/passwd", "folder:..", "nonsense", "")) {
            String m = assertThrows(DataRefused.class, () -> data.delete(id, "visitor:b")).getMessage();
            assertTrue(m.startsWith("There is no data set \"" + id + "\" of yours"), m);
            assertThrows(DataRefused.class, () -> data.rename(id, "visitor:b", "mine now"));
        }
        assertTrue(Files.isRegularFile(PointFiles.file(set.id(), dataDir)));
        assertEquals("blobs.csv", data.list("visitor:a").get(0).name());
    }
}
