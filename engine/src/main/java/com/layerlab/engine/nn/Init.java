package com.layerlab.engine.nn;

import java.util.Random;

/** PyTorch's default initialisations, drawn from a {@link Random} in row-major order. */
final class Init {

    private Init() {
    }

    /**
     * n values uniform in [-bound, bound): what kaiming_uniform_(a = sqrt(5)) amounts to for
     * bound = 1/sqrt(fan_in), and the bias's default for the same bound. Same formula as {@link Linear}.
     */
    static float[] uniform(Random rng, int n, double bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((rng.nextDouble() * 2.0 - 1.0) * bound);
        }
        return v;
    }
}
