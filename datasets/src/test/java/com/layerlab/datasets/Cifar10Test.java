package com.layerlab.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On small files written in the official binary format: 1 label byte, then 1,024 R, 1,024 G, 1,024 B bytes. */
class Cifar10Test {

    @TempDir
    Path dataDir;

    private static byte[] randomPixels(int n, long seed) {
        byte[] b = new byte[n * 3072];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A record written byte by byte from the format's description, independently of Cifar10.write. */
    private static byte[] record(int label, byte[] pixels, int image) {
        byte[] r = new byte[3073];
        r[0] = (byte) label;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    r[1 + c * 1024 + y * 32 + x] = pixels[image * 3072 + c * 1024 + y * 32 + x];
                }
            }
        }
        return r;
    }

    @Test
    void loadsTrainingBatchesThenTheTestBatch() throws IOException {
        Path dir = Files.createDirectories(dataDir.resolve("cifar10"));
        byte[] train = randomPixels(3, 1);
        byte[] test = randomPixels(2, 2);
        byte[] file = new byte[3 * 3073];
        int[] trainLabels = {6, 9, 0};
        for (int i = 0; i < 3; i++) {
            System.arraycopy(record(trainLabels[i], train, i), 0, file, i * 3073, 3073);
        }
        Files.write(dir.resolve("data_batch_1.bin"), file);
        Cifar10.write(dir.resolve("test_batch.bin"), test, new int[] {3, 8});

        assertTrue(Cifar10.isPresent(dataDir));
        ImageSet s = ImageSets.load("cifar10", null, dataDir, 0);
        assertEquals(5, s.size());
        assertArrayEquals(new int[] {3, 32, 32}, s.shape());
        assertArrayEquals(new int[] {6, 9, 0, 3, 8}, s.labels());
        assertEquals(3, s.officialTrainCount());
        assertEquals(Cifar10.CLASS_NAMES, s.classNames());
        // red plane first, rows top to bottom: record byte 1 + c*1024 + y*32 + x
        assertEquals(train[2 * 3072 + 1024 + 31 * 32 + 5] & 0xff, s.pixel(2, 1, 31, 5));
        assertEquals(test[3072 + 2 * 1024] & 0xff, s.pixel(4, 2, 0, 0));
        assertArrayEquals(java.util.Arrays.copyOfRange(test, 0, 3072), s.imageBytes(3));

        ImageSet four = ImageSets.load("cifar10", Map.of("limit", 4), dataDir, 0);
        assertEquals(4, four.size());
        assertEquals(0, four.officialTrainCount());
        assertArrayEquals(new int[] {6, 9, 0, 3}, four.labels());
    }

    @Test
    void acceptsTheArchiveFolderAndItsClassNameFile() throws IOException {
        Path dir = Files.createDirectories(dataDir.resolve("cifar10").resolve("cifar-10-batches-bin"));
        Cifar10.write(dir.resolve("data_batch_2.bin"), randomPixels(2, 3), new int[] {1, 2});
        List<String> names = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        Files.write(dir.resolve("batches.meta.txt"), names);
        ImageSet s = ImageSets.load("cifar10", null, dataDir, 0);
        assertEquals(2, s.size());
        assertEquals(names, s.classNames());
        assertEquals(0, s.officialTrainCount(), "no test batch, no official split");
    }

    @Test
    void saysWhereToPutTheFilesWhenTheyAreAbsent() {
        assertFalse(Cifar10.isPresent(dataDir));
        String m = assertThrows(ImageDataException.class, () -> ImageSets.load("cifar10", null, dataDir, 0)).getMessage();
        assertEquals("cifar10: the CIFAR-10 files are not there: download the binary version (cifar-10-binary.tar.gz) "
                + "from https://www.cs.toronto.edu/~kriz/cifar.html and put data_batch_1.bin ... data_batch_5.bin and "
                + "test_batch.bin into " + dataDir.resolve("cifar10"), m);
        assertThrows(ImageDataException.class, () -> ImageSets.load("cifar10", null, null, 0));
    }

    @Test
    void refusesFilesThatAreNotTheBinaryVersion() throws IOException {
        Path dir = Files.createDirectories(dataDir.resolve("cifar10"));
        Files.write(dir.resolve("test_batch.bin"), new byte[3073 + 10]);
        String m = assertThrows(ImageDataException.class, () -> ImageSets.load("cifar10", null, dataDir, 0)).getMessage();
        assertTrue(m.contains("has 3083 bytes, not a whole number of 3073-byte records"), m);
        byte[] r = new byte[2 * 3073];
        r[3073] = 42;
        Files.write(dir.resolve("test_batch.bin"), r);
        m = assertThrows(ImageDataException.class, () -> ImageSets.load("cifar10", null, dataDir, 0)).getMessage();
        assertTrue(m.endsWith("test_batch.bin record 1 has label 42 (CIFAR-10 labels are 0..9): is it the CIFAR-10 "
                + "binary version (not CIFAR-100)?"), m);
    }
}
