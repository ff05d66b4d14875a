package com.layerlab.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.LossSpec;
import com.layerlab.engine.experiment.OptimizerSpec;
import com.layerlab.engine.experiment.RegularizationSpec;
import com.layerlab.engine.tensor.Backend;
import com.layerlab.engine.tensor.Backend.BinaryOp;
import com.layerlab.engine.tensor.Backend.LossOp;
import com.layerlab.engine.tensor.Backend.UnaryOp;
import com.layerlab.engine.tensor.BackendProvider.Availability;
import com.layerlab.engine.tensor.ConvShape;
import com.layerlab.engine.tensor.Device;
import com.layerlab.engine.tensor.PoolShape;
import com.layerlab.engine.tensor.Storage;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every primitive of the cuda backend against the CPU reference, to 1e-4 relative, on the first GPU, and
 * training on it: the same cases as the opencl backend's test. Runs wherever the cuda backend is
 * available (an NVIDIA GPU, its driver and NVRTC: .ci/gpu-check runs it there); skipped elsewhere with
 * the probe's reason.
 */
class CudaBackendTest {

    private static CudaProvider provider;
    private static Device gpu;
    /** The same GPU without cuBLAS: the kernels' own SGEMM. */
    private static Device ownSgemm;
    private static final Device CPU = Device.cpu();
    private static final Backend REF = CPU.backend();

    @BeforeAll
    static void device() {
        provider = new CudaProvider();
        if (provider.availability().available()) {
            gpu = provider.device(0);
            ownSgemm = new CudaProvider(false).device(0);
        }
    }

    /** Each test, not only the class, skips with the probe's reason: the reports list them all. */
    @BeforeEach
    void onlyWithCuda() {
        Availability a = provider.availability();
        assumeTrue(a.available(), () -> "no CUDA here: " + a.reason());
    }

    @Test
    void theProviderNamesItsGpusAndRefusesOnesItHasNot() {
        Availability a = provider.availability();
        assertEquals("cuda", provider.name());
        assertTrue(a.kernels().startsWith("CUDA C kernels compiled by NVRTC "), a.kernels());
        assertFalse(a.devices().get(0).isBlank());
        assertEquals(a.devices().size(), a.gpus().size(), "every CUDA device is a GPU");
        assertEquals("cuda:0", gpu.toString());
        assertEquals(gpu, provider.device(0), "the same device each time");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> provider.device(a.devices().size()));
        assertTrue(e.getMessage().startsWith("cuda has no device " + a.devices().size() + ": it has "), e.getMessage());
        assertFalse(((CudaBackend) ownSgemm.backend()).usesCublas());
        System.out.println("cuda:0 is " + ((CudaBackend) gpu.backend()).description() + ": "
                + ((CudaBackend) gpu.backend()).kernels());
    }

    // ---- helpers: the same inputs on both devices, the outputs compared

    /** Storages of the same values on the CPU (index 0) and on CUDA (index 1). */
    private static Storage[] both(float[] values) {
        return new Storage[] {REF.upload(CPU, values.clone()), gpu.backend().upload(gpu, values.clone())};
    }

    private static Storage[] zeros(int n) {
        return new Storage[] {CPU.allocate(n), gpu.allocate(n)};
    }

    private static float[] host(Storage s) {
        float[] v = new float[s.size()];
        s.copyToHost(0, v, 0, v.length);
        return v;
    }

    private static float[] random(int n, long seed) {
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
    private static void assertClose(Storage[] out, String what) {
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
                fail(what + " at " + i + ": cpu " + e + ", cuda " + a);
            }
        }
    }

    /** Runs {@code op} on each backend with its own storages. */
    private static void on(BiConsumer<Backend, Integer> op) {
        op.accept(REF, 0);
        op.accept(gpu.backend(), 1);
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
        int[][] sizes = {{19, 23, 17}, {40, 70, 33}, {1, 5, 1}, {3, 0, 2}, {130, 40, 70}, {64, 65, 129}};
        for (int[] mkn : sizes) {
            int m = mkn[0];
            int k = mkn[1];
            int n = mkn[2];
            for (int f = 0; f < 4; f++) {
                boolean ta = (f & 1) != 0;
                boolean tb = (f & 2) != 0;
                Storage[] a = both(random(m * k, 8));
                Storage[] b = both(random(k * n, 9));
                Storage[] c = both(random(m * n, 10));
                on((be, i) -> be.matmul(a[i], ta, b[i], tb, c[i], m, k, n));
                assertClose(c, "matmul " + m + "x" + k + "x" + n + " transA " + ta + " transB " + tb);
                // the kernels' own SGEMM on the same GPU, where cuBLAS took the product above
                Storage[] c2 = {c[0], ownSgemm.backend().upload(ownSgemm, random(m * n, 10))};
                Storage[] a2 = {a[0], ownSgemm.backend().upload(ownSgemm, random(m * k, 8))};
                Storage[] b2 = {b[0], ownSgemm.backend().upload(ownSgemm, random(k * n, 9))};
                ownSgemm.backend().matmul(a2[1], ta, b2[1], tb, c2[1], m, k, n);
                assertClose(c2, "own sgemm " + m + "x" + k + "x" + n + " transA " + ta + " transB " + tb);
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
            Storage[] arg = {REF.allocateIndices(CPU, outN), gpu.backend().allocateIndices(gpu, outN)};
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
        Storage s = gpu.allocate(10);
        assertEquals(0f, host(s)[9], "a fresh storage is zero");
        gpu.backend().fill(s, 2.5f);
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

    @Test
    void storagesNoLongerReachableGiveTheirDeviceMemoryBack() throws InterruptedException {
        CudaBackend b = (CudaBackend) gpu.backend();
        for (int i = 0; i < 200; i++) {
            gpu.allocate(1 << 20); // 800 MiB in all, never more than one 4 MiB storage reachable
        }
        // the blocks come back once the collector has found the storages unreachable and their cleaners ran
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (b.liveFloats() >= 16L << 20 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(b.liveFloats() < 16L << 20, "the dropped storages' blocks were given back: " + b.liveFloats()
                + " floats live");
        Storage kept = gpu.allocate(1000);
        b.fill(kept, 3f);
        assertEquals(3f, host(kept)[999]);
    }

    @Test
    void aStorageOfAnotherDeviceIsRefused() {
        Storage cpu = CPU.allocate(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gpu.backend().fill(cpu, 1f));
        assertTrue(e.getMessage().startsWith("cuda: a storage of cpu:0 given to cuda"), e.getMessage());
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
                counts.add(host(out[1])[0]);
            }
        }
        // by hand: one column misses the NaN and 0.51; clamped, [1, 1, 0.2] predicts 0 and [0, 0, 0] too
        assertEquals(List.of(4f, 6f, 4f, 4f), counts, "one column, three; clamped: one, three");
        // labels that are no whole class, cast as Java casts them: NaN is class 0, 1.7 class 1
        Storage[] p = both(new float[] {0.9f, 0.1f, 0.2f, 0.8f, 0.6f, 0.4f});
        Storage[] y = both(new float[] {Float.NaN, 1.7f, -3f});
        Storage[] out = zeros(1);
        on((b, i) -> b.countCorrect(p[i], y[i], 3, 2, false, out[i]));
        assertEquals(2f, host(out[0])[0], "the CPU");
        assertEquals(2f, host(out[1])[0], "cuda");
    }

    @Test
    void aClosedRunGivesItsDeviceMemoryBackAtOnceAndKeepsItsWeightsReadable() {
        // a backend of its own: no other test's storages in its memory
        Device device = new CudaProvider().device(0);
        CudaBackend own = (CudaBackend) device.backend();
        assertEquals(0, own.liveFloats());
        Trainer t = new Trainer(cnn(), null, device);
        float[] weights;
        try (t) {
            t.step();
            t.step();
            assertTrue(own.liveFloats() > 0, "the run's tensors are on the device");
            assertEquals(device, t.device());
            weights = t.model().parameters().get(0).toHost();
        }
        assertEquals(0, own.liveFloats(), "every block of the run came back when it closed, without the collector");
        assertEquals(Device.cpu(), t.device(), "the closed run's model is on the CPU");
        assertArrayEquals(weights, t.model().parameters().get(0).toHost(), "with its weights");

        Device scope = device.scope();
        Storage s = scope.allocate(10);
        Storage kept = device.allocate(10);
        scope.release();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.copyToHost(0, new float[10], 0, 10));
        assertTrue(e.getMessage().contains("after the run released its device memory"), e.getMessage());
        IllegalStateException launch = assertThrows(IllegalStateException.class, () -> own.fill(s, 1f));
        assertTrue(launch.getMessage().contains("after the run released its device memory"), launch.getMessage());
        assertEquals(256, own.liveFloats(), "only the device's own storage is live (one 256-float block)");
        own.fill(kept, 2f);
        assertEquals(2f, host(kept)[9], "the device's own storages are not the scope's");
        IllegalStateException notScope = assertThrows(IllegalStateException.class, device::release);
        assertTrue(notScope.getMessage().startsWith("release: cuda:0 is not a run's scope"), notScope.getMessage());
    }

    // ---- training

    private static Experiment mlp() {
        return Experiment.of("xor", 3, "classification", DataSpec.of2D("xor", 120, 0, null, 0.5, 10),
                List.of(LayerSpec.linear(8), LayerSpec.of("Tanh"), LayerSpec.linear(1)), LossSpec.of("BCEWithLogitsLoss"),
                OptimizerSpec.sgd(0.1, 0.9, 1e-3, true), RegularizationSpec.NONE, 1);
    }

    private static Experiment cnn() {
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

    private static List<Double> losses(Experiment e, Device device, int steps) {
        List<Double> losses = new ArrayList<>();
        try (Trainer t = new Trainer(e, null, device)) {
            for (int i = 0; i < steps; i++) {
                losses.add(t.step().loss());
            }
        }
        return losses;
    }

    @Test
    void anMlpAndACnnTrainOnCudaWithTheLossesOfTheCpu() {
        for (Experiment e : List.of(mlp(), cnn())) {
            List<Double> cpu = losses(e, CPU, 4);
            List<Double> cuda = losses(e, gpu, 4);
            for (int i = 0; i < cpu.size(); i++) {
                double tol = 1e-4 * Math.max(1.0, Math.abs(cpu.get(i)));
                assertEquals(cpu.get(i), cuda.get(i), tol, e.name() + ": loss of step " + i + " (cpu " + cpu
                        + ", cuda " + cuda + ")");
            }
            assertFalse(cpu.get(0).equals(cpu.get(3)), "the steps trained");
        }
    }

    @Test
    void twoRunsOnTheSameGpuTrainAtOnceWithTheLossesEachGivesAlone() throws Exception {
        List<Experiment> runs = List.of(mlp(), cnn());
        List<List<Double>> alone = new ArrayList<>();
        for (Experiment e : runs) {
            alone.add(losses(e, gpu, 6));
        }
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            CyclicBarrier start = new CyclicBarrier(2);
            List<Future<List<Double>>> together = new ArrayList<>();
            for (Experiment e : runs) {
                together.add(threads.submit(() -> {
                    start.await();
                    return losses(e, gpu, 6);
                }));
            }
            for (int i = 0; i < runs.size(); i++) {
                assertEquals(alone.get(i), together.get(i).get(2, TimeUnit.MINUTES), runs.get(i).name() + " beside the other");
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    private static List<Float> toList(float[] v) {
        List<Float> l = new ArrayList<>();
        for (float f : v) {
            l.add(f);
        }
        return l;
    }
}
