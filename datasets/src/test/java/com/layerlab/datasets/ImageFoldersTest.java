package com.layerlab.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFoldersTest {

    @TempDir
    Path dataDir;

    private static final ImageFolders.Limits LIMITS = ImageFolders.Limits.DEFAULT;

    /** An RGB image whose pixel (x, y) is (seed + x, 2y, 255 - x - y). */
    private static BufferedImage rgb(int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((seed + x) & 0xff) << 16 | ((2 * y) & 0xff) << 8 | ((255 - x - y) & 0xff));
            }
        }
        return img;
    }

    private static BufferedImage gray(int w, int h, int value) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = (value + x * 3 + y) & 0xff;
                img.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        return img;
    }

    private static byte[] encode(BufferedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            assertTrue(ImageIO.write(img, format, out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                if (e.getValue() != null) {
                    z.write(e.getValue());
                }
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static Map<String, byte[]> goodEntries() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("dog/", null);
        m.put("dog/b.png", encode(rgb(6, 4, 100), "png"));
        m.put("dog/a.png", encode(rgb(6, 4, 50), "png"));
        m.put("cat/only.png", encode(rgb(6, 4, 7), "png"));
        m.put("bird/x/deep.png", encode(rgb(6, 4, 9), "png"));
        m.put("cat/notes.txt", "not an image".getBytes());
        m.put("__MACOSX/cat/._only.png", new byte[] {1, 2, 3});
        m.put("cat/.DS_Store", new byte[] {0});
        return m;
    }

    private ImageFolders.Imported importZip(byte[] zip, String name) {
        return ImageFolders.importZip(new ByteArrayInputStream(zip), name, dataDir, LIMITS);
    }

    @Test
    void importsAFolderPerClassAsImageFolderDoes() {
        ImageFolders.Imported r = importZip(zip(goodEntries()), "pets");
        assertEquals("folder:pets", r.id());
        assertEquals(List.of("bird", "cat", "dog"), r.classNames());
        assertArrayEquals(new int[] {1, 1, 2}, r.classCounts());
        assertEquals(4, r.images());
        assertEquals(3, r.channels());
        assertEquals(4, r.height());
        assertEquals(6, r.width());
        assertEquals(List.of("cat/notes.txt"), r.skipped());

        ImageSet s = ImageSets.load("folder:pets", null, dataDir, 0);
        assertEquals("folder:pets", s.id());
        assertArrayEquals(new int[] {3, 4, 6}, s.shape());
        // sorted by class, then by path: bird/x/deep, cat/only, dog/a, dog/b
        assertArrayEquals(new int[] {0, 1, 2, 2}, s.labels());
        // PNG is lossless: the pixels are exactly the drawn ones, red plane first
        assertEquals(50 + 5, s.pixel(2, 0, 3, 5));
        assertEquals(2 * 3, s.pixel(3, 1, 3, 5));
        assertEquals(255 - 5 - 3, s.pixel(1, 2, 3, 5));
        assertEquals(List.of("pets"), ImageFolders.list(dataDir));
        assertArrayEquals(new int[] {3, 4, 6}, ImageSets.shape("folder:pets", dataDir));
        assertEquals(2, ImageSets.load("folder:pets", Map.of("limit", 2), dataDir, 0).size());
        ImageFolders.Stored stored = ImageFolders.describe("pets", dataDir);
        assertEquals(4, stored.images(), "the size a list shows, from the headers");
        assertEquals(3, stored.classes());
        assertArrayEquals(new int[] {3, 4, 6}, stored.shape());
        // nothing but the stored set is left in the data folder
        assertEquals(List.of("pets"), names(dataDir.resolve("folders")));
    }

    @Test
    void greyImagesGiveOneChannelAndAWrappingFolderIsLookedThrough() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("digits/zero/1.png", encode(gray(5, 5, 10), "png"));
        m.put("digits/one/1.png", encode(gray(5, 5, 90), "png"));
        m.put("digits/one/2.jpg", encode(gray(5, 5, 0), "jpeg"));
        ImageFolders.Imported r = importZip(zip(m), "digits");
        assertEquals(List.of("one", "zero"), r.classNames());
        assertEquals(1, r.channels());
        ImageSet s = ImageFolders.load("digits", dataDir, Integer.MAX_VALUE);
        assertArrayEquals(new int[] {1, 5, 5}, s.shape());
        assertEquals((90 + 3 * 4 + 2) & 0xff, s.pixel(0, 0, 2, 4));
        assertArrayEquals(new int[] {0, 0, 1}, s.labels());
    }

    @Test
    void aNameInUseIsRefusedUnlessReplacing() {
        importZip(zip(goodEntries()), "pets");
        String m = assertThrows(ImageDataException.class, () -> importZip(zip(goodEntries()), "pets")).getMessage();
        assertEquals("an image folder set named \"pets\" exists already: choose another name or delete it first", m);
        Map<String, byte[]> two = new LinkedHashMap<>();
        two.put("a/1.png", encode(rgb(3, 3, 0), "png"));
        two.put("b/1.png", encode(rgb(3, 3, 1), "png"));
        ImageFolders.importZip(new ByteArrayInputStream(zip(two)), "pets", dataDir, LIMITS, true);
        assertEquals(2, ImageSets.load("folder:pets", null, dataDir, 0).size());
        assertEquals(List.of("pets"), names(dataDir.resolve("folders")));
        assertTrue(ImageFolders.delete("pets", dataDir));
        assertFalse(ImageFolders.delete("pets", dataDir));
        m = assertThrows(ImageDataException.class, () -> ImageSets.load("folder:pets", null, dataDir, 0)).getMessage();
        assertEquals("folder:pets: there is no uploaded image folder set named \"pets\" (none uploaded yet)", m);
    }

    @Test
    void refusesBadArchivesNamingTheEntryAndChangesNothing() throws IOException {
        importZip(zip(goodEntries()), "kept");
        byte[] png = encode(rgb(6, 4, 1), "png");
        byte[] bigger = encode(rgb(7, 4, 1), "png");

        assertRefused(zip(withEntry("../evil.png", png)), LIMITS,
                "entry \"../evil.png\" has a path with \"..\" in it; entries must be plain relative paths (class/image.png)");
        assertRefused(zip(withEntry("cat/../../evil.png", png)), LIMITS,
                "entry \"cat/../../evil.png\" has a path with \"..\" in it; entries must be plain relative paths (class/image.png)");
        assertRefused(zip(withEntry("/etc/cat/x.png", png)), LIMITS,
                "entry \"/etc/cat/x.png\" has an absolute path; entries must be relative (class/image.png)");
        assertRefused(zip(withEntry("C:\\cat\\x.png", png)), LIMITS,
                "entry \"C:\\cat\\x.png\" has an absolute path; entries must be relative (class/image.png)");
        assertRefused(zip(withEntry("dog\\a.png", png)), LIMITS, "entry \"dog/a.png\" appears twice in the archive");
        assertRefused(zip(withEntry("loose.png", png)), LIMITS, "entry \"loose.png\" is not inside a class folder (the archive "
                + "must hold one folder per class, named after the class: cat/1.png, dog/2.png, ...)");
        assertRefused(zip(withEntry("cat/wide.png", bigger)), LIMITS, "entry \"cat/wide.png\" is 7x4 pixels but "
                + "\"bird/x/deep.png\" is 6x4: all images of a set must have the same size (resize them first)");
        assertRefused(zip(withEntry("cat/broken.png", "this is not a PNG".getBytes())), LIMITS,
                "entry \"cat/broken.png\" is not a PNG or JPEG image (its content is not recognised)");
        byte[] cut = java.util.Arrays.copyOf(png, png.length / 2);
        String m = refused(zip(withEntry("cat/cut.png", cut)), LIMITS);
        assertTrue(m.startsWith("entry \"cat/cut.png\" is not a readable PNG or JPEG image ("), m);
        assertRefused(zip(withEntry("cat/anim.gif", png)), LIMITS, "entry \"cat/anim.gif\": GIF images are not supported "
                + "(PNG and JPEG only)");
        assertRefused(zip(withEntry("cat/fake.png", encode(rgb(6, 4, 1), "bmp"))), LIMITS,
                "entry \"cat/fake.png\" is a BMP image; only PNG and JPEG are supported");

        Map<String, byte[]> one = new LinkedHashMap<>();
        one.put("cat/1.png", png);
        one.put("cat/2.png", png);
        assertRefused(zip(one), LIMITS, "the archive has images for one class only (\"cat\"): a classifier needs at least "
                + "two class folders");
        assertRefused(zip(Map.of("readme.txt", new byte[3])), LIMITS, "the archive holds no PNG or JPEG images (expected one "
                + "folder per class: cat/1.png, dog/2.png, ...)");
        assertRefused(new byte[0], LIMITS, "the upload is empty");
        byte[] noise = new byte[1000];
        new Random(1).nextBytes(noise);
        assertRefused(noise, LIMITS, "the upload is not a zip archive (or is an empty one)");
        byte[] good = zip(goodEntries());
        // cut inside an entry's data (a zip without its central directory is still readable entry by entry)
        m = refused(java.util.Arrays.copyOf(good, good.length / 2), LIMITS);
        assertTrue(m.startsWith("the archive cannot be read at entry \"") || m.startsWith("the upload could not be read at "
                + "entry \""), m);

        assertEquals(List.of("kept"), names(dataDir.resolve("folders")));
        assertEquals(4, ImageSets.load("folder:kept", null, dataDir, 0).size());
    }

    @Test
    void enforcesTheLimitsWithoutTrustingTheZipHeaders() {
        byte[] good = zip(goodEntries());
        ImageFolders.Limits d = LIMITS;
        assertRefused(good, new ImageFolders.Limits(good.length - 1, d.maxUnpackedBytes(), d.maxEntries(), d.maxImages(),
                d.maxWidth(), d.maxHeight(), d.maxPixelBytes()), "the archive is larger than the limit of "
                + String.format(java.util.Locale.ROOT, "%,d", good.length - 1) + " bytes");
        assertRefused(good, new ImageFolders.Limits(d.maxArchiveBytes(), d.maxUnpackedBytes(), 5, d.maxImages(),
                d.maxWidth(), d.maxHeight(), d.maxPixelBytes()), "the archive has more than 5 entries");
        assertRefused(good, new ImageFolders.Limits(d.maxArchiveBytes(), d.maxUnpackedBytes(), d.maxEntries(), 3,
                d.maxWidth(), d.maxHeight(), d.maxPixelBytes()), "the archive holds 4 images, more than the limit of 3");
        String m = refused(good, new ImageFolders.Limits(d.maxArchiveBytes(), d.maxUnpackedBytes(), d.maxEntries(),
                d.maxImages(), 5, d.maxHeight(), d.maxPixelBytes()));
        assertEquals("entry \"bird/x/deep.png\" is 6x4 pixels, larger than the limit of 5x256", m);
        m = refused(good, new ImageFolders.Limits(d.maxArchiveBytes(), d.maxUnpackedBytes(), d.maxEntries(),
                d.maxImages(), d.maxWidth(), d.maxHeight(), 200));
        assertTrue(m.startsWith("4 images of 6x4 pixels need 0 MiB decoded, more than the limit of 0 MiB"), m);

        // a zip bomb: 50 MB of zeros packs into about 50 KB
        Map<String, byte[]> bomb = withEntry("cat/zeros.png", new byte[50_000_000]);
        byte[] bombZip = zip(bomb);
        assertTrue(bombZip.length < 200_000, "compressed to " + bombZip.length);
        assertRefused(bombZip, new ImageFolders.Limits(d.maxArchiveBytes(), 10_000_000, d.maxEntries(), d.maxImages(),
                d.maxWidth(), d.maxHeight(), d.maxPixelBytes()), "entry \"cat/zeros.png\": the archive unpacks to more than "
                + "the limit of 9 MiB (is it a zip bomb?)");
        // an image announcing a huge size is refused from its header, before decoding
        byte[] huge = encode(new BufferedImage(4000, 1, BufferedImage.TYPE_BYTE_GRAY), "png");
        assertRefused(zip(withEntry("cat/huge.png", huge)), LIMITS, "entry \"cat/huge.png\" is 4000x1 pixels, larger than "
                + "the limit of 256x256");
        assertEquals(List.of(), ImageFolders.list(dataDir));
    }

    @Test
    void refusesBadNames() {
        byte[] good = zip(goodEntries());
        for (String bad : new String[] {"", "../x", "a/b", ".hidden", "x".repeat(65), "spaces are bad"}) {
            String m = assertThrows(ImageDataException.class, () -> importZip(good, bad)).getMessage();
            assertTrue(m.startsWith("image folder set name \"" + bad + "\" is not allowed"), m);
        }
        assertThrows(ImageDataException.class, () -> ImageFolders.importZip(new ByteArrayInputStream(good), "ok", null, LIMITS));
    }

    private static Map<String, byte[]> withEntry(String name, byte[] bytes) {
        Map<String, byte[]> m = goodEntries();
        m.put(name, bytes);
        return m;
    }

    private String refused(byte[] zip, ImageFolders.Limits limits) {
        List<String> before = tree();
        InputStream in = new ByteArrayInputStream(zip);
        String m = assertThrows(ImageDataException.class, () -> ImageFolders.importZip(in, "new", dataDir, limits)).getMessage();
        assertEquals(before, tree(), "a refused upload must leave the data folder as it was");
        return m;
    }

    private void assertRefused(byte[] zip, ImageFolders.Limits limits, String message) {
        assertEquals(message, refused(zip, limits));
    }

    private List<String> tree() {
        try (Stream<Path> s = Files.walk(dataDir)) {
            List<String> out = new ArrayList<>();
            s.forEach(p -> out.add(dataDir.relativize(p) + ":" + (Files.isRegularFile(p) ? p.toFile().length() : -1)));
            out.sort(null);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> names(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
