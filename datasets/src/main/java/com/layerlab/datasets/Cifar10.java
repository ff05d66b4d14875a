package com.layerlab.datasets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 from the official binary version (cifar-10-binary.tar.gz from
 * https://www.cs.toronto.edu/~kriz/cifar.html): {@code data_batch_1.bin} ... {@code data_batch_5.bin}
 * and {@code test_batch.bin}, each a sequence of 3,073-byte records: one label byte (0..9), then the
 * 32x32 image as 1,024 red, 1,024 green and 1,024 blue bytes, rows top to bottom. That is already
 * CHW order, so records are copied as they are.
 */
public final class Cifar10 {

    public static final String ID = "cifar10";
    public static final int CHANNELS = 3;
    public static final int SIDE = 32;
    public static final int IMAGE_BYTES = CHANNELS * SIDE * SIDE;
    public static final int RECORD_BYTES = 1 + IMAGE_BYTES;
    /** The training batches in their official order, then the test batch. */
    public static final List<String> TRAIN_FILES = List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
            "data_batch_4.bin", "data_batch_5.bin");
    public static final String TEST_FILE = "test_batch.bin";
    public static final List<String> CLASS_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");
    /** The folder the official archive extracts to; accepted inside {@code <dataDir>/cifar10/} too. */
    static final String ARCHIVE_FOLDER = "cifar-10-batches-bin";

    private Cifar10() {
    }

    /** The folder holding the batch files under {@code dataDir}, or null when there is none. */
    public static Path folder(Path dataDir) {
        if (dataDir == null) {
            return null;
        }
        Path base = dataDir.resolve(ID);
        for (Path p : List.of(base, base.resolve(ARCHIVE_FOLDER))) {
            if (hasBatches(p)) {
                return p;
            }
        }
        return null;
    }

    public static boolean isPresent(Path dataDir) {
        return folder(dataDir) != null;
    }

    private static boolean hasBatches(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        for (String f : TRAIN_FILES) {
            if (Files.isRegularFile(dir.resolve(f))) {
                return true;
            }
        }
        return Files.isRegularFile(dir.resolve(TEST_FILE));
    }

    /**
     * Loads the batches present in {@code <dataDir>/cifar10/}, training batches first, then the test batch;
     * when both kinds are there, the training records form the official training split.
     *
     * @param limit load only the first {@code limit} images
     */
    public static ImageSet load(Path dataDir, int limit) {
        Path dir = folder(dataDir);
        if (dir == null) {
            Path where = dataDir == null ? Path.of("<data folder>", ID) : dataDir.resolve(ID);
            throw new ImageDataException("cifar10: the CIFAR-10 files are not there: download the binary version "
                    + "(cifar-10-binary.tar.gz) from https://www.cs.toronto.edu/~kriz/cifar.html and put data_batch_1.bin "
                    + "... data_batch_5.bin and test_batch.bin into " + where);
        }
        List<Path> files = new ArrayList<>();
        int trainFiles = 0;
        for (String f : TRAIN_FILES) {
            if (Files.isRegularFile(dir.resolve(f))) {
                files.add(dir.resolve(f));
                trainFiles++;
            }
        }
        boolean hasTest = Files.isRegularFile(dir.resolve(TEST_FILE));
        if (hasTest) {
            files.add(dir.resolve(TEST_FILE));
        }
        long total = 0;
        List<Long> records = new ArrayList<>();
        for (Path f : files) {
            long bytes = size(f);
            if (bytes == 0 || bytes % RECORD_BYTES != 0) {
                throw new ImageDataException("cifar10: " + f + " has " + bytes + " bytes, not a whole number of "
                        + RECORD_BYTES + "-byte records (1 label byte + 3,072 pixel bytes): is it the binary version?");
            }
            records.add(bytes / RECORD_BYTES);
            total += bytes / RECORD_BYTES;
        }
        int n = (int) Math.min(total, limit);
        if (n > (Integer.MAX_VALUE - 8) / IMAGE_BYTES) {
            throw new ImageDataException("cifar10: " + total + " images are more than can be loaded at once; use the "
                    + "limit option");
        }
        byte[] pixels = new byte[n * IMAGE_BYTES];
        int[] labels = new int[n];
        int done = 0;
        int trainCount = 0;
        byte[] record = new byte[RECORD_BYTES];
        for (int fi = 0; fi < files.size() && done < n; fi++) {
            Path f = files.get(fi);
            try (InputStream in = new BufferedInputStream(Files.newInputStream(f), 1 << 16)) {
                for (long r = 0; r < records.get(fi) && done < n; r++) {
                    if (in.readNBytes(record, 0, RECORD_BYTES) < RECORD_BYTES) {
                        throw new ImageDataException("cifar10: " + f + " ended early at record " + r);
                    }
                    int label = record[0] & 0xff;
                    if (label >= CLASS_NAMES.size()) {
                        throw new ImageDataException("cifar10: " + f + " record " + r + " has label " + label
                                + " (CIFAR-10 labels are 0..9): is it the CIFAR-10 binary version (not CIFAR-100)?");
                    }
                    labels[done] = label;
                    System.arraycopy(record, 1, pixels, done * IMAGE_BYTES, IMAGE_BYTES);
                    done++;
                    if (fi < trainFiles) {
                        trainCount++;
                    }
                }
            } catch (IOException e) {
                throw new ImageDataException("cifar10: cannot read " + f + " (" + e.getMessage() + ")", e);
            }
        }
        boolean split = trainFiles > 0 && hasTest && n == total;
        String source = "CIFAR-10 binary batches in " + dir + " (" + files.size() + " files)";
        return new ImageSet(ID, pixels, CHANNELS, SIDE, SIDE, labels, classNames(dir), split ? trainCount : 0,
                n < total ? source + ", first " + n + " images" : source);
    }

    /** The names in {@code batches.meta.txt} when it lists ten, else the official ones. */
    private static List<String> classNames(Path dir) {
        Path meta = dir.resolve("batches.meta.txt");
        if (Files.isRegularFile(meta)) {
            try {
                List<String> names = Files.readAllLines(meta, StandardCharsets.UTF_8).stream().map(String::strip)
                        .filter(s -> !s.isEmpty()).toList();
                if (names.size() == CLASS_NAMES.size()) {
                    return names;
                }
            } catch (IOException e) {
                // the official names are the same; the file only repeats them
            }
        }
        return CLASS_NAMES;
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new ImageDataException("cifar10: cannot read " + f + " (" + e.getMessage() + ")", e);
        }
    }

    /** Writes images in the binary batch format (for tests and for tools that make small batches). */
    public static void write(Path file, byte[] pixels, int[] labels) throws IOException {
        if (pixels.length != labels.length * IMAGE_BYTES) {
            throw new IllegalArgumentException(pixels.length + " bytes are not " + labels.length + " 3x32x32 images");
        }
        byte[] out = new byte[labels.length * RECORD_BYTES];
        for (int i = 0; i < labels.length; i++) {
            out[i * RECORD_BYTES] = (byte) labels[i];
            System.arraycopy(pixels, i * IMAGE_BYTES, out, i * RECORD_BYTES + 1, IMAGE_BYTES);
        }
        Files.write(file, out);
    }
}
