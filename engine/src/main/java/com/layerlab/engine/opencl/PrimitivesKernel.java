package com.layerlab.engine.opencl;

import com.aparapi.Kernel;

/**
 * Every primitive of the opencl backend in one Aparapi kernel, chosen by an op code. One kernel because
 * Aparapi gives each kernel instance its own OpenCL context and its own buffers: two kernels cannot
 * share device memory, so tensors that stay on the device across operations must all live in the
 * buffers of one kernel. A device's tensors are ranges of {@link #mem} (see {@link DevicePool}); the
 * host only ever transfers {@link #stage}, the parameters ({@link #ip}, {@link #fp}) and, when the pool
 * grows, the pool itself.
 *
 * <p>Aparapi translates {@link #run()} and the methods it calls to OpenCL C, so they keep to what it
 * can translate: primitive arrays and scalars, if/else and loops without break, no switch, no objects.
 * Every output element is computed by one work item, summing in a fixed order, so the bits do not
 * depend on the scheduling. The parameter layouts are written by {@link OpenClBackend}, one op at a time.
 */
final class PrimitivesKernel extends Kernel {

    static final int FILL = 1;
    static final int STAGE_IN = 2;
    static final int STAGE_OUT = 3;
    static final int UNARY = 4;
    static final int UNARY_BACKWARD = 5;
    static final int BINARY = 6;
    static final int BROADCAST = 7;
    static final int SUM = 8;
    static final int MAX = 9;
    static final int MATMUL = 10;
    static final int TRANSPOSE = 11;
    static final int CONV = 12;
    static final int CONV_BACKWARD_INPUT = 13;
    static final int CONV_BACKWARD_WEIGHT = 14;
    static final int MAX_POOL = 15;
    static final int MAX_POOL_BACKWARD = 16;
    static final int AVG_POOL = 17;
    static final int AVG_POOL_BACKWARD = 18;
    static final int SGD = 19;
    static final int ADAM = 20;
    static final int BATCH_NORM_STATS = 21;
    static final int LOSS = 22;
    static final int LOSS_BACKWARD = 23;
    static final int COUNT_CORRECT = 24;

    // Backend.UnaryOp by ordinal
    static final int NEG = 0;
    static final int EXP = 1;
    static final int LOG = 2;
    static final int ABS = 3;
    static final int RELU = 4;
    static final int LEAKY_RELU = 5;
    static final int TANH = 6;
    static final int SIGMOID = 7;
    static final int SOFTPLUS = 8;
    static final int SQRT = 9;

    // Backend.LossOp by ordinal
    static final int MSE = 0;
    static final int BCE_WITH_LOGITS = 1;
    static final int CROSS_ENTROPY = 2;

    // Backend.BinaryOp by ordinal
    static final int ADD = 0;
    static final int SUB = 1;
    static final int MUL = 2;
    static final int DIV = 3;
    static final int EQ = 4;

    /** The highest rank broadcasting handles (the shapes' dimensions travel in {@link #ip}). */
    static final int MAX_RANK = 8;
    /** Matrix products run in TILE x TILE work groups over tiles of both operands in local memory. */
    static final int TILE = 16;
    /** ip[0] is the op code, ip[1] the number of work items (rows for a matrix product), its operands from ip[2]. */
    static final int PARAMS = 64;

    /** The device's memory: every storage is a range of it. */
    float[] mem;
    /** The host's window for transfers: copied to or from the device whole, then moved within the device. */
    float[] stage;
    /** Integer parameters of the current op: ip[0] the op, then offsets into {@link #mem}, sizes, flags. */
    final int[] ip = new int[PARAMS];
    /** Float parameters of the current op. */
    final float[] fp = new float[16];

    @Local final float[] tileA = new float[TILE * TILE];
    @Local final float[] tileB = new float[TILE * TILE];

    PrimitivesKernel(float[] mem, float[] stage) {
        this.mem = mem;
        this.stage = stage;
    }

    @Override
    public void run() {
        int op = ip[0];
        if (op == MATMUL) {
            // every work item of a group must reach the barriers: no early return before
            matmul();
        } else {
            int g = getGlobalId();
            if (g < ip[1]) {
                elementOp(op, g);
            }
        }
    }

    /** Ops with one work item per output element; ip[1] is the number of work items. */
    private void elementOp(int op, int g) {
        if (op == FILL) {
            mem[ip[2] + g] = fp[0];
        } else if (op == STAGE_IN) {
            mem[ip[2] + g] = stage[g];
        } else if (op == STAGE_OUT) {
            // one work item past the range copies the pool's sentinel (DevicePool.SENTINEL)
            stage[g] = g < ip[1] - 1 ? mem[ip[2] + g] : mem[0];
        } else if (op == UNARY) {
            mem[ip[4] + g] = unary(ip[2], fp[0], mem[ip[3] + g]);
        } else if (op == UNARY_BACKWARD) {
            mem[ip[6] + g] = unaryBackward(ip[2], fp[0], mem[ip[3] + g], mem[ip[4] + g], mem[ip[5] + g]);
        } else if (op == BINARY) {
            binary(g);
        } else if (op == BROADCAST) {
            mem[ip[3] + g] = mem[ip[2] + broadcastIndex(g, 16)];
        } else if (op == SUM) {
            sumReduce(g);
        } else if (op == MAX) {
            maxReduce(g);
        } else if (op == TRANSPOSE) {
            int cols = ip[5];
            int r = g / cols;
            int c = g - r * cols;
            mem[ip[3] + c * ip[4] + r] = mem[ip[2] + g];
        } else if (op == CONV) {
            convolution(g);
        } else if (op == CONV_BACKWARD_INPUT) {
            convolutionBackwardInput(g);
        } else if (op == CONV_BACKWARD_WEIGHT) {
            convolutionBackwardWeight(g);
        } else if (op == MAX_POOL) {
            maxPool(g);
        } else if (op == MAX_POOL_BACKWARD) {
            maxPoolBackward(g);
        } else if (op == AVG_POOL) {
            avgPool(g);
        } else if (op == AVG_POOL_BACKWARD) {
            avgPoolBackward(g);
        } else if (op == SGD) {
            sgd(g);
        } else if (op == ADAM) {
            adam(g);
        } else if (op == BATCH_NORM_STATS) {
            batchNormStats(g);
        } else if (op == LOSS) {
            loss();
        } else if (op == LOSS_BACKWARD) {
            lossBackward(g);
        } else if (op == COUNT_CORRECT) {
            countCorrect();
        }
    }

    // ---- element-wise

    private float unary(int f, float alpha, float x) {
        float y = 0f;
        if (f == NEG) {
            y = -x;
        } else if (f == EXP) {
            y = exp(x);
        } else if (f == LOG) {
            y = log(x);
        } else if (f == ABS) {
            y = abs(x);
        } else if (f == RELU) {
            // NaN stays NaN and -0 becomes 0, as PyTorch's relu (OpenCL's fmax would drop the NaN)
            y = x != x ? x : (x > 0f ? x : 0f);
        } else if (f == LEAKY_RELU) {
            y = x > 0f ? x : x * alpha;
        } else if (f == TANH) {
            y = tanhOf(x);
        } else if (f == SIGMOID) {
            y = 1f / (1f + exp(-x));
        } else if (f == SOFTPLUS) {
            y = (x > 0f ? x : 0f) + log1p(exp(-abs(x)));
        } else if (f == SQRT) {
            y = sqrt(x);
        }
        return y;
    }

    /** tanh from exp, as the CPU backend computes it. */
    private float tanhOf(float x) {
        float ax = abs(x);
        float r = x;
        if (ax >= 1e-4f) {
            float t = exp(-2f * ax);
            r = (1f - t) / (1f + t);
            r = x < 0f ? -r : r;
        }
        return r;
    }

    private float unaryBackward(int f, float alpha, float x, float y, float gy) {
        float gx = 0f;
        if (f == NEG) {
            gx = -gy;
        } else if (f == EXP) {
            gx = gy * y;
        } else if (f == LOG) {
            gx = gy / x;
        } else if (f == ABS) {
            gx = gy * (x > 0f ? 1f : (x < 0f ? -1f : x));
        } else if (f == RELU) {
            gx = x > 0f ? gy : 0f;
        } else if (f == LEAKY_RELU) {
            gx = x > 0f ? gy : gy * alpha;
        } else if (f == TANH) {
            gx = gy * (1f - y * y);
        } else if (f == SIGMOID) {
            gx = gy * (y * (1f - y));
        } else if (f == SOFTPLUS) {
            gx = gy / (1f + exp(-x));
        } else if (f == SQRT) {
            gx = gy / (2f * y);
        }
        return gx;
    }

    /**
     * ip: 2 a, 3 b, 4 out, 5 op, 6 rank, 8.. out shape, 16.. a strides, 24.. b strides (0 on broadcast axes).
     */
    private void binary(int g) {
        float a = mem[ip[2] + broadcastIndex(g, 16)];
        float b = mem[ip[3] + broadcastIndex(g, 24)];
        int f = ip[5];
        float r = 0f;
        if (f == ADD) {
            r = a + b;
        } else if (f == SUB) {
            r = a - b;
        } else if (f == MUL) {
            r = a * b;
        } else if (f == DIV) {
            r = a / b;
        } else if (f == EQ) {
            r = a == b ? 1f : 0f;
        }
        mem[ip[4] + g] = r;
    }

    /** The element of an operand that output element g reads: its strides are at ip[strides..], the output shape at ip[8..]. */
    private int broadcastIndex(int g, int strides) {
        int rank = ip[6];
        int rest = g;
        int at = 0;
        for (int d = rank - 1; d >= 0; d--) {
            int size = ip[8 + d];
            int c = rest % size;
            rest = rest / size;
            at += c * ip[strides + d];
        }
        return at;
    }

    /** ip: 2 x, 3 out, 4 reduce, 5 inner. Compensated (Kahan) summation: the CPU sums in double. */
    private void sumReduce(int g) {
        int reduce = ip[4];
        int inner = ip[5];
        int o = g / inner;
        int i = g - o * inner;
        int base = ip[2] + o * reduce * inner + i;
        float s = 0f;
        float c = 0f;
        for (int r = 0; r < reduce; r++) {
            float y = mem[base + r * inner] - c;
            float t = s + y;
            c = (t - s) - y;
            s = t;
        }
        mem[ip[3] + g] = s;
    }

    /** ip: 2 x, 3 out, 4 reduce, 5 inner. NaN wins, as in PyTorch. */
    private void maxReduce(int g) {
        int reduce = ip[4];
        int inner = ip[5];
        int o = g / inner;
        int i = g - o * inner;
        int base = ip[2] + o * reduce * inner + i;
        float m = mem[base];
        for (int r = 1; r < reduce; r++) {
            float v = mem[base + r * inner];
            if (v > m || v != v) {
                m = v;
            }
        }
        mem[ip[3] + g] = m;
    }

    // ---- matrix product

    /**
     * ip: 1 m, 2 a, 3 b, 4 c, 5 k, 6 n, 7 a's row stride, 8 a's column stride, 9 b's row stride, 10 b's
     * column stride (a transposed operand is read through its strides). A 2D range over (column, row),
     * in TILE x TILE groups: each group stages a tile of a and of b in local memory per step along k;
     * each work item sums its element in the order p = 0, 1, ... with fused multiply-adds.
     */
    private void matmul() {
        int m = ip[1];
        int k = ip[5];
        int n = ip[6];
        int aRow = ip[7];
        int aCol = ip[8];
        int bRow = ip[9];
        int bCol = ip[10];
        int col = getGlobalId(0);
        int row = getGlobalId(1);
        int lc = getLocalId(0);
        int lr = getLocalId(1);
        float acc = 0f;
        for (int t = 0; t < k; t += TILE) {
            int ap = t + lc;
            tileA[lr * TILE + lc] = row < m && ap < k ? mem[ip[2] + row * aRow + ap * aCol] : 0f;
            int bp = t + lr;
            tileB[lr * TILE + lc] = col < n && bp < k ? mem[ip[3] + bp * bRow + col * bCol] : 0f;
            localBarrier();
            int steps = k - t < TILE ? k - t : TILE;
            for (int q = 0; q < steps; q++) {
                acc = fma(tileA[lr * TILE + q], tileB[q * TILE + lc], acc);
            }
            localBarrier();
        }
        if (row < m && col < n) {
            mem[ip[4] + row * n + col] = acc;
        }
    }

    // ---- convolution, direct: each work item sums one output element over its window

    /*
     * Convolution parameters (ConvShape), shared by the three ops: ip 2 x, 3 w, 4 out, 5 bias or -1,
     * 6 batch, 7 C_in, 8 C_out, 9 groups, 10-12 input D H W, 13-15 output D H W, 16-18 kernel,
     * 19-21 stride, 22-24 padding, 25-27 dilation.
     */

    /** y[n, co, zd, zh, zw] = bias[co] + sum over (ci, kd, kh, kw) of w * x under the tap. */
    private void convolution(int g) {
        int cin = ip[7];
        int cout = ip[8];
        int groups = ip[9];
        int outPlane = ip[13] * ip[14] * ip[15];
        int zw = g % ip[15];
        int zh = g / ip[15] % ip[14];
        int zd = g / (ip[15] * ip[14]) % ip[13];
        int co = g / outPlane % cout;
        int nb = g / (outPlane * cout);
        int cinG = cin / groups;
        int grp = co / (cout / groups);
        int kvol = ip[16] * ip[17] * ip[18];
        int inPlane = ip[10] * ip[11] * ip[12];
        float acc = ip[5] >= 0 ? mem[ip[5] + co] : 0f;
        for (int ci = 0; ci < cinG; ci++) {
            int xc = ip[2] + (nb * cin + grp * cinG + ci) * inPlane;
            int wc = ip[3] + (co * cinG + ci) * kvol;
            for (int kd = 0; kd < ip[16]; kd++) {
                int id = zd * ip[19] - ip[22] + kd * ip[25];
                for (int kh = 0; kh < ip[17]; kh++) {
                    int ih = zh * ip[20] - ip[23] + kh * ip[26];
                    for (int kw = 0; kw < ip[18]; kw++) {
                        int iw = zw * ip[21] - ip[24] + kw * ip[27];
                        if (id >= 0 && id < ip[10] && ih >= 0 && ih < ip[11] && iw >= 0 && iw < ip[12]) {
                            acc = fma(mem[wc + (kd * ip[17] + kh) * ip[18] + kw],
                                    mem[xc + (id * ip[11] + ih) * ip[12] + iw], acc);
                        }
                    }
                }
            }
        }
        mem[ip[4] + g] = acc;
    }

    /**
     * gx[n, ci, id, ih, iw] = sum over the output channels of its group and the kernel taps whose output
     * position (i + padding - tap * dilation) / stride is whole and inside the output, of gy * w.
     * ip 2 is gy, 4 gx.
     */
    private void convolutionBackwardInput(int g) {
        int cin = ip[7];
        int cout = ip[8];
        int groups = ip[9];
        int inPlane = ip[10] * ip[11] * ip[12];
        int iw = g % ip[12];
        int ih = g / ip[12] % ip[11];
        int id = g / (ip[12] * ip[11]) % ip[10];
        int c = g / inPlane % cin;
        int nb = g / (inPlane * cin);
        int cinG = cin / groups;
        int coutG = cout / groups;
        int grp = c / cinG;
        int ci = c - grp * cinG;
        int kvol = ip[16] * ip[17] * ip[18];
        int outPlane = ip[13] * ip[14] * ip[15];
        float acc = 0f;
        for (int o = 0; o < coutG; o++) {
            int co = grp * coutG + o;
            int gyc = ip[2] + (nb * cout + co) * outPlane;
            int wc = ip[3] + (co * cinG + ci) * kvol;
            for (int kd = 0; kd < ip[16]; kd++) {
                int sd = id + ip[22] - kd * ip[25];
                int zd = sd / ip[19];
                boolean okD = sd >= 0 && zd * ip[19] == sd && zd < ip[13];
                for (int kh = 0; kh < ip[17]; kh++) {
                    int sh = ih + ip[23] - kh * ip[26];
                    int zh = sh / ip[20];
                    boolean okH = sh >= 0 && zh * ip[20] == sh && zh < ip[14];
                    for (int kw = 0; kw < ip[18]; kw++) {
                        int sw = iw + ip[24] - kw * ip[27];
                        int zw = sw / ip[21];
                        if (okD && okH && sw >= 0 && zw * ip[21] == sw && zw < ip[15]) {
                            acc = fma(mem[gyc + (zd * ip[14] + zh) * ip[15] + zw],
                                    mem[wc + (kd * ip[17] + kh) * ip[18] + kw], acc);
                        }
                    }
                }
            }
        }
        mem[ip[4] + g] = acc;
    }

    /** gw[co, ci, kd, kh, kw] = sum over the batch and the output positions of gy * x under the tap. ip 2 x, 3 gy, 4 gw. */
    private void convolutionBackwardWeight(int g) {
        int cin = ip[7];
        int cout = ip[8];
        int groups = ip[9];
        int cinG = cin / groups;
        int kvol = ip[16] * ip[17] * ip[18];
        int kw = g % ip[18];
        int kh = g / ip[18] % ip[17];
        int kd = g / (ip[18] * ip[17]) % ip[16];
        int ci = g / kvol % cinG;
        int co = g / (kvol * cinG);
        int grp = co / (cout / groups);
        int inPlane = ip[10] * ip[11] * ip[12];
        int outPlane = ip[13] * ip[14] * ip[15];
        float acc = 0f;
        for (int nb = 0; nb < ip[6]; nb++) {
            int xc = ip[2] + (nb * cin + grp * cinG + ci) * inPlane;
            int gyc = ip[3] + (nb * cout + co) * outPlane;
            for (int zd = 0; zd < ip[13]; zd++) {
                int id = zd * ip[19] - ip[22] + kd * ip[25];
                for (int zh = 0; zh < ip[14]; zh++) {
                    int ih = zh * ip[20] - ip[23] + kh * ip[26];
                    for (int zw = 0; zw < ip[15]; zw++) {
                        int iw = zw * ip[21] - ip[24] + kw * ip[27];
                        if (id >= 0 && id < ip[10] && ih >= 0 && ih < ip[11] && iw >= 0 && iw < ip[12]) {
                            acc = fma(mem[gyc + (zd * ip[14] + zh) * ip[15] + zw],
                                    mem[xc + (id * ip[11] + ih) * ip[12] + iw], acc);
                        }
                    }
                }
            }
        }
        mem[ip[4] + g] = acc;
    }

    // ---- pooling

    /*
     * Pooling parameters (PoolShape): ip 2 x or gy, 3 y or gx, 4 argmax, 5 H, 6 W, 7 OH, 8 OW,
     * 9-10 kernel, 11-12 stride, 13-14 padding, 15-16 dilation. fp[0] is -infinity (the value of a window
     * that covers no input), passed in because a literal infinity does not translate.
     */

    /** PyTorch's window scan: the first element, then every later one that is greater or NaN. */
    private void maxPool(int g) {
        int h = ip[5];
        int w = ip[6];
        int outPlane = ip[7] * ip[8];
        int plane = g / outPlane;
        int o = g - plane * outPlane;
        int zh = o / ip[8];
        int zw = o - zh * ip[8];
        int xb = ip[2] + plane * h * w;
        float best = fp[0];
        int at = -1;
        for (int i = 0; i < ip[9]; i++) {
            int ih = zh * ip[11] - ip[13] + i * ip[15];
            for (int j = 0; j < ip[10]; j++) {
                int iw = zw * ip[12] - ip[14] + j * ip[16];
                if (ih >= 0 && ih < h && iw >= 0 && iw < w) {
                    float v = mem[xb + ih * w + iw];
                    if (at < 0 || v > best || v != v) {
                        best = v;
                        at = ih * w + iw;
                    }
                }
            }
        }
        mem[ip[3] + g] = best;
        mem[ip[4] + g] = at;
    }

    /** gx at one input position: the sum, in output order, of gy over the windows whose maximum it was. */
    private void maxPoolBackward(int g) {
        int h = ip[5];
        int w = ip[6];
        int inPlane = h * w;
        int plane = g / inPlane;
        int pos = g - plane * inPlane;
        int ih = pos / w;
        int iw = pos - ih * w;
        int outBase = plane * ip[7] * ip[8];
        int lastH = (ip[9] - 1) * ip[15];
        int lastW = (ip[10] - 1) * ip[16];
        float acc = 0f;
        for (int zh = firstWindow(ih + ip[13] - lastH, ip[11]); zh <= (ih + ip[13]) / ip[11] && zh < ip[7]; zh++) {
            for (int zw = firstWindow(iw + ip[14] - lastW, ip[12]); zw <= (iw + ip[14]) / ip[12] && zw < ip[8]; zw++) {
                int o = outBase + zh * ip[8] + zw;
                if (mem[ip[4] + o] == pos) {
                    acc += mem[ip[2] + o];
                }
            }
        }
        mem[ip[3] + g] = acc;
    }

    /** The first window (of stride {@code stride}) whose span reaches {@code from}: ceil(from / stride), at least 0. */
    private int firstWindow(int from, int stride) {
        return from <= 0 ? 0 : (from + stride - 1) / stride;
    }

    /** As the CPU's avg_pool2d: bounds clipped to the input, divisor clipped to the padded input only. */
    private void avgPool(int g) {
        int h = ip[5];
        int w = ip[6];
        int outPlane = ip[7] * ip[8];
        int plane = g / outPlane;
        int o = g - plane * outPlane;
        int zh = o / ip[8];
        int zw = o - zh * ip[8];
        int xb = ip[2] + plane * h * w;
        int h0 = zh * ip[11] - ip[13];
        int h1 = min(h0 + ip[9], h + ip[13]);
        int w0 = zw * ip[12] - ip[14];
        int w1 = min(w0 + ip[10], w + ip[14]);
        int divisor = (h1 - h0) * (w1 - w0);
        float acc = 0f;
        for (int ih = max(h0, 0); ih < min(h1, h); ih++) {
            for (int iw = max(w0, 0); iw < min(w1, w); iw++) {
                acc += mem[xb + ih * w + iw];
            }
        }
        mem[ip[3] + g] = acc / divisor;
    }

    /** gx at one input position: the sum, in output order, of gy / divisor over the windows covering it. */
    private void avgPoolBackward(int g) {
        int h = ip[5];
        int w = ip[6];
        int inPlane = h * w;
        int plane = g / inPlane;
        int pos = g - plane * inPlane;
        int ih = pos / w;
        int iw = pos - ih * w;
        int outBase = plane * ip[7] * ip[8];
        float acc = 0f;
        for (int zh = firstWindow(ih + ip[13] - ip[9] + 1, ip[11]); zh <= (ih + ip[13]) / ip[11] && zh < ip[7]; zh++) {
            int h0 = zh * ip[11] - ip[13];
            int rows = min(h0 + ip[9], h + ip[13]) - h0;
            for (int zw = firstWindow(iw + ip[14] - ip[10] + 1, ip[12]); zw <= (iw + ip[14]) / ip[12] && zw < ip[8]; zw++) {
                int w0 = zw * ip[12] - ip[14];
                int divisor = rows * (min(w0 + ip[10], w + ip[14]) - w0);
                acc += mem[ip[2] + outBase + zh * ip[8] + zw] / divisor;
            }
        }
        mem[ip[3] + g] = acc;
    }

    // ---- updates in place

    /** ip: 2 p, 3 grad, 4 buf, 5 momentum on, 6 nesterov, 7 first; fp: 0 lr, 1 momentum, 2 weight decay. */
    private void sgd(int i) {
        int p = ip[2] + i;
        float grad = mem[ip[3] + i];
        if (fp[2] != 0f) {
            grad += fp[2] * mem[p];
        }
        if (ip[5] != 0) {
            int b = ip[4] + i;
            float buf = ip[7] != 0 ? grad : mem[b] * fp[1] + grad;
            mem[b] = buf;
            grad = ip[6] != 0 ? grad + fp[1] * buf : buf;
        }
        mem[p] = mem[p] - fp[0] * grad;
    }

    /**
     * ip: 2 p, 3 grad, 4 m, 5 v; fp: 0 step size, 1 sqrt of bias correction 2, 2 1 - beta1, 3 beta2,
     * 4 1 - beta2, 5 eps, 6 weight decay. The moment update is torch.lerp's formula, as on the CPU.
     */
    private void adam(int i) {
        int p = ip[2] + i;
        float grad = mem[ip[3] + i];
        if (fp[6] != 0f) {
            grad += fp[6] * mem[p];
        }
        float m = mem[ip[4] + i];
        float w = fp[2];
        m = w < 0.5f ? m + w * (grad - m) : grad - (grad - m) * (1f - w);
        float v = mem[ip[5] + i] * fp[3] + fp[4] * grad * grad;
        mem[ip[4] + i] = m;
        mem[ip[5] + i] = v;
        float denom = sqrt(v) / fp[1] + fp[5];
        mem[p] = mem[p] - fp[0] * (m / denom);
    }

    /** ip: 2 running mean, 3 running var, 4 batches tracked, 5 mean, 6 var, 7 channels; fp: 0 momentum, 1 unbias. */
    private void batchNormStats(int c) {
        float momentum = fp[0];
        if (c < ip[7]) {
            mem[ip[2] + c] = (1 - momentum) * mem[ip[2] + c] + momentum * mem[ip[5] + c];
            mem[ip[3] + c] = (1 - momentum) * mem[ip[3] + c] + momentum * (mem[ip[6] + c] * fp[1]);
        }
        if (c == 0) {
            mem[ip[4]] = mem[ip[4]] + 1;
        }
    }

    // ---- losses and metrics

    /*
     * Loss parameters: ip 2 the LossOp, 3 x, 4 target (or labels), 5 out (or gx), 6 rows, 7 columns,
     * 8 gy (backward), 9 clamp (count); fp[1] NaN.
     */

    /** One work item: out = the mean of the loss's terms, Kahan-summed in order (the CPU sums in double). */
    private void loss() {
        int kind = ip[2];
        int columns = ip[7];
        int terms = ip[6] * columns;
        if (kind == CROSS_ENTROPY) {
            terms = ip[6];
        }
        float s = 0f;
        float c = 0f;
        for (int i = 0; i < terms; i++) {
            float term = 0f;
            if (kind == MSE) {
                float d = mem[ip[3] + i] - mem[ip[4] + i];
                term = d * d;
            } else if (kind == BCE_WITH_LOGITS) {
                float v = mem[ip[3] + i];
                term = (v > 0f ? v : 0f) + log1p(exp(-abs(v))) - v * mem[ip[4] + i];
            } else {
                term = logProbability(ip[3] + i * columns, mem[ip[4] + i], columns);
            }
            float y = term - c;
            float t = s + y;
            c = (t - s) - y;
            s = t;
        }
        float mean = s / terms;
        if (kind == CROSS_ENTROPY) {
            mean = -mean;
        }
        mem[ip[5]] = mean;
    }

    /** log softmax of the row of logits at {@code row}, at class {@code label}; NaN for a label that is no class. */
    private float logProbability(int row, float label, int columns) {
        float m = rowMax(row, columns);
        float logSum = log(expSum(row, columns, m));
        float r = fp[1];
        int c = classOf(label, columns);
        if (c >= 0) {
            r = (mem[row + c] - m) - logSum;
        }
        return r;
    }

    /**
     * The class {@code label} names, or -1 for none (ClassLabels' rule: a whole number in 0..classes-1).
     * The range is checked before the cast, which OpenCL C leaves undefined for NaN and large values.
     */
    private int classOf(float label, int classes) {
        int c = -1;
        if (label >= 0f && label < classes) {
            int whole = (int) label;
            if (whole == label) {
                c = whole;
            }
        }
        return c;
    }

    /** The largest of a row; NaN wins, as in the max reduction. */
    private float rowMax(int row, int columns) {
        float m = mem[row];
        for (int k = 1; k < columns; k++) {
            float v = mem[row + k];
            if (v > m || v != v) {
                m = v;
            }
        }
        return m;
    }

    /** The sum of exp(x - m) over a row, Kahan-summed. */
    private float expSum(int row, int columns, float m) {
        float s = 0f;
        float c = 0f;
        for (int k = 0; k < columns; k++) {
            float y = exp(mem[row + k] - m) - c;
            float t = s + y;
            c = (t - s) - y;
            s = t;
        }
        return s;
    }

    /** gx[g] = gy times the loss's gradient at element g. */
    private void lossBackward(int g) {
        int kind = ip[2];
        int columns = ip[7];
        float gy = mem[ip[8]];
        float v = mem[ip[3] + g];
        float r = 0f;
        if (kind == MSE) {
            // not "half": a type's name in OpenCL C
            float share = gy / (ip[6] * columns) * (v - mem[ip[4] + g]);
            r = share + share;
        } else if (kind == BCE_WITH_LOGITS) {
            float w = gy / (ip[6] * columns);
            r = w / (1f + exp(-v)) - w * mem[ip[4] + g];
        } else {
            int row = g / columns;
            int k = g - row * columns;
            int at = ip[3] + row * columns;
            float m = rowMax(at, columns);
            float w = gy / ip[6];
            r = w / expSum(at, columns, m) * exp(v - m);
            if (mem[ip[4] + row] == k) {
                r = r - w;
            }
        }
        mem[ip[5] + g] = r;
    }

    /** One work item: out = the rows whose predicted class (Backend.countCorrect's rule) is their label. */
    private void countCorrect() {
        int columns = ip[7];
        int right = 0;
        for (int r = 0; r < ip[6]; r++) {
            int row = ip[3] + r * columns;
            int predicted = 0;
            if (columns == 1) {
                float p = score(row);
                if (p > 1f - p) {
                    predicted = 1;
                }
            } else {
                float best = score(row);
                for (int k = 1; k < columns; k++) {
                    float q = score(row + k);
                    if (q > best) {
                        best = q;
                        predicted = k;
                    }
                }
            }
            // a label that names no class is -1: never predicted
            if (predicted == classOf(mem[ip[4] + r], max(columns, 2))) {
                right++;
            }
        }
        mem[ip[5]] = right;
    }

    /** A class score, clamped into [0, 1] when ip[9] says (NaN stays NaN, as Math.min and max keep it). */
    private float score(int at) {
        float v = mem[at];
        if (ip[9] != 0 && v == v) {
            v = v < 0f ? 0f : (v > 1f ? 1f : v);
        }
        return v;
    }
}
