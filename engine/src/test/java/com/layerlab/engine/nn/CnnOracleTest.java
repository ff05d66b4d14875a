package com.layerlab.engine.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import com.layerlab.engine.tensor.GradCheck;
import com.layerlab.engine.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The CNN layers against PyTorch (through DJL's PyTorch engine) over grids of shapes, strides,
 * paddings, dilations, groups and ceil modes: the forward output, the input gradient and the weight
 * and bias gradients of sum(y * R) for a fixed random R. Where DJL does not expose PyTorch's own
 * kernel (the transposed convolution, max pooling with dilation), PyTorch computes the reference from
 * other operations: the transposed convolution as a convolution of the zero-dilated input with the
 * flipped weight, dilated max pooling as the maximum of strided slices of the -inf-padded input; the
 * second route is itself checked against PyTorch's max_pool2d where both exist.
 */
class CnnOracleTest {

    private static final double RTOL = 1e-4;
    /** Each case runs this many times: a reference that is right only some of the time must not pass. */
    private static final int REPEATS = 3;
    /** Leaves up to this size are also checked element by element against finite differences. */
    private static final int FD_MAX_ELEMENTS = 1200;
    /** The step for functions linear in each leaf: exact for any size, and large enough to keep rounding out. */
    private static final float LINEAR_STEP = 0.5f;
    /** Max pooling's inputs are 0.01 apart: a smaller step changes no window's maximum. */
    private static final float MAX_POOL_STEP = 1e-3f;
    /** Batch norm and softmax are smooth: a small step, and a looser tolerance for the truncation error. */
    private static final float SMOOTH_STEP = 1e-2f;

    private static NDManager manager;

    @BeforeAll
    static void startPyTorch() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void stopPyTorch() {
        manager.close();
    }

    // ---------------------------------------------------------------- helpers

    private static Shape shape(int... s) {
        long[] l = new long[s.length];
        for (int i = 0; i < s.length; i++) l[i] = s[i];
        return new Shape(l);
    }

    private static NDArray nd(NDManager m, Tensor t, boolean grad) {
        NDArray a = m.create(t.toHost(), shape(t.shape()));
        if (grad) a.setRequiresGradient(true);
        return a;
    }

    private static Tensor leaf(Random rng, float lo, float hi, int... shape) {
        float[] v = new float[numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * rng.nextFloat();
        return Tensor.of(v, shape).requiresGrad(true);
    }

    /** Distinct values 0.01 apart in random order: no ties for max pooling to break differently. */
    private static Tensor distinct(Random rng, int... shape) {
        int n = numel(shape);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (i - n / 2) * 0.01f;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return Tensor.of(v, shape).requiresGrad(true);
    }

    /**
     * Elements agree to RTOL relative, with an absolute floor of 1e-5 of the tensor's largest value (sums of
     * many products of either sign cancel to values whose relative error says nothing).
     */
    static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0;
        for (float e : expected) scale = Math.max(scale, Math.abs(e));
        double atol = 1e-5 * scale + 1e-7;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (!(Math.abs(e - a) <= atol + RTOL * Math.max(Math.abs(e), Math.abs(a)))) {
                fail(what + ": element " + i + " is " + a + ", PyTorch gives " + e + " (largest magnitude " + scale + ")");
            }
        }
    }

    /**
     * Runs f on our side and g on PyTorch's on the same leaves; compares y and every leaf's gradient of
     * sum(y * R), {@link #REPEATS} times (ours must give the same bits each time, PyTorch the same values),
     * then checks our gradients against finite differences of our own forward where the leaves are small
     * (with {@code fdStep}; NaN: the caller checks them itself).
     */
    private static void compare(String what, Tensor[] leaves, Function<Tensor[], Tensor> ours,
                                Function<NDArray[], NDArray> theirs, float fdStep) {
        float[] r = null;
        float[][] first = null;
        for (int run = 1; run <= REPEATS; run++) {
            for (Tensor leaf : leaves) leaf.zeroGrad();
            Tensor y = ours.apply(leaves);
            if (r == null) r = weightsFor(what, y.numel());
            y.mul(Tensor.of(r.clone(), y.shape())).sum().backward();
            float[][] results = new float[leaves.length + 1][];
            results[0] = y.toHost();
            for (int i = 0; i < leaves.length; i++) {
                if (leaves[i].requiresGrad()) results[i + 1] = leaves[i].grad().toHost();
            }
            if (first == null) {
                first = results;
            } else {
                for (int i = 0; i < results.length; i++) {
                    assertArrayEquals(first[i], results[i], what + ": run " + run + " of ours differs from run 1 in "
                            + (i == 0 ? "the output" : "the gradient of input " + (i - 1)));
                }
            }
            compareWithPyTorch(what + (run == 1 ? "" : " (run " + run + ")"), leaves, y, r, theirs);
        }
        if (!Float.isNaN(fdStep)) assertFiniteDifferences(what, leaves, ours, r, fdStep);
    }

    /** {@link #compare} for functions linear in each leaf, where any finite-difference step is exact. */
    private static void compare(String what, Tensor[] leaves, Function<Tensor[], Tensor> ours,
                                Function<NDArray[], NDArray> theirs) {
        compare(what, leaves, ours, theirs, LINEAR_STEP);
    }

    /** The fixed random R of sum(y * R), from the case's name. */
    private static float[] weightsFor(String what, int n) {
        float[] r = new float[n];
        Random rng = new Random(what.hashCode());
        for (int i = 0; i < r.length; i++) r[i] = rng.nextFloat() * 2 - 1;
        return r;
    }

    /** Our gradients against central differences of our forward, for leaves of at most FD_MAX_ELEMENTS. */
    private static void assertFiniteDifferences(String what, Tensor[] leaves, Function<Tensor[], Tensor> ours, float[] r,
                                                float step) {
        Tensor[] small = new Tensor[leaves.length];
        for (int i = 0; i < leaves.length; i++) {
            boolean checked = leaves[i].requiresGrad() && leaves[i].numel() <= FD_MAX_ELEMENTS;
            // the same leaf, or a stand-in without a gradient where the leaf is too large to perturb element by element
            small[i] = checked ? leaves[i] : leaves[i].detach();
        }
        GradCheck.assertFiniteDifferences(what + " against finite differences", in -> ours.apply(leaves), r, step,
                step == LINEAR_STEP ? 1e-4 : 2e-3, small);
    }

    /** PyTorch's forward and gradients of sum(g(leaves) * R), against ours. */
    private static void compareWithPyTorch(String what, Tensor[] leaves, Tensor y, float[] r,
                                           Function<NDArray[], NDArray> theirs) {
        try (NDManager m = manager.newSubManager()) {
            NDArray[] in = new NDArray[leaves.length];
            for (int i = 0; i < leaves.length; i++) in[i] = nd(m, leaves[i].detach(), leaves[i].requiresGrad());
            NDArray ty;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                ty = theirs.apply(in);
                gc.backward(ty.mul(m.create(r, ty.getShape())).sum());
            }
            assertEquals(Arrays.toString(y.shape()), Arrays.toString(toInts(ty.getShape())), what + ": output shape");
            assertClose(what + ": output", ty.toFloatArray(), y.toHost());
            for (int i = 0; i < leaves.length; i++) {
                if (leaves[i].requiresGrad()) {
                    assertClose(what + ": gradient of input " + i, in[i].getGradient().toFloatArray(), leaves[i].grad().toHost());
                }
            }
        }
    }

    /** PyTorch's convolution (conv1d/2d/3d by the rank), through DJL's engine interface. */
    private static NDArray torchConv(NDArray x, NDArray w, NDArray b, Shape stride, Shape padding, Shape dilation, int groups) {
        return x.getNDArrayInternal().convolution(x, w, b, stride, padding, dilation, groups).singletonOrThrow();
    }

    private static int numel(int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    private static int[] toInts(Shape s) {
        int[] r = new int[s.dimension()];
        for (int i = 0; i < r.length; i++) r[i] = (int) s.get(i);
        return r;
    }

    private static int[] fill(int dims, int v) {
        int[] a = new int[dims];
        Arrays.fill(a, v);
        return a;
    }

    // ---------------------------------------------------------------- convolution

    record ConvCase(int dims, int n, int cin, int[] in, int cout, int[] k, int[] s, int[] p, int[] d, int groups, boolean bias) {
        @Override
        public String toString() {
            return "Conv" + dims + "d(" + cin + ", " + cout + ", k=" + Arrays.toString(k) + ", s=" + Arrays.toString(s)
                    + ", p=" + Arrays.toString(p) + ", d=" + Arrays.toString(d) + ", groups=" + groups + (bias ? "" : ", no bias")
                    + ") on " + Arrays.toString(in) + " x" + n;
        }
    }

    /** A grid over every argument, sampled with a fixed seed, plus the shapes the course uses. */
    static Stream<Arguments> convCases() {
        List<Arguments> list = new ArrayList<>();
        Random rng = new Random(2024);
        for (int dims = 1; dims <= 3; dims++) {
            int count = dims == 3 ? 8 : 24;
            for (int c = 0; c < count; c++) {
                int groups = rng.nextInt(3) == 0 ? 2 : 1;
                int cin = groups * (1 + rng.nextInt(dims == 3 ? 2 : 3));
                int cout = groups * (1 + rng.nextInt(3));
                int[] k = new int[dims];
                int[] s = new int[dims];
                int[] p = new int[dims];
                int[] d = new int[dims];
                int[] in = new int[dims];
                for (int a = 0; a < dims; a++) {
                    k[a] = 1 + rng.nextInt(3);
                    s[a] = 1 + rng.nextInt(3);
                    p[a] = rng.nextInt(3);
                    d[a] = 1 + rng.nextInt(2);
                    int span = d[a] * (k[a] - 1) + 1;
                    in[a] = Math.max(1, span - 2 * p[a]) + rng.nextInt(dims == 3 ? 3 : 6);
                }
                list.add(Arguments.of(new ConvCase(dims, 1 + rng.nextInt(3), cin, in, cout, k, s, p, d, groups,
                        rng.nextInt(4) != 0)));
            }
        }
        // FORMAT.md's convolution demo and the CIFAR-10 model's first layer, one sample each
        list.add(Arguments.of(new ConvCase(2, 1, 3, new int[] {32, 32}, 6, fill(2, 3), fill(2, 1), fill(2, 0), fill(2, 1), 1, true)));
        list.add(Arguments.of(new ConvCase(2, 2, 3, new int[] {32, 32}, 32, fill(2, 5), fill(2, 1), fill(2, 2), fill(2, 1), 1, true)));
        // depthwise
        list.add(Arguments.of(new ConvCase(2, 2, 4, new int[] {6, 7}, 8, fill(2, 3), fill(2, 2), fill(2, 1), fill(2, 1), 4, true)));
        return list.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convCases")
    void convolutionMatchesPyTorch(ConvCase c) {
        Random rng = new Random(c.toString().hashCode());
        Module layer = switch (c.dims) {
            case 1 -> new Conv1d(c.cin, c.cout, c.k, c.s, c.p, c.d, c.groups, c.bias, rng);
            case 2 -> new Conv2d(c.cin, c.cout, c.k, c.s, c.p, c.d, c.groups, c.bias, rng);
            default -> new Conv3d(c.cin, c.cout, c.k, c.s, c.p, c.d, c.groups, c.bias, rng);
        };
        Convolution conv = (Convolution) layer;
        int[] xs = new int[c.dims + 2];
        xs[0] = c.n;
        xs[1] = c.cin;
        System.arraycopy(c.in, 0, xs, 2, c.dims);
        Tensor x = leaf(rng, -1, 1, xs);
        Tensor[] leaves = c.bias ? new Tensor[] {x, conv.weight(), conv.bias()} : new Tensor[] {x, conv.weight()};
        compare(c.toString(), leaves, in -> layer.forward(in[0]),
                in -> torchConv(in[0], in[1], c.bias ? in[2] : null, shape(c.s), shape(c.p), shape(c.d), c.groups));
    }

    /**
     * Guards the reference itself: PyTorch's input gradient of a convolution must be the adjoint of its own
     * forward (central differences of the forward, exact for a linear map). On AVX2 and AVX-512 machines
     * oneDNN's backward-data kernels return wrong input gradients for small convolutions like these (only
     * the first kernel tap, or values read from uninitialised memory: zeros, halves or NaN that change
     * from one JVM to the next), which made this suite fail by chance. The build runs the tests with
     * ONEDNN_MAX_CPU_ISA=SSE41 (the parent pom), where PyTorch computes them right.
     */
    @Test
    void pyTorchsConvolutionGradientIsTheAdjointOfItsForward() {
        int[][] cases = { // in channels, length, kernel, stride, padding, dilation, batch
            {1, 10, 3, 1, 0, 2, 2}, {2, 1, 2, 3, 1, 1, 2}, {1, 3, 3, 2, 0, 1, 3}, {1, 6, 2, 2, 1, 1, 3}, {1, 7, 3, 1, 1, 2, 2}};
        Random rng = new Random(11);
        for (int[] c : cases) {
            String what = "PyTorch's conv1d(in " + c[0] + ", length " + c[1] + ", k=" + c[2] + ", s=" + c[3] + ", p=" + c[4]
                    + ", d=" + c[5] + ") on a batch of " + c[6];
            float[] x = leaf(rng, -1, 1, c[6], c[0], c[1]).toHost();
            float[] w = leaf(rng, -1, 1, 1, c[0], c[2]).toHost();
            try (NDManager m = manager.newSubManager()) {
                Function<float[], NDArray> forward = v -> {
                    NDArray in = m.create(v, shape(c[6], c[0], c[1]));
                    return torchConv(in, m.create(w, shape(1, c[0], c[2])), null, shape(c[3]), shape(c[4]), shape(c[5]), 1);
                };
                float[] r = weightsFor(what, (int) forward.apply(x).size());
                NDArray leaf = m.create(x, shape(c[6], c[0], c[1]));
                leaf.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray y = torchConv(leaf, m.create(w, shape(1, c[0], c[2])), null, shape(c[3]), shape(c[4]), shape(c[5]), 1);
                    gc.backward(y.mul(m.create(r, y.getShape())).sum());
                }
                float[] viaBackward = leaf.getGradient().toFloatArray();
                float[] viaForward = new float[x.length];
                for (int i = 0; i < x.length; i++) {
                    float[] plus = x.clone();
                    float[] minus = x.clone();
                    plus[i] += LINEAR_STEP;
                    minus[i] -= LINEAR_STEP;
                    viaForward[i] = (float) ((dot(forward.apply(plus).toFloatArray(), r) - dot(forward.apply(minus).toFloatArray(), r))
                            / (2 * LINEAR_STEP));
                }
                assertClose(what + ": its backward against its forward (oneDNN's AVX2/AVX-512 backward-data kernels get"
                        + " this wrong; is ONEDNN_MAX_CPU_ISA=SSE41 set for the test JVM?)", viaForward, viaBackward);
            }
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    // ---------------------------------------------------------------- transposed convolution

    record TransposeCase(int n, int cin, int[] in, int cout, int[] k, int[] s, int[] p, int[] op, int[] d, int groups, boolean bias) {
        @Override
        public String toString() {
            return "ConvTranspose2d(" + cin + ", " + cout + ", k=" + Arrays.toString(k) + ", s=" + Arrays.toString(s) + ", p="
                    + Arrays.toString(p) + ", output_padding=" + Arrays.toString(op) + ", d=" + Arrays.toString(d)
                    + ", groups=" + groups + (bias ? "" : ", no bias") + ") on " + Arrays.toString(in) + " x" + n;
        }
    }

    static Stream<Arguments> transposeCases() {
        List<Arguments> list = new ArrayList<>();
        Random rng = new Random(77);
        while (list.size() < 24) {
            int groups = rng.nextInt(3) == 0 ? 2 : 1;
            int[] k = new int[2];
            int[] s = new int[2];
            int[] p = new int[2];
            int[] op = new int[2];
            int[] d = new int[2];
            int[] in = new int[2];
            for (int a = 0; a < 2; a++) {
                k[a] = 1 + rng.nextInt(3);
                s[a] = 1 + rng.nextInt(3);
                d[a] = 1 + rng.nextInt(2);
                p[a] = rng.nextInt(Math.min(3, d[a] * (k[a] - 1) + 1));
                op[a] = rng.nextInt(Math.max(s[a], d[a]));
                in[a] = 2 + rng.nextInt(4);
            }
            boolean empty = false;
            for (int a = 0; a < 2; a++) {
                empty |= (in[a] - 1) * s[a] - 2 * p[a] + d[a] * (k[a] - 1) + op[a] + 1 < 1;
            }
            if (empty) continue;
            list.add(Arguments.of(new TransposeCase(1 + rng.nextInt(2), groups * (1 + rng.nextInt(3)), in,
                    groups * (1 + rng.nextInt(3)), k, s, p, op, d, groups, rng.nextBoolean())));
        }
        return list.stream();
    }

    /**
     * PyTorch's conv_transpose2d from its conv2d: the input spread out with stride - 1 zeros between
     * values, padded by dilation (kernel - 1) - padding (plus output_padding on the far side; negative
     * pads crop), convolved with the weight flipped in space and with in/out swapped within each group.
     */
    private static NDArray torchConvTranspose2d(NDArray x, NDArray w, NDArray b, TransposeCase c) {
        long n = x.getShape().get(0);
        long h = x.getShape().get(2);
        long wd = x.getShape().get(3);
        NDArray z = x.reshape(n, c.cin, h, 1, wd, 1)
                .pad(new Shape(0, c.s[1] - 1, 0, 0, 0, c.s[0] - 1), 0)
                .reshape(n, c.cin, h * c.s[0], wd * c.s[1])
                .get(new NDIndex(":, :, :{}, :{}", (h - 1) * c.s[0] + 1, (wd - 1) * c.s[1] + 1));
        long[] lead = new long[2];
        long[] trail = new long[2];
        for (int a = 0; a < 2; a++) {
            lead[a] = (long) c.d[a] * (c.k[a] - 1) - c.p[a];
            trail[a] = lead[a] + c.op[a];
        }
        z = z.pad(new Shape(lead[1], trail[1], lead[0], trail[0]), 0);
        NDArray wt = w.reshape(c.groups, c.cin / c.groups, c.cout / c.groups, c.k[0], c.k[1]).swapAxes(1, 2)
                .reshape(c.cout, c.cin / c.groups, c.k[0], c.k[1]).flip(2, 3);
        return torchConv(z, wt, b, new Shape(1, 1), new Shape(0, 0), shape(c.d), c.groups);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transposeCases")
    void transposedConvolutionMatchesPyTorch(TransposeCase c) {
        Random rng = new Random(c.toString().hashCode());
        ConvTranspose2d layer = new ConvTranspose2d(c.cin, c.cout, c.k, c.s, c.p, c.op, c.d, c.groups, c.bias, rng);
        Tensor x = leaf(rng, -1, 1, c.n, c.cin, c.in[0], c.in[1]);
        Tensor[] leaves = c.bias ? new Tensor[] {x, layer.weight(), layer.bias()} : new Tensor[] {x, layer.weight()};
        compare(c.toString(), leaves, in -> layer.forward(in[0]),
                in -> torchConvTranspose2d(in[0], in[1], c.bias ? in[2] : null, c));
    }

    @Test
    void transposedConvolutionIsTheGradientOfTheConvolution() {
        // guards the reference above with PyTorch's own convolution backward: for y = conv(z, w),
        // dL/dz = conv_transpose(dL/dy, w); stride 2, padding 1, output_padding 1
        TransposeCase c = new TransposeCase(1, 2, new int[] {3, 4}, 3, fill(2, 3), fill(2, 2), fill(2, 1), fill(2, 1),
                fill(2, 1), 1, false);
        Random rng = new Random(5);
        Tensor w = leaf(rng, -1, 1, 2, 3, 3, 3);
        Tensor g = leaf(rng, -1, 1, 1, 2, 3, 4);
        try (NDManager m = manager.newSubManager()) {
            NDArray z = m.zeros(new Shape(1, 3, 6, 8));
            z.setRequiresGradient(true);
            NDArray tw = nd(m, w.detach(), false);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray y = torchConv(z, tw, null, new Shape(2, 2), new Shape(1, 1), new Shape(1, 1), 1);
                gc.backward(y.mul(nd(m, g.detach(), false)).sum());
            }
            float[] viaGradient = z.getGradient().toFloatArray();
            assertClose("reference transposed convolution", viaGradient, torchConvTranspose2d(nd(m, g.detach(), false),
                    tw, null, c).toFloatArray());
            assertClose("ours", viaGradient, Tensor.noGrad(() -> g.convTranspose(w, null, fill(2, 2), fill(2, 1), fill(2, 1),
                    fill(2, 1), 1)).toHost());
        }
    }

    // ---------------------------------------------------------------- pooling

    record PoolCase(boolean max, int n, int c, int h, int w, int[] k, int[] s, int[] p, int[] d, boolean ceil) {
        @Override
        public String toString() {
            return (max ? "MaxPool2d" : "AvgPool2d") + "(k=" + Arrays.toString(k) + ", s=" + Arrays.toString(s) + ", p="
                    + Arrays.toString(p) + (max ? ", d=" + Arrays.toString(d) : "") + ", ceil_mode=" + ceil + ") on ["
                    + c + ", " + h + ", " + w + "] x" + n;
        }

        /** PyTorch's output size, with its rule that the last window starts inside the input or left padding. */
        int out(int in, int a) {
            long span = (long) in + 2L * p[a] - (long) d[a] * (k[a] - 1) - 1;
            long o = (ceil ? -Math.floorDiv(-span, s[a]) : Math.floorDiv(span, s[a])) + 1;
            if (ceil && (o - 1) * s[a] >= in + p[a]) o--;
            return (int) o;
        }
    }

    static Stream<Arguments> poolCases() {
        List<Arguments> list = new ArrayList<>();
        Random rng = new Random(31);
        for (boolean max : new boolean[] {true, false}) {
            int made = 0;
            while (made < 28) {
                int[] k = {1 + rng.nextInt(3), 1 + rng.nextInt(3)};
                int[] s = {1 + rng.nextInt(3), 1 + rng.nextInt(3)};
                int[] p = {rng.nextInt(k[0] / 2 + 1), rng.nextInt(k[1] / 2 + 1)};
                int[] d = max && rng.nextInt(3) == 0 ? new int[] {1 + rng.nextInt(2), 1 + rng.nextInt(2)} : new int[] {1, 1};
                boolean ceil = rng.nextBoolean();
                PoolCase c = new PoolCase(max, 1 + rng.nextInt(2), 1 + rng.nextInt(3), 3 + rng.nextInt(6), 3 + rng.nextInt(6),
                        k, s, p, d, ceil);
                // a window of only padding has no input to take a maximum from (PyTorch gives -inf there)
                if (c.out(c.h, 0) < 1 || c.out(c.w, 1) < 1 || (max && !everyWindowTouchesInput(c))) continue;
                list.add(Arguments.of(c));
                made++;
            }
        }
        // FORMAT.md's pooling demo in both modes, the CIFAR-10 model's pools, AvgPool2d's divisor rule in ceil mode
        list.add(Arguments.of(new PoolCase(true, 1, 1, 5, 5, fill(2, 3), fill(2, 3), fill(2, 0), fill(2, 1), true)));
        list.add(Arguments.of(new PoolCase(true, 1, 1, 5, 5, fill(2, 3), fill(2, 3), fill(2, 0), fill(2, 1), false)));
        list.add(Arguments.of(new PoolCase(true, 2, 4, 32, 32, fill(2, 2), fill(2, 2), fill(2, 0), fill(2, 1), false)));
        list.add(Arguments.of(new PoolCase(false, 1, 2, 5, 5, fill(2, 3), fill(2, 2), fill(2, 1), fill(2, 1), true)));
        list.add(Arguments.of(new PoolCase(false, 1, 1, 6, 7, new int[] {2, 3}, new int[] {3, 2}, new int[] {1, 1},
                fill(2, 1), true)));
        return list.stream();
    }

    private static boolean everyWindowTouchesInput(PoolCase c) {
        int[] in = {c.h, c.w};
        for (int a = 0; a < 2; a++) {
            for (int o = 0; o < c.out(in[a], a); o++) {
                boolean any = false;
                for (int t = 0; t < c.k[a]; t++) {
                    int i = o * c.s[a] - c.p[a] + t * c.d[a];
                    any |= i >= 0 && i < in[a];
                }
                if (!any) return false;
            }
        }
        return true;
    }

    /** Max pooling from slices: pad with -inf, take the strided slice under every kernel tap, keep the largest. */
    private static NDArray torchMaxPoolBySlices(NDArray x, PoolCase c) {
        int oh = c.out(c.h, 0);
        int ow = c.out(c.w, 1);
        long rightH = Math.max(0, (long) (oh - 1) * c.s[0] + (long) (c.k[0] - 1) * c.d[0] + 1 - c.h - c.p[0]);
        long rightW = Math.max(0, (long) (ow - 1) * c.s[1] + (long) (c.k[1] - 1) * c.d[1] + 1 - c.w - c.p[1]);
        NDArray padded = x.pad(new Shape(c.p[1], rightW, c.p[0], rightH), Float.NEGATIVE_INFINITY);
        NDArray best = null;
        for (int i = 0; i < c.k[0]; i++) {
            for (int j = 0; j < c.k[1]; j++) {
                int h0 = i * c.d[0];
                int w0 = j * c.d[1];
                NDArray tap = padded.get(new NDIndex(":, :, {}:{}:{}, {}:{}:{}", h0, h0 + (oh - 1) * c.s[0] + 1, c.s[0],
                        w0, w0 + (ow - 1) * c.s[1] + 1, c.s[1]));
                best = best == null ? tap : NDArrays.maximum(best, tap);
            }
        }
        return best;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("poolCases")
    void poolingMatchesPyTorch(PoolCase c) {
        Random rng = new Random(c.toString().hashCode());
        Module layer = c.max ? new MaxPool2d(c.k, c.s, c.p, c.d, c.ceil) : new AvgPool2d(c.k, c.s, c.p, c.ceil);
        Tensor x = c.max ? distinct(rng, c.n, c.c, c.h, c.w) : leaf(rng, -1, 1, c.n, c.c, c.h, c.w);
        boolean dilated = c.d[0] != 1 || c.d[1] != 1;
        compare(c.toString(), new Tensor[] {x}, in -> layer.forward(in[0]), in -> !c.max
                ? Pool.avgPool2d(in[0], shape(c.k), shape(c.s), shape(c.p), c.ceil, true)
                : dilated ? torchMaxPoolBySlices(in[0], c) : Pool.maxPool2d(in[0], shape(c.k), shape(c.s), shape(c.p), c.ceil),
                c.max ? MAX_POOL_STEP : LINEAR_STEP);
    }

    @Test
    void maxPoolBySlicesAgreesWithPyTorchsKernel() {
        List<PoolCase> cases = poolCases().map(a -> (PoolCase) a.get()[0])
                .filter(c -> c.max && c.d[0] == 1 && c.d[1] == 1).toList();
        assertTrue(cases.size() > 10);
        Random rng = new Random(8);
        try (NDManager m = manager.newSubManager()) {
            for (PoolCase c : cases) {
                NDArray x = nd(m, distinct(rng, c.n, c.c, c.h, c.w), false);
                assertClose(c + " by slices", Pool.maxPool2d(x, shape(c.k), shape(c.s), shape(c.p), c.ceil).toFloatArray(),
                        torchMaxPoolBySlices(x, c).toFloatArray());
            }
        }
    }

    // ---------------------------------------------------------------- batch normalisation, softmax

    static Stream<Arguments> batchNormShapes() {
        return Stream.of(Arguments.of((Object) new int[] {6, 4}), Arguments.of((Object) new int[] {3, 5, 7}),
                Arguments.of((Object) new int[] {4, 3, 5, 6}), Arguments.of((Object) new int[] {2, 2, 1, 1}));
    }

    @ParameterizedTest
    @MethodSource("batchNormShapes")
    void batchNormMatchesPyTorchInTrainingAndEvaluation(int[] xs) {
        BatchNorm bn = xs.length == 4 ? new BatchNorm2d(xs[1], 1e-3, 0.2) : new BatchNorm1d(xs[1], 1e-3, 0.2);
        Random rng = new Random(Arrays.hashCode(xs));
        // start from non-trivial weights and statistics so every term of the formulas counts
        float[][] start = new float[4][xs[1]];
        for (int i = 0; i < xs[1]; i++) {
            start[0][i] = 0.5f + rng.nextFloat();
            start[1][i] = rng.nextFloat() - 0.5f;
            start[2][i] = rng.nextFloat() - 0.5f;
            start[3][i] = 0.5f + rng.nextFloat();
        }
        bn.weight().copyFromHost(start[0]);
        bn.bias().copyFromHost(start[1]);
        bn.runningMean().copyFromHost(start[2]);
        bn.runningVar().copyFromHost(start[3]);
        for (boolean training : new boolean[] {true, true, false}) {
            bn.train(training);
            float[] rm = bn.runningMean().toHost();
            float[] rv = bn.runningVar().toHost();
            Tensor x = leaf(rng, -2, 3, xs);
            bn.weight().zeroGrad();
            bn.bias().zeroGrad();
            String what = bn + (training ? " training" : " evaluation") + " on " + Arrays.toString(xs);
            NDArray[] stats = new NDArray[2];
            try (NDManager m = manager.newSubManager()) {
                stats[0] = m.create(rm, new Shape(rm.length));
                stats[1] = m.create(rv, new Shape(rv.length));
                Tensor[] leaves = {x, bn.weight(), bn.bias()};
                compare(what, leaves, in -> bn.forward(in[0]),
                        in -> JniUtils.batchNorm((PtNDArray) in[0], (PtNDArray) stats[0], (PtNDArray) stats[1],
                                (PtNDArray) in[1], (PtNDArray) in[2], training, 0.2, 1e-3), Float.NaN);
                assertClose(what + ": running_mean", stats[0].toFloatArray(), bn.runningMean().toHost());
                assertClose(what + ": running_var", stats[1].toFloatArray(), bn.runningVar().toHost());
                // the finite differences' forwards must not count as batches in the running statistics
                Tensor[] state = {bn.runningMean(), bn.runningVar(), bn.numBatchesTracked()};
                float[][] saved = new float[state.length][];
                for (int i = 0; i < state.length; i++) saved[i] = state[i].toHost();
                assertFiniteDifferences(what, leaves, in -> bn.forward(in[0]), weightsFor(what, x.numel()), SMOOTH_STEP);
                for (int i = 0; i < state.length; i++) state[i].copyFromHost(saved[i]);
            }
        }
        assertEquals(2f * REPEATS, bn.numBatchesTracked().item());
    }

    @Test
    void softmaxMatchesPyTorch() {
        Random rng = new Random(4);
        for (int dim : new int[] {1, -1, 2}) {
            Softmax layer = new Softmax(dim);
            compare("Softmax(dim=" + dim + ")", new Tensor[] {leaf(rng, -3, 3, 2, 4, 3)}, in -> layer.forward(in[0]),
                    in -> in[0].softmax(dim), SMOOTH_STEP);
        }
    }

    @Test
    void linearOnAMultiAxisInputMapsTheLastAxisAsPyTorchDoes() {
        Random rng = new Random(5);
        Linear layer = new Linear(5, 3, true, rng);
        compare("Linear on [2, 4, 5]", new Tensor[] {leaf(rng, -2, 2, 2, 4, 5), layer.weight(), layer.bias()},
                in -> layer.forward(in[0]), in -> in[0].matMul(in[1].transpose()).add(in[2]));
    }
}
