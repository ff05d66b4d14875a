package com.layerlab.engine.data;

import java.util.Random;

/**
 * {@code transforms.ToTensor()}: image bytes 0..255 become floats in [0, 1] (divided by 255), keeping the
 * channels-first shape.
 */
public final class ToTensor implements Transform {

    @Override
    public Sample apply(Sample s, Random rng) {
        if (!s.isImage()) {
            throw new IllegalArgumentException("ToTensor: the sample is a tensor already (ToTensor turns image bytes "
                    + "0..255 into floats 0..1; use it once, before Normalize)");
        }
        byte[] p = s.pixels();
        float[] v = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            v[i] = (p[i] & 0xff) / 255f;
        }
        return s.withValues(v, s.shape());
    }

    @Override
    public String toString() {
        return "ToTensor()";
    }
}
