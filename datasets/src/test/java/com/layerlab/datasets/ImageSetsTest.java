package com.layerlab.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSetsTest {

    @TempDir
    Path dataDir;

    @Test
    void mnistIsTheTenThousandDigitsOfTheNpmPackage() {
        ImageSet s = ImageSets.load("mnist", null, null, 0);
        assertEquals(10_000, s.size());
        assertArrayEquals(new int[] {1, 28, 28}, s.shape());
        assertEquals(ImageSets.DIGIT_NAMES, s.classNames());
        // the package's per-digit counts (src/digits/<d>.json holds 784 values per image)
        assertArrayEquals(new int[] {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978}, s.classCounts());
        assertEquals(0, s.officialTrainCount());
        int max = 0;
        long ink = 0;
        for (byte b : s.pixels()) {
            max = Math.max(max, b & 0xff);
            ink += b & 0xff;
        }
        assertEquals(255, max);
        // digits are white strokes on black: about a fifth of MNIST's pixels are ink
        double mean = ink / 255.0 / s.pixels().length;
        assertTrue(mean > 0.08 && mean < 0.2, "mean pixel " + mean);
        // the corners are background in every MNIST image
        for (int i = 0; i < s.size(); i++) {
            assertEquals(0, s.pixel(i, 0, 0, 0));
            assertEquals(0, s.pixel(i, 0, 27, 27));
        }
    }

    @Test
    void mnistIsStoredInMixedOrderSoThatALimitKeepsAllDigits() {
        ImageSet first = ImageSets.load("mnist", Map.of("limit", 500), null, 0);
        assertEquals(500, first.size());
        for (int c : first.classCounts()) {
            assertTrue(c >= 30 && c <= 75, Arrays.toString(first.classCounts()));
        }
        ImageSet all = ImageSets.load("mnist", Map.of(), null, 0);
        assertArrayEquals(Arrays.copyOf(all.pixels(), 500 * 784), first.pixels());
        assertArrayEquals(Arrays.copyOf(all.labels(), 500), first.labels());
        // the same as limiting a loaded set
        assertArrayEquals(all.limit(500).pixels(), first.pixels());
        assertTrue(first.source().contains("first 500"), first.source());
    }

    @Test
    void fashionMnistFallsBackToTheCommittedBalancedSubset() {
        ImageSet s = ImageSets.loadFashionMnist(dataDir, List.of(dataDir.resolve("no-such-dir")), Integer.MAX_VALUE);
        assertEquals(2_000, s.size());
        assertArrayEquals(new int[] {1, 28, 28}, s.shape());
        assertEquals("T-shirt/top", s.classNames().get(0));
        assertEquals("Ankle boot", s.classNames().get(9));
        int[] counts = s.classCounts();
        for (int c : counts) {
            assertEquals(200, c);
        }
        assertEquals(0, s.officialTrainCount());
        assertTrue(s.source().contains("apt-get install dataset-fashion-mnist"), s.source());
        // the official test set begins with an ankle boot, then a pullover
        assertEquals(9, s.label(0));
        assertEquals(2, s.label(1));
        assertEquals(100, ImageSets.loadFashionMnist(null, List.of(), 100).size());
    }

    @Test
    void fashionMnistFromTheDataFolderKeepsTheOfficialSplit() throws IOException {
        Path dir = Files.createDirectories(dataDir.resolve("fashion-mnist"));
        byte[] trainPixels = new byte[5 * 784];
        byte[] testPixels = new byte[3 * 784];
        Arrays.fill(trainPixels, (byte) 10);
        Arrays.fill(testPixels, (byte) 200);
        Idx.write(dir.resolve("train-images-idx3-ubyte.gz"), new int[] {5, 28, 28}, trainPixels);
        Idx.write(dir.resolve("train-labels-idx1-ubyte.gz"), new int[] {5}, new byte[] {0, 1, 2, 3, 4});
        // plain (not gzipped) files are accepted too, as they are after gunzip
        Idx.write(dir.resolve("t10k-images-idx3-ubyte"), new int[] {3, 28, 28}, testPixels);
        Idx.write(dir.resolve("t10k-labels-idx1-ubyte"), new int[] {3}, new byte[] {9, 8, 7});
        ImageSet s = ImageSets.load("fashion-mnist", null, dataDir, 0);
        assertEquals(8, s.size());
        assertEquals(5, s.officialTrainCount());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 9, 8, 7}, s.labels());
        assertEquals(10, s.pixel(4, 0, 27, 27));
        assertEquals(200, s.pixel(5, 0, 0, 0));
        assertEquals(200 / 255f, s.image(7)[783]);
        assertTrue(s.source().startsWith("Fashion-MNIST in " + dir), s.source());

        ImageSet six = ImageSets.load("fashion-mnist", Map.of("limit", 6), dataDir, 0);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 9}, six.labels());
        assertEquals(0, six.officialTrainCount(), "a cut set has no official split");
        ImageSet three = ImageSets.load("fashion-mnist", Map.of("limit", 3), dataDir, 0);
        assertArrayEquals(new int[] {0, 1, 2}, three.labels());

        Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
        String m = assertThrows(ImageDataException.class, () -> ImageSets.load("fashion-mnist", null, dataDir, 0)).getMessage();
        assertEquals("fashion-mnist: " + dir + " lacks t10k-labels-idx1-ubyte.gz (it needs all four IDX files of "
                + "Fashion-MNIST)", m);
        Idx.write(dir.resolve("t10k-labels-idx1-ubyte"), new int[] {2}, new byte[] {9, 8});
        m = assertThrows(ImageDataException.class, () -> ImageSets.load("fashion-mnist", null, dataDir, 0)).getMessage();
        assertTrue(m.endsWith("has 2 labels but " + dir.resolve("t10k-images-idx3-ubyte") + " has 3 images"), m);
        Idx.write(dir.resolve("t10k-labels-idx1-ubyte"), new int[] {3}, new byte[] {9, 8, 10});
        m = assertThrows(ImageDataException.class, () -> ImageSets.load("fashion-mnist", null, dataDir, 0)).getMessage();
        assertTrue(m.endsWith("image 7 has label 10 (labels are 0..9)"), m);
    }

    @Test
    void fashionMnistFromDebiansPackageIsTheFullSet() {
        Path debian = Path.of(ImageSets.DEBIAN_FASHION_MNIST);
        Assumptions.assumeTrue(Files.isRegularFile(debian.resolve("t10k-images-idx3-ubyte.gz")),
                "dataset-fashion-mnist is not installed");
        ImageSet s = ImageSets.load("fashion-mnist", null, dataDir, 0);
        assertEquals(70_000, s.size());
        assertEquals(60_000, s.officialTrainCount());
        for (int c : s.classCounts()) {
            assertEquals(7_000, c);
        }
        assertTrue(s.source().contains(ImageSets.DEBIAN_FASHION_MNIST), s.source());
        // the committed subset is made of the official test images: its first is the first test image
        ImageSet subset = ImageSets.loadFashionMnist(null, List.of(), Integer.MAX_VALUE);
        assertArrayEquals(subset.imageBytes(0), s.imageBytes(60_000));
        assertEquals(subset.label(0), s.label(60_000));
    }

    @Test
    void knowsIdsShapesAndOptions() {
        assertArrayEquals(new int[] {1, 28, 28}, ImageSets.shape("mnist", null));
        assertArrayEquals(new int[] {1, 28, 28}, ImageSets.shape("fashion-mnist", null));
        assertArrayEquals(new int[] {3, 32, 32}, ImageSets.shape("cifar10", null));
        assertArrayEquals(new int[] {3, 32, 32}, ImageSets.shape("shapes", null));
        assertEquals(List.of("limit", "samples"), ImageSets.options("shapes"));
        assertEquals(List.of("limit"), ImageSets.options("folder:cats"));
        assertTrue(ImageSets.isKnown("folder:my-set_2.0"));
        assertTrue(!ImageSets.isKnown("folder:../x") && !ImageSets.isKnown("folder:") && !ImageSets.isKnown("circle"));
        assertEquals(10, ImageSets.classNames("cifar10").size());
    }

    @Test
    void refusesBadIdsAndOptionsWithAClearMessage() {
        assertEquals("unknown image data set \"svhn\" (known: mnist, fashion-mnist, cifar10, shapes, folder:<name>)",
                error("svhn", Map.of()));
        assertEquals("mnist: unknown option \"samples\" (options: limit)", error("mnist", Map.of("samples", 10)));
        assertEquals("mnist: option limit must be an integer from 1 to 1,000,000, got 0", error("mnist", Map.of("limit", 0)));
        assertEquals("mnist: option limit must be an integer from 1 to 1,000,000, got 2.5", error("mnist", Map.of("limit", 2.5)));
        assertEquals("mnist: option limit must be an integer from 1 to 1,000,000, got \"ten\"",
                error("mnist", Map.of("limit", "ten")));
        assertEquals("shapes: option samples must be an integer from 1 to 60,000, got 70000",
                error("shapes", Map.of("samples", 70_000)));
        assertTrue(error("folder:a/b", Map.of()).startsWith("\"folder:a/b\": a folder set name must be"));
        // a whole number given as a double is accepted, as JSON readers may deliver one
        assertEquals(3, ImageSets.load("mnist", Map.of("limit", 3.0), null, 0).size());
    }

    @Test
    void shapesTakeSamplesAndLimitAndTheSeed() {
        ImageSet s = ImageSets.load("shapes", Map.of("samples", 30, "limit", 20), null, 7);
        assertEquals(20, s.size());
        assertArrayEquals(Shapes.generate(20, 7).pixels(), s.pixels());
        assertEquals(40, ImageSets.load("shapes", Map.of("samples", 40), null, 7).size());
    }

    @Test
    void imageSetAccessorsAgree() {
        ImageSet s = ImageSets.load("shapes", Map.of("samples", 4), null, 1);
        float[] all = s.floats();
        assertEquals(4 * 3 * 32 * 32, all.length);
        float[] img = s.image(2);
        assertArrayEquals(Arrays.copyOfRange(all, 2 * 3072, 3 * 3072), img);
        assertEquals(s.pixel(2, 1, 5, 7) / 255f, img[1024 + 5 * 32 + 7]);
        ImageSet picked = s.select(new int[] {3, 0});
        assertArrayEquals(new int[] {3, 0}, picked.labels());
        assertArrayEquals(s.imageBytes(3), picked.imageBytes(0));
        assertSame(s, s.limit(10));
        assertThrows(IndexOutOfBoundsException.class, () -> s.image(4));
        assertThrows(IndexOutOfBoundsException.class, () -> s.pixel(0, 3, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ImageSet("x", new byte[5], 1, 2, 2, new int[] {0},
                List.of("a"), 0, "test"));
        assertThrows(IllegalArgumentException.class, () -> new ImageSet("x", new byte[4], 1, 2, 2, new int[] {1},
                List.of("a"), 0, "test"));
    }

    private static String error(String id, Map<String, Object> options) {
        return assertThrows(ImageDataException.class, () -> ImageSets.load(id, options, null, 0)).getMessage();
    }
}
