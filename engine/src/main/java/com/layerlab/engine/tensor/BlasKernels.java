package com.layerlab.engine.tensor;

import java.util.Arrays;
import java.util.function.IntConsumer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * The CPU backend's matrix products and convolutions through OpenBLAS ({@link Blas}). A stride-1
 * convolution with 16 input channels or more runs as one product per kernel tap over its input laid
 * out channels-last ({@link #shiftedConvolution}, {@link #shiftedWeightGradient}), which unfolds
 * nothing. The others take the im2col route of the plain-Java kernels in {@link CpuBackend}: the
 * weight times the unfolded input of a few samples side by side (forward), the weight's transpose
 * times the output gradient, added back with col2im (input gradient), the output gradient times the
 * unfolded input's transpose (weight gradient); the unfolded input is written row by row into the
 * native buffer the product reads. (Unfolding per position instead, im2row, into the product shape
 * OpenBLAS runs fastest, was tried for the few-channel convolutions and measured slower: a copy of
 * KW * C_in floats per kernel row and position costs more than the product gains.)
 *
 * <p>Every product is cut into calls by the shapes alone (rows of a matrix product in blocks of
 * {@link #ROWS}; convolutions in fixed blocks of samples, as many side by side as the plain-Java
 * kernels take: longer rows measured no faster), never by the thread count: see {@link Blas}
 * on why that keeps the bits the same on any number of threads.
 */
final class BlasKernels {

    /** Rows of C per OpenBLAS call in a matrix product: the calls run side by side on the pool. */
    static final int ROWS = 128;

    /** Runs body(0..tasks-1) on the backend's threads and waits for all. */
    @FunctionalInterface
    interface Parallel {
        void run(int tasks, IntConsumer body);
    }

    private BlasKernels() {
    }

    /** The contract of {@link Backend#matmul}. */
    static void matmul(float[] a, boolean transA, float[] b, boolean transB, float[] c, int m, int k, int n, int threads,
                       Parallel parallel) {
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        int blocks = (m + ROWS - 1) / ROWS;
        parallel.run(Math.min(blocks, threads), t -> {
            Blas.Workspace ws = Blas.workspace();
            FloatPointer pb = ws.buffer(1, (long) k * n);
            ws.put(1, 0, b, 0, k * n);
            FloatPointer pa = null;
            if (transA) {
                // a column block of a stored [k, m] is strided: copy it whole, once per task
                pa = ws.buffer(0, (long) k * m);
                ws.put(0, 0, a, 0, k * m);
            }
            int tasks = Math.min(blocks, threads);
            for (int blk = blocks * t / tasks, end = blocks * (t + 1) / tasks; blk < end; blk++) {
                int i0 = blk * ROWS;
                int rows = Math.min(ROWS, m - i0);
                long aAt;
                if (transA) {
                    aAt = i0;
                } else {
                    pa = ws.buffer(0, (long) rows * k);
                    ws.put(0, 0, a, i0 * k, rows * k);
                    aAt = 0;
                }
                FloatPointer pc = ws.buffer(2, (long) rows * n);
                Blas.sgemm(transA, transB, rows, n, k, pa, aAt, lda, pb, 0, ldb, pc, 0, n, false);
                ws.get(2, 0, c, i0 * n, rows * n);
            }
        });
    }

    // ---------------------------------------------------------------- convolution

    /**
     * The batch in fixed blocks of {@code block} samples, the blocks spread over the threads; {@code weight},
     * when not null, goes into operand 0 once per thread, for all of its tasks' blocks.
     */
    private static void forBlocks(int n, int block, int threads, Parallel parallel, float[] weight, BlockBody body) {
        int blocks = (n + block - 1) / block;
        int tasks = Math.min(blocks, threads * CpuBackend.TASKS_PER_THREAD);
        Object call = new Object();
        parallel.run(tasks, t -> {
            Blas.Workspace ws = Blas.workspace();
            if (weight != null && !ws.holds(call)) {
                ws.buffer(0, weight.length);
                ws.put(0, 0, weight, 0, weight.length);
                ws.holding(call);
            }
            for (int blk = blocks * t / tasks, end = blocks * (t + 1) / tasks; blk < end; blk++) {
                int first = blk * block;
                body.run(first, Math.min(block, n - first), ws);
            }
        });
    }

    @FunctionalInterface
    private interface BlockBody {
        void run(int first, int count, Blas.Workspace ws);
    }

    /**
     * The unfolded input (im2col) of samples first..first+count-1 side by side, all groups' rows
     * [groups * rows, count * plane], into operand {@code which}.
     */
    private static void unfold(float[] x, ConvShape s, int first, int count, Blas.Workspace ws, int which, float[] row) {
        int plane = s.outPlane();
        int width = count * plane;
        int inSample = s.inChannels() * s.inPlane();
        int rowsAll = s.groups() * s.groupRows();
        for (int r = 0; r < rowsAll; r++) {
            CpuBackend.unfoldRow(x, first * inSample, count, s, r, 0, plane, row, 0);
            ws.put(which, (long) r * width, row, 0, width);
        }
    }

    /**
     * Input channels from which each kernel tap is a product of its own ({@link #shifts}); below, a
     * frame position holds the input channels under a whole kernel row, so that a product sums over
     * KW * C_in (3 channels: 116 GFLOP/s for a sum over 3, 197 over 15, one core).
     */
    static final int SHIFT_MIN_CHANNELS = 16;

    /**
     * Whether a convolution runs as products over its zero-padded input ({@link #shiftedConvolution},
     * {@link #shiftedWeightGradient}) instead of unfolding it: stride 1 and one group, in 2D (or 1D), at least
     * {@link #SHIFT_MIN_CHANNELS} output channels (a product with fewer columns wastes most of OpenBLAS's
     * kernel: LeNet's 1 to 6 channels ran 4.7 times slower); with fewer input channels, no dilation
     * along the width.
     */
    static boolean shifts(ConvShape s) {
        return s.groups() == 1 && s.in(0) == 1 && s.kernel(0) == 1 && s.padding(0) == 0 && s.stride(1) == 1
                && s.stride(2) == 1 && s.outChannels() >= SHIFT_MIN_CHANNELS
                && (s.inChannels() >= SHIFT_MIN_CHANNELS || s.dilation(2) == 1);
    }

    /**
     * The geometry of a convolution's shifted products ({@link #shifts}): the padded input's width
     * {@code wp}, the output's rows {@code oh} and columns {@code ow}, {@code span} kernel columns per
     * operand position, a position's {@code run} of floats (span x C_in), the {@code width} of the
     * products' rows of positions and the products' {@code rows} (OH x width).
     *
     * <p>With one kernel column per position (span 1) the positions are the padded input's, Wp wide, and
     * the outputs are taken Wp wide too: the columns past OW are computed and dropped. With the whole kernel
     * row per position (span KW) each position already holds its row's kernel columns, so the positions and
     * outputs are OW wide and nothing is dropped; the operand is KW times larger. That layout is taken for
     * fewer than {@link #SHIFT_MIN_CHANNELS} input channels, and where Wp is 1.5 OW or more (8x8 planes under
     * 5x5 kernels: a third of the products' work went to dropped columns).
     */
    private record Shift(ConvShape s, int wp, int oh, int ow, int span, int run, int width, int rows) {

        static Shift of(ConvShape s) {
            int wp = s.in(2) + 2 * s.padding(2);
            int ow = s.out(2);
            int span = s.inChannels() < SHIFT_MIN_CHANNELS || (2 * wp >= 3 * ow && s.dilation(2) == 1) ? s.kernel(2) : 1;
            int width = span == 1 ? wp : ow;
            Shift f = new Shift(s, wp, s.out(1), ow, span, span * s.inChannels(), width, s.out(1) * width);
            TensorTooLargeException.checkedProduct("the convolution's output of 1 sample", f.rows, s.outChannels());
            return f;
        }

        int outPlane() {
            return oh * ow;
        }

        /** Whether the products' rows are wider than the output's (span 1 with padding): columns to drop. */
        boolean wide() {
            return width != ow;
        }

        /** The products per sample: one per kernel tap, or per kernel row where a position holds the row. */
        int products() {
            return s.kernel(1) * s.kernel(2) / span;
        }

        /**
         * How far product t's block is shifted from the operand's start, in positions: kernel row t / columns,
         * column t % columns.
         */
        int positionShift(int t) {
            int columns = s.kernel(2) / span;
            return (t / columns) * s.dilation(1) * width + (t % columns) * s.dilation(2);
        }

        /** Where product t's block starts in {@link #frame}'s channels-last frame, in floats. */
        int productShift(int t) {
            return positionShift(t) * run;
        }

        /** The rows of positions of the padded input: Hp. */
        int paddedRows() {
            return s.in(1) + 2 * s.padding(1);
        }

        /**
         * Positions in a row of {@link #planes}' operand (and in {@link #frame}'s frame): the padded plane, and
         * the zeros a tap reads past its end where each product is one tap.
         */
        int planeStride() {
            return span == 1 ? paddedPlane() : paddedRows() * width;
        }

        /** Positions in one channel's padded plane with the zeros after it that the shifted products read. */
        int paddedPlane() {
            return paddedRows() * wp + (s.kernel(2) - 1) * s.dilation(2);
        }

        /** The floats of {@link #frame}'s frame, which the products read. */
        int operandSize() {
            return TensorTooLargeException.checkedProduct("the convolution's padded input of 1 sample", planeStride(), run);
        }
    }

    /**
     * A stride-1 convolution without the unfolding. Each sample is copied once into zero-padded planes
     * (Hp x Wp positions per input channel, and a few zero positions after each). Output position
     * (oh, ow) under kernel tap (kh, kw) reads padded position (oh + kh * dh) * Wp + ow + kw * dw: for all
     * outputs taken as Wp wide (oh * Wp + ow), one tap's inputs are the planes' columns from a shift on,
     * a block of the planes with their own row stride. So the output [C_out, OH * Wp] is the sum over taps
     * of w_tap [C_out, C_in] x that block [C_in, OH * Wp], one product each with nothing copied, of which
     * the columns ow &gt;= OW (read across a row's edge) are dropped as the rows are copied out. Products
     * of this shape, few rows and many columns, all in the core's caches, ran at 190-200 GFLOP/s on one core
     * here, against 100-110 for the unfolded route's 32 x 800 times 800 x 256; the extra columns cost
     * Wp / OW (1.25 on CIFAR-10's 16x16 planes). The copies in and out are whole rows, with no transposition
     * (the channels-last layout this first had spent a third of the first layer's time transposing). Where
     * a position holds a kernel row ({@link Shift}: few input channels, or narrow planes) the operand holds
     * each padded plane KW times, OW wide, shifted by one kernel column more each time, each product covers
     * a kernel row's taps, and the output comes out OW wide, as it is laid out. The bits follow the shapes
     * alone: a product per sample and tap (or kernel row), in order.
     */
    static void shiftedConvolution(float[] x, float[] w, float[] bias, float[] y, ConvShape s, int threads,
                                   Parallel parallel) {
        Shift f = Shift.of(s);
        int cout = s.outChannels();
        int rows = f.rows();
        int run = f.run();
        int stride = f.planeStride();
        int outPlane = f.outPlane();
        int ow = f.ow();
        float[] wk = kernelMatrices(w, f);
        forBlocks(s.batch(), 1, threads, parallel, wk, (first, count, ws) -> {
            CpuBackend.Scratch sc = CpuBackend.scratch();
            float[] q = planes(x, first, f, sc);
            FloatPointer weights = ws.buffer(0, wk.length);
            FloatPointer pq = ws.buffer(1, (long) run * stride);
            ws.put(1, 0, q, 0, run * stride);
            FloatPointer out = ws.buffer(2, (long) cout * rows);
            for (int t = 0; t < f.products(); t++) {
                Blas.sgemm(false, false, cout, rows, run, weights, (long) t * cout * run, run, pq, f.positionShift(t), stride,
                        out, 0, rows, t > 0);
            }
            int ys = first * cout * outPlane;
            if (!f.wide()) {
                ws.get(2, 0, y, ys, cout * outPlane);
            } else {
                float[] r = sc.aux(cout * rows);
                ws.get(2, 0, r, 0, cout * rows);
                for (int o = 0; o < cout; o++) {
                    for (int i = 0; i < f.oh(); i++) {
                        System.arraycopy(r, o * rows + i * f.wp(), y, ys + o * outPlane + i * ow, ow);
                    }
                }
            }
            for (int o = 0; bias != null && o < cout; o++) {
                float b = bias[o];
                for (int i = ys + o * outPlane; i < ys + (o + 1) * outPlane; i++) {
                    y[i] += b;
                }
            }
        });
    }

    /**
     * Sample {@code k} of x [N, C_in, H, W] as {@link #shiftedConvolution}'s operand, in the thread's
     * scratch: row (c, s) of {@link Shift#planeStride} positions is channel c's padded plane
     * ({@link #paddedPlanes}), or where a position holds a kernel row, that plane OW wide from column
     * s * dw on (s &lt; {@link Shift#span}).
     */
    private static float[] planes(float[] x, int k, Shift f, CpuBackend.Scratch sc) {
        ConvShape s = f.s();
        int cin = s.inChannels();
        int span = f.span();
        int stride = f.planeStride();
        float[] q = sc.cols(f.run() * stride);
        if (span == 1) {
            paddedPlanes(x, k, f, q, stride);
            return q;
        }
        int padded = f.paddedPlane();
        float[] p = sc.frame(cin * padded);
        paddedPlanes(x, k, f, p, padded);
        int ow = f.ow();
        for (int c = 0; c < cin; c++) {
            for (int sh = 0; sh < span; sh++) {
                int to = (c * span + sh) * stride;
                int from = c * padded + sh * s.dilation(2);
                for (int i = 0; i < f.paddedRows(); i++) {
                    System.arraycopy(p, from + i * f.wp(), q, to + i * ow, ow);
                }
            }
        }
        return q;
    }

    /**
     * Sample {@code k}'s channels into dst, channel c from c * stride: its plane inside a border of zeros
     * as wide as the padding (Hp x Wp positions), then zeros up to {@link Shift#paddedPlane}.
     */
    private static void paddedPlanes(float[] x, int k, Shift f, float[] dst, int stride) {
        ConvShape s = f.s();
        int cin = s.inChannels();
        int h = s.in(1);
        int wd = s.in(2);
        int inPlane = h * wd;
        int padded = f.paddedPlane();
        for (int c = 0; c < cin; c++) {
            int base = c * stride;
            Arrays.fill(dst, base, base + padded, 0f);
            for (int i = 0; i < h; i++) {
                System.arraycopy(x, (k * cin + c) * inPlane + i * wd, dst, base + (i + s.padding(1)) * f.wp() + s.padding(2), wd);
            }
        }
    }

    /**
     * Sample {@code k} of x [N, C_in, H, W] as {@link #shiftedWeightGradient}'s frame, in the thread's
     * scratch: channels-last (the products' sum runs over the positions, which this layout keeps as the
     * rows of both operands), the padded input's positions with C_in values each, zeros after; where a
     * position holds a kernel row ({@link Shift#span} &gt; 1), positions are OW wide and position (i, j)
     * holds the C_in values under each of the row's kernel columns, kernel column after kernel column.
     * Its {@link Shift#operandSize} floats are the products' operand.
     */
    private static float[] frame(float[] x, int k, Shift f, CpuBackend.Scratch sc) {
        ConvShape s = f.s();
        int cin = s.inChannels();
        int run = f.run();
        float[] rows = sc.cols(f.operandSize());
        if (run != cin) {
            // gathered from the padded planes, one (channel, kernel column) at a time
            int padded = f.paddedPlane();
            float[] p = sc.frame(cin * padded);
            paddedPlanes(x, k, f, p, padded);
            int ow = f.ow();
            for (int c = 0; c < cin; c++) {
                for (int sh = 0; sh < f.span(); sh++) {
                    int from = c * padded + sh * s.dilation(2);
                    for (int i = 0; i < f.paddedRows(); i++) {
                        int to = i * ow * run + sh * cin + c;
                        int at = from + i * f.wp();
                        for (int j = 0; j < ow; j++) {
                            rows[to + j * run] = p[at + j];
                        }
                    }
                }
            }
            return rows;
        }
        int h = s.in(1);
        int wd = s.in(2);
        int wp = f.wp();
        int inPlane = h * wd;
        Arrays.fill(rows, 0, f.operandSize(), 0f);
        int xs = k * cin * inPlane;
        for (int i = 0; i < h; i++) {
            for (int c = 0; c < cin; c++) {
                int to = ((i + s.padding(1)) * wp + s.padding(2)) * cin + c;
                int from = xs + c * inPlane + i * wd;
                for (int j = 0; j < wd; j++) {
                    rows[to + j * cin] = x[from + j];
                }
            }
        }
        return rows;
    }

    /**
     * The weight gradient of a convolution that {@link #shifts}: per sample and product,
     * gw_t [C_out, run] += g [C_out, rows] x frame block [rows, run], with the output gradient channels-first
     * and taken as wide as the products' rows ({@link Shift#width}: zero in the columns that
     * {@link #shiftedConvolution} drops), the frame channels-last ({@link #frame}). (With the frame
     * channels-first too the product takes it transposed, which OpenBLAS ran at 120-140 GFLOP/s against
     * 120-200 for this one.) Summed over the samples of each chunk of {@link CpuBackend#WEIGHT_GRAD_CHUNK}
     * in order, then the chunks in order, as the unfolded route: the bits do not depend on the thread count.
     */
    static void shiftedWeightGradient(float[] x, float[] gy, float[] gw, ConvShape s, int threads, Parallel parallel) {
        int n = s.batch();
        int cout = s.outChannels();
        int size = cout * s.groupRows();
        if (n == 0) {
            Arrays.fill(gw, 0, size, 0f);
            return;
        }
        Shift f = Shift.of(s);
        int rows = f.rows();
        int run = f.run();
        int operand = f.operandSize();
        int outPlane = f.outPlane();
        int chunk = CpuBackend.WEIGHT_GRAD_CHUNK;
        int chunks = (n + chunk - 1) / chunk;
        // every chunk's sum in the per-product layout, added up in chunk order and laid out as gw once
        // (laying out each chunk took as long as a tenth of the products)
        float[] sums = CpuBackend.scratch().sums(chunks * size);
        forBlocks(n, chunk, threads, parallel, null, (first, count, ws) -> {
            CpuBackend.Scratch sc = CpuBackend.scratch();
            boolean wide = f.wide();
            float[] g = wide ? sc.aux(cout * rows) : null;
            if (wide) {
                // the columns past the output's width stay zero, so they add nothing
                Arrays.fill(g, 0, cout * rows, 0f);
            }
            FloatPointer pq = ws.buffer(0, operand);
            FloatPointer pg = ws.buffer(1, (long) cout * rows);
            FloatPointer out = ws.buffer(2, size);
            for (int k = 0; k < count; k++) {
                ws.put(0, 0, frame(x, first + k, f, sc), 0, operand);
                int gs = (first + k) * cout * outPlane;
                if (wide) {
                    for (int o = 0; o < cout; o++) {
                        for (int i = 0; i < f.oh(); i++) {
                            System.arraycopy(gy, gs + o * outPlane + i * f.ow(), g, o * rows + i * f.wp(), f.ow());
                        }
                    }
                    ws.put(1, 0, g, 0, cout * rows);
                } else {
                    ws.put(1, 0, gy, gs, cout * rows);
                }
                for (int t = 0; t < f.products(); t++) {
                    Blas.sgemm(false, false, cout, run, rows, pg, 0, rows, pq, f.productShift(t), run, out,
                            (long) t * cout * run, run, k > 0);
                }
            }
            ws.get(2, 0, sums, first / chunk * size, size);
        });
        addChunks(sums, sums, size, size, chunks);
        fromProductMatrices(sums, f, gw);
    }

    /**
     * w [C_out, C_in, kh, kw] as one [C_out, C_in x span] matrix per product of {@link #shiftedConvolution},
     * product after product: a product per tap (span 1), or per kernel row (span KW), whose column (c, s)
     * is channel c under the row's kernel column s.
     */
    private static float[] kernelMatrices(float[] w, Shift f) {
        ConvShape s = f.s();
        int cin = s.inChannels();
        int cout = s.outChannels();
        int kh = s.kernel(1);
        int kw = s.kernel(2);
        int span = f.span();
        int products = f.products();
        float[] wk = new float[products * cout * f.run()];
        if (span == 1) {
            // w as [C_out * C_in, taps] transposed: [taps, C_out * C_in], in tiles (a plain loop read w
            // across the cache and took a tenth of the 8x8 layer's forward pass)
            CpuBackend.transposeBlocked(w, cout * cin, kh * kw, wk);
            return wk;
        }
        // a product per kernel row t: column (c, s) is tap (t, s)
        int run = f.run();
        for (int t = 0; t < products; t++) {
            for (int o = 0; o < cout; o++) {
                for (int c = 0; c < cin; c++) {
                    for (int sh = 0; sh < span; sh++) {
                        wk[(t * cout + o) * run + c * span + sh] = w[(o * cin + c) * kh * kw + t * kw + sh];
                    }
                }
            }
        }
        return wk;
    }

    /**
     * {@link #shiftedWeightGradient}'s products' sums, one [C_out, run] matrix per product (column (s, c):
     * channel c under the product's s-th kernel column), into dst [C_out, C_in, kh, kw].
     */
    private static void fromProductMatrices(float[] src, Shift f, float[] dst) {
        ConvShape s = f.s();
        int cin = s.inChannels();
        int cout = s.outChannels();
        int kw = s.kernel(2);
        int taps = s.kernelVolume();
        int span = f.span();
        if (span == 1) {
            CpuBackend.transposeBlocked(src, taps, cout * cin, dst);
            return;
        }
        // a product per kernel row t: column (s, c) is tap (t, s)
        int run = f.run();
        for (int t = 0; t < f.products(); t++) {
            for (int o = 0; o < cout; o++) {
                for (int sh = 0; sh < span; sh++) {
                    int tap = t * kw + sh;
                    for (int c = 0; c < cin; c++) {
                        dst[(o * cin + c) * taps + tap] = src[(t * cout + o) * run + sh * cin + c];
                    }
                }
            }
        }
    }

    /**
     * The weight gradient's chunks after the first (in {@code later} from {@code from}, one after another)
     * added onto the first, gw [0, size), in chunk order.
     */
    private static void addChunks(float[] gw, float[] later, int from, int size, int chunks) {
        for (int c = 1; c < chunks; c++) {
            int at = from + (c - 1) * size;
            for (int j = 0; j < size; j++) {
                gw[j] += later[at + j];
            }
        }
    }

    /** The contract of {@link Backend#convolution}. */
    static void convolution(float[] x, float[] w, float[] bias, float[] y, ConvShape s, int threads, Parallel parallel) {
        if (shifts(s)) {
            shiftedConvolution(x, w, bias, y, s, threads, parallel);
            return;
        }
        int groups = s.groups();
        int cout = s.outChannels();
        int coutG = cout / groups;
        int rows = s.groupRows();
        int plane = s.outPlane();
        int block = CpuBackend.samplesPerBlock(s);
        CpuBackend.checkWorkspace(s, block);
        forBlocks(s.batch(), block, threads, parallel, w, (first, count, ws) -> {
            int width = count * plane;
            FloatPointer pw = ws.buffer(0, (long) cout * rows);
            FloatPointer cols = ws.buffer(1, (long) groups * rows * width);
            unfold(x, s, first, count, ws, 1, CpuBackend.scratch().aux(width));
            FloatPointer out = ws.buffer(2, (long) cout * width);
            for (int g = 0; g < groups; g++) {
                // out_g [coutG, width] = w_g [coutG, rows] x cols_g [rows, width]
                Blas.sgemm(false, false, coutG, width, rows, pw, (long) g * coutG * rows, rows, cols, (long) g * rows * width,
                        width, out, (long) g * coutG * width, width, false);
            }
            // [cout, count * plane] back to count samples of [cout, plane]
            for (int k = 0; k < count; k++) {
                for (int o = 0; o < cout; o++) {
                    int at = ((first + k) * cout + o) * plane;
                    ws.get(2, (long) o * width + (long) k * plane, y, at, plane);
                    if (bias != null) {
                        float b = bias[o];
                        for (int i = at; i < at + plane; i++) {
                            y[i] += b;
                        }
                    }
                }
            }
        });
    }

    /**
     * Whether a stride-1 "same" convolution's input gradient is cheaper by col2im
     * ({@link #convolutionBackwardInput}) than as the convolution of the padded output gradient with the
     * flipped weight ({@link CpuBackend}'s route for the plain-Java kernels). Both do the same
     * multiply-adds; col2im writes and adds back an unfolded matrix with C_in rows per kernel tap, the
     * other unfolds one with C_out rows per tap, and its product sums over C_out * taps instead of C_out
     * (longer sums run faster in OpenBLAS). Measured on the CIFAR-10 tutorial model (1 thread): 3 to 32
     * channels, col2im 4.5 times faster; 32 to 64, 1.6 times; 32 to 32, 1.3 to 1.6 times slower. Where
     * {@code full}, the flipped convolution, {@link #shifts} (it unfolds nothing then), that convolution
     * wins: 32 to 64 channels at 8x8, 4.2 ms against col2im's 6.3.
     */
    static boolean scattersInputGradient(ConvShape s, ConvShape full) {
        return !shifts(full) && s.outChannels() > s.inChannels();
    }

    /** The contract of {@link Backend#convolutionBackwardInput}, by col2im. */
    static void convolutionBackwardInput(float[] gy, float[] w, float[] gx, ConvShape s, int threads, Parallel parallel) {
        int groups = s.groups();
        int cout = s.outChannels();
        int coutG = cout / groups;
        int rows = s.groupRows();
        int plane = s.outPlane();
        int inSample = s.inChannels() * s.inPlane();
        // a pointwise convolution's unfolded input gradient is the input gradient itself
        int block = s.pointwise() ? 1 : CpuBackend.samplesPerBlock(s);
        CpuBackend.checkWorkspace(s, block);
        forBlocks(s.batch(), block, threads, parallel, w, (first, count, ws) -> {
            int width = count * plane;
            FloatPointer pw = ws.buffer(0, (long) cout * rows);
            FloatPointer g = ws.buffer(1, (long) cout * width);
            gather(gy, ws, 1, first, count, cout, plane);
            FloatPointer cols = ws.buffer(2, (long) groups * rows * width);
            for (int grp = 0; grp < groups; grp++) {
                // cols_g [rows, width] = w_g^T [rows, coutG] x g_g [coutG, width]
                Blas.sgemm(true, false, rows, width, coutG, pw, (long) grp * coutG * rows, rows, g, (long) grp * coutG * width,
                        width, cols, (long) grp * rows * width, width, false);
            }
            if (s.pointwise()) {
                ws.get(2, 0, gx, first * inSample, inSample);
                return;
            }
            float[] unfolded = CpuBackend.scratch().cols(groups * rows * width);
            ws.get(2, 0, unfolded, 0, groups * rows * width);
            Arrays.fill(gx, first * inSample, (first + count) * inSample, 0f);
            for (int k = 0; k < count; k++) {
                CpuBackend.col2im(unfolded, k * plane, width, s, gx, (first + k) * inSample);
            }
        });
    }

    /**
     * Whether the weight gradient is computed transposed, gw^T [rows, C_out] = cols x g^T, and transposed
     * back: OpenBLAS runs a product with many rows and few columns faster than the same product the other
     * way round (measured on a Zen 4 core, one thread: C_out 32, 800 rows, 2,048 positions 148 against
     * 91 GFLOP/s; 16 and 150, 122 against 65; 64 and 800, 152 against 124), but not on the smallest
     * (6 channels, 25 rows: 92 against 103).
     */
    static boolean transposesWeightGradient(ConvShape s) {
        int coutG = s.outChannels() / s.groups();
        return s.groupRows() >= 64 && s.groupRows() > coutG;
    }

    /**
     * The contract of {@link Backend#convolutionBackwardWeight}. Each chunk of
     * {@link CpuBackend#WEIGHT_GRAD_CHUNK} samples is one product per group, summing over the chunk's
     * samples and positions: gw_g [coutG, rows] = g_g [coutG, count * plane] x (unfolded x_g)^T; the
     * chunks' sums are then added in chunk order.
     */
    static void convolutionBackwardWeight(float[] x, float[] gy, float[] gw, ConvShape s, int threads, Parallel parallel) {
        if (shifts(s)) {
            shiftedWeightGradient(x, gy, gw, s, threads, parallel);
            return;
        }
        int n = s.batch();
        int groups = s.groups();
        int cout = s.outChannels();
        int coutG = cout / groups;
        int rows = s.groupRows();
        int plane = s.outPlane();
        if (n == 0) {
            Arrays.fill(gw, 0, cout * rows, 0f);
            return;
        }
        int chunk = CpuBackend.WEIGHT_GRAD_CHUNK;
        CpuBackend.checkWorkspace(s, Math.min(n, chunk));
        int chunks = (n + chunk - 1) / chunk;
        int size = cout * rows;
        // the chunks after the first, one after another in the calling thread's scratch (kept: no fresh
        // memory per call); the tasks write into it while this thread waits
        float[] later = CpuBackend.scratch().sums((chunks - 1) * size);
        forBlocks(n, chunk, threads, parallel, null, (first, count, ws) -> {
            int width = count * plane;
            FloatPointer g = ws.buffer(0, (long) cout * width);
            gather(gy, ws, 0, first, count, cout, plane);
            FloatPointer cols = ws.buffer(1, (long) groups * rows * width);
            unfold(x, s, first, count, ws, 1, CpuBackend.scratch().aux(width));
            FloatPointer out = ws.buffer(2, (long) cout * rows);
            float[] dst = first == 0 ? gw : later;
            int at = first == 0 ? 0 : (first / chunk - 1) * size;
            if (transposesWeightGradient(s)) {
                for (int grp = 0; grp < groups; grp++) {
                    // gw_g^T [rows, coutG] = cols_g [rows, width] x g_g^T [width, coutG]
                    Blas.sgemm(false, true, rows, coutG, width, cols, (long) grp * rows * width, width, g,
                            (long) grp * coutG * width, width, out, (long) grp * rows * coutG, coutG, false);
                }
                float[] t = CpuBackend.scratch().cols(size);
                ws.get(2, 0, t, 0, size);
                for (int grp = 0; grp < groups; grp++) {
                    int base = grp * rows * coutG;
                    for (int o = 0; o < coutG; o++) {
                        int to = at + (grp * coutG + o) * rows;
                        for (int r = 0; r < rows; r++) {
                            dst[to + r] = t[base + r * coutG + o];
                        }
                    }
                }
                return;
            }
            for (int grp = 0; grp < groups; grp++) {
                Blas.sgemm(false, true, coutG, rows, width, g, (long) grp * coutG * width, width, cols, (long) grp * rows * width,
                        width, out, (long) grp * coutG * rows, rows, false);
            }
            ws.get(2, 0, dst, at, size);
        });
        addChunks(gw, later, 0, size, chunks);
    }

    /** Samples first..first+count-1 of t [N, channels, plane] side by side into operand {@code which}: [channels, count * plane]. */
    private static void gather(float[] t, Blas.Workspace ws, int which, int first, int count, int channels, int plane) {
        if (count == 1) {
            ws.put(which, 0, t, first * channels * plane, channels * plane);
            return;
        }
        int width = count * plane;
        for (int k = 0; k < count; k++) {
            for (int o = 0; o < channels; o++) {
                ws.put(which, (long) o * width + (long) k * plane, t, ((first + k) * channels + o) * plane, plane);
            }
        }
    }
}
