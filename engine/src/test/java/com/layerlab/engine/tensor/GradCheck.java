package com.layerlab.engine.tensor;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Compares autograd gradients with central finite differences. The checked scalar is
 * sum(f(inputs) * R) for a fixed random R, so every output element's gradient path counts with a
 * different weight (a plain sum would hide errors that cancel).
 */
public final class GradCheck {

    private static final float EPS = 5e-3f;
    private static final double RTOL = 1e-2;
    private static final double ATOL = 2e-3;

    private GradCheck() {
    }

    /** Random values in [lo, hi), as a leaf that requires grad. */
    public static Tensor param(Random rng, float lo, float hi, int... shape) {
        return Tensor.of(values(rng, lo, hi, Tensor.numel(shape)), shape).requiresGrad(true);
    }

    /** Random values with |x| in [0.2, 1.2): away from the kinks of relu, abs and leakyRelu. */
    public static Tensor awayFromZero(Random rng, int... shape) {
        float[] v = values(rng, 0.2f, 1.2f, Tensor.numel(shape));
        for (int i = 0; i < v.length; i++) {
            if (rng.nextBoolean()) v[i] = -v[i];
        }
        return Tensor.of(v, shape).requiresGrad(true);
    }

    private static float[] values(Random rng, float lo, float hi, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * rng.nextFloat();
        return v;
    }

    public static void check(String what, Function<Tensor[], Tensor> f, Tensor... inputs) {
        Tensor probe = Tensor.noGrad(() -> f.apply(inputs));
        Random rng = new Random(what.hashCode());
        float[] r = values(rng, -1f, 1f, probe.numel());
        Tensor weights = Tensor.of(r, probe.shape());
        Function<Tensor[], Tensor> scalar = in -> f.apply(in).mul(weights).sum();

        for (Tensor in : inputs) {
            if (in.grad() != null) in.zeroGrad();
        }
        scalar.apply(inputs).backward();

        for (int t = 0; t < inputs.length; t++) {
            Tensor in = inputs[t];
            if (!in.requiresGrad()) continue;
            if (in.grad() == null) fail(what + ": input " + t + " got no gradient");
            float[] analytic = in.grad().data();
            float[] x = in.data();
            for (int i = 0; i < x.length; i++) {
                float saved = x[i];
                x[i] = saved + EPS;
                double plus = Tensor.noGrad(() -> scalar.apply(inputs)).item();
                x[i] = saved - EPS;
                double minus = Tensor.noGrad(() -> scalar.apply(inputs)).item();
                x[i] = saved;
                double numeric = (plus - minus) / (2 * EPS);
                double a = analytic[i];
                if (!(Math.abs(a - numeric) <= ATOL + RTOL * Math.max(Math.abs(a), Math.abs(numeric)))) {
                    fail(what + ": d/d input" + t + Arrays.toString(unravel(i, in.shape())) + " autograd " + a
                            + " vs finite difference " + numeric);
                }
            }
        }
    }

    private static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }
}
