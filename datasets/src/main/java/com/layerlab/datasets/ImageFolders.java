package com.layerlab.datasets;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Image folder sets, as torchvision's {@code ImageFolder}: one folder per class, named after the class,
 * holding that class's images ({@code cat/1.png}, {@code dog/7.jpg}, ...). A user uploads them as a
 * zip; {@link #importZip} checks and decodes every image once and stores the set under
 * {@code <dataDir>/folders/<name>/} as IDX files (so loading needs no image decoding), and the
 * experiment names it {@code folder:<name>}.
 *
 * <p>As ImageFolder: classes are the folder names in sorted order, labelled 0, 1, ...; images are
 * ordered by class, then by path; files that are not images by their extension are skipped. Unlike
 * it: every image must have the same size (the model's input shape), PNG and JPEG only, and a set is
 * stored with 1 channel when all its images are grey, else 3 (RGB; alpha is dropped, as
 * {@code convert("RGB")} does).
 *
 * <p>An upload is checked whole before anything is written; a bad archive or image is refused with a
 * message naming the entry and leaves the data folder as it was.
 */
public final class ImageFolders {

    public static final String PREFIX = "folder:";
    static final String FOLDERS = "folders";
    static final String IMAGES_FILE = "images-idx4-ubyte.gz";
    static final String LABELS_FILE = "labels-idx1-ubyte.gz";
    static final String CLASSES_FILE = "classes.txt";
    public static final int MAX_NAME_LENGTH = 64;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg");
    /** Image kinds torchvision reads but this version does not: refused with a message instead of skipped. */
    private static final Set<String> OTHER_IMAGE_EXTENSIONS = Set.of("gif", "bmp", "webp", "tif", "tiff", "ppm", "pgm",
            "pbm", "heic", "avif");

    /**
     * What an upload may hold. Sizes of the archive and of its unpacked entries are counted as they are
     * read, not taken from the zip's headers (which can lie); image sizes are read from the image
     * header before the image is decoded.
     *
     * @param maxArchiveBytes      the zip file itself
     * @param maxUnpackedBytes     all entries unpacked, together (guards against zip bombs)
     * @param maxEntries           entries of any kind, folders included
     * @param maxImages            images in the set
     * @param maxWidth             pixels per row
     * @param maxHeight            pixels per column
     * @param maxPixelBytes        the decoded set: images * channels * height * width
     */
    public record Limits(long maxArchiveBytes, long maxUnpackedBytes, int maxEntries, int maxImages, int maxWidth,
                         int maxHeight, long maxPixelBytes) {

        /** 64 MiB zip, 256 MiB unpacked, 20,000 entries, 10,000 images of at most 256x256, 192 MiB decoded. */
        public static final Limits DEFAULT = new Limits(64L << 20, 256L << 20, 20_000, 10_000, 256, 256, 192L << 20);

        public Limits {
            if (maxArchiveBytes < 1 || maxUnpackedBytes < 1 || maxEntries < 1 || maxImages < 1 || maxWidth < 1
                    || maxHeight < 1 || maxPixelBytes < 1) {
                throw new IllegalArgumentException("image folder limits must be positive");
            }
        }
    }

    /** What an import stored. */
    public record Imported(String name, int images, int channels, int height, int width, List<String> classNames,
                           int[] classCounts, List<String> skipped) {

        /** The data set id to put in an experiment. */
        public String id() {
            return PREFIX + name;
        }
    }

    private ImageFolders() {
    }

    public static boolean isValidName(String name) {
        return name != null && name.length() <= MAX_NAME_LENGTH && NAME.matcher(name).matches();
    }

    private static String requireName(String name) {
        if (!isValidName(name)) {
            throw new ImageDataException("image folder set name " + (name == null ? "is missing" : "\"" + name + "\" is not "
                    + "allowed") + ": use 1 to " + MAX_NAME_LENGTH + " letters, digits, '.', '_' or '-', starting with a "
                    + "letter or digit");
        }
        return name;
    }

    /** The folder of set {@code name}. */
    public static Path folder(String name, Path dataDir) {
        return requireDataDir(dataDir).resolve(FOLDERS).resolve(requireName(name));
    }

    private static Path requireDataDir(Path dataDir) {
        if (dataDir == null) {
            throw new ImageDataException("image folder sets need a data folder, and none is configured");
        }
        return dataDir;
    }

    public static boolean exists(String name, Path dataDir) {
        return isValidName(name) && dataDir != null && Files.isRegularFile(folder(name, dataDir).resolve(IMAGES_FILE));
    }

    /** The names of the stored sets, sorted. */
    public static List<String> list(Path dataDir) {
        Path root = dataDir == null ? null : dataDir.resolve(FOLDERS);
        if (root == null || !Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> exists(n, dataDir)).sorted().toList();
        } catch (IOException e) {
            throw new ImageDataException("cannot list the image folder sets in " + root + " (" + e.getMessage() + ")", e);
        }
    }

    /** Removes set {@code name}; false when there was none. */
    public static boolean delete(String name, Path dataDir) {
        Path dir = folder(name, dataDir);
        if (!Files.exists(dir)) {
            return false;
        }
        deleteTree(dir);
        return true;
    }

    /** The per-image shape {@code [channels, height, width]} of a stored set, read from its header only. */
    public static int[] shape(String name, Path dataDir) {
        Idx.Array a = Idx.read(requireStored(name, dataDir).resolve(IMAGES_FILE), 0);
        return new int[] {a.dims()[1], a.dims()[2], a.dims()[3]};
    }

    /** What a stored set holds, as a list of sets shows it: read from its headers and class list, not its images. */
    public record Stored(int images, int classes, int[] shape) {
    }

    /** The size of stored set {@code name} (its images are not read). */
    public static Stored describe(String name, Path dataDir) {
        Path dir = requireStored(name, dataDir);
        Idx.Array header = Idx.read(dir.resolve(IMAGES_FILE), 0);
        int[] d = header.dims();
        List<String> classes;
        try {
            classes = Files.readAllLines(dir.resolve(CLASSES_FILE), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ImageDataException(PREFIX + name + ": cannot read its " + CLASSES_FILE + " (" + e.getMessage() + ")", e);
        }
        return new Stored(header.fileEntries(), classes.size(), new int[] {d[1], d[2], d[3]});
    }

    /** Loads stored set {@code name}; {@code limit}: only its first images. */
    public static ImageSet load(String name, Path dataDir, int limit) {
        Path dir = requireStored(name, dataDir);
        Idx.Array images = Idx.read(dir.resolve(IMAGES_FILE), limit);
        Idx.Array labels = Idx.read(dir.resolve(LABELS_FILE), limit);
        List<String> classes;
        try {
            classes = Files.readAllLines(dir.resolve(CLASSES_FILE), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ImageDataException(PREFIX + name + ": cannot read " + dir.resolve(CLASSES_FILE) + " (" + e.getMessage()
                    + ")", e);
        }
        int[] d = images.dims();
        if (d.length != 4 || labels.dims().length != 1 || labels.dims()[0] != d[0]) {
            throw new ImageDataException(PREFIX + name + ": the stored files in " + dir + " do not fit together; "
                    + "delete the set and upload it again");
        }
        int[] l = new int[d[0]];
        for (int i = 0; i < l.length; i++) {
            l[i] = labels.data()[i] & 0xff;
            if (l[i] >= classes.size()) {
                throw new ImageDataException(PREFIX + name + ": image " + i + " has label " + l[i] + " but " + CLASSES_FILE
                        + " lists " + classes.size() + " classes; delete the set and upload it again");
            }
        }
        return new ImageSet(PREFIX + name, images.data(), d[1], d[2], d[3], l, classes, 0,
                "uploaded image folder set \"" + name + "\"");
    }

    private static Path requireStored(String name, Path dataDir) {
        Path dir = folder(name, dataDir);
        if (!Files.isRegularFile(dir.resolve(IMAGES_FILE))) {
            List<String> have = list(dataDir);
            throw new ImageDataException(PREFIX + name + ": there is no uploaded image folder set named \"" + name + "\""
                    + (have.isEmpty() ? " (none uploaded yet)" : " (uploaded: " + String.join(", ", have) + ")"));
        }
        return dir;
    }

    /** As {@link #importZip(InputStream, String, Path, Limits, boolean)}, refusing a name already used. */
    public static Imported importZip(InputStream zip, String name, Path dataDir, Limits limits) {
        return importZip(zip, name, dataDir, limits, false);
    }

    /**
     * Checks, decodes and stores an uploaded zip as set {@code name}. Nothing is written until every
     * entry has been checked; then the set appears at once (an atomic rename where the file system has
     * one). The stream is read to its end but not closed.
     *
     * @param replace replace a stored set of the same name (otherwise that is refused)
     * @throws ImageDataException naming the entry and the problem; the data folder is then unchanged
     */
    public static Imported importZip(InputStream zip, String name, Path dataDir, Limits limits, boolean replace) {
        requireName(name);
        Path target = folder(name, dataDir);
        if (!replace && Files.exists(target)) {
            throw new ImageDataException("an image folder set named \"" + name + "\" exists already: choose another name "
                    + "or delete it first");
        }
        Decoded set = decode(zip, limits);
        Path root = target.getParent();
        Path tmp = root.resolve(".import-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
            Idx.write(tmp.resolve(IMAGES_FILE), new int[] {set.labels.length, set.channels, set.height, set.width},
                    set.pixels);
            byte[] labelBytes = new byte[set.labels.length];
            for (int i = 0; i < labelBytes.length; i++) {
                labelBytes[i] = (byte) set.labels[i];
            }
            Idx.write(tmp.resolve(LABELS_FILE), new int[] {labelBytes.length}, labelBytes);
            Files.write(tmp.resolve(CLASSES_FILE), set.classNames, StandardCharsets.UTF_8);
            install(tmp, target, replace);
        } catch (IOException e) {
            throw new ImageDataException("cannot store image folder set \"" + name + "\" in " + root + " ("
                    + e.getMessage() + ")", e);
        } finally {
            if (Files.exists(tmp)) {
                deleteTree(tmp);
            }
        }
        int[] counts = new int[set.classNames.size()];
        for (int l : set.labels) {
            counts[l]++;
        }
        return new Imported(name, set.labels.length, set.channels, set.height, set.width, set.classNames, counts,
                set.skipped);
    }

    private static void install(Path tmp, Path target, boolean replace) throws IOException {
        Path old = null;
        if (replace && Files.exists(target)) {
            old = target.resolveSibling(".old-" + UUID.randomUUID());
            move(target, old);
        }
        try {
            move(tmp, target);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            throw new ImageDataException("an image folder set named \"" + target.getFileName() + "\" was stored meanwhile: "
                    + "choose another name or delete it first");
        } catch (IOException | RuntimeException e) {
            if (old != null) {
                move(old, target);
            }
            throw e;
        }
        if (old != null) {
            deleteTree(old);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    // ---- reading and checking the upload

    private record Entry(String path, List<String> segments, byte[] bytes) {
    }

    private record Image(String path, String className, int width, int height, byte[] rgb) {
    }

    private record Decoded(byte[] pixels, int[] labels, int channels, int height, int width, List<String> classNames,
                           List<String> skipped) {
    }

    private static Decoded decode(InputStream zip, Limits limits) {
        List<Entry> entries = readEntries(zip, limits);
        List<String> skipped = new ArrayList<>();
        List<Entry> imageEntries = new ArrayList<>();
        for (Entry e : entries) {
            String ext = extension(e.path);
            if (IMAGE_EXTENSIONS.contains(ext)) {
                imageEntries.add(e);
            } else if (OTHER_IMAGE_EXTENSIONS.contains(ext)) {
                throw new ImageDataException("entry \"" + e.path + "\": " + ext.toUpperCase(Locale.ROOT) + " images are not "
                        + "supported (PNG and JPEG only)");
            } else {
                skipped.add(e.path);
            }
        }
        if (imageEntries.isEmpty()) {
            throw new ImageDataException("the archive holds no PNG or JPEG images (expected one folder per class: "
                    + "cat/1.png, dog/2.png, ...)");
        }
        if (imageEntries.size() > limits.maxImages()) {
            throw new ImageDataException("the archive holds " + imageEntries.size() + " images, more than the limit of "
                    + limits.maxImages());
        }
        // a zip of the folder itself wraps the class folders in one more folder: look through it
        String first = imageEntries.get(0).segments.get(0);
        boolean wrapped = imageEntries.stream().allMatch(e -> e.segments.size() >= 3 && e.segments.get(0).equals(first));
        int classLevel = wrapped ? 1 : 0;
        for (Entry e : imageEntries) {
            if (e.segments.size() < classLevel + 2) {
                throw new ImageDataException("entry \"" + e.path + "\" is not inside a class folder (the archive must hold "
                        + "one folder per class, named after the class: cat/1.png, dog/2.png, ...)");
            }
        }
        TreeMap<String, List<Entry>> byClass = new TreeMap<>();
        for (Entry e : imageEntries) {
            byClass.computeIfAbsent(e.segments.get(classLevel), k -> new ArrayList<>()).add(e);
        }
        if (byClass.size() < 2) {
            throw new ImageDataException("the archive has images for one class only (\"" + byClass.firstKey()
                    + "\"): a classifier needs at least two class folders");
        }
        if (byClass.size() > 256) {
            throw new ImageDataException("the archive has " + byClass.size() + " class folders, more than 256");
        }
        List<String> classNames = new ArrayList<>(byClass.keySet());
        List<Image> images = new ArrayList<>();
        Image firstImage = null;
        boolean gray = true;
        for (List<Entry> group : byClass.values()) {
            group.sort(Comparator.comparing(Entry::path));
            for (Entry e : group) {
                Image img = decodeImage(e, e.segments.get(classLevel), limits);
                if (firstImage == null) {
                    firstImage = img;
                    long setBytes = 3L * imageEntries.size() * img.width * img.height;
                    if (setBytes > limits.maxPixelBytes()) {
                        throw new ImageDataException(String.format(Locale.ROOT, "%d images of %dx%d pixels need %,d MiB "
                                + "decoded, more than the limit of %,d MiB: use fewer or smaller images",
                                imageEntries.size(), img.width, img.height, setBytes >> 20, limits.maxPixelBytes() >> 20));
                    }
                } else if (img.width != firstImage.width || img.height != firstImage.height) {
                    throw new ImageDataException("entry \"" + e.path + "\" is " + img.width + "x" + img.height + " pixels but \""
                            + firstImage.path + "\" is " + firstImage.width + "x" + firstImage.height
                            + ": all images of a set must have the same size (resize them first)");
                }
                gray &= isGray(img.rgb);
                images.add(img);
            }
        }
        int w = firstImage.width;
        int h = firstImage.height;
        int channels = gray ? 1 : 3;
        int plane = w * h;
        byte[] pixels = new byte[images.size() * channels * plane];
        int[] labels = new int[images.size()];
        for (int i = 0; i < images.size(); i++) {
            Image img = images.get(i);
            labels[i] = classNames.indexOf(img.className);
            int base = i * channels * plane;
            for (int c = 0; c < channels; c++) {
                for (int p = 0; p < plane; p++) {
                    pixels[base + c * plane + p] = img.rgb[3 * p + c];
                }
            }
        }
        return new Decoded(pixels, labels, channels, h, w, List.copyOf(classNames), List.copyOf(skipped));
    }

    private static List<Entry> readEntries(InputStream zip, Limits limits) {
        CappedStream archive = new CappedStream(zip, limits.maxArchiveBytes(), "the archive is larger than the limit of "
                + mib(limits.maxArchiveBytes()));
        List<Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        long unpacked = 0;
        int count = 0;
        String current = null;
        try (ZipInputStream in = new ZipInputStream(archive, StandardCharsets.UTF_8)) {
            for (ZipEntry ze; (ze = in.getNextEntry()) != null; ) {
                current = ze.getName();
                if (++count > limits.maxEntries()) {
                    throw new ImageDataException("the archive has more than " + limits.maxEntries() + " entries");
                }
                String path = checkedPath(ze.getName());
                if (!seen.add(path + (ze.isDirectory() ? "/" : ""))) {
                    throw new ImageDataException("entry \"" + path + "\" appears twice in the archive");
                }
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                byte[] chunk = new byte[1 << 15];
                for (int r; (r = in.read(chunk)) >= 0; ) {
                    unpacked += r;
                    if (unpacked > limits.maxUnpackedBytes()) {
                        throw new ImageDataException("entry \"" + path + "\": the archive unpacks to more than the limit of "
                                + mib(limits.maxUnpackedBytes()) + " (is it a zip bomb?)");
                    }
                    buf.write(chunk, 0, r);
                }
                List<String> segments = List.of(path.split("/"));
                if (!ze.isDirectory() && !isJunk(segments)) {
                    entries.add(new Entry(path, segments, buf.toByteArray()));
                }
            }
            if (count == 0) {
                throw new ImageDataException(archive.count == 0 ? "the upload is empty" : "the upload is not a zip archive "
                        + "(or is an empty one)");
            }
            // the rest (central directory) counts towards the archive size too
            archive.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (ArchiveTooLarge e) {
            throw new ImageDataException(e.getMessage());
        } catch (ZipException e) {
            throw new ImageDataException("the archive cannot be read" + (current == null ? "" : " at entry \"" + current + "\"")
                    + ": " + e.getMessage() + " (is it a complete, unencrypted zip file?)", e);
        } catch (IOException e) {
            throw new ImageDataException("the upload could not be read" + (current == null ? "" : " at entry \"" + current
                    + "\"") + " (" + e.getMessage() + ")", e);
        } catch (IllegalArgumentException e) {
            if (e instanceof ImageDataException) {
                throw e;
            }
            // ZipInputStream reports a malformed entry name this way
            throw new ImageDataException("the archive cannot be read" + (current == null ? "" : " after entry \"" + current
                    + "\"") + ": " + e.getMessage(), e);
        }
        return entries;
    }

    /** The entry's path with '/' separators; refuses paths that could point outside the set (zip slip). */
    private static String checkedPath(String raw) {
        String p = raw.replace('\\', '/');
        for (int i = 0; i < p.length(); i++) {
            if (Character.isISOControl(p.charAt(i))) {
                throw new ImageDataException("entry \"" + printable(raw) + "\" has a control character in its name");
            }
        }
        if (p.startsWith("/") || p.matches("^[A-Za-z]:.*")) {
            throw new ImageDataException("entry \"" + raw + "\" has an absolute path; entries must be relative "
                    + "(class/image.png)");
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        for (String s : p.split("/")) {
            if (s.equals("..") || s.equals(".") || s.isEmpty()) {
                throw new ImageDataException("entry \"" + raw + "\" has a path with \"" + (s.isEmpty() ? "//" : s)
                        + "\" in it; entries must be plain relative paths (class/image.png)");
            }
        }
        if (p.isEmpty()) {
            throw new ImageDataException("an entry has an empty name");
        }
        return p;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    /** Files that archivers and desktops add by themselves. */
    private static boolean isJunk(List<String> segments) {
        for (String s : segments) {
            if (s.startsWith(".") || s.equals("__MACOSX")) {
                return true;
            }
        }
        String last = segments.get(segments.size() - 1).toLowerCase(Locale.ROOT);
        return last.equals("thumbs.db") || last.equals("desktop.ini");
    }

    private static String extension(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        int dot = file.lastIndexOf('.');
        return dot < 0 ? "" : file.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static Image decodeImage(Entry e, String className, Limits limits) {
        try (ImageInputStream iis = new MemoryCacheImageInputStream(new ByteArrayInputStream(e.bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                throw new ImageDataException("entry \"" + e.path + "\" is not a PNG or JPEG image (its content is not "
                        + "recognised)");
            }
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                if (!format.equals("png") && !format.equals("jpeg") && !format.equals("jpg")) {
                    throw new ImageDataException("entry \"" + e.path + "\" is a " + format.toUpperCase(Locale.ROOT)
                            + " image; only PNG and JPEG are supported");
                }
                reader.setInput(iis, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w > limits.maxWidth() || h > limits.maxHeight()) {
                    throw new ImageDataException("entry \"" + e.path + "\" is " + w + "x" + h + " pixels, larger than the "
                            + "limit of " + limits.maxWidth() + "x" + limits.maxHeight());
                }
                if (w < 1 || h < 1) {
                    throw new ImageDataException("entry \"" + e.path + "\" has no pixels (" + w + "x" + h + ")");
                }
                BufferedImage img = reader.read(0);
                int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
                byte[] rgb = new byte[3 * w * h];
                for (int p = 0; p < argb.length; p++) {
                    rgb[3 * p] = (byte) (argb[p] >> 16);
                    rgb[3 * p + 1] = (byte) (argb[p] >> 8);
                    rgb[3 * p + 2] = (byte) argb[p];
                }
                return new Image(e.path, className, w, h, rgb);
            } finally {
                reader.dispose();
            }
        } catch (ImageDataException ex) {
            throw ex;
        } catch (IOException | RuntimeException | OutOfMemoryError ex) {
            // ImageIO reports damaged data with IIOException, and sometimes with runtime exceptions
            throw new ImageDataException("entry \"" + e.path + "\" is not a readable PNG or JPEG image ("
                    + (ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage()) + ")", ex);
        }
    }

    private static boolean isGray(byte[] rgb) {
        for (int p = 0; p < rgb.length; p += 3) {
            if (rgb[p] != rgb[p + 1] || rgb[p] != rgb[p + 2]) {
                return false;
            }
        }
        return true;
    }

    private static String mib(long bytes) {
        return bytes >= 1 << 20 ? String.format(Locale.ROOT, "%,d MiB", bytes >> 20) : String.format(Locale.ROOT, "%,d bytes", bytes);
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /** Counts bytes read and stops past a limit. */
    private static final class CappedStream extends FilterInputStream {
        private final long max;
        private final String message;
        long count;

        CappedStream(InputStream in, long max, String message) {
            super(in);
            this.max = max;
            this.message = message;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = super.read(b, off, len);
            if (r > 0) {
                add(r);
            }
            return r;
        }

        @Override
        public long skip(long n) throws IOException {
            long r = super.skip(n);
            add(r);
            return r;
        }

        private void add(long n) throws ArchiveTooLarge {
            count += n;
            if (count > max) {
                throw new ArchiveTooLarge(message);
            }
        }

        @Override
        public void close() {
            // the caller owns the stream
        }
    }

    private static final class ArchiveTooLarge extends IOException {
        ArchiveTooLarge(String message) {
            super(message);
        }
    }
}
