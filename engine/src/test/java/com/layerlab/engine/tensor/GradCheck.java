package com.layerlab.engine.tensor;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

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

        compareWithDifferences(what, in -> scalar.apply(in).item(), EPS, (a, numeric, scale) ->
                Math.abs(a - numeric) <= ATOL + RTOL * Math.max(Math.abs(a), Math.abs(numeric)), inputs);
    }

    /**
     * Checks the gradients of sum(f(inputs) * r) that {@code inputs} already hold against central
     * differences of that sum with the given step, summed in double. An element agrees within
     * {@code tolerance} of the gradient's largest magnitude (sums of products of either sign cancel to
     * values whose relative error says nothing) plus {@code tolerance} of its own size, and of 0.01 (a
     * gradient that is nearly zero everywhere, as batch norm's on two samples, has no scale). For a function
     * linear in each input (convolutions, linear layers, average pooling) any step is exact up to
     * rounding, so a large step keeps rounding out of the difference; piecewise linear ones (max
     * pooling) need a step below half the gap between competing values.
     */
    public static void assertFiniteDifferences(String what, Function<Tensor[], Tensor> f, float[] r, float step,
                                               double tolerance, Tensor... inputs) {
        ToDoubleFunction<Tensor[]> scalar = in -> {
            float[] y = f.apply(in).toHost();
            double sum = 0;
            for (int i = 0; i < y.length; i++) sum += (double) y[i] * r[i];
            return sum;
        };
        compareWithDifferences(what, scalar, step, (a, numeric, scale) ->
                Math.abs(a - numeric) <= tolerance * (scale + Math.abs(a) + 0.01), inputs);
    }

    private interface Agreement {
        boolean test(double analytic, double numeric, double scale);
    }

    private static void compareWithDifferences(String what, ToDoubleFunction<Tensor[]> scalar, float step,
                                               Agreement agree, Tensor... inputs) {
        for (int t = 0; t < inputs.length; t++) {
            Tensor in = inputs[t];
            if (!in.requiresGrad()) continue;
            if (in.grad() == null) fail(what + ": input " + t + " got no gradient");
            float[] analytic = in.grad().toHost();
            double scale = 0;
            for (float a : analytic) scale = Math.max(scale, Math.abs(a));
            float[] x = in.toHost();
            for (int i = 0; i < x.length; i++) {
                float saved = x[i];
                set(in, i, saved + step);
                double plus = Tensor.noGrad(() -> scalar.applyAsDouble(inputs));
                set(in, i, saved - step);
                double minus = Tensor.noGrad(() -> scalar.applyAsDouble(inputs));
                set(in, i, saved);
                double numeric = (plus - minus) / ((double) (saved + step) - (double) (saved - step));
                double a = analytic[i];
                if (!agree.test(a, numeric, scale)) {
                    fail(what + ": d/d input" + t + Arrays.toString(unravel(i, in.shape())) + " autograd " + a
                            + " vs finite difference " + numeric);
                }
            }
        }
    }

    /** Writes one element of t in place (the host edge: the tensor keeps its storage). */
    private static void set(Tensor t, int i, float v) {
        t.storage().copyFromHost(new float[] {v}, 0, i, 1);
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
