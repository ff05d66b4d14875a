package com.layerlab.engine.tensor;

import com.layerlab.datasets.ClassLabels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;

/**
 * The primitives in plain Java, on {@link CpuStorage} (Java arrays): each primitive of {@link Backend}
 * unwraps its storages and calls the kernel of the same name on the arrays. Small work runs on the
 * calling thread with no allocation beyond its output, because the playground's networks are tiny and
 * dispatch would cost more than the maths.
 * Large matrix products are split by rows over a thread pool.
 *
 * <p>Determinism: every output element is computed by exactly one thread, always summing in the same
 * order (k = 0, 1, ...) with the same operations (matrix products use Math.fma, exactly rounded
 * wherever it runs; Java never fuses a multiply and an add on its own), so the bits do not depend on
 * the thread count, the partitioning or the timing. Sums accumulate in double, in order.
 * The convolution's weight gradient, a sum over the batch, is summed in fixed chunks of samples that
 * are then added in chunk order, whichever threads computed them.
 *
 * <p>Convolutions are matrix products ({@link #gemm}) of the weight with the unfolded input (im2col) of
 * one sample, or of a few small ones side by side; the unfolding is written straight into the product's
 * packed panels, never as a whole matrix. The batch is spread over the threads. A stride-1
 * convolution's input gradient is itself a convolution (of the padded output gradient with the flipped
 * weight), so it takes the same route; the weight gradient is one product per chunk of samples.
 *
 * <p>Where OpenBLAS loads ({@link Blas}), the matrix products above the small-product size and the
 * convolutions run through its SGEMM instead ({@link BlasKernels}), on the same im2col route; the
 * plain-Java kernels here stay as the fallback. Both keep the bits independent of the thread count.
 */
public final class CpuBackend implements Backend {

    public static final CpuBackend INSTANCE = new CpuBackend();

    /** Below this many multiply-adds a matrix product stays on the calling thread. */
    private static final long PARALLEL_MATMUL_WORK = 1L << 18;
    /** From this size on the blocked, vectorising kernel ({@link #gemm}) takes over. */
    private static final long CONTIGUOUS_MATMUL_WORK = 1L << 14;

    private final int threads;
    /** Matrix products and convolutions through OpenBLAS ({@link BlasKernels}) rather than in plain Java. */
    private final boolean openBlas;
    private volatile ForkJoinPool pool;

    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** {@code threads} threads, with OpenBLAS's matrix products where it loads ({@link Blas}). */
    public CpuBackend(int threads) {
        this(threads, Blas.available());
    }

    /**
     * {@code threads} threads; {@code openBlas} chooses OpenBLAS's matrix products (it must have loaded:
     * {@link #openBlasAvailable()}) or the plain-Java kernels.
     */
    public CpuBackend(int threads, boolean openBlas) {
        if (threads < 1) {
            throw new IllegalArgumentException("CpuBackend: threads must be at least 1, got " + threads);
        }
        if (openBlas && !Blas.available()) {
            throw new IllegalStateException("CpuBackend: OpenBLAS is not available: " + Blas.problem());
        }
        this.threads = threads;
        this.openBlas = openBlas;
    }

    /** Whether OpenBLAS loaded in this JVM (and was not switched off), so that a backend can use it. */
    public static boolean openBlasAvailable() {
        return Blas.available();
    }

    /** Which kernels do the matrix products and convolutions, in words (for {@code info} and the benchmark). */
    public String kernels() {
        return openBlas ? Blas.description() : "plain Java" + (Blas.available() ? "" : " (" + Blas.problem() + ")");
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public boolean inHeap() {
        return true;
    }

    public int threads() {
        return threads;
    }

    public void unary(UnaryOp op, float alpha, float[] x, float[] out, int n) {
        switch (op) {
            case NEG -> { for (int i = 0; i < n; i++) out[i] = -x[i]; }
            case EXP -> { for (int i = 0; i < n; i++) out[i] = (float) Math.exp(x[i]); }
            case LOG -> { for (int i = 0; i < n; i++) out[i] = (float) Math.log(x[i]); }
            case ABS -> { for (int i = 0; i < n; i++) out[i] = Math.abs(x[i]); }
            // Math.max keeps NaN and turns -0 into 0, as PyTorch's relu, without a branch: it vectorises
            case RELU -> { for (int i = 0; i < n; i++) out[i] = Math.max(x[i], 0f); }
            case LEAKY_RELU -> { for (int i = 0; i < n; i++) out[i] = x[i] > 0f ? x[i] : x[i] * alpha; }
            case TANH -> { for (int i = 0; i < n; i++) out[i] = (float) tanh(x[i]); }
            case SIGMOID -> { for (int i = 0; i < n; i++) out[i] = (float) (1.0 / (1.0 + Math.exp(-(double) x[i]))); }
            case SOFTPLUS -> { for (int i = 0; i < n; i++) out[i] = (float) softplus(x[i]); }
            case SQRT -> { for (int i = 0; i < n; i++) out[i] = (float) Math.sqrt(x[i]); }
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

    public void unaryBackward(UnaryOp op, float alpha, float[] x, float[] y, float[] gy, float[] gx, int n) {
        switch (op) {
            case NEG -> { for (int i = 0; i < n; i++) gx[i] = -gy[i]; }
            case EXP -> { for (int i = 0; i < n; i++) gx[i] = gy[i] * y[i]; }
            case LOG -> { for (int i = 0; i < n; i++) gx[i] = gy[i] / x[i]; }
            case ABS -> { for (int i = 0; i < n; i++) gx[i] = gy[i] * Math.signum(x[i]); }
            // as PyTorch: the derivative at exactly 0 is taken from the left for ReLU, the slope for LeakyReLU.
            // x > 0 as a bit mask (positive), not a branch: the JIT vectorises it, and random signs would
            // mispredict the branch half the time (measured 7x faster on a LeNet activation; the same bits)
            case RELU -> {
                for (int i = 0; i < n; i++) {
                    gx[i] = Float.intBitsToFloat(Float.floatToRawIntBits(gy[i]) & positive(x[i]));
                }
            }
            case LEAKY_RELU -> {
                for (int i = 0; i < n; i++) {
                    int keep = positive(x[i]);
                    gx[i] = Float.intBitsToFloat((Float.floatToRawIntBits(gy[i]) & keep)
                            | (Float.floatToRawIntBits(gy[i] * alpha) & ~keep));
                }
            }
            case TANH -> { for (int i = 0; i < n; i++) gx[i] = gy[i] * (1f - y[i] * y[i]); }
            case SIGMOID -> { for (int i = 0; i < n; i++) gx[i] = gy[i] * (y[i] * (1f - y[i])); }
            case SOFTPLUS -> {
                for (int i = 0; i < n; i++) gx[i] = (float) (gy[i] / (1.0 + Math.exp(-(double) x[i])));
            }
            case SQRT -> { for (int i = 0; i < n; i++) gx[i] = gy[i] / (2f * y[i]); }
        }
    }

    /**
     * -1 (all bits set) where x &gt; 0, else 0; NaN is not positive. The bits of a positive float, read
     * as an int, lie in 1..0x7f800000 (+infinity); zero, negative floats (sign bit set) and NaNs (above
     * +infinity, or negative) fall outside, which makes one of the two differences below negative.
     */
    private static int positive(float x) {
        int b = Float.floatToRawIntBits(x);
        return ~(((0x7f800000 - b) | (b - 1)) >> 31);
    }

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

    public void sum(float[] x, int outer, int reduce, int inner, float[] out) {
        // each output is summed by one task in a fixed order, so the split does not change the bits
        long values = (long) outer * reduce * inner;
        int tasks = values < PARALLEL_SUM_VALUES ? 1 : Math.min(outer, threads * TASKS_PER_THREAD);
        parallel(tasks, t -> {
            int from = (int) ((long) outer * t / tasks);
            int to = (int) ((long) outer * (t + 1) / tasks);
            if (inner == 1) {
                sumRows(x, from, to, reduce, out);
            } else {
                sumColumns(x, from, to, reduce, inner, out);
            }
        });
    }

    /** Below this many values a sum stays on the calling thread. */
    private static final int PARALLEL_SUM_VALUES = 1 << 15;

    /** out[o] = the sum of row o of x [outer, reduce], for o in from..to-1. */
    private static void sumRows(float[] x, int from, int to, int reduce, float[] out) {
        for (int o = from; o < to; o++) {
            // four running sums, each waiting only on itself: one sum waited on every addition's
            // latency (4 cycles), and a convolution's bias gradient sums a million values and more
            int base = o * reduce;
            int end = base + reduce - reduce % 4;
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            for (int r = base; r < end; r += 4) {
                s0 += x[r];
                s1 += x[r + 1];
                s2 += x[r + 2];
                s3 += x[r + 3];
            }
            double s = (s0 + s1) + (s2 + s3);
            for (int r = end; r < base + reduce; r++) {
                s += x[r];
            }
            out[o] = (float) s;
        }
    }

    /** out[o, i] = the sum over r of x[o, r, i], for o in from..to-1. */
    private static void sumColumns(float[] x, int from, int to, int reduce, int inner, float[] out) {
        double[] acc = new double[inner];
        for (int o = from; o < to; o++) {
            Arrays.fill(acc, 0.0);
            for (int r = 0; r < reduce; r++) {
                int base = (o * reduce + r) * inner;
                for (int i = 0; i < inner; i++) acc[i] += x[base + i];
            }
            int ob = o * inner;
            for (int i = 0; i < inner; i++) out[ob + i] = (float) acc[i];
        }
    }

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

    public void matmul(float[] a, boolean transA, float[] b, boolean transB, float[] c, int m, int k, int n) {
        long work = (long) m * n * k;
        if (work < CONTIGUOUS_MATMUL_WORK) {
            matmulSmall(a, transA, b, transB, c, m, k, n);
            return;
        }
        if (openBlas) {
            BlasKernels.matmul(a, transA, b, transB, c, m, k, n, threads, this::parallel);
            return;
        }
        // a(i, p) = a[i * aRow + p * aCol], b(p, j) = b[p * bRow + j * bCol]: the packing reads either layout
        int aRow = transA ? 1 : k;
        int aCol = transA ? m : 1;
        int bRow = transB ? 1 : n;
        int bCol = transB ? k : 1;
        if (work < PARALLEL_MATMUL_WORK || threads == 1 || m < 4) {
            gemm(0, m, n, k, a, 0, aRow, aCol, matrix(b, 0, bRow, bCol), c, 0, n, false, scratch());
            return;
        }
        int chunks = Math.min(m / 3, threads);
        Panels bp = matrix(b, 0, bRow, bCol);
        parallel(chunks, t -> {
            int r0 = (int) ((long) m * t / chunks);
            int r1 = (int) ((long) m * (t + 1) / chunks);
            gemm(r0, r1, n, k, a, 0, aRow, aCol, bp, c, 0, n, false, scratch());
        });
    }

    /**
     * Tiny products (the playground's layers): dot products reading the operands through strides, so
     * transposes cost nothing. Four output columns at a time keep four independent sums in flight
     * (one sum alone waits on the adder's latency). Each element is still summed in the order
     * p = 0, 1, ..., one fused multiply-add at a time, as in {@link #gemm}, so both kernels give the
     * same bits.
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
                    s0 = Math.fma(av, b[bp + b0], s0);
                    s1 = Math.fma(av, b[bp + b1], s1);
                    s2 = Math.fma(av, b[bp + b2], s2);
                    s3 = Math.fma(av, b[bp + b3], s3);
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
                    s = Math.fma(a[ai + p * aP], b[p * bP + bj], s);
                }
                c[ci + j] = s;
            }
        }
    }

    /** Rows r0..r1 of c = a[m, k] b[k, n], both contiguous, with the blocked kernel. */
    static void matmulRows(float[] a, float[] b, float[] c, int k, int n, int r0, int r1) {
        gemm(r0, r1, n, k, a, 0, k, 1, matrix(b, 0, n, 1), c, 0, n, false, scratch());
    }

    // ---------------------------------------------------------------- blocked matrix product

    /**
     * Columns of C per block. Three rows of C are worked on at a time in scratch rows this long, so the
     * tile stays in L1 while a panel of B streams past.
     */
    static final int NC = 256;
    /** Rows of B per packed panel: 256 x 256 floats (256 KiB) stay in L2 while every row triple uses them. */
    static final int KC = 256;
    /** Rows unfolded at a time for a transposed panel: 16 floats fill a 64-byte cache line of a panel row. */
    static final int TILE = 16;

    /** Working memory of one thread, grown on demand and kept: no allocation in the hot loops. */
    static final class Scratch {
        final float[][] panel = new float[KC][NC];
        final float[] c0 = new float[NC];
        final float[] c1 = new float[NC];
        final float[] c2 = new float[NC];
        /** Unfolded rows on their way into a transposed panel ({@link #unfoldedTransposed}). */
        final float[][] tile = new float[TILE][KC];
        private float[] cols = new float[0];
        private float[] aux = new float[0];
        private float[] sums = new float[0];
        private float[] frame = new float[0];

        /** The unfolded input gradient, before {@link #col2im} adds it up. */
        float[] cols(int n) {
            if (cols.length < n) {
                cols = new float[n];
            }
            return cols;
        }

        /** The weight gradient's partial sums of one call, written by its tasks while the caller waits. */
        float[] sums(int n) {
            if (sums.length < n) {
                sums = new float[n];
            }
            return sums;
        }

        /** A second buffer, for outputs or gradients laid out like the unfolded input. */
        float[] aux(int n) {
            if (aux.length < n) {
                aux = new float[n];
            }
            return aux;
        }

        /** A sample laid out channels-last in a frame of zeros (BlasKernels' shifted products). */
        float[] frame(int n) {
            if (frame.length < n) {
                frame = new float[n];
            }
            return frame;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static Scratch scratch() {
        return SCRATCH.get();
    }

    /**
     * Where {@link #gemm} gets its right operand B [k, n]: a source fills panel[p][j] = b(p0 + p, j0 + j)
     * for p &lt; kc, j &lt; nc. A stored matrix is copied ({@link #matrix}); a convolution unfolds its
     * input straight into the panel ({@link #unfolded}, {@link #unfoldedTransposed}), so the unfolded
     * matrix (im2col), larger than the L2 cache for most layers, is never written out and read back.
     */
    @FunctionalInterface
    interface Panels {
        void pack(int p0, int kc, int j0, int nc, float[][] panel);
    }

    /** B stored in b: b(p, j) = b[bOff + p*bRow + j*bCol]. */
    static Panels matrix(float[] b, int bOff, int bRow, int bCol) {
        return (p0, kc, j0, nc, panel) -> pack(b, bOff + p0 * bRow + j0 * bCol, bRow, bCol, kc, nc, panel);
    }

    /**
     * Rows i0..i1 of C = A B (or C += A B when {@code accumulate}) for A [m, k], B [k, n], C [m, n], A and C
     * read through offsets and strides: a(i, p) = a[aOff + i*aRow + p*aCol], c(i, j) = c[cOff + i*ldc + j];
     * B comes from {@code b}, KC rows by NC columns at a time.
     *
     * <p>B's panel is held in separate row arrays, and three rows of C at a time are copied into scratch
     * rows: every array in the inner loop is then indexed by the loop variable alone, which is what lets
     * the JIT of Java 17 vectorise it (it gives up on arrays indexed with different loop-invariant
     * offsets). The inner loop takes three rows of A and three rows of B per pass as fused multiply-adds
     * (Math.fma, which the JIT vectorises to FMA instructions): measured here, the best of the shapes that
     * stay under the JIT's unrolling budget, about 30 % faster than the three-by-two multiply-then-add
     * loop it replaced (which stored the rows of C once per two products instead of three); larger
     * shapes (three by four, four by three, two by four) are not vectorised at all. Every x86-64 CPU
     * with AVX2, and every ARM64 one, has FMA.
     *
     * <p>Every element is summed in the order p = 0, 1, ..., k-1, one fused multiply-add at a time, by one
     * thread: the same bits as {@link #matmulSmall}, whatever the blocking or the partitioning.
     */
    static void gemm(int i0, int i1, int n, int k, float[] a, int aOff, int aRow, int aCol, Panels b,
                     float[] c, int cOff, int ldc, boolean accumulate, Scratch s) {
        if (k == 0) {
            if (!accumulate) {
                for (int i = i0; i < i1; i++) {
                    Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        float[][] panel = s.panel;
        float[] t0 = s.c0;
        float[] t1 = s.c1;
        float[] t2 = s.c2;
        // equal column blocks, a multiple of 8 wide: no short last block for the vector loop to waste
        int blocks = (n + NC - 1) / NC;
        int width = Math.min(NC, ((n + blocks - 1) / blocks + 7) & ~7);
        // equal row blocks of B too, a multiple of 3 deep (the kernel's step): no short last pass re-reading C
        int depths = (k + KC - 1) / KC;
        int depth = Math.min(KC, ((k + depths - 1) / depths + 2) / 3 * 3);
        for (int j0 = 0; j0 < n; j0 += width) {
            int nc = Math.min(width, n - j0);
            for (int p0 = 0; p0 < k; p0 += depth) {
                int kc = Math.min(depth, k - p0);
                b.pack(p0, kc, j0, nc, panel);
                boolean load = accumulate || p0 > 0;
                for (int i = i0; i < i1; i += 3) {
                    // one kernel for every row: a last triple short of rows repeats its first row in the
                    // missing ones and drops their results (a rarely called tail kernel would stay in the
                    // JIT's slow first tier for most of a run)
                    int rows = Math.min(3, i1 - i);
                    int r0 = cOff + i * ldc + j0;
                    int ai = aOff + i * aRow + p0 * aCol;
                    if (load) {
                        System.arraycopy(c, r0, t0, 0, nc);
                    } else {
                        Arrays.fill(t0, 0, nc, 0f);
                    }
                    if (rows > 1 && load) {
                        System.arraycopy(c, r0 + ldc, t1, 0, nc);
                    } else {
                        Arrays.fill(t1, 0, nc, 0f);
                    }
                    if (rows > 2 && load) {
                        System.arraycopy(c, r0 + 2 * ldc, t2, 0, nc);
                    } else {
                        Arrays.fill(t2, 0, nc, 0f);
                    }
                    rowTriple(a, ai, rows > 1 ? ai + aRow : ai, rows > 2 ? ai + 2 * aRow : ai, aCol, kc, nc, s);
                    System.arraycopy(t0, 0, c, r0, nc);
                    if (rows > 1) {
                        System.arraycopy(t1, 0, c, r0 + ldc, nc);
                    }
                    if (rows > 2) {
                        System.arraycopy(t2, 0, c, r0 + 2 * ldc, nc);
                    }
                }
            }
        }
    }

    /** Copies b(p, j) for p &lt; kc, j &lt; nc into panel[p][j]. */
    private static void pack(float[] b, int off, int bRow, int bCol, int kc, int nc, float[][] panel) {
        if (bCol == 1) {
            for (int p = 0; p < kc; p++) {
                System.arraycopy(b, off + p * bRow, panel[p], 0, nc);
            }
        } else {
            // a transposed operand: 16 source rows at a time, walked along together, so every cache line
            // read serves 16 panel rows before it is left
            for (int j0 = 0; j0 < nc; j0 += 16) {
                int j1 = Math.min(nc, j0 + 16);
                for (int p = 0; p < kc; p++) {
                    float[] row = panel[p];
                    int src = off + p * bRow;
                    for (int j = j0; j < j1; j++) {
                        row[j] = b[src + j * bCol];
                    }
                }
            }
        }
    }

    /**
     * t0..t2 (the scratch rows of C) += rows a0, a1, a2 of A times the panel. The arrays are read from the
     * scratch here, not passed in: given them as parameters, the JIT of Java 17 no longer vectorises the
     * loop (measured: eight times slower).
     */
    private static void rowTriple(float[] a, int a0, int a1, int a2, int aCol, int kc, int nc, Scratch s) {
        float[][] panel = s.panel;
        float[] t0 = s.c0;
        float[] t1 = s.c1;
        float[] t2 = s.c2;
        int p = 0;
        for (; p + 3 <= kc; p += 3) {
            int q = p * aCol;
            float x00 = a[a0 + q];
            float x01 = a[a0 + q + aCol];
            float x02 = a[a0 + q + 2 * aCol];
            float x10 = a[a1 + q];
            float x11 = a[a1 + q + aCol];
            float x12 = a[a1 + q + 2 * aCol];
            float x20 = a[a2 + q];
            float x21 = a[a2 + q + aCol];
            float x22 = a[a2 + q + 2 * aCol];
            float[] b0 = panel[p];
            float[] b1 = panel[p + 1];
            float[] b2 = panel[p + 2];
            for (int j = 0; j < nc; j++) {
                float v0 = b0[j];
                float v1 = b1[j];
                float v2 = b2[j];
                t0[j] = Math.fma(x02, v2, Math.fma(x01, v1, Math.fma(x00, v0, t0[j])));
                t1[j] = Math.fma(x12, v2, Math.fma(x11, v1, Math.fma(x10, v0, t1[j])));
                t2[j] = Math.fma(x22, v2, Math.fma(x21, v1, Math.fma(x20, v0, t2[j])));
            }
        }
        for (; p < kc; p++) {
            int q = p * aCol;
            float x0 = a[a0 + q];
            float x1 = a[a1 + q];
            float x2 = a[a2 + q];
            float[] b0 = panel[p];
            for (int j = 0; j < nc; j++) {
                float v = b0[j];
                t0[j] = Math.fma(x0, v, t0[j]);
                t1[j] = Math.fma(x1, v, t1[j]);
                t2[j] = Math.fma(x2, v, t2[j]);
            }
        }
    }

    /** Runs body(0..tasks-1) on the pool (or inline for one task or one thread) and waits for all. */
    private void parallel(int tasks, IntConsumer body) {
        if (tasks <= 1 || threads == 1) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
            return;
        }
        List<ForkJoinTask<?>> list = new ArrayList<>(tasks);
        for (int t = 0; t < tasks; t++) {
            int id = t;
            list.add(ForkJoinTask.adapt(() -> body.accept(id)));
        }
        ForkJoinPool p = pool();
        if (ForkJoinTask.inForkJoinPool() && ForkJoinTask.getPool() == p) {
            ForkJoinTask.invokeAll(list);
        } else {
            for (ForkJoinTask<?> task : list) p.execute(task);
            for (ForkJoinTask<?> task : list) task.join();
        }
    }

    public void transpose(float[] x, int rows, int cols, float[] out) {
        transposeBlocked(x, rows, cols, out);
    }

    /** out[c, r] = x[r, c], in 32 x 32 tiles so that both sides stay in cache. */
    static void transposeBlocked(float[] x, int rows, int cols, float[] out) {
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

    // ---------------------------------------------------------------- convolution

    /**
     * Tasks per thread when a batch is split: more than one, so that a thread slowed down by another
     * program on its core hands the rest to the others (the results do not depend on the split).
     */
    static final int TASKS_PER_THREAD = 4;

    /** Samples per partial sum of the weight gradient: fixed, so the bits do not depend on the threads. */
    static final int WEIGHT_GRAD_CHUNK = 8;

    /**
     * Output positions a matrix product should see at least: the vector loop runs along them, and a
     * short loop spends most of its time entering and leaving. Small images are unfolded several samples
     * side by side to reach it. (Each output element is still the same sum: the bits do not change.)
     */
    static final int MIN_COLUMNS = 256;

    /** Samples side by side in one matrix product. */
    static int samplesPerBlock(ConvShape s) {
        return Math.max(1, Math.min(s.batch(), MIN_COLUMNS / Math.max(1, s.outPlane())));
    }

    /**
     * Refuses a convolution whose work buffers for {@code count} samples side by side (the unfolded
     * input, and the output or its gradient laid out the same way) would not fit an array, before
     * any int product of their sizes can overflow.
     */
    static void checkWorkspace(ConvShape s, int count) {
        long width = (long) count * s.outPlane();
        String samples = count == 1 ? "1 sample" : count + " samples";
        TensorTooLargeException.checkedProduct("the convolution's unfolded input (im2col) of " + samples,
                s.inChannels(), s.kernelVolume(), width);
        TensorTooLargeException.checkedProduct("the convolution's output of " + samples, s.outChannels(), width);
    }

    public void convolution(float[] x, float[] w, float[] bias, float[] y, ConvShape s) {
        if (openBlas) {
            BlasKernels.convolution(x, w, bias, y, s, threads, this::parallel);
            return;
        }
        int n = s.batch();
        int tasks = Math.min(n, threads * TASKS_PER_THREAD);
        int block = samplesPerBlock(s);
        checkWorkspace(s, block);
        parallel(tasks, t -> {
            Scratch sc = scratch();
            for (int i = n * t / tasks, end = n * (t + 1) / tasks; i < end; i += block) {
                convBlock(x, w, bias, y, s, i, Math.min(block, end - i), sc);
            }
        });
    }

    /** Samples first..first+count-1, unfolded side by side: cols [rows * groups, count * plane]. */
    private static void convBlock(float[] x, float[] w, float[] bias, float[] y, ConvShape s, int first, int count,
                                  Scratch sc) {
        int groups = s.groups();
        int cout = s.outChannels();
        int coutG = cout / groups;
        int rows = s.groupRows();
        int plane = s.outPlane();
        int width = count * plane;
        // one sample writes straight into y; several go through a buffer laid out like the unfolded input
        boolean direct = count == 1;
        float[] out = direct ? y : sc.aux(cout * width);
        int outOff = direct ? first * cout * plane : 0;
        for (int g = 0; g < groups; g++) {
            int cOff = outOff + g * coutG * width;
            if (bias != null) {
                for (int o = 0; o < coutG; o++) {
                    Arrays.fill(out, cOff + o * width, cOff + (o + 1) * width, bias[g * coutG + o]);
                }
            }
            // out_g [coutG, width] = w_g [coutG, rows] x unfolded x_g [rows, width]
            gemm(0, coutG, width, rows, w, g * coutG * rows, rows, 1, unfolded(x, s, first, g * rows), out, cOff, width,
                    bias != null, sc);
        }
        if (!direct) {
            scatterSamples(out, y, first, count, cout, plane);
        }
    }

    /** Samples first..first+count-1 of t [N, channels, plane] side by side: dst [channels, count * plane]. */
    private static void gatherSamples(float[] t, float[] dst, int first, int count, int channels, int plane) {
        int width = count * plane;
        for (int k = 0; k < count; k++) {
            for (int o = 0; o < channels; o++) {
                System.arraycopy(t, ((first + k) * channels + o) * plane, dst, o * width + k * plane, plane);
            }
        }
    }

    /** The inverse of {@link #gatherSamples}. */
    private static void scatterSamples(float[] src, float[] t, int first, int count, int channels, int plane) {
        int width = count * plane;
        for (int k = 0; k < count; k++) {
            for (int o = 0; o < channels; o++) {
                System.arraycopy(src, o * width + k * plane, t, ((first + k) * channels + o) * plane, plane);
            }
        }
    }

    public void convolutionBackwardInput(float[] gy, float[] w, float[] gx, ConvShape s) {
        ConvShape full = s.pointwise() || 4L * s.inPlane() > 5L * s.outPlane() ? null : s.inputGradientShape();
        if (openBlas && (full == null || BlasKernels.scattersInputGradient(s, full))) {
            BlasKernels.convolutionBackwardInput(gy, w, gx, s, threads, this::parallel);
            return;
        }
        if (full != null) {
            // stride 1, output about as large as the input ("same" padding): a convolution of the padded
            // output gradient with the flipped weight, which unfolds instead of scattering back (col2im)
            // and runs the longer matrix product of the forward pass. (Without padding it would multiply
            // the zeros around a smaller output too: the route below is cheaper then.)
            convolution(gy, s.flipForInputGradient(w), null, gx, full);
            return;
        }
        int n = s.batch();
        int tasks = Math.min(n, threads * TASKS_PER_THREAD);
        // a pointwise convolution's unfolded input gradient is gx itself, written in place one sample at a time
        int block = s.pointwise() ? 1 : samplesPerBlock(s);
        checkWorkspace(s, block);
        parallel(tasks, t -> {
            Scratch sc = scratch();
            for (int i = n * t / tasks, end = n * (t + 1) / tasks; i < end; i += block) {
                convBackwardInputBlock(gy, w, gx, s, i, Math.min(block, end - i), sc);
            }
        });
    }

    private static void convBackwardInputBlock(float[] gy, float[] w, float[] gx, ConvShape s, int first, int count,
                                               Scratch sc) {
        int groups = s.groups();
        int cout = s.outChannels();
        int coutG = cout / groups;
        int rows = s.groupRows();
        int plane = s.outPlane();
        int inSample = s.inChannels() * s.inPlane();
        int width = count * plane;
        float[] g;
        int gOff;
        if (count == 1) {
            g = gy;
            gOff = first * cout * plane;
        } else {
            g = sc.aux(cout * width);
            gOff = 0;
            gatherSamples(gy, g, first, count, cout, plane);
        }
        boolean direct = s.pointwise();
        float[] cols = direct ? gx : sc.cols(groups * rows * width);
        int colOff = direct ? first * inSample : 0;
        for (int grp = 0; grp < groups; grp++) {
            // cols_g [rows, width] = w_g^T [rows, coutG] x g_g [coutG, width]
            gemm(0, rows, width, coutG, w, grp * coutG * rows, 1, rows, matrix(g, gOff + grp * coutG * width, width, 1),
                    cols, colOff + grp * rows * width, width, false, sc);
        }
        if (!direct) {
            Arrays.fill(gx, first * inSample, (first + count) * inSample, 0f);
            for (int k = 0; k < count; k++) {
                col2im(cols, k * plane, width, s, gx, (first + k) * inSample);
            }
        }
    }

    /**
     * Each chunk of {@link #WEIGHT_GRAD_CHUNK} samples is one matrix product whose inner dimension runs over
     * the chunk's samples and output positions: gw_g [coutG, rows] = gy_g [coutG, count * plane] x (unfolded
     * x_g)^T. Summing the samples inside the product (instead of one product per sample, adding into gw)
     * keeps gw in the scratch rows over hundreds of terms; the order of the terms is the same.
     */
    public void convolutionBackwardWeight(float[] x, float[] gy, float[] gw, ConvShape s) {
        if (openBlas) {
            BlasKernels.convolutionBackwardWeight(x, gy, gw, s, threads, this::parallel);
            return;
        }
        int n = s.batch();
        if (n == 0) {
            Arrays.fill(gw, 0, s.outChannels() * s.groupRows(), 0f);
            return;
        }
        checkWorkspace(s, Math.min(n, WEIGHT_GRAD_CHUNK));
        int chunks = (n + WEIGHT_GRAD_CHUNK - 1) / WEIGHT_GRAD_CHUNK;
        float[][] partial = new float[chunks][];
        partial[0] = gw;
        for (int c = 1; c < chunks; c++) {
            partial[c] = new float[gw.length];
        }
        int groups = s.groups();
        int cout = s.outChannels();
        int coutG = cout / groups;
        int rows = s.groupRows();
        int plane = s.outPlane();
        parallel(chunks, c -> {
            Scratch sc = scratch();
            int first = c * WEIGHT_GRAD_CHUNK;
            int count = Math.min(n, first + WEIGHT_GRAD_CHUNK) - first;
            int width = count * plane;
            float[] g = sc.aux(cout * width);
            gatherSamples(gy, g, first, count, cout, plane);
            for (int grp = 0; grp < groups; grp++) {
                gemm(0, coutG, rows, width, g, grp * coutG * width, width, 1,
                        unfoldedTransposed(x, s, first, grp * rows, sc), partial[c], grp * coutG * rows, rows, false, sc);
            }
        });
        for (int c = 1; c < chunks; c++) {
            float[] p = partial[c];
            for (int j = 0; j < gw.length; j++) {
                gw[j] += p[j];
            }
        }
    }

    /**
     * The unfolded input (im2col) of samples first, first+1, ... side by side as a matrix product's right
     * operand: b(p, j) is row {@code row0 + p} (channel, kernel tap) at column j (sample j / plane,
     * output position j % plane), the input value under that tap at that position or 0 in the padding.
     */
    static Panels unfolded(float[] x, ConvShape s, int first, int row0) {
        return (p0, kc, j0, nc, panel) -> {
            for (int p = 0; p < kc; p++) {
                unfoldColumns(x, s, first, row0 + p0 + p, j0, nc, panel[p]);
            }
        };
    }

    /**
     * The transpose of {@link #unfolded}: b(p, j) is column p of row {@code row0 + j}, for the weight
     * gradient. Sixteen rows are unfolded into scratch and then written across the panel, so every cache
     * line of a panel row is filled at once.
     */
    static Panels unfoldedTransposed(float[] x, ConvShape s, int first, int row0, Scratch sc) {
        return (p0, kc, j0, nc, panel) -> {
            float[][] tile = sc.tile;
            for (int jb = 0; jb < nc; jb += TILE) {
                int jn = Math.min(TILE, nc - jb);
                for (int jj = 0; jj < jn; jj++) {
                    unfoldColumns(x, s, first, row0 + j0 + jb + jj, p0, kc, tile[jj]);
                }
                for (int p = 0; p < kc; p++) {
                    float[] r = panel[p];
                    for (int jj = 0; jj < jn; jj++) {
                        r[jb + jj] = tile[jj][p];
                    }
                }
            }
        };
    }

    /** Columns j0..j0+nc-1 of unfolded row {@code row} of samples first, first+1, ... side by side, into dst. */
    private static void unfoldColumns(float[] x, ConvShape s, int first, int row, int j0, int nc, float[] dst) {
        int plane = s.outPlane();
        int inSample = s.inChannels() * s.inPlane();
        for (int j = j0, end = j0 + nc; j < end; ) {
            int k = j / plane;
            int q = j - k * plane;
            int q1 = Math.min(plane, q + end - j);
            unfoldRow(x, (first + k) * inSample, s, row, q, q1, dst, j - j0);
            j += q1 - q;
        }
    }

    /**
     * Output positions q0..q1-1 (row-major over od, oh, ow) of row {@code row} = (channel, kd, kh, kw) of
     * one sample's unfolded input (the sample at {@code xOff}, [C_in, D, H, W]), into dst from dstOff:
     * the input value under that kernel tap at each position, or 0 in the padding.
     */
    static void unfoldRow(float[] x, int xOff, ConvShape s, int row, int q0, int q1, float[] dst, int dstOff) {
        unfoldRow(x, xOff, 1, s, row, q0, q1, dst, dstOff);
    }

    /**
     * {@link #unfoldRow} for {@code count} consecutive samples from the one at {@code xOff}, side by side in
     * dst (q1 - q0 values each). The tap's geometry is worked out once for all of them: on small planes it
     * cost more than the copies.
     */
    static void unfoldRow(float[] x, int xOff, int count, ConvShape s, int row, int q0, int q1, float[] dst,
                          int dstOff) {
        int d = s.in(0);
        int h = s.in(1);
        int w = s.in(2);
        int oh = s.out(1);
        int ow = s.out(2);
        int sw = s.stride(2);
        int sh = s.stride(1);
        int sd = s.stride(0);
        int pd = s.padding(0);
        int dd = s.dilation(0);
        int kvol = s.kernelVolume();
        int c = row / kvol;
        int tap = row - c * kvol;
        int kw = tap % s.kernel(2);
        int kh = tap / s.kernel(2) % s.kernel(1);
        int kd = tap / (s.kernel(2) * s.kernel(1));
        int inSample = s.inChannels() * d * h * w;
        int w0 = kw * s.dilation(2) - s.padding(2);
        int hOff = kh * s.dilation(1) - s.padding(1);
        int lo = firstInside(w0, sw, ow);
        int hi = Math.max(lo, endInside(w0, sw, w, ow));
        // stride 1 with "same" padding along the width: output rows are as long as input rows, so whole
        // output rows under one kernel tap are one run of the input, shifted
        boolean sameWidth = sw == 1 && sh == 1 && ow == w;
        int zr0 = q0 / ow;
        for (int k = 0; k < count; k++) {
            int xc = xOff + k * inSample + c * d * h * w;
            // the position q0 as (zd, zh, zw), then walked along one output row at a time
            int zd = zr0 / oh;
            int zh = zr0 - zd * oh;
            int zw0 = q0 - zr0 * ow;
            int at = dstOff + k * (q1 - q0);
            for (int q = q0; q < q1; ) {
                int id = zd * sd - pd + kd * dd;
                int zw1;
                if (sameWidth && zw0 == 0 && q1 - q >= ow) {
                    int z1 = Math.min(oh, zh + (q1 - q) / ow);
                    tapRows(x, xc, id, d, h, w, hOff, w0, lo, hi, zh, z1, dst, at);
                    int len = (z1 - zh) * ow;
                    q += len;
                    at += len;
                    zh = z1 - 1;
                    zw1 = ow;
                } else {
                    zw1 = Math.min(ow, zw0 + q1 - q);
                    unfoldSegment(x, xc, id, d, h, w, zh * sh + hOff, w0, sw, lo, hi, zw0, zw1, dst, at);
                    q += zw1 - zw0;
                    at += zw1 - zw0;
                }
                if (zw1 == ow) {
                    zw0 = 0;
                    if (++zh == oh) {
                        zh = 0;
                        zd++;
                    }
                }
            }
        }
    }

    /**
     * Output columns zw0..zw1-1 of one output row under one kernel tap, reading input row (id, ih) from
     * column w0 on in steps of sw, into dst from {@code at}; columns outside lo..hi, and the whole segment
     * when the row lies in the padding, are 0.
     */
    private static void unfoldSegment(float[] x, int xc, int id, int d, int h, int w, int ih, int w0, int sw, int lo,
                                      int hi, int zw0, int zw1, float[] dst, int at) {
        if (id < 0 || id >= d || ih < 0 || ih >= h) {
            Arrays.fill(dst, at, at + zw1 - zw0, 0f);
            return;
        }
        // plain loops for the few padding columns: a call per row costs more than they do
        int a = Math.max(zw0, Math.min(lo, zw1));
        int b = Math.max(a, Math.min(hi, zw1));
        int base = at - zw0;
        for (int z = zw0; z < a; z++) {
            dst[base + z] = 0f;
        }
        int src = xc + (id * h + ih) * w + w0;
        if (sw == 1) {
            // a run wholly in the padding has src + a < 0, which arraycopy refuses even for 0 elements
            if (b > a) {
                System.arraycopy(x, src + a, dst, base + a, b - a);
            }
        } else {
            for (int z = a; z < b; z++) {
                dst[base + z] = x[src + z * sw];
            }
        }
        for (int z = b; z < zw1; z++) {
            dst[base + z] = 0f;
        }
    }

    /**
     * Output rows z0..z1-1 (each w long, written from {@code dst0}) under one kernel tap of a stride-1
     * convolution whose output rows are as long as its input rows: output row zh reads input row
     * zh + hOff, shifted by w0. All valid rows come in one copy of the input run; the few columns whose
     * source lies past a row's edge (outside lo..hi) got the neighbouring row's values, or nothing, and are
     * zeroed after. Rows in the padding are zero.
     */
    private static void tapRows(float[] x, int xc, int id, int d, int h, int w, int hOff, int w0, int lo, int hi,
                                int z0, int z1, float[] dst, int dst0) {
        int za = Math.max(z0, -hOff);
        int zb = Math.min(z1, h - hOff);
        int end = dst0 + (z1 - z0) * w;
        if (id < 0 || id >= d || za >= zb) {
            Arrays.fill(dst, dst0, end, 0f);
            return;
        }
        Arrays.fill(dst, dst0, dst0 + (za - z0) * w, 0f);
        Arrays.fill(dst, dst0 + (zb - z0) * w, end, 0f);
        int a = dst0 + (za - z0) * w;
        int src = xc + (id * h + za + hOff) * w + w0;
        // the run is trimmed where it would start before the first row or end after the last one
        int from = Math.max(0, -w0);
        int to = (zb - za) * w - Math.max(0, w0);
        if (to > from) {
            System.arraycopy(x, src + from, dst, a + from, to - from);
        }
        // a tap left of centre ran over the left edge (lo columns), one right of it over the right edge
        // (w - hi columns), the centre tap over neither: one loop over the rows for the edge there is
        if (lo > 0) {
            for (int r = a; r < a + (zb - za) * w; r += w) {
                for (int z = 0; z < lo; z++) {
                    dst[r + z] = 0f;
                }
            }
        }
        if (hi < w) {
            for (int r = a; r < a + (zb - za) * w; r += w) {
                for (int z = hi; z < w; z++) {
                    dst[r + z] = 0f;
                }
            }
        }
    }

    /** The adjoint of {@link #unfoldRow}: adds every column entry back onto its input position in gx. */
    static void col2im(float[] cols, int colOff, int ld, ConvShape s, float[] gx, int gxOff) {
        int d = s.in(0);
        int h = s.in(1);
        int w = s.in(2);
        int od = s.out(0);
        int oh = s.out(1);
        int ow = s.out(2);
        int sw = s.stride(2);
        int row = 0;
        for (int c = 0; c < s.inChannels(); c++) {
            int xc = gxOff + c * d * h * w;
            for (int kd = 0; kd < s.kernel(0); kd++) {
                for (int kh = 0; kh < s.kernel(1); kh++) {
                    for (int kw = 0; kw < s.kernel(2); kw++, row++) {
                        int w0 = kw * s.dilation(2) - s.padding(2);
                        int lo = firstInside(w0, sw, ow);
                        int hi = Math.max(lo, endInside(w0, sw, w, ow));
                        int src = colOff + row * ld;
                        for (int zd = 0; zd < od; zd++) {
                            int id = zd * s.stride(0) - s.padding(0) + kd * s.dilation(0);
                            for (int zh = 0; zh < oh; zh++, src += ow) {
                                int ih = zh * s.stride(1) - s.padding(1) + kh * s.dilation(1);
                                if (id < 0 || id >= d || ih < 0 || ih >= h) {
                                    continue;
                                }
                                int dst = xc + (id * h + ih) * w + w0;
                                for (int z = lo; z < hi; z++) {
                                    gx[dst + z * sw] += cols[src + z];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** The first output position z (at most {@code ow}) whose input position w0 + z*stride is not negative. */
    private static int firstInside(int w0, int stride, int ow) {
        return w0 >= 0 ? 0 : Math.min(ow, (-w0 + stride - 1) / stride);
    }

    /** One past the last output position z (at most {@code ow}) whose input position w0 + z*stride is below w. */
    private static int endInside(int w0, int stride, int w, int ow) {
        return w0 > w - 1 ? 0 : Math.min(ow, (w - 1 - w0) / stride + 1);
    }

    // ---------------------------------------------------------------- pooling

    /** Below this many input values a pooling stays on the calling thread. */
    private static final int PARALLEL_POOL_VALUES = 1 << 15;

    /** Splits the N*C planes over the threads; each plane is done by one thread, in a fixed order. */
    private void forPlanes(PoolShape s, IntConsumer plane) {
        int planes = s.planes();
        long values = (long) planes * s.height() * s.width();
        int tasks = values < PARALLEL_POOL_VALUES ? 1 : Math.min(planes, threads * TASKS_PER_THREAD);
        parallel(tasks, t -> {
            for (int p = (int) ((long) planes * t / tasks), end = (int) ((long) planes * (t + 1) / tasks); p < end; p++) {
                plane.accept(p);
            }
        });
    }

    public void maxPool2d(float[] x, float[] y, int[] argmax, PoolShape s) {
        int h = s.height();
        int w = s.width();
        int oh = s.outHeight();
        int ow = s.outWidth();
        int sh = s.stride(0);
        int sw = s.stride(1);
        int ph = s.padding(0);
        int pw = s.padding(1);
        int dh = s.dilation(0);
        int dw = s.dilation(1);
        int kh = s.kernel(0);
        int kw = s.kernel(1);
        // MaxPool2d(2), the course's pool, with every window inside the input: a branch-free kernel
        boolean pairs = kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0 && dh == 1 && dw == 1
                && 2 * oh <= h && 2 * ow <= w;
        forPlanes(s, plane -> {
            int xb = plane * h * w;
            int yb = plane * oh * ow;
            for (int zh = 0; zh < oh; zh++) {
                int h0 = zh * sh - ph;
                int h1 = Math.min(h0 + (kh - 1) * dh + 1, h);
                while (h0 < 0) h0 += dh;
                int o = yb + zh * ow;
                if (pairs) {
                    maxPairsRow(x, xb, h0 * w, w, y, argmax, o, ow);
                    continue;
                }
                for (int zw = 0; zw < ow; zw++) {
                    int w0 = zw * sw - pw;
                    int w1 = Math.min(w0 + (kw - 1) * dw + 1, w);
                    while (w0 < 0) w0 += dw;
                    int at = windowArgmax(x, xb, w, h0, h1, dh, w0, w1, dw);
                    y[o + zw] = at < 0 ? Float.NEGATIVE_INFINITY : x[xb + at];
                    argmax[o + zw] = at;
                }
            }
        });
    }

    /**
     * PyTorch's max_pool2d window scan: the first element, then every later one that is strictly
     * greater or NaN; -1 for a window with no input in it.
     */
    private static int windowArgmax(float[] x, int xb, int w, int h0, int h1, int dh, int w0, int w1, int dw) {
        float best = Float.NEGATIVE_INFINITY;
        int at = -1;
        for (int ih = h0; ih < h1; ih += dh) {
            for (int iw = w0; iw < w1; iw += dw) {
                float v = x[xb + ih * w + iw];
                if (at < 0 || v > best || v != v) {
                    best = v;
                    at = ih * w + iw;
                }
            }
        }
        return at;
    }

    /**
     * One output row of 2x2, stride-2 max pooling from the input rows starting at {@code top} (within
     * the plane at {@code xb}). The winner is found with comparisons turned into 0/1 arithmetic instead of
     * branches, which random data would mispredict half the time (about five times slower here); it is
     * the same first maximum as {@link #windowArgmax}, which takes over for a window holding a NaN.
     */
    private static void maxPairsRow(float[] x, int xb, int top, int w, float[] y, int[] argmax, int o, int ow) {
        int r0 = xb + top;
        int r1 = r0 + w;
        for (int zw = 0; zw < ow; zw++) {
            int c = 2 * zw;
            float v0 = x[r0 + c];
            float v1 = x[r0 + c + 1];
            float v2 = x[r1 + c];
            float v3 = x[r1 + c + 1];
            int right01 = v1 > v0 ? 1 : 0;
            int right23 = v3 > v2 ? 1 : 0;
            float m01 = Math.max(v0, v1);
            float m23 = Math.max(v2, v3);
            int lower = m23 > m01 ? 1 : 0;
            int at = top + c + lower * w + right01 + lower * (right23 - right01);
            float max = Math.max(m01, m23);
            if (max != max) {
                at = windowArgmax(x, xb, w, top / w, top / w + 2, 1, c, c + 2, 1);
            }
            y[o + zw] = x[xb + at];
            argmax[o + zw] = at;
        }
    }

    public void maxPool2dBackward(float[] gy, int[] argmax, float[] gx, PoolShape s) {
        int in = s.height() * s.width();
        int out = s.outHeight() * s.outWidth();
        forPlanes(s, plane -> {
            int xb = plane * in;
            int yb = plane * out;
            Arrays.fill(gx, xb, xb + in, 0f);
            for (int o = 0; o < out; o++) {
                int at = argmax[yb + o];
                if (at >= 0) {
                    gx[xb + at] += gy[yb + o];
                }
            }
        });
    }

    public void avgPool2d(float[] x, float[] y, PoolShape s) {
        avgPool(x, y, s, false);
    }

    public void avgPool2dBackward(float[] gy, float[] gx, PoolShape s) {
        avgPool(gy, gx, s, true);
    }

    /**
     * Average pooling ({@code backward} false: src = x, dst = y) or its adjoint (true: src = gy, dst = gx).
     * Windows as PyTorch's avg_pool2d: the bounds clipped to the input, the divisor the window's size
     * clipped to the padded input only (count_include_pad), so a ceil-mode window hanging past the
     * padding divides by less.
     */
    private void avgPool(float[] src, float[] dst, PoolShape s, boolean backward) {
        int h = s.height();
        int w = s.width();
        int oh = s.outHeight();
        int ow = s.outWidth();
        int sh = s.stride(0);
        int sw = s.stride(1);
        int ph = s.padding(0);
        int pw = s.padding(1);
        int kh = s.kernel(0);
        int kw = s.kernel(1);
        forPlanes(s, plane -> {
            int xb = plane * h * w;
            int yb = plane * oh * ow;
            if (backward) {
                Arrays.fill(dst, xb, xb + h * w, 0f);
            }
            for (int zh = 0; zh < oh; zh++) {
                int h0 = zh * sh - ph;
                int h1 = Math.min(h0 + kh, h + ph);
                int rows = h1 - h0;
                h0 = Math.max(h0, 0);
                h1 = Math.min(h1, h);
                for (int zw = 0; zw < ow; zw++) {
                    int w0 = zw * sw - pw;
                    int w1 = Math.min(w0 + kw, w + pw);
                    int divisor = rows * (w1 - w0);
                    w0 = Math.max(w0, 0);
                    w1 = Math.min(w1, w);
                    if (backward) {
                        float g = src[yb + zh * ow + zw] / divisor;
                        for (int ih = h0; ih < h1; ih++) {
                            for (int iw = w0; iw < w1; iw++) {
                                dst[xb + ih * w + iw] += g;
                            }
                        }
                    } else {
                        float sum = 0f;
                        for (int ih = h0; ih < h1; ih++) {
                            for (int iw = w0; iw < w1; iw++) {
                                sum += src[xb + ih * w + iw];
                            }
                        }
                        dst[yb + zh * ow + zw] = sum / divisor;
                    }
                }
            }
        });
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

    // ---- Backend: storages are Java arrays; every primitive unwraps them and runs the kernel above

    @Override
    public Storage allocate(Device device, int size) {
        return new CpuStorage(device, new float[size]);
    }

    @Override
    public Storage upload(Device device, float[] values) {
        return new CpuStorage(device, values);
    }

    @Override
    public Storage allocateIndices(Device device, int size) {
        return new CpuStorage.Indices(device, new int[size]);
    }

    @Override
    public void fill(Storage out, float value) {
        Arrays.fill(array(out), value);
    }

    @Override
    public void unary(UnaryOp op, float alpha, Storage x, Storage out, int n) {
        unary(op, alpha, array(x), array(out), n);
    }

    @Override
    public void unaryBackward(UnaryOp op, float alpha, Storage x, Storage y, Storage gy, Storage gx, int n) {
        unaryBackward(op, alpha, array(x), array(y), array(gy), array(gx), n);
    }

    @Override
    public void binary(BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, Storage out, int[] outShape) {
        binary(op, array(a), aShape, array(b), bShape, array(out), outShape);
    }

    @Override
    public void broadcast(Storage x, int[] xShape, Storage out, int[] outShape) {
        broadcast(array(x), xShape, array(out), outShape);
    }

    @Override
    public void sum(Storage x, int outer, int reduce, int inner, Storage out) {
        sum(array(x), outer, reduce, inner, array(out));
    }

    @Override
    public void max(Storage x, int outer, int reduce, int inner, Storage out) {
        max(array(x), outer, reduce, inner, array(out));
    }

    @Override
    public void matmul(Storage a, boolean transA, Storage b, boolean transB, Storage c, int m, int k, int n) {
        matmul(array(a), transA, array(b), transB, array(c), m, k, n);
    }

    @Override
    public void transpose(Storage x, int rows, int cols, Storage out) {
        transpose(array(x), rows, cols, array(out));
    }

    @Override
    public void convolution(Storage x, Storage w, Storage bias, Storage y, ConvShape s) {
        convolution(array(x), array(w), bias == null ? null : array(bias), array(y), s);
    }

    @Override
    public void convolutionBackwardInput(Storage gy, Storage w, Storage gx, ConvShape s) {
        convolutionBackwardInput(array(gy), array(w), array(gx), s);
    }

    @Override
    public void convolutionBackwardWeight(Storage x, Storage gy, Storage gw, ConvShape s) {
        convolutionBackwardWeight(array(x), array(gy), array(gw), s);
    }

    @Override
    public void maxPool2d(Storage x, Storage y, Storage argmax, PoolShape s) {
        maxPool2d(array(x), array(y), indices(argmax), s);
    }

    @Override
    public void maxPool2dBackward(Storage gy, Storage argmax, Storage gx, PoolShape s) {
        maxPool2dBackward(array(gy), indices(argmax), array(gx), s);
    }

    @Override
    public void avgPool2d(Storage x, Storage y, PoolShape s) {
        avgPool2d(array(x), array(y), s);
    }

    @Override
    public void avgPool2dBackward(Storage gy, Storage gx, PoolShape s) {
        avgPool2dBackward(array(gy), array(gx), s);
    }

    @Override
    public void sgdStep(Storage param, Storage gradient, Storage buffer, int n, float lr, float momentum,
                        float weightDecay, boolean nesterov, boolean first) {
        float[] p = array(param);
        float[] grad = array(gradient);
        float[] buf = momentum != 0f ? array(buffer) : null;
        for (int i = 0; i < n; i++) {
            float g = grad[i];
            if (weightDecay != 0f) {
                g += weightDecay * p[i];
            }
            if (momentum != 0f) {
                buf[i] = first ? g : buf[i] * momentum + g;
                g = nesterov ? g + momentum * buf[i] : buf[i];
            }
            p[i] -= lr * g;
        }
    }

    @Override
    public void adamStep(Storage param, Storage gradient, Storage m, Storage v, int n, float stepSize,
                         float bias2Sqrt, float oneMinusBeta1, float beta2, float oneMinusBeta2, float eps,
                         float weightDecay) {
        float[] p = array(param);
        float[] grad = array(gradient);
        float[] mp = array(m);
        float[] vp = array(v);
        for (int i = 0; i < n; i++) {
            float g = grad[i];
            if (weightDecay != 0f) {
                g += weightDecay * p[i];
            }
            mp[i] = lerp(mp[i], g, oneMinusBeta1);
            vp[i] = vp[i] * beta2 + oneMinusBeta2 * g * g;
            float denom = (float) Math.sqrt(vp[i]) / bias2Sqrt + eps;
            p[i] -= stepSize * (mp[i] / denom);
        }
    }

    /** torch.lerp's formula, which switches ends for weights of 0.5 and above to stay exact at w = 1. */
    private static float lerp(float start, float end, float w) {
        return w < 0.5f ? start + w * (end - start) : end - (end - start) * (1f - w);
    }

    @Override
    public void batchNormRunningStats(Storage runningMean, Storage runningVar, Storage batchesTracked, Storage mean,
                                      Storage var, int channels, float momentum, float unbias) {
        float[] rm = array(runningMean);
        float[] rv = array(runningVar);
        float[] bm = array(mean);
        float[] bv = array(var);
        for (int i = 0; i < channels; i++) {
            rm[i] = (1 - momentum) * rm[i] + momentum * bm[i];
            rv[i] = (1 - momentum) * rv[i] + momentum * (bv[i] * unbias);
        }
        array(batchesTracked)[0] += 1;
    }

    // The losses repeat, operation by operation, what the composed ops (sub, square, softplus, logSoftmax,
    // sum in double, the division by n) computed before they were primitives: the same bits as then.

    @Override
    public void loss(LossOp op, Storage output, Storage target, int rows, int columns, Storage out) {
        float[] x = array(output);
        float[] t = array(target);
        double sum = 0;
        int terms = op == LossOp.CROSS_ENTROPY ? rows : rows * columns;
        for (int i = 0; i < terms; i++) {
            sum += switch (op) {
                case MSE -> {
                    float d = x[i] - t[i];
                    yield d * d;
                }
                case BCE_WITH_LOGITS -> (float) softplus(x[i]) - x[i] * t[i];
                case CROSS_ENTROPY -> {
                    int c = classIndex(t[i], columns);
                    int row = i * columns;
                    float m = rowMax(x, row, columns);
                    float logSum = (float) Math.log(expSum(x, row, columns, m));
                    yield c < 0 ? Float.NaN : (x[row + c] - m) - logSum;
                }
            };
        }
        float mean = (float) sum;
        array(out)[0] = (op == LossOp.CROSS_ENTROPY ? -mean : mean) / terms;
    }

    @Override
    public void lossBackward(LossOp op, Storage output, Storage target, Storage gradOut, int rows, int columns,
                             Storage gradIn) {
        float[] x = array(output);
        float[] t = array(target);
        float[] gx = array(gradIn);
        float gy = array(gradOut)[0];
        switch (op) {
            case MSE -> {
                float g = gy / (rows * columns);
                for (int i = 0; i < rows * columns; i++) {
                    // d(d * d) = d g + d g, as the product of a tensor with itself accumulates it
                    float half = g * (x[i] - t[i]);
                    gx[i] = half + half;
                }
            }
            case BCE_WITH_LOGITS -> {
                float g = gy / (rows * columns);
                for (int i = 0; i < rows * columns; i++) {
                    gx[i] = (float) (g / (1.0 + Math.exp(-(double) x[i]))) + -g * t[i];
                }
            }
            case CROSS_ENTROPY -> {
                float g = gy / rows;
                for (int r = 0; r < rows; r++) {
                    int row = r * columns;
                    int c = classIndex(t[r], columns);
                    float m = rowMax(x, row, columns);
                    float perSum = g / expSum(x, row, columns, m);
                    for (int k = 0; k < columns; k++) {
                        gx[row + k] = perSum * (float) Math.exp(x[row + k] - m) + -g * (k == c ? 1f : 0f);
                    }
                }
            }
        }
    }

    /** The class index {@code label} names, or -1 when it names none (see {@link LossOp#CROSS_ENTROPY}). */
    private static int classIndex(float label, int classes) {
        return ClassLabels.isClass(label, classes) ? (int) label : -1;
    }

    /** The largest of x[row..row+columns); NaN wins, as in {@link #max}. */
    private static float rowMax(float[] x, int row, int columns) {
        float m = x[row];
        for (int k = 1; k < columns; k++) {
            float v = x[row + k];
            if (v > m || v != v) m = v;
        }
        return m;
    }

    /** The sum of exp(x - m) over a row, each exp rounded to float and the sum in double, as exp then sum. */
    private static float expSum(float[] x, int row, int columns, float m) {
        double s = 0;
        for (int k = 0; k < columns; k++) {
            s += (float) Math.exp(x[row + k] - m);
        }
        return (float) s;
    }

    @Override
    public void countCorrect(Storage scores, Storage labels, int rows, int columns, boolean clamp, Storage out) {
        float[] p = array(scores);
        float[] y = array(labels);
        int right = 0;
        for (int r = 0; r < rows; r++) {
            int row = r * columns;
            int predicted;
            if (columns == 1) {
                float v = clamp ? clamp01(p[row]) : p[row];
                predicted = v > 1 - v ? 1 : 0;
            } else {
                predicted = 0;
                float best = clamp ? clamp01(p[row]) : p[row];
                for (int k = 1; k < columns; k++) {
                    float v = clamp ? clamp01(p[row + k]) : p[row + k];
                    if (v > best) {
                        best = v;
                        predicted = k;
                    }
                }
            }
            right += predicted == classIndex(y[r], Math.max(columns, 2)) ? 1 : 0;
        }
        array(out)[0] = right;
    }

    private static float clamp01(float v) {
        return Math.max(0f, Math.min(1f, v));
    }

    private static float[] array(Storage s) {
        return ((CpuStorage) s).array();
    }

    private static int[] indices(Storage s) {
        return ((CpuStorage.Indices) s).array();
    }

    static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            n *= s; // at most 2^31 * 2^31: no long overflow before the check
            if (n > TensorTooLargeException.MAX_VALUES) {
                throw new TensorTooLargeException(String.format(Locale.ROOT, "a tensor of shape %s would hold %,d values, "
                        + "more than the %,d one array can hold", Arrays.toString(shape),
                        Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b), TensorTooLargeException.MAX_VALUES));
            }
        }
        return (int) n;
    }
}
