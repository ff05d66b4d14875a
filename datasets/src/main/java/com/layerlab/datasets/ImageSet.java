package com.layerlab.datasets;

import java.util.Arrays;
import java.util.List;

/**
 * Labelled images of one size, as unsigned bytes in row-major NCHW order (image, channel, row, column):
 * the byte {@code b} stands for the pixel value {@code b / 255} in [0, 1]. Bytes keep the full sets
 * small (Fashion-MNIST: 55 MB instead of 220 MB as floats); {@link #image(int)} and {@link #floats()}
 * give floats.
 *
 * <p>Some sets come with an official train/test split (Fashion-MNIST, CIFAR-10): their first
 * {@link #officialTrainCount()} images are the official training images, the rest the official test
 * images. It is 0 for sets without one.
 *
 * <p>Immutable as far as its methods go; {@link #pixels()} and {@link #labels()} hand out the backing
 * arrays and must be treated as read-only.
 */
public final class ImageSet {

    private final String id;
    private final byte[] pixels;
    private final int size;
    private final int channels;
    private final int height;
    private final int width;
    private final int[] labels;
    private final List<String> classNames;
    private final int officialTrainCount;
    private final String source;

    /**
     * @param pixels             {@code size * channels * height * width} bytes, NCHW (not copied)
     * @param labels             one class index per image, in {@code [0, classNames.size())} (not copied)
     * @param officialTrainCount how many leading images form the set's official training split, 0 if none
     * @param source             where the images came from, in words (for the user)
     */
    public ImageSet(String id, byte[] pixels, int channels, int height, int width, int[] labels,
                    List<String> classNames, int officialTrainCount, String source) {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("image shape must be positive, got [" + channels + ", " + height + ", "
                    + width + "]");
        }
        long imageSize = (long) channels * height * width;
        if (labels.length * imageSize != pixels.length) {
            throw new IllegalArgumentException(pixels.length + " pixel bytes do not hold " + labels.length
                    + " images of shape [" + channels + ", " + height + ", " + width + "]");
        }
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("an image set needs at least one class name");
        }
        for (int i = 0; i < labels.length; i++) {
            if (!ClassLabels.isClass(labels[i], classNames.size())) {
                throw new IllegalArgumentException(ClassLabels.notAClass(labels[i], "of image " + i, classNames.size()));
            }
        }
        if (officialTrainCount < 0 || officialTrainCount > labels.length) {
            throw new IllegalArgumentException("official train count " + officialTrainCount + " outside 0.." + labels.length);
        }
        this.id = id;
        this.pixels = pixels;
        this.size = labels.length;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
        this.officialTrainCount = officialTrainCount;
        this.source = source;
    }

    /** The data set id it was loaded as ({@code mnist}, {@code folder:cats}, ...). */
    public String id() {
        return id;
    }

    /** Number of images. */
    public int size() {
        return size;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** The shape of one image: {@code [channels, height, width]}. */
    public int[] shape() {
        return new int[] {channels, height, width};
    }

    /** Values per image: {@code channels * height * width}. */
    public int imageSize() {
        return channels * height * width;
    }

    public int classes() {
        return classNames.size();
    }

    public List<String> classNames() {
        return classNames;
    }

    public int label(int index) {
        return labels[checkIndex(index)];
    }

    /** The labels, backing array: read-only. */
    public int[] labels() {
        return labels;
    }

    /** The pixel bytes, NCHW, backing array: read-only. */
    public byte[] pixels() {
        return pixels;
    }

    public int officialTrainCount() {
        return officialTrainCount;
    }

    /** Where the images came from, in words (a file, the Debian package, the committed subset, ...). */
    public String source() {
        return source;
    }

    /** One pixel value, 0..255. */
    public int pixel(int index, int channel, int row, int column) {
        checkIndex(index);
        if (channel < 0 || channel >= channels || row < 0 || row >= height || column < 0 || column >= width) {
            throw new IndexOutOfBoundsException("pixel (" + channel + ", " + row + ", " + column + ") outside image shape ["
                    + channels + ", " + height + ", " + width + "]");
        }
        return pixels[((index * channels + channel) * height + row) * width + column] & 0xff;
    }

    /** Image {@code index} as floats in [0, 1], CHW. */
    public float[] image(int index) {
        float[] out = new float[imageSize()];
        copyImage(index, out, 0);
        return out;
    }

    /** Copies image {@code index} as floats in [0, 1] into {@code dst} from {@code offset}. */
    public void copyImage(int index, float[] dst, int offset) {
        int n = imageSize();
        int from = checkIndex(index) * n;
        for (int i = 0; i < n; i++) {
            dst[offset + i] = (pixels[from + i] & 0xff) / 255f;
        }
    }

    /** Image {@code index} as its bytes, CHW (a copy). */
    public byte[] imageBytes(int index) {
        int n = imageSize();
        int from = checkIndex(index) * n;
        return Arrays.copyOfRange(pixels, from, from + n);
    }

    /** All images as floats in [0, 1], NCHW. */
    public float[] floats() {
        if ((long) size * imageSize() > Integer.MAX_VALUE - 8) {
            throw new ImageDataException(id + ": " + size + " images are too many for one float array; use image(i)");
        }
        float[] out = new float[size * imageSize()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (pixels[i] & 0xff) / 255f;
        }
        return out;
    }

    /** How many images each class has. */
    public int[] classCounts() {
        int[] counts = new int[classes()];
        for (int l : labels) {
            counts[l]++;
        }
        return counts;
    }

    /**
     * The first {@code n} images (all of them when {@code n >= size()}). The official split survives only
     * when all images are kept: the first n images of such a set are training images only.
     */
    public ImageSet limit(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("limit must not be negative, got " + n);
        }
        if (n >= size) {
            return this;
        }
        return new ImageSet(id, Arrays.copyOf(pixels, n * imageSize()), channels, height, width,
                Arrays.copyOf(labels, n), classNames, 0, source + ", first " + n + " images");
    }

    /** The images at the given indices, in that order (no official split). */
    public ImageSet select(int[] indices) {
        int n = imageSize();
        byte[] p = new byte[indices.length * n];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int k = checkIndex(indices[i]);
            System.arraycopy(pixels, k * n, p, i * n, n);
            l[i] = labels[k];
        }
        return new ImageSet(id, p, channels, height, width, l, classNames, 0, source);
    }

    private int checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("image " + index + " outside 0.." + (size - 1) + " of " + id);
        }
        return index;
    }

    @Override
    public String toString() {
        return id + ": " + size + " images [" + channels + ", " + height + ", " + width + "], " + classes() + " classes ("
                + source + ")";
    }
}
