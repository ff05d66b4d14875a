package com.layerlab.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.LossSpec;
import com.layerlab.engine.experiment.OptimizerSpec;
import com.layerlab.engine.experiment.RegularizationSpec;
import com.layerlab.engine.nn.CrossEntropyLoss;
import com.layerlab.engine.tensor.Backend.BinaryOp;
import com.layerlab.engine.tensor.Backend.LossOp;
import com.layerlab.engine.tensor.Backend.UnaryOp;
import com.layerlab.engine.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * Every primitive of an accelerator's backend against the CPU reference, to 1e-4 relative, and training
 * on it: the cases every backend must pass alike. A backend's test extends it with the device under test
 * (and the assumption that skips it where that backend is not available) and adds its own cases.
 */
public abstract class BackendAgreementTests {

    protected static final Device CPU = Device.cpu();
    protected static final Backend REF = CPU.backend();

    /** The device under test; called only by tests that were not skipped. */
    protected abstract Device device();

    /** A device of a backend of its own, on the same hardware: no other test's storages in its memory. */
    protected abstract Device freshDevice();

    /** The floats of device memory that {@code device}'s backend holds for live storages. */
    protected abstract long floatsInUse(Device device);

    /** The {@code m, k, n} of the products compared: a backend with more than one path adds sizes for each. */
    protected int[][] matmulSizes() {
        return new int[][] {{19, 23, 17}, {40, 70, 33}, {1, 5, 1}, {3, 0, 2}};
    }

    // ---- helpers: the same inputs on both devices, the outputs compared

    /** Storages of the same values on the CPU (index 0) and on the device under test (index 1). */
    protected final Storage[] both(float[] values) {
        return on(device(), values);
    }

    /** Storages of the same values on the CPU (index 0) and on {@code device} (index 1). */
    protected static Storage[] on(Device device, float[] values) {
        return new Storage[] {REF.upload(CPU, values.clone()), device.backend().upload(device, values.clone())};
    }

    protected final Storage[] zeros(int n) {
        return new Storage[] {CPU.allocate(n), device().allocate(n)};
    }

    protected static float[] host(Storage s) {
        float[] v = new float[s.size()];
        s.copyToHost(0, v, 0, v.length);
        return v;
    }

    protected static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /**
     * Equal to 1e-4 relative: relative to the element, or, for an element a thousand times smaller than
     * the output's largest (where a sum cancels), to a thousandth of that largest.
     */
    protected static void assertClose(Storage[] out, String what) {
        float[] expected = host(out[0]);
        float[] actual = host(out[1]);
        assertEquals(expected.length, actual.length, what);
        float scale = 0f;
        for (float e : expected) {
            scale = Float.isFinite(e) ? Math.max(scale, Math.abs(e)) : scale;
        }
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            float a = actual[i];
            if (!Float.isFinite(e)) {
                assertEquals(e, a, what + " at " + i);
                continue;
            }
            float tol = 1e-4f * Math.max(Math.abs(e), Math.max(1e-3f * scale, 1e-6f));
            if (!(Math.abs(e - a) <= tol)) {
                fail(what + " at " + i + ": cpu " + e + ", " + out[1].device() + " " + a);
            }
        }
    }

    /** Runs {@code op} on each backend with its own storages. */
    protected final void on(BiConsumer<Backend, Integer> op) {
        op.accept(REF, 0);
        op.accept(device().backend(), 1);
    }

    // ---- element-wise

    @Test
    void unaryOpsAndTheirGradientsAgreeWithTheCpu() {
        int n = 37;
        float[] x = random(n, 1);
        float[] positive = new float[n];
        for (int i = 0; i < n; i++) {
            positive[i] = Math.abs(x[i]) + 0.1f;
        }
        x[3] = 0f;
        x[5] = Float.NaN;
        for (UnaryOp op : UnaryOp.values()) {
            boolean pos = op == UnaryOp.LOG || op == UnaryOp.SQRT;
            Storage[] in = both(pos ? positive : x);
            Storage[] y = zeros(n);
            on((b, i) -> b.unary(op, 0.1f, in[i], y[i], n));
            assertClose(y, op + " forward");
            Storage[] gy = both(random(n, 2));
            Storage[] gx = zeros(n);
            on((b, i) -> b.unaryBackward(op, 0.1f, in[i], y[i], gy[i], gx[i], n));
            assertClose(gx, op + " backward");
        }
    }

    @Test
    void binaryOpsBroadcastAsTheCpuDoes() {
        int[][][] shapes = {
                {{3, 1, 5}, {4, 1}, {3, 4, 5}},
                {{2, 6}, {2, 6}, {2, 6}},
                {{}, {7}, {7}},
                {{2, 3, 1, 2, 1, 2, 1, 2}, {3, 2, 2, 2, 1, 2}, {2, 3, 3, 2, 2, 2, 1, 2}}};
        for (BinaryOp op : BinaryOp.values()) {
            for (int[][] s : shapes) {
                float[] av = random(numel(s[0]), 3);
                float[] bv = random(numel(s[1]), 4);
                if (op == BinaryOp.EQ) {
                    bv[0] = av[0];
                }
                Storage[] a = both(av);
                Storage[] b = both(bv);
                Storage[] out = zeros(numel(s[2]));
                on((be, i) -> be.binary(op, a[i], s[0], b[i], s[1], out[i], s[2]));
                assertClose(out, op + " " + List.of(s[0].length, s[1].length));
            }
        }
        Storage[] x = both(random(4, 5));
        Storage[] out = zeros(24);
        on((b, i) -> b.broadcast(x[i], new int[] {4, 1}, out[i], new int[] {2, 4, 3}));
        assertClose(out, "broadcast");
    }

    @Test
    void reductionsAndTransposeAgreeWithTheCpu() {
        float[] v = random(3 * 5 * 4, 6);
        v[17] = Float.NaN;
        Storage[] x = both(v);
        for (int[] d : new int[][] {{3, 5, 4}, {12, 5, 1}, {1, 60, 1}}) {
            Storage[] s = zeros(d[0] * d[2]);
            on((b, i) -> b.sum(x[i], d[0], d[1], d[2], s[i]));
            assertClose(s, "sum " + List.of(d[0], d[1], d[2]));
            Storage[] m = zeros(d[0] * d[2]);
            on((b, i) -> b.max(x[i], d[0], d[1], d[2], m[i]));
            assertClose(m, "max " + List.of(d[0], d[1], d[2]));
        }
        Storage[] y = both(random(7 * 13, 7));
        Storage[] yt = zeros(7 * 13);
        on((b, i) -> b.transpose(y[i], 7, 13, yt[i]));
        assertClose(yt, "transpose");
    }

    @Test
    void matrixProductsAgreeWithTheCpuInEveryLayout() {
        assertProductsAgree(device(), matmulSizes(), "matmul");
    }

    /** Each {@code m, k, n} of {@code sizes} in the four layouts on {@code device}, against the CPU. */
    protected static void assertProductsAgree(Device device, int[][] sizes, String what) {
        for (int[] mkn : sizes) {
            int m = mkn[0];
            int k = mkn[1];
            int n = mkn[2];
            for (int f = 0; f < 4; f++) {
                boolean ta = (f & 1) != 0;
                boolean tb = (f & 2) != 0;
                Storage[] a = on(device, random(m * k, 8));
                Storage[] b = on(device, random(k * n, 9));
                Storage[] c = on(device, random(m * n, 10));
                REF.matmul(a[0], ta, b[0], tb, c[0], m, k, n);
                device.backend().matmul(a[1], ta, b[1], tb, c[1], m, k, n);
                assertClose(c, what + " " + m + "x" + k + "x" + n + " transA " + ta + " transB " + tb);
            }
        }
    }

    // ---- convolution and pooling

    @Test
    void convolutionAndBothGradientsAgreeWithTheCpu() {
        List<ConvShape> shapes = new ArrayList<>();
        shapes.add(ConvShape.of(2, 4, new int[] {9, 8}, 6, new int[] {3, 3}, new int[] {2, 1}, new int[] {1, 1},
                new int[] {1, 1}, 2));
        shapes.add(ConvShape.of(3, 2, new int[] {12}, 3, new int[] {3}, new int[] {1}, new int[] {2},
                new int[] {2}, 1));
        shapes.add(ConvShape.of(1, 2, new int[] {4, 5, 5}, 2, new int[] {2, 3, 3}, new int[] {1, 2, 1},
                new int[] {0, 1, 1}, new int[] {1, 1, 1}, 1));
        for (ConvShape s : shapes) {
            Storage[] x = both(random(numel(s.inputShape()), 11));
            Storage[] w = both(random(numel(s.weightShape()), 12));
            Storage[] bias = both(random(s.outChannels(), 13));
            Storage[] y = zeros(numel(s.outputShape()));
            on((b, i) -> b.convolution(x[i], w[i], bias[i], y[i], s));
            assertClose(y, "convolution " + s);
            Storage[] y0 = zeros(numel(s.outputShape()));
            on((b, i) -> b.convolution(x[i], w[i], null, y0[i], s));
            assertClose(y0, "convolution without bias " + s);
            Storage[] gy = both(random(numel(s.outputShape()), 14));
            Storage[] gx = zeros(numel(s.inputShape()));
            on((b, i) -> b.convolutionBackwardInput(gy[i], w[i], gx[i], s));
            assertClose(gx, "input gradient " + s);
            Storage[] gw = zeros(numel(s.weightShape()));
            on((b, i) -> b.convolutionBackwardWeight(x[i], gy[i], gw[i], s));
            assertClose(gw, "weight gradient " + s);
        }
    }

    @Test
    void poolingAndItsGradientsAgreeWithTheCpu() {
        List<PoolShape> shapes = List.of(
                PoolShape.of(2, 3, 7, 9, new int[] {3, 2}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 2}, true),
                PoolShape.of(1, 2, 8, 8, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, new int[] {1, 1}, false),
                PoolShape.of(1, 1, 6, 5, new int[] {3, 3}, new int[] {1, 2}, new int[] {1, 0}, new int[] {1, 1}, true));
        for (PoolShape s : shapes) {
            float[] xv = random(numel(s.inputShape()), 15);
            xv[4] = Float.NaN;
            xv[9] = xv[10];
            Storage[] x = both(xv);
            int outN = numel(s.outputShape());
            Storage[] y = zeros(outN);
            Storage[] arg = {REF.allocateIndices(CPU, outN), device().backend().allocateIndices(device(), outN)};
            on((b, i) -> b.maxPool2d(x[i], y[i], arg[i], s));
            assertClose(y, "max pool " + s);
            assertClose(arg, "max pool's winners " + s);
            Storage[] gy = both(random(outN, 16));
            Storage[] gx = zeros(numel(s.inputShape()));
            on((b, i) -> b.maxPool2dBackward(gy[i], arg[i], gx[i], s));
            assertClose(gx, "max pool gradient " + s);
            Storage[] ya = zeros(outN);
            on((b, i) -> b.avgPool2d(x[i], ya[i], s));
            assertClose(ya, "avg pool " + s);
            Storage[] ga = zeros(numel(s.inputShape()));
            on((b, i) -> b.avgPool2dBackward(gy[i], ga[i], s));
            assertClose(ga, "avg pool gradient " + s);
        }
    }

    // ---- memory and updates in place

    @Test
    void fillAndHostCopiesOfPartsOfAStorage() {
        Storage s = device().allocate(10);
        assertEquals(0f, host(s)[9], "a fresh storage is zero");
        device().backend().fill(s, 2.5f);
        s.copyFromHost(new float[] {7f, 8f, 9f}, 1, 4, 2);
        float[] part = new float[5];
        s.copyToHost(3, part, 1, 3);
        assertEquals(List.of(0f, 2.5f, 8f, 9f, 0f), toList(part));
        assertThrows(IndexOutOfBoundsException.class, () -> s.copyToHost(8, part, 0, 3));
    }

    @Test
    void optimizerStepsAndBatchNormStatisticsAgreeWithTheCpu() {
        int n = 29;
        for (boolean nesterov : new boolean[] {false, true}) {
            Storage[] p = both(random(n, 17));
            Storage[] buf = zeros(n);
            for (int step = 0; step < 3; step++) {
                Storage[] g = both(random(n, 18 + step));
                boolean first = step == 0;
                on((b, i) -> b.sgdStep(p[i], g[i], buf[i], n, 0.1f, 0.9f, 1e-2f, nesterov, first));
            }
            assertClose(p, "sgd, nesterov " + nesterov);
            assertClose(buf, "sgd's momentum buffer, nesterov " + nesterov);
        }
        Storage[] plain = both(random(n, 21));
        Storage[] g = both(random(n, 22));
        on((b, i) -> b.sgdStep(plain[i], g[i], null, n, 0.1f, 0f, 0f, false, true));
        assertClose(plain, "sgd without momentum");
        Storage[] p = both(random(n, 23));
        Storage[] m = zeros(n);
        Storage[] v = zeros(n);
        for (int t = 1; t <= 3; t++) {
            Storage[] gt = both(random(n, 24 + t));
            float stepSize = (float) (0.01 / (1 - Math.pow(0.9, t)));
            float bias2 = (float) Math.sqrt(1 - Math.pow(0.999, t));
            on((b, i) -> b.adamStep(p[i], gt[i], m[i], v[i], n, stepSize, bias2, 0.1f, 0.999f, 0.001f, 1e-8f, 1e-3f));
        }
        assertClose(p, "adam");
        assertClose(m, "adam's first moment");
        assertClose(v, "adam's second moment");
        Storage[] rm = both(random(5, 30));
        Storage[] rv = both(random(5, 31));
        Storage[] tracked = both(new float[] {3f});
        Storage[] mean = both(random(5, 32));
        Storage[] var = both(random(5, 33));
        on((b, i) -> b.batchNormRunningStats(rm[i], rv[i], tracked[i], mean[i], var[i], 5, 0.1f, 1.25f));
        assertClose(rm, "running mean");
        assertClose(rv, "running var");
        assertEquals(4f, host(tracked[1])[0], "batches tracked");
    }

    // ---- losses and metrics

    @Test
    void lossesAndTheirGradientsAgreeWithTheCpu() {
        int rows = 7;
        int classes = 5;
        float[] logits = random(rows * classes, 40);
        // a large logit: the log-sum-exp must not overflow
        logits[3] = 60f;
        float[] labels = {0, 4, 2, 2, 1, 3, 0};
        float[] binary = new float[rows * classes];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = i % 3 == 0 ? 1f : 0f;
        }
        Storage[] x = both(logits);
        Storage[] gy = both(new float[] {0.75f});
        for (LossOp op : LossOp.values()) {
            boolean ce = op == LossOp.CROSS_ENTROPY;
            Storage[] t = both(ce ? labels : op == LossOp.MSE ? random(rows * classes, 41) : binary);
            int r = ce ? rows : rows * classes;
            int c = ce ? classes : 1;
            Storage[] out = zeros(1);
            on((b, i) -> b.loss(op, x[i], t[i], r, c, out[i]));
            assertClose(out, op + " loss");
            assertTrue(host(out[1])[0] > 0f, op + " is positive");
            Storage[] gx = zeros(rows * classes);
            on((b, i) -> b.lossBackward(op, x[i], t[i], gy[i], r, c, gx[i]));
            assertClose(gx, op + " gradient");
        }
        Storage[] noClass = both(new float[] {0, 5, 2, 2, 1.5f, 3, 0});
        Storage[] out = zeros(1);
        on((b, i) -> b.loss(LossOp.CROSS_ENTROPY, x[i], noClass[i], rows, classes, out[i]));
        assertTrue(Float.isNaN(host(out[0])[0]) && Float.isNaN(host(out[1])[0]), "a label that is no class gives NaN");
    }

    @Test
    void theCorrectCountAgreesWithTheCpu() {
        // ties (the first wins), a NaN first and later, scores past [0, 1] that the clamp makes ties
        float[] scores = {
                0.2f, 0.5f, 0.5f,
                Float.NaN, 0.1f, 0.3f,
                0.1f, Float.NaN, 0.3f,
                1.5f, 2.5f, 0.2f,
                -1f, -0.5f, -2f,
                0.3f, 0.3f, 0.9f};
        float[] labels = {1, 0, 2, 1, 1, 2};
        // one column, P(class 1): 1 when p > 1 - p
        float[] column = {0.7f, 0.5f, 1.5f, Float.NaN, -0.2f, 0.51f};
        float[] binaryLabels = {1, 0, 1, 1, 0, 0};
        List<Float> counts = new ArrayList<>();
        for (boolean clamp : new boolean[] {false, true}) {
            for (int columns : new int[] {1, 3}) {
                Storage[] p = both(columns == 1 ? column : scores);
                Storage[] y = both(columns == 1 ? binaryLabels : labels);
                Storage[] out = zeros(1);
                on((b, i) -> b.countCorrect(p[i], y[i], 6, columns, clamp, out[i]));
                assertEquals(host(out[0])[0], host(out[1])[0], "clamp " + clamp + ", " + columns + " columns");
                counts.add(host(out[0])[0]);
            }
        }
        // by hand: one column misses the NaN and 0.51; clamped, [1, 1, 0.2] predicts 0 and [0, 0, 0] too
        assertEquals(List.of(4f, 6f, 4f, 4f), counts, "one column, three; clamped: one, three");
    }

    @Test
    void aLabelThatNamesNoClassGivesTheLossGradientAndCountOfTheCpu() {
        // per row the larger score predicts; the labels: NaN, fractional, negative, one past the classes
        float[] scores = {0.9f, 0.1f, 0.9f, 0.1f, 0.1f, 0.9f, 0.1f, 0.9f, 0.1f, 0.9f, 0.1f, 0.9f};
        float[] labels = {Float.NaN, 0, 1.7f, 1, -3, 2};
        Storage[] x = both(scores);
        Storage[] t = both(labels);
        Storage[] out = zeros(1);
        on((b, i) -> b.loss(LossOp.CROSS_ENTROPY, x[i], t[i], 6, 2, out[i]));
        assertTrue(Float.isNaN(host(out[0])[0]) && Float.isNaN(host(out[1])[0]), "NaN, the kernels' flag");
        Storage[] gy = both(new float[] {1f});
        Storage[] gx = zeros(12);
        on((b, i) -> b.lossBackward(LossOp.CROSS_ENTROPY, x[i], t[i], gy[i], 6, 2, gx[i]));
        assertClose(gx, "the gradient: the softmax alone where the label names no class");
        Storage[] count = zeros(1);
        on((b, i) -> b.countCorrect(x[i], t[i], 6, 2, false, count[i]));
        assertEquals(2f, host(count[0])[0], "the CPU counts only rows 1 and 3");
        assertEquals(2f, host(count[1])[0], device() + " counts only rows 1 and 3");
        // one column: the labels are 0 or 1
        Storage[] p = both(new float[] {0.9f, 0.1f, 0.9f, 0.1f});
        Storage[] notBinary = both(new float[] {1, 2, 0.5f, Float.NaN});
        on((b, i) -> b.countCorrect(p[i], notBinary[i], 4, 1, false, count[i]));
        assertEquals(1f, host(count[0])[0], "the CPU, one column");
        assertEquals(1f, host(count[1])[0], device() + ", one column");
    }

    @Test
    void crossEntropyRefusesALabelThatNamesNoClassWithTheMessageOfTheCpu() {
        float[] logits = random(6, 43);
        float[] labels = {0, 1.7f};
        String cpu = assertThrows(IllegalArgumentException.class, () -> new CrossEntropyLoss()
                .apply(Tensor.of(CPU, logits.clone(), 2, 3), Tensor.of(CPU, labels.clone(), 2))).getMessage();
        String here = assertThrows(IllegalArgumentException.class, () -> new CrossEntropyLoss()
                .apply(Tensor.of(device(), logits.clone(), 2, 3), Tensor.of(device(), labels.clone(), 2))).getMessage();
        assertEquals("CrossEntropyLoss: label 1.7 at target[1] is not a class index: classes are 0..2", cpu);
        assertEquals(cpu, here);
        // a NaN from the logits (a diverged run) is no label's fault: the loss is NaN, for the trainer to report
        float[] diverged = logits.clone();
        diverged[4] = Float.NaN;
        Tensor loss = new CrossEntropyLoss().apply(Tensor.of(device(), diverged, 2, 3), Tensor.of(device(), new float[] {0, 2}, 2));
        assertTrue(Float.isNaN(loss.item()));
    }

    @Test
    void aClosedRunGivesItsDeviceMemoryBackAtOnceAndKeepsItsWeightsReadable() {
        Device device = freshDevice();
        assertEquals(0, floatsInUse(device));
        Trainer t = new Trainer(cnn(), null, device);
        float[] weights;
        try (t) {
            t.step();
            t.step();
            assertTrue(floatsInUse(device) > 0, "the run's tensors are on the device");
            assertEquals(device, t.device());
            weights = t.model().parameters().get(0).toHost();
        }
        assertEquals(0, floatsInUse(device), "all the run's memory came back when it closed, without the collector");
        assertEquals(Device.cpu(), t.device(), "the closed run's model is on the CPU");
        assertArrayEquals(weights, t.model().parameters().get(0).toHost(), "with its weights");

        Device scope = device.scope();
        Storage s = scope.allocate(10);
        scope.release();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.copyToHost(0, new float[10], 0, 10));
        assertTrue(e.getMessage().contains("after the run released its device memory"), e.getMessage());
        assertEquals(0, floatsInUse(device));
        IllegalStateException notScope = assertThrows(IllegalStateException.class, device::release);
        assertTrue(notScope.getMessage().startsWith("release: " + device + " is not a run's scope"),
                notScope.getMessage());
    }

    // ---- training

    protected static Experiment mlp() {
        return Experiment.of("xor", 3, "classification", DataSpec.of2D("xor", 120, 0, null, 0.5, 10),
                List.of(LayerSpec.linear(8), LayerSpec.of("Tanh"), LayerSpec.linear(1)), LossSpec.of("BCEWithLogitsLoss"),
                OptimizerSpec.sgd(0.1, 0.9, 1e-3, true), RegularizationSpec.NONE, 1);
    }

    protected static Experiment cnn() {
        return Experiment.of("tiny mnist", 5, "classification",
                new DataSpec("mnist", Map.of("limit", 80), null, 0.8, 16, true, false),
                List.of(LayerSpec.of("Conv2d", Map.of("out_channels", 3, "kernel_size", 3, "padding", 1)),
                        LayerSpec.of("BatchNorm2d"),
                        LayerSpec.of("ReLU"),
                        LayerSpec.of("MaxPool2d", Map.of("kernel_size", 2)),
                        LayerSpec.of("Flatten"),
                        LayerSpec.linear(10)),
                LossSpec.of("CrossEntropyLoss"), OptimizerSpec.adam(0.005), RegularizationSpec.NONE, 1);
    }

    protected static List<Double> losses(Experiment e, Device device, int steps) {
        List<Double> losses = new ArrayList<>();
        try (Trainer t = new Trainer(e, null, device)) {
            for (int i = 0; i < steps; i++) {
                losses.add(t.step().loss());
            }
        }
        return losses;
    }

    @Test
    void anMlpAndACnnTrainWithTheLossesOfTheCpu() {
        for (Experiment e : List.of(mlp(), cnn())) {
            List<Double> cpu = losses(e, CPU, 4);
            List<Double> onDevice = losses(e, device(), 4);
            for (int i = 0; i < cpu.size(); i++) {
                double tol = 1e-4 * Math.max(1.0, Math.abs(cpu.get(i)));
                assertEquals(cpu.get(i), onDevice.get(i), tol, e.name() + ": loss of step " + i + " (cpu " + cpu
                        + ", " + device() + " " + onDevice + ")");
            }
            assertFalse(cpu.get(0).equals(cpu.get(3)), "the steps trained");
        }
    }

    @Test
    void twoRunsOnTheSameDeviceTrainAtOnceWithTheLossesEachGivesAlone() throws Exception {
        List<Experiment> runs = List.of(mlp(), cnn());
        List<List<Double>> alone = new ArrayList<>();
        for (Experiment e : runs) {
            alone.add(losses(e, device(), 6));
        }
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            CyclicBarrier start = new CyclicBarrier(2);
            List<Future<List<Double>>> together = new ArrayList<>();
            for (Experiment e : runs) {
                together.add(threads.submit(() -> {
                    start.await();
                    return losses(e, device(), 6);
                }));
            }
            for (int i = 0; i < runs.size(); i++) {
                assertEquals(alone.get(i), together.get(i).get(2, TimeUnit.MINUTES), runs.get(i).name() + " beside the other");
            }
        } finally {
            threads.shutdownNow();
        }
    }

    protected static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    protected static List<Float> toList(float[] v) {
        List<Float> l = new ArrayList<>();
        for (float f : v) {
            l.add(f);
        }
        return l;
    }
}
