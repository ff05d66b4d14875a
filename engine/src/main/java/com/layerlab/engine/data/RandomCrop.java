package com.layerlab.engine.data;

import java.util.Arrays;
import java.util.Random;

/**
 * {@code transforms.RandomCrop(size, padding)}: pads every side with {@code padding} zeros, then cuts out
 * a {@code height x width} window at a random position (top row first, then left column, each uniform
 * over the positions that fit, as torchvision draws them).
 */
public final class RandomCrop implements Transform {

    private final int height;
    private final int width;
    private final int padding;

    /** A square crop. */
    public RandomCrop(int size, int padding) {
        this(size, size, padding);
    }

    public RandomCrop(int height, int width, int padding) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("RandomCrop: size must be positive, got " + height + "x" + width);
        }
        if (padding < 0) {
            throw new IllegalArgumentException("RandomCrop: padding must not be negative, got " + padding);
        }
        this.height = height;
        this.width = width;
        this.padding = padding;
    }

    @Override
    public Sample apply(Sample s, Random rng) {
        if (s.dim() != 3) {
            throw new IllegalArgumentException("RandomCrop: needs an image [C, H, W], got shape " + Arrays.toString(s.shape()));
        }
        int c = s.size(0);
        int h = s.size(1);
        int w = s.size(2);
        int ph = h + 2 * padding;
        int pw = w + 2 * padding;
        if (height > ph || width > pw) {
            throw new IllegalArgumentException("RandomCrop: crop size " + height + "x" + width + " is larger than the padded "
                    + "image " + ph + "x" + pw);
        }
        int top = rng.nextInt(ph - height + 1);
        int left = rng.nextInt(pw - width + 1);
        int[] shape = {c, height, width};
        if (s.isImage()) {
            byte[] out = new byte[c * height * width];
            copyWindow(s.pixels(), h, w, out, c, top, left);
            return s.withPixels(out, shape);
        }
        float[] out = new float[c * height * width];
        copyWindow(s.values(), h, w, out, c, top, left);
        return s.withValues(out, shape);
    }

    /**
     * Copies the crop window of a {@code c x h x w} array ({@code byte[]} or {@code float[]}) into {@code out},
     * row by row; window rows and columns that fall into the padding stay zero.
     */
    private void copyWindow(Object in, int h, int w, Object out, int c, int top, int left) {
        int x0 = Math.max(0, padding - left);
        int x1 = Math.min(width, w + padding - left);
        if (x1 <= x0) {
            return;
        }
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < height; y++) {
                int sy = top + y - padding;
                if (sy >= 0 && sy < h) {
                    System.arraycopy(in, (ch * h + sy) * w + left + x0 - padding, out, (ch * height + y) * width + x0, x1 - x0);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "RandomCrop(size=(" + height + ", " + width + "), padding=" + padding + ")";
    }
}
