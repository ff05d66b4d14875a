package com.layerlab.engine.tensor;

import java.util.Arrays;
import java.util.function.IntConsumer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * The CPU backend's matrix products and convolutions through OpenBLAS ({@link Blas}). A convolution is
 * the same im2col route as the plain-Java kernels in {@link CpuBackend}: the weight times the unfolded
 * input of a few samples side by side (forward), the weight's transpose times the output gradient,
 * added back with col2im (input gradient), the output gradient times the unfolded input's transpose
 * (weight gradient). Here the unfolded input is written row by row into the native buffer the product
 * reads.
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
     * when not null, goes into operand 0 once per task, for all of its blocks.
     */
    private static void forBlocks(int n, int block, int threads, Parallel parallel, float[] weight, BlockBody body) {
        int blocks = (n + block - 1) / block;
        int tasks = Math.min(blocks, threads * CpuBackend.TASKS_PER_THREAD);
        parallel.run(tasks, t -> {
            Blas.Workspace ws = Blas.workspace();
            if (weight != null) {
                ws.buffer(0, weight.length);
                ws.put(0, 0, weight, 0, weight.length);
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

    /** The contract of {@link Backend#convolution}. */
    static void convolution(float[] x, float[] w, float[] bias, float[] y, ConvShape s, int threads, Parallel parallel) {
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
     * channels, col2im 4.5 times faster; 32 to 64, 1.6 times; 32 to 32, 1.3 to 1.6 times slower.
     */
    static boolean scattersInputGradient(ConvShape s) {
        return s.outChannels() > s.inChannels();
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
        for (int c = 1; c < chunks; c++) {
            int at = (c - 1) * size;
            for (int j = 0; j < size; j++) {
                gw[j] += later[at + j];
            }
        }
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
