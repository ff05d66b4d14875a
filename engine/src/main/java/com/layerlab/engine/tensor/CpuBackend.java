package com.layerlab.engine.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * The primitives in plain Java. Small work runs on the calling thread with no allocation beyond its
 * output, because the playground's networks are tiny and dispatch would cost more than the maths.
 * Large matrix products are split by rows over a thread pool.
 *
 * <p>Determinism: every output element is computed by exactly one thread, always summing in the same
 * order (k = 0, 1, ...), and Java never fuses a multiply and an add on its own, so the bits do not
 * depend on the thread count, the partitioning or the timing. Sums accumulate in double, in order.
 */
public final class CpuBackend implements Backend {

    public static final CpuBackend INSTANCE = new CpuBackend();

    /** Below this many multiply-adds a matrix product stays on the calling thread. */
    private static final long PARALLEL_MATMUL_WORK = 1L << 18;
    /** From this size on, transposed operands are copied and the vectorising row kernel takes over. */
    private static final long CONTIGUOUS_MATMUL_WORK = 1L << 14;

    private final int threads;
    private volatile ForkJoinPool pool;

    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public CpuBackend(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("CpuBackend: threads must be at least 1, got " + threads);
        }
        this.threads = threads;
    }

    @Override
    public String name() {
        return "cpu";
    }

    public int threads() {
        return threads;
    }

    @Override
    public void unary(UnaryOp op, float alpha, float[] x, float[] out, int n) {
        switch (op) {
            case NEG -> { for (int i = 0; i < n; i++) out[i] = -x[i]; }
            case EXP -> { for (int i = 0; i < n; i++) out[i] = (float) Math.exp(x[i]); }
            case LOG -> { for (int i = 0; i < n; i++) out[i] = (float) Math.log(x[i]); }
            case ABS -> { for (int i = 0; i < n; i++) out[i] = Math.abs(x[i]); }
            case RELU -> { for (int i = 0; i < n; i++) out[i] = x[i] > 0f || x[i] != x[i] ? x[i] : 0f; }
            case LEAKY_RELU -> { for (int i = 0; i < n; i++) out[i] = x[i] > 0f ? x[i] : x[i] * alpha; }
            case TANH -> { for (int i = 0; i < n; i++) out[i] = (float) tanh(x[i]); }
            case SIGMOID -> { for (int i = 0; i < n; i++) out[i] = (float) (1.0 / (1.0 + Math.exp(-(double) x[i]))); }
            case SOFTPLUS -> { for (int i = 0; i < n; i++) out[i] = (float) softplus(x[i]); }
        }
    }

    /**
     * tanh from the exp intrinsic: Math.tanh is a native fdlibm call on Java 17, about three times
     * slower, and it dominated the playground's training step. Rounded to float the two agree (checked
     * on ten million random inputs); below 1e-4, tanh(x) rounds to x itself.
     */
    private static double tanh(double x) {
        double ax = Math.abs(x);
        if (ax < 1e-4) {
            return x;
        }
        double t = Math.exp(-2 * ax);
        double r = (1 - t) / (1 + t);
        return x < 0 ? -r : r;
    }

    private static double softplus(double x) {
        return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    @Override
    public void unaryBackward(UnaryOp op, float alpha, float[] x, float[] y, float[] gy, float[] gx, int n) {
        switch (op) {
            case NEG -> { for (int i = 0; i < n; i++) gx[i] = -gy[i]; }
            case EXP -> { for (int i = 0; i < n; i++) gx[i] = gy[i] * y[i]; }
            case LOG -> { for (int i = 0; i < n; i++) gx[i] = gy[i] / x[i]; }
            case ABS -> { for (int i = 0; i < n; i++) gx[i] = gy[i] * Math.signum(x[i]); }
            // as PyTorch: the derivative at exactly 0 is taken from the left for ReLU, the slope for LeakyReLU
            case RELU -> { for (int i = 0; i < n; i++) gx[i] = x[i] > 0f ? gy[i] : 0f; }
            case LEAKY_RELU -> { for (int i = 0; i < n; i++) gx[i] = x[i] > 0f ? gy[i] : gy[i] * alpha; }
            case TANH -> { for (int i = 0; i < n; i++) gx[i] = gy[i] * (1f - y[i] * y[i]); }
            case SIGMOID -> { for (int i = 0; i < n; i++) gx[i] = gy[i] * (y[i] * (1f - y[i])); }
            case SOFTPLUS -> {
                for (int i = 0; i < n; i++) gx[i] = (float) (gy[i] / (1.0 + Math.exp(-(double) x[i])));
            }
        }
    }

    @Override
    public void binary(BinaryOp op, float[] a, int[] aShape, float[] b, int[] bShape, float[] out, int[] outShape) {
        int n = numel(outShape);
        int na = numel(aShape);
        int nb = numel(bShape);
        // with broadcasting, equal element counts mean equal shapes: the common cases need no index maths
        if (na == n && nb == n) {
            row(op, a, 0, 1, b, 0, 1, out, 0, n);
        } else if (na == n && nb == 1) {
            row(op, a, 0, 1, b, 0, 0, out, 0, n);
        } else if (na == 1 && nb == n) {
            row(op, a, 0, 0, b, 0, 1, out, 0, n);
        } else {
            int[] as = broadcastStrides(aShape, outShape);
            int[] bs = broadcastStrides(bShape, outShape);
            forEachRow(outShape, as, bs, (ao, bo, oo, len, aStep, bStep) ->
                    row(op, a, ao, aStep, b, bo, bStep, out, oo, len));
        }
    }

    @Override
    public void broadcast(float[] x, int[] xShape, float[] out, int[] outShape) {
        int n = numel(outShape);
        if (numel(xShape) == n) {
            System.arraycopy(x, 0, out, 0, n);
            return;
        }
        int[] xs = broadcastStrides(xShape, outShape);
        forEachRow(outShape, xs, xs, (xo, unused, oo, len, xStep, unusedStep) -> {
            if (xStep == 1) {
                System.arraycopy(x, xo, out, oo, len);
            } else {
                Arrays.fill(out, oo, oo + len, x[xo]);
            }
        });
    }

    @Override
    public void sum(float[] x, int outer, int reduce, int inner, float[] out) {
        if (inner == 1) {
            for (int o = 0; o < outer; o++) {
                double s = 0;
                int base = o * reduce;
                for (int r = 0; r < reduce; r++) s += x[base + r];
                out[o] = (float) s;
            }
            return;
        }
        double[] acc = new double[inner];
        for (int o = 0; o < outer; o++) {
            Arrays.fill(acc, 0.0);
            for (int r = 0; r < reduce; r++) {
                int base = (o * reduce + r) * inner;
                for (int i = 0; i < inner; i++) acc[i] += x[base + i];
            }
            int ob = o * inner;
            for (int i = 0; i < inner; i++) out[ob + i] = (float) acc[i];
        }
    }

    @Override
    public void max(float[] x, int outer, int reduce, int inner, float[] out) {
        for (int o = 0; o < outer; o++) {
            int ob = o * inner;
            System.arraycopy(x, o * reduce * inner, out, ob, inner);
            for (int r = 1; r < reduce; r++) {
                int base = (o * reduce + r) * inner;
                for (int i = 0; i < inner; i++) {
                    float v = x[base + i];
                    // NaN wins, as in PyTorch
                    if (v > out[ob + i] || v != v) out[ob + i] = v;
                }
            }
        }
    }

    @Override
    public void matmul(float[] a, boolean transA, float[] b, boolean transB, float[] c, int m, int k, int n) {
        long work = (long) m * n * k;
        if (work < CONTIGUOUS_MATMUL_WORK) {
            matmulSmall(a, transA, b, transB, c, m, k, n);
            return;
        }
        if (transA) {
            float[] t = new float[m * k];
            transpose(a, k, m, t);
            a = t;
        }
        if (transB) {
            float[] t = new float[k * n];
            transpose(b, n, k, t);
            b = t;
        }
        if (work < PARALLEL_MATMUL_WORK || threads == 1 || m < 2) {
            matmulRows(a, b, c, k, n, 0, m);
            return;
        }
        final float[] fa = a;
        final float[] fb = b;
        int chunks = Math.min(m, threads * 4);
        List<ForkJoinTask<?>> tasks = new ArrayList<>(chunks);
        for (int t = 0; t < chunks; t++) {
            int r0 = (int) ((long) m * t / chunks);
            int r1 = (int) ((long) m * (t + 1) / chunks);
            tasks.add(ForkJoinTask.adapt(() -> matmulRows(fa, fb, c, k, n, r0, r1)));
        }
        ForkJoinPool p = pool();
        if (ForkJoinTask.inForkJoinPool() && ForkJoinTask.getPool() == p) {
            ForkJoinTask.invokeAll(tasks);
        } else {
            for (ForkJoinTask<?> task : tasks) p.execute(task);
            for (ForkJoinTask<?> task : tasks) task.join();
        }
    }

    /**
     * Tiny products (the playground's layers): dot products reading the operands through strides, so
     * transposes cost nothing. Four output columns at a time keep four independent sums in flight
     * (one sum alone waits on the adder's latency). Each element is still summed in the order
     * p = 0, 1, ..., as in {@link #matmulRows}, so both kernels give the same bits.
     */
    static void matmulSmall(float[] a, boolean transA, float[] b, boolean transB, float[] c, int m, int k, int n) {
        int aI = transA ? 1 : k;   // a(i, p) = a[i * aI + p * aP]
        int aP = transA ? m : 1;
        int bP = transB ? 1 : n;   // b(p, j) = b[p * bP + j * bJ]
        int bJ = transB ? k : 1;
        for (int i = 0; i < m; i++) {
            int ai = i * aI;
            int ci = i * n;
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                int b0 = j * bJ;
                int b1 = b0 + bJ;
                int b2 = b1 + bJ;
                int b3 = b2 + bJ;
                float s0 = 0f;
                float s1 = 0f;
                float s2 = 0f;
                float s3 = 0f;
                for (int p = 0; p < k; p++) {
                    float av = a[ai + p * aP];
                    int bp = p * bP;
                    s0 += av * b[bp + b0];
                    s1 += av * b[bp + b1];
                    s2 += av * b[bp + b2];
                    s3 += av * b[bp + b3];
                }
                c[ci + j] = s0;
                c[ci + j + 1] = s1;
                c[ci + j + 2] = s2;
                c[ci + j + 3] = s3;
            }
            for (; j < n; j++) {
                int bj = j * bJ;
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s += a[ai + p * aP] * b[p * bP + bj];
                }
                c[ci + j] = s;
            }
        }
    }

    /**
     * Rows r0..r1 of c = a[m, k] b[k, n], both contiguous; the inner loop runs along a row of b and
     * vectorises. The order of the sums is the same whatever rows a call gets.
     */
    static void matmulRows(float[] a, float[] b, float[] c, int k, int n, int r0, int r1) {
        for (int i = r0; i < r1; i++) {
            int ci = i * n;
            Arrays.fill(c, ci, ci + n, 0f);
            for (int p = 0; p < k; p++) {
                float aip = a[i * k + p];
                int bp = p * n;
                for (int j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
            }
        }
    }

    @Override
    public void transpose(float[] x, int rows, int cols, float[] out) {
        final int block = 32;
        for (int r0 = 0; r0 < rows; r0 += block) {
            int r1 = Math.min(rows, r0 + block);
            for (int c0 = 0; c0 < cols; c0 += block) {
                int c1 = Math.min(cols, c0 + block);
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) out[c * rows + r] = x[r * cols + c];
                }
            }
        }
    }

    private ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (this) {
                p = pool;
                if (p == null) {
                    p = new ForkJoinPool(threads);
                    pool = p;
                }
            }
        }
        return p;
    }

    // ---- element-wise kernels ----

    /** out[oo + i] = a[ao + i*aStep] op b[bo + i*bStep], steps being 0 (broadcast) or 1. */
    private static void row(BinaryOp op, float[] a, int ao, int aStep, float[] b, int bo, int bStep,
                            float[] out, int oo, int n) {
        if (aStep == 1 && bStep == 1) {
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] + b[bo + i]; }
                case SUB -> { for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] - b[bo + i]; }
                case MUL -> { for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] * b[bo + i]; }
                case DIV -> { for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] / b[bo + i]; }
                case EQ -> { for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] == b[bo + i] ? 1f : 0f; }
            }
        } else if (aStep == 1) {
            float s = b[bo];
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] + s; }
                case SUB -> { for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] - s; }
                case MUL -> { for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] * s; }
                case DIV -> { for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] / s; }
                case EQ -> { for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] == s ? 1f : 0f; }
            }
        } else if (bStep == 1) {
            float s = a[ao];
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) out[oo + i] = s + b[bo + i]; }
                case SUB -> { for (int i = 0; i < n; i++) out[oo + i] = s - b[bo + i]; }
                case MUL -> { for (int i = 0; i < n; i++) out[oo + i] = s * b[bo + i]; }
                case DIV -> { for (int i = 0; i < n; i++) out[oo + i] = s / b[bo + i]; }
                case EQ -> { for (int i = 0; i < n; i++) out[oo + i] = s == b[bo + i] ? 1f : 0f; }
            }
        } else {
            float[] one = new float[1];
            row(op, a, ao, 1, b, bo, 1, one, 0, 1);
            Arrays.fill(out, oo, oo + n, one[0]);
        }
    }

    @FunctionalInterface
    private interface RowVisitor {
        void visit(int aOffset, int bOffset, int outOffset, int length, int aStep, int bStep);
    }

    /** Walks the output one last-axis row at a time, tracking where each row starts in a and b. */
    private static void forEachRow(int[] outShape, int[] as, int[] bs, RowVisitor visitor) {
        int rank = outShape.length;
        if (rank == 0) {
            visitor.visit(0, 0, 0, 1, 0, 0);
            return;
        }
        int len = outShape[rank - 1];
        int rows = len == 0 ? 0 : numel(outShape) / len;
        int[] idx = new int[rank];
        int ao = 0;
        int bo = 0;
        for (int r = 0; r < rows; r++) {
            visitor.visit(ao, bo, r * len, len, as[rank - 1], bs[rank - 1]);
            for (int d = rank - 2; d >= 0; d--) {
                idx[d]++;
                ao += as[d];
                bo += bs[d];
                if (idx[d] < outShape[d]) break;
                ao -= as[d] * outShape[d];
                bo -= bs[d] * outShape[d];
                idx[d] = 0;
            }
        }
    }

    /** Row-major strides of {@code shape} aligned right against {@code outShape}, 0 on broadcast axes. */
    private static int[] broadcastStrides(int[] shape, int[] outShape) {
        int rank = outShape.length;
        int[] strides = new int[rank];
        int stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            int od = d + rank - shape.length;
            strides[od] = shape[d] == 1 ? 0 : stride;
            stride *= shape[d];
        }
        return strides;
    }

    static int numel(int[] shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return n;
    }
}
