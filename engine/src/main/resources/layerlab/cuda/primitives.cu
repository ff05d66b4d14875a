// Every primitive of the cuda backend (engine.cuda.CudaBackend), compiled at run time by NVRTC for the
// device's architecture. Each output element is computed by one thread (or, for the weight gradient,
// one block) that sums in a fixed order, so the bits do not depend on the scheduling. The op codes
// follow Backend.UnaryOp and Backend.BinaryOp by ordinal.

#define MAX_RANK 8

// broadcasting: the output shape and each operand's strides (0 on broadcast axes), passed by value
struct Bcast {
    int rank;
    int shape[MAX_RANK];
    int sa[MAX_RANK];
    int sb[MAX_RANK];
};

// the convolution's geometry (ConvShape): input, output, kernel, stride, padding, dilation per axis (D H W)
struct Conv {
    int batch, cin, cout, groups;
    int in[3], out[3], k[3], stride[3], pad[3], dil[3];
};

// the pooling's geometry (PoolShape)
struct Pool {
    int h, w, oh, ow;
    int k[2], stride[2], pad[2], dil[2];
};

__device__ __forceinline__ int gid() {
    return blockIdx.x * blockDim.x + threadIdx.x;
}

extern "C" __global__ void fill(float* out, float v, int n) {
    int g = gid();
    if (g < n) out[g] = v;
}

// tanh from exp, as the CPU backend computes it
__device__ float tanh_of(float x) {
    float ax = fabsf(x);
    float r = x;
    if (ax >= 1e-4f) {
        float t = expf(-2.0f * ax);
        r = (1.0f - t) / (1.0f + t);
        r = x < 0.0f ? -r : r;
    }
    return r;
}

extern "C" __global__ void unary(int f, float alpha, const float* x, float* out, int n) {
    int g = gid();
    if (g >= n) return;
    float v = x[g];
    float y = 0.0f;
    switch (f) {
        case 0: y = -v; break;
        case 1: y = expf(v); break;
        case 2: y = logf(v); break;
        case 3: y = fabsf(v); break;
        // NaN stays NaN and -0 becomes 0, as PyTorch's relu (fmaxf would drop the NaN)
        case 4: y = v != v ? v : (v > 0.0f ? v : 0.0f); break;
        case 5: y = v > 0.0f ? v : v * alpha; break;
        case 6: y = tanh_of(v); break;
        case 7: y = 1.0f / (1.0f + expf(-v)); break;
        case 8: y = (v > 0.0f ? v : 0.0f) + log1pf(expf(-fabsf(v))); break;
        case 9: y = sqrtf(v); break;
    }
    out[g] = y;
}

extern "C" __global__ void unary_backward(int f, float alpha, const float* x, const float* y, const float* gy,
                                          float* gx, int n) {
    int g = gid();
    if (g >= n) return;
    float xv = x[g];
    float yv = y[g];
    float d = gy[g];
    float r = 0.0f;
    switch (f) {
        case 0: r = -d; break;
        case 1: r = d * yv; break;
        case 2: r = d / xv; break;
        case 3: r = d * (xv > 0.0f ? 1.0f : (xv < 0.0f ? -1.0f : xv)); break;
        case 4: r = xv > 0.0f ? d : 0.0f; break;
        case 5: r = xv > 0.0f ? d : d * alpha; break;
        case 6: r = d * (1.0f - yv * yv); break;
        case 7: r = d * (yv * (1.0f - yv)); break;
        case 8: r = d / (1.0f + expf(-xv)); break;
        case 9: r = d / (2.0f * yv); break;
    }
    gx[g] = r;
}

// the element of an operand that output element g reads, through that operand's strides
__device__ int bcast_index(int g, const Bcast& b, const int* strides) {
    int rest = g;
    int at = 0;
    for (int d = b.rank - 1; d >= 0; d--) {
        int size = b.shape[d];
        int c = rest % size;
        rest /= size;
        at += c * strides[d];
    }
    return at;
}

extern "C" __global__ void binary(int f, const float* a, const float* b, float* out, int n, Bcast s) {
    int g = gid();
    if (g >= n) return;
    float x = a[bcast_index(g, s, s.sa)];
    float y = b[bcast_index(g, s, s.sb)];
    float r = 0.0f;
    switch (f) {
        case 0: r = x + y; break;
        case 1: r = x - y; break;
        case 2: r = x * y; break;
        case 3: r = x / y; break;
        case 4: r = x == y ? 1.0f : 0.0f; break;
    }
    out[g] = r;
}

extern "C" __global__ void broadcast(const float* x, float* out, int n, Bcast s) {
    int g = gid();
    if (g < n) out[g] = x[bcast_index(g, s, s.sa)];
}

// x as [outer, reduce, inner]; summed in double, in order, as the CPU sums
extern "C" __global__ void sum_reduce(const float* x, float* out, int outer, int reduce, int inner) {
    int g = gid();
    if (g >= outer * inner) return;
    int o = g / inner;
    int i = g - o * inner;
    const float* p = x + (long long) o * reduce * inner + i;
    double s = 0.0;
    for (int r = 0; r < reduce; r++) s += p[(long long) r * inner];
    out[g] = (float) s;
}

// NaN wins, as in PyTorch
extern "C" __global__ void max_reduce(const float* x, float* out, int outer, int reduce, int inner) {
    int g = gid();
    if (g >= outer * inner) return;
    int o = g / inner;
    int i = g - o * inner;
    const float* p = x + (long long) o * reduce * inner + i;
    float m = p[0];
    for (int r = 1; r < reduce; r++) {
        float v = p[(long long) r * inner];
        if (v > m || v != v) m = v;
    }
    out[g] = m;
}

extern "C" __global__ void transpose(const float* x, float* out, int rows, int cols) {
    int g = gid();
    if (g >= rows * cols) return;
    int r = g / cols;
    int c = g - r * cols;
    out[c * rows + r] = x[g];
}

// ---- matrix product: c[m, n] = op(a)[m, k] op(b)[k, n], operands read through their strides (a transposed
// one has row stride 1). Blocks of 64 x 64 outputs, 256 threads of 4 x 4 each, k in steps of 16 staged in
// shared memory; every output is summed in the order p = 0, 1, ... with fused multiply-adds.

#define BM 64
#define BN 64
#define BK 16

extern "C" __global__ void __launch_bounds__(256) matmul(const float* a, const float* b, float* c, int m, int k, int n,
                                                         int aRow, int aCol, int bRow, int bCol) {
    __shared__ float as[BK][BM + 1];
    __shared__ float bs[BK][BN + 1];
    int tid = threadIdx.x;
    int tr = tid / 16;   // 0..15: rows tr, tr + 16, tr + 32, tr + 48
    int tc = tid % 16;   // 0..15: columns tc, tc + 16, ...
    int row0 = blockIdx.y * BM;
    int col0 = blockIdx.x * BN;
    float acc[4][4];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) acc[i][j] = 0.0f;
    for (int t = 0; t < k; t += BK) {
        // 64 x 16 of a and 16 x 64 of b: 1024 each, 4 per thread
        for (int e = tid; e < BM * BK; e += 256) {
            int r = e / BK;
            int p = e % BK;
            int gr = row0 + r;
            int gp = t + p;
            as[p][r] = gr < m && gp < k ? a[(long long) gr * aRow + (long long) gp * aCol] : 0.0f;
        }
        for (int e = tid; e < BK * BN; e += 256) {
            int p = e / BN;
            int cc = e % BN;
            int gp = t + p;
            int gc = col0 + cc;
            bs[p][cc] = gp < k && gc < n ? b[(long long) gp * bRow + (long long) gc * bCol] : 0.0f;
        }
        __syncthreads();
        int steps = k - t < BK ? k - t : BK;
        for (int p = 0; p < steps; p++) {
            float av[4], bv[4];
            for (int i = 0; i < 4; i++) av[i] = as[p][tr + 16 * i];
            for (int j = 0; j < 4; j++) bv[j] = bs[p][tc + 16 * j];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
        }
        __syncthreads();
    }
    for (int i = 0; i < 4; i++) {
        int r = row0 + tr + 16 * i;
        if (r >= m) continue;
        for (int j = 0; j < 4; j++) {
            int cc = col0 + tc + 16 * j;
            if (cc < n) c[(long long) r * n + cc] = acc[i][j];
        }
    }
}

// ---- convolution, direct

// y[n, co, zd, zh, zw] = bias[co] + the sum over (ci, kd, kh, kw) of w * x under the tap; bias may be null
extern "C" __global__ void conv_forward(const float* x, const float* w, const float* bias, float* y, int total, Conv s) {
    int g = gid();
    if (g >= total) return;
    int outPlane = s.out[0] * s.out[1] * s.out[2];
    int zw = g % s.out[2];
    int zh = g / s.out[2] % s.out[1];
    int zd = g / (s.out[2] * s.out[1]) % s.out[0];
    int co = g / outPlane % s.cout;
    int nb = g / (outPlane * s.cout);
    int cinG = s.cin / s.groups;
    int grp = co / (s.cout / s.groups);
    int kvol = s.k[0] * s.k[1] * s.k[2];
    int inPlane = s.in[0] * s.in[1] * s.in[2];
    float acc = bias != nullptr ? bias[co] : 0.0f;
    for (int ci = 0; ci < cinG; ci++) {
        const float* xc = x + (long long) (nb * s.cin + grp * cinG + ci) * inPlane;
        const float* wc = w + (long long) (co * cinG + ci) * kvol;
        for (int kd = 0; kd < s.k[0]; kd++) {
            int id = zd * s.stride[0] - s.pad[0] + kd * s.dil[0];
            if (id < 0 || id >= s.in[0]) continue;
            for (int kh = 0; kh < s.k[1]; kh++) {
                int ih = zh * s.stride[1] - s.pad[1] + kh * s.dil[1];
                if (ih < 0 || ih >= s.in[1]) continue;
                for (int kw = 0; kw < s.k[2]; kw++) {
                    int iw = zw * s.stride[2] - s.pad[2] + kw * s.dil[2];
                    if (iw >= 0 && iw < s.in[2]) {
                        acc = fmaf(wc[(kd * s.k[1] + kh) * s.k[2] + kw], xc[(id * s.in[1] + ih) * s.in[2] + iw], acc);
                    }
                }
            }
        }
    }
    y[g] = acc;
}

// gx[n, ci, id, ih, iw] = the sum over the output channels of its group and the taps whose output position
// (i + padding - tap * dilation) / stride is whole and inside the output, of gy * w
extern "C" __global__ void conv_backward_input(const float* gy, const float* w, float* gx, int total, Conv s) {
    int g = gid();
    if (g >= total) return;
    int inPlane = s.in[0] * s.in[1] * s.in[2];
    int iw = g % s.in[2];
    int ih = g / s.in[2] % s.in[1];
    int id = g / (s.in[2] * s.in[1]) % s.in[0];
    int c = g / inPlane % s.cin;
    int nb = g / (inPlane * s.cin);
    int cinG = s.cin / s.groups;
    int coutG = s.cout / s.groups;
    int grp = c / cinG;
    int ci = c - grp * cinG;
    int kvol = s.k[0] * s.k[1] * s.k[2];
    int outPlane = s.out[0] * s.out[1] * s.out[2];
    float acc = 0.0f;
    for (int o = 0; o < coutG; o++) {
        int co = grp * coutG + o;
        const float* gyc = gy + (long long) (nb * s.cout + co) * outPlane;
        const float* wc = w + (long long) (co * cinG + ci) * kvol;
        for (int kd = 0; kd < s.k[0]; kd++) {
            int sd = id + s.pad[0] - kd * s.dil[0];
            int zd = sd / s.stride[0];
            if (sd < 0 || zd * s.stride[0] != sd || zd >= s.out[0]) continue;
            for (int kh = 0; kh < s.k[1]; kh++) {
                int sh = ih + s.pad[1] - kh * s.dil[1];
                int zh = sh / s.stride[1];
                if (sh < 0 || zh * s.stride[1] != sh || zh >= s.out[1]) continue;
                for (int kw = 0; kw < s.k[2]; kw++) {
                    int sw = iw + s.pad[2] - kw * s.dil[2];
                    int zw = sw / s.stride[2];
                    if (sw >= 0 && zw * s.stride[2] == sw && zw < s.out[2]) {
                        acc = fmaf(gyc[(zd * s.out[1] + zh) * s.out[2] + zw], wc[(kd * s.k[1] + kh) * s.k[2] + kw], acc);
                    }
                }
            }
        }
    }
    gx[g] = acc;
}

// gw[co, ci, kd, kh, kw]: one block per weight element; its 256 threads each sum a fixed stride of the
// (batch, output position) pairs, then a fixed-order tree adds the 256 partial sums
extern "C" __global__ void __launch_bounds__(256) conv_backward_weight(const float* x, const float* gy, float* gw, Conv s) {
    __shared__ float part[256];
    int g = blockIdx.x;
    int cinG = s.cin / s.groups;
    int kvol = s.k[0] * s.k[1] * s.k[2];
    int kw = g % s.k[2];
    int kh = g / s.k[2] % s.k[1];
    int kd = g / (s.k[2] * s.k[1]) % s.k[0];
    int ci = g / kvol % cinG;
    int co = g / (kvol * cinG);
    int grp = co / (s.cout / s.groups);
    int inPlane = s.in[0] * s.in[1] * s.in[2];
    int outPlane = s.out[0] * s.out[1] * s.out[2];
    int pairs = s.batch * outPlane;
    float acc = 0.0f;
    for (int e = threadIdx.x; e < pairs; e += 256) {
        int nb = e / outPlane;
        int o = e - nb * outPlane;
        int zw = o % s.out[2];
        int zh = o / s.out[2] % s.out[1];
        int zd = o / (s.out[2] * s.out[1]);
        int id = zd * s.stride[0] - s.pad[0] + kd * s.dil[0];
        int ih = zh * s.stride[1] - s.pad[1] + kh * s.dil[1];
        int iw = zw * s.stride[2] - s.pad[2] + kw * s.dil[2];
        if (id >= 0 && id < s.in[0] && ih >= 0 && ih < s.in[1] && iw >= 0 && iw < s.in[2]) {
            float xv = x[(long long) (nb * s.cin + grp * cinG + ci) * inPlane + (id * s.in[1] + ih) * s.in[2] + iw];
            acc = fmaf(gy[(long long) (nb * s.cout + co) * outPlane + o], xv, acc);
        }
    }
    part[threadIdx.x] = acc;
    __syncthreads();
    for (int half = 128; half > 0; half >>= 1) {
        if (threadIdx.x < half) part[threadIdx.x] += part[threadIdx.x + half];
        __syncthreads();
    }
    if (threadIdx.x == 0) gw[g] = part[0];
}

// ---- pooling; an argmax is stored as a float (exact to 2^24)

// PyTorch's window scan: the first element, then every later one that is greater or NaN
extern "C" __global__ void max_pool(const float* x, float* y, float* argmax, int total, Pool s) {
    int g = gid();
    if (g >= total) return;
    int outPlane = s.oh * s.ow;
    int plane = g / outPlane;
    int o = g - plane * outPlane;
    int zh = o / s.ow;
    int zw = o - zh * s.ow;
    const float* xb = x + (long long) plane * s.h * s.w;
    float best = __int_as_float(0xff800000); // -infinity: the value of a window that covers no input
    int at = -1;
    for (int i = 0; i < s.k[0]; i++) {
        int ih = zh * s.stride[0] - s.pad[0] + i * s.dil[0];
        for (int j = 0; j < s.k[1]; j++) {
            int iw = zw * s.stride[1] - s.pad[1] + j * s.dil[1];
            if (ih >= 0 && ih < s.h && iw >= 0 && iw < s.w) {
                float v = xb[ih * s.w + iw];
                if (at < 0 || v > best || v != v) {
                    best = v;
                    at = ih * s.w + iw;
                }
            }
        }
    }
    y[g] = best;
    argmax[g] = (float) at;
}

// the first window (of stride `stride`) whose span reaches `from`: ceil(from / stride), at least 0
__device__ int first_window(int from, int stride) {
    return from <= 0 ? 0 : (from + stride - 1) / stride;
}

// gx at one input position: the sum, in output order, of gy over the windows whose maximum it was
extern "C" __global__ void max_pool_backward(const float* gy, const float* argmax, float* gx, int total, Pool s) {
    int g = gid();
    if (g >= total) return;
    int inPlane = s.h * s.w;
    int plane = g / inPlane;
    int pos = g - plane * inPlane;
    int ih = pos / s.w;
    int iw = pos - ih * s.w;
    long long outBase = (long long) plane * s.oh * s.ow;
    int lastH = (s.k[0] - 1) * s.dil[0];
    int lastW = (s.k[1] - 1) * s.dil[1];
    float acc = 0.0f;
    for (int zh = first_window(ih + s.pad[0] - lastH, s.stride[0]); zh <= (ih + s.pad[0]) / s.stride[0] && zh < s.oh; zh++) {
        for (int zw = first_window(iw + s.pad[1] - lastW, s.stride[1]); zw <= (iw + s.pad[1]) / s.stride[1] && zw < s.ow; zw++) {
            long long o = outBase + zh * s.ow + zw;
            if (argmax[o] == (float) pos) acc += gy[o];
        }
    }
    gx[g] = acc;
}

// as the CPU's avg_pool2d: bounds clipped to the input, the divisor clipped to the padded input only
extern "C" __global__ void avg_pool(const float* x, float* y, int total, Pool s) {
    int g = gid();
    if (g >= total) return;
    int outPlane = s.oh * s.ow;
    int plane = g / outPlane;
    int o = g - plane * outPlane;
    int zh = o / s.ow;
    int zw = o - zh * s.ow;
    const float* xb = x + (long long) plane * s.h * s.w;
    int h0 = zh * s.stride[0] - s.pad[0];
    int h1 = min(h0 + s.k[0], s.h + s.pad[0]);
    int w0 = zw * s.stride[1] - s.pad[1];
    int w1 = min(w0 + s.k[1], s.w + s.pad[1]);
    int divisor = (h1 - h0) * (w1 - w0);
    float acc = 0.0f;
    for (int ih = max(h0, 0); ih < min(h1, s.h); ih++)
        for (int iw = max(w0, 0); iw < min(w1, s.w); iw++) acc += xb[ih * s.w + iw];
    y[g] = acc / divisor;
}

// gx at one input position: the sum, in output order, of gy / divisor over the windows covering it
extern "C" __global__ void avg_pool_backward(const float* gy, float* gx, int total, Pool s) {
    int g = gid();
    if (g >= total) return;
    int inPlane = s.h * s.w;
    int plane = g / inPlane;
    int pos = g - plane * inPlane;
    int ih = pos / s.w;
    int iw = pos - ih * s.w;
    long long outBase = (long long) plane * s.oh * s.ow;
    float acc = 0.0f;
    for (int zh = first_window(ih + s.pad[0] - s.k[0] + 1, s.stride[0]); zh <= (ih + s.pad[0]) / s.stride[0] && zh < s.oh; zh++) {
        int h0 = zh * s.stride[0] - s.pad[0];
        int rows = min(h0 + s.k[0], s.h + s.pad[0]) - h0;
        for (int zw = first_window(iw + s.pad[1] - s.k[1] + 1, s.stride[1]); zw <= (iw + s.pad[1]) / s.stride[1] && zw < s.ow; zw++) {
            int w0 = zw * s.stride[1] - s.pad[1];
            int divisor = rows * (min(w0 + s.k[1], s.w + s.pad[1]) - w0);
            acc += gy[outBase + zh * s.ow + zw] / divisor;
        }
    }
    gx[g] = acc;
}

// ---- updates in place

// torch.optim.SGD, dampening 0; buf is null when momentum is 0
extern "C" __global__ void sgd(float* p, const float* grad, float* buf, int n, float lr, float momentum,
                               float weightDecay, int nesterov, int first) {
    int i = gid();
    if (i >= n) return;
    float gv = grad[i];
    if (weightDecay != 0.0f) gv += weightDecay * p[i];
    if (momentum != 0.0f) {
        float b = first ? gv : buf[i] * momentum + gv;
        buf[i] = b;
        gv = nesterov ? gv + momentum * b : b;
    }
    p[i] = p[i] - lr * gv;
}

// torch.optim.Adam, amsgrad off; the moment update is torch.lerp's formula, as on the CPU
extern "C" __global__ void adam(float* p, const float* grad, float* m, float* v, int n, float stepSize, float bias2Sqrt,
                                float oneMinusBeta1, float beta2, float oneMinusBeta2, float eps, float weightDecay) {
    int i = gid();
    if (i >= n) return;
    float gv = grad[i];
    if (weightDecay != 0.0f) gv += weightDecay * p[i];
    float mv = m[i];
    float w = oneMinusBeta1;
    mv = w < 0.5f ? mv + w * (gv - mv) : gv - (gv - mv) * (1.0f - w);
    float vv = v[i] * beta2 + oneMinusBeta2 * gv * gv;
    m[i] = mv;
    v[i] = vv;
    float denom = sqrtf(vv) / bias2Sqrt + eps;
    p[i] = p[i] - stepSize * (mv / denom);
}

extern "C" __global__ void batch_norm_stats(float* runningMean, float* runningVar, float* tracked, const float* mean,
                                            const float* var, int channels, float momentum, float unbias) {
    int c = gid();
    if (c < channels) {
        runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean[c];
        runningVar[c] = (1 - momentum) * runningVar[c] + momentum * (var[c] * unbias);
    }
    if (c == 0) tracked[0] = tracked[0] + 1;
}

// ---- losses and metrics (Backend.LossOp by ordinal: 0 MSE, 1 BCE_WITH_LOGITS, 2 CROSS_ENTROPY)

// the largest of a row; NaN wins, as in max_reduce
__device__ float row_max(const float* row, int columns) {
    float m = row[0];
    for (int k = 1; k < columns; k++) {
        float v = row[k];
        if (v > m || v != v) m = v;
    }
    return m;
}

// the sum of exp(x - m) over a row: each exp in float, the sum in double, as the CPU backend sums
__device__ float exp_sum(const float* row, int columns, float m) {
    double s = 0.0;
    for (int k = 0; k < columns; k++) s += expf(row[k] - m);
    return (float) s;
}

// the class `label` names, or -1 for none (ClassLabels' rule: a whole number in 0..classes-1); the range is
// checked before the cast, which C leaves undefined for NaN and large values
__device__ int class_of(float label, int classes) {
    if (label >= 0.0f && label < classes && (float) (int) label == label) return (int) label;
    return -1;
}

// log softmax of a row at class `label`; NaN for a label that is no class
__device__ float log_probability(const float* row, float label, int columns) {
    float m = row_max(row, columns);
    float log_sum = logf(exp_sum(row, columns, m));
    float r = __int_as_float(0x7fc00000);
    int c = class_of(label, columns);
    if (c >= 0) r = (row[c] - m) - log_sum;
    return r;
}

// one thread: out[0] = the mean of the loss's terms, summed in order in double (the CPU's sum: a batch's loss
// is small, and its bits fixed)
extern "C" __global__ void loss(int kind, const float* x, const float* t, float* out, int rows, int columns) {
    if (gid() != 0) return;
    int terms = kind == 2 ? rows : rows * columns;
    double s = 0.0;
    for (int i = 0; i < terms; i++) {
        float term;
        if (kind == 0) {
            float d = x[i] - t[i];
            term = d * d;
        } else if (kind == 1) {
            float v = x[i];
            term = ((v > 0.0f ? v : 0.0f) + log1pf(expf(-fabsf(v)))) - v * t[i];
        } else {
            term = log_probability(x + (long long) i * columns, t[i], columns);
        }
        s += term;
    }
    float sum = (float) s;
    out[0] = (kind == 2 ? -sum : sum) / terms;
}

// gx[g] = gy[0] times the loss's gradient at element g
extern "C" __global__ void loss_backward(int kind, const float* x, const float* t, const float* gy, float* gx,
                                         int rows, int columns) {
    int g = gid();
    if (g >= rows * columns) return;
    float v = x[g];
    float r;
    if (kind == 0) {
        // d(d * d) = d g + d g, as the product of a tensor with itself accumulates it
        float share = gy[0] / (rows * columns) * (v - t[g]);
        r = share + share;
    } else if (kind == 1) {
        float w = gy[0] / (rows * columns);
        r = w / (1.0f + expf(-v)) - w * t[g];
    } else {
        int row = g / columns;
        int k = g - row * columns;
        const float* at = x + (long long) row * columns;
        float m = row_max(at, columns);
        float w = gy[0] / rows;
        r = w / exp_sum(at, columns, m) * expf(v - m);
        if (t[row] == k) r = r - w;
    }
    gx[g] = r;
}

// a class score, clamped into [0, 1] when asked (NaN stays NaN, as Java's Math.min and max keep it)
__device__ float score(float v, int clamp) {
    if (clamp && v == v) v = v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v);
    return v;
}

// one thread: out[0] = the rows whose prediction is their label. The prediction is the first index of the
// largest score (a NaN never beats the first: v > best is false); one column is P(class 1), predicting 1
// when p > 1 - p. A label that names no class is -1: never predicted.
extern "C" __global__ void count_correct(const float* p, const float* labels, float* out, int rows, int columns,
                                         int clamp) {
    if (gid() != 0) return;
    int right = 0;
    for (int r = 0; r < rows; r++) {
        const float* row = p + (long long) r * columns;
        int predicted = 0;
        if (columns == 1) {
            float v = score(row[0], clamp);
            if (v > 1.0f - v) predicted = 1;
        } else {
            float best = score(row[0], clamp);
            for (int k = 1; k < columns; k++) {
                float v = score(row[k], clamp);
                if (v > best) {
                    best = v;
                    predicted = k;
                }
            }
        }
        if (predicted == class_of(labels[r], max(columns, 2))) right++;
    }
    out[0] = (float) right;
}
