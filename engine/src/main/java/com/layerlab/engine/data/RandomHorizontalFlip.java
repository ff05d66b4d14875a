package com.layerlab.engine.data;

import java.util.Arrays;
import java.util.Random;

/** {@code transforms.RandomHorizontalFlip(p)}: mirrors the image left to right with probability {@code p}. */
public final class RandomHorizontalFlip implements Transform {

    private final double p;

    public RandomHorizontalFlip() {
        this(0.5);
    }

    public RandomHorizontalFlip(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("RandomHorizontalFlip: p must be a probability from 0 to 1, got " + p);
        }
        this.p = p;
    }

    @Override
    public Sample apply(Sample s, Random rng) {
        if (s.dim() < 2) {
            throw new IllegalArgumentException("RandomHorizontalFlip: needs an image [C, H, W], got shape "
                    + Arrays.toString(s.shape()));
        }
        // one draw per sample, whether it flips or not, so the stream stays aligned
        if (!(rng.nextDouble() < p)) {
            return s;
        }
        int w = s.size(s.dim() - 1);
        int rows = s.numel() / w;
        if (s.isImage()) {
            byte[] a = s.pixels();
            for (int r = 0; r < rows; r++) {
                for (int i = r * w, j = i + w - 1; i < j; i++, j--) {
                    byte t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                }
            }
        } else {
            float[] a = s.values();
            for (int r = 0; r < rows; r++) {
                for (int i = r * w, j = i + w - 1; i < j; i++, j--) {
                    float t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                }
            }
        }
        return s;
    }

    @Override
    public String toString() {
        return "RandomHorizontalFlip(p=" + p + ")";
    }
}
