package com.layerlab.engine.data;

import java.util.Arrays;
import java.util.Random;

/**
 * {@code transforms.Normalize(mean, std)}: {@code (x - mean[c]) / std[c]} per channel of a
 * {@code [C, H, W]} tensor. A single mean and std apply to every channel (as PyTorch's broadcasting does).
 */
public final class Normalize implements Transform {

    private final float[] mean;
    private final float[] std;

    public Normalize(float[] mean, float[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("Normalize: mean and std need one value per channel each, got "
                    + Arrays.toString(mean) + " and " + Arrays.toString(std));
        }
        for (float s : std) {
            if (!(s != 0) || !Float.isFinite(s)) {
                throw new IllegalArgumentException("Normalize: std must be finite and non-zero, got " + Arrays.toString(std));
            }
        }
        for (float m : mean) {
            if (!Float.isFinite(m)) {
                throw new IllegalArgumentException("Normalize: mean must be finite, got " + Arrays.toString(mean));
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    @Override
    public Sample apply(Sample s, Random rng) {
        if (s.isImage()) {
            throw new IllegalArgumentException("Normalize: the sample is image bytes; put ToTensor before Normalize");
        }
        if (s.dim() != 3) {
            throw new IllegalArgumentException("Normalize: needs a [C, H, W] tensor, got shape " + Arrays.toString(s.shape()));
        }
        int channels = s.size(0);
        if (mean.length != 1 && mean.length != channels) {
            throw new IllegalArgumentException("Normalize: " + mean.length + " means and stds for an image with " + channels
                    + " channels");
        }
        float[] v = s.values();
        int plane = s.size(1) * s.size(2);
        for (int c = 0; c < channels; c++) {
            float m = mean[mean.length == 1 ? 0 : c];
            float sd = std[std.length == 1 ? 0 : c];
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                v[i] = (v[i] - m) / sd;
            }
        }
        return s;
    }

    @Override
    public String toString() {
        return "Normalize(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
    }
}
