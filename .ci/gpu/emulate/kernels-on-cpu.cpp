// The cuda backend's trickiest kernels (the tiled matrix product, the three convolutions, broadcasting,
// the losses and the correct count)
// run on the CPU: primitives.cu compiled as C++ through shim.h, each block's threads as real threads
// meeting at a barrier for __syncthreads, the results checked against plain loops in double to the
// tests' 1e-4. It checks the kernels' logic where there is no GPU; it says nothing about the driver.
//   g++ -std=c++20 -O1 -pthread -w -o /tmp/kernels-on-cpu .ci/gpu/emulate/kernels-on-cpu.cpp && /tmp/kernels-on-cpu
#include "shim.h"
#include "../../../engine/src/main/resources/layerlab/cuda/primitives.cu"
#include <functional>
#include <random>
#include <cassert>

void launch(int gx, int gy, int threads, std::function<void()> k) {
    blockDim.x = threads; gridDim.x = gx; gridDim.y = gy;
    for (int by = 0; by < gy; by++) for (int bx = 0; bx < gx; bx++) {
        std::barrier<> b(threads); bar = &b;
        std::vector<std::thread> ts;
        for (int t = 0; t < threads; t++) ts.emplace_back([&, t] { threadIdx.x = t; blockIdx.x = bx; blockIdx.y = by; k(); });
        for (auto& t : ts) t.join();
    }
}
std::vector<float> rnd(int n, int seed) { std::mt19937 g(seed); std::normal_distribution<float> d; std::vector<float> v(n); for (auto& x : v) x = d(g); return v; }
int fails = 0;
void close(const std::vector<float>& e, const std::vector<float>& a, const char* what) {
    float scale = 0; for (float x : e) scale = std::max(scale, std::fabs(x));
    for (size_t i = 0; i < e.size(); i++) {
        float tol = 1e-4f * std::max(std::fabs(e[i]), std::max(1e-3f * scale, 1e-6f));
        if (!(std::fabs(e[i] - a[i]) <= tol)) { printf("FAIL %s at %zu: %g vs %g\n", what, i, e[i], a[i]); fails++; return; }
    }
    printf("ok %s\n", what);
}
int main() {
    int sizes[][3] = {{19, 23, 17}, {40, 70, 33}, {1, 5, 1}, {3, 0, 2}, {130, 40, 70}, {64, 65, 129}};
    for (auto& s : sizes) for (int f = 0; f < 4; f++) {
        int m = s[0], k = s[1], n = s[2]; bool ta = f & 1, tb = f & 2;
        auto a = rnd(m * k, 1), b = rnd(k * n, 2); std::vector<float> c(m * n, 7.f), ref(m * n);
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) { double acc = 0; for (int p = 0; p < k; p++) acc += (double) a[ta ? p * m + i : i * k + p] * b[tb ? j * k + p : p * n + j]; ref[i * n + j] = acc; }
        launch((n + 63) / 64, (m + 63) / 64, 256, [&] { matmul(a.data(), b.data(), c.data(), m, k, n, ta ? 1 : k, ta ? m : 1, tb ? 1 : n, tb ? k : 1); });
        char w[100]; snprintf(w, 100, "matmul %dx%dx%d ta %d tb %d", m, k, n, ta, tb); close(ref, c, w);
    }
    // conv: 2D with groups, stride, padding; 1D with dilation; 3D
    struct C { Conv s; };
    auto mk = [](int batch, int cin, int cout, int groups, std::vector<int> in, std::vector<int> k, std::vector<int> st, std::vector<int> pad, std::vector<int> dil) {
        Conv s{}; s.batch = batch; s.cin = cin; s.cout = cout; s.groups = groups;
        int lead = 3 - (int) in.size();
        for (int a = 0; a < 3; a++) {
            bool real = a >= lead; int r = a - lead;
            s.in[a] = real ? in[r] : 1; s.k[a] = real ? k[r] : 1; s.stride[a] = real ? st[r] : 1; s.pad[a] = real ? pad[r] : 0; s.dil[a] = real ? dil[r] : 1;
            s.out[a] = (s.in[a] + 2 * s.pad[a] - s.dil[a] * (s.k[a] - 1) - 1) / s.stride[a] + 1;
        }
        return s; };
    std::vector<Conv> convs = {mk(2, 4, 6, 2, {9, 8}, {3, 3}, {2, 1}, {1, 1}, {1, 1}), mk(3, 2, 3, 1, {12}, {3}, {1}, {2}, {2}),
                               mk(1, 2, 2, 1, {4, 5, 5}, {2, 3, 3}, {1, 2, 1}, {0, 1, 1}, {1, 1, 1}), mk(4, 3, 8, 1, {12, 12}, {3, 3}, {1, 1}, {1, 1}, {1, 1})};
    int ci_ = 0;
    for (auto& s : convs) {
        int inPlane = s.in[0] * s.in[1] * s.in[2], outPlane = s.out[0] * s.out[1] * s.out[2], kv = s.k[0] * s.k[1] * s.k[2], cinG = s.cin / s.groups, coutG = s.cout / s.groups;
        auto x = rnd(s.batch * s.cin * inPlane, 3), w = rnd(s.cout * cinG * kv, 4), bias = rnd(s.cout, 5), gy = rnd(s.batch * s.cout * outPlane, 6);
        std::vector<double> y(s.batch * s.cout * outPlane), gx(x.size()), gw(w.size());
        for (int nb = 0; nb < s.batch; nb++) for (int co = 0; co < s.cout; co++) for (int o = 0; o < outPlane; o++) {
            int zw = o % s.out[2], zh = o / s.out[2] % s.out[1], zd = o / (s.out[2] * s.out[1]); int grp = co / coutG;
            double acc = bias[co]; double g = gy[(nb * s.cout + co) * outPlane + o];
            for (int ci = 0; ci < cinG; ci++) for (int kd = 0; kd < s.k[0]; kd++) for (int kh = 0; kh < s.k[1]; kh++) for (int kw = 0; kw < s.k[2]; kw++) {
                int id = zd * s.stride[0] - s.pad[0] + kd * s.dil[0], ih = zh * s.stride[1] - s.pad[1] + kh * s.dil[1], iw = zw * s.stride[2] - s.pad[2] + kw * s.dil[2];
                if (id < 0 || id >= s.in[0] || ih < 0 || ih >= s.in[1] || iw < 0 || iw >= s.in[2]) continue;
                int xi = (nb * s.cin + grp * cinG + ci) * inPlane + (id * s.in[1] + ih) * s.in[2] + iw; int wi = (co * cinG + ci) * kv + (kd * s.k[1] + kh) * s.k[2] + kw;
                acc += (double) w[wi] * x[xi]; gx[xi] += g * w[wi]; gw[wi] += g * x[xi];
            }
            y[(nb * s.cout + co) * outPlane + o] = acc;
        }
        std::vector<float> yo(y.size()), gxo(gx.size()), gwo(gw.size());
        int total = y.size(); launch((total + 255) / 256, 1, 256, [&] { conv_forward(x.data(), w.data(), bias.data(), yo.data(), total, s); });
        int tin = gx.size(); launch((tin + 255) / 256, 1, 256, [&] { conv_backward_input(gy.data(), w.data(), gxo.data(), tin, s); });
        launch(gw.size(), 1, 256, [&] { conv_backward_weight(x.data(), gy.data(), gwo.data(), s); });
        char b1[64]; snprintf(b1, 64, "conv %d forward", ci_); close(std::vector<float>(y.begin(), y.end()), yo, b1);
        snprintf(b1, 64, "conv %d input grad", ci_); close(std::vector<float>(gx.begin(), gx.end()), gxo, b1);
        snprintf(b1, 64, "conv %d weight grad", ci_); close(std::vector<float>(gw.begin(), gw.end()), gwo, b1);
        ci_++;
    }
    // broadcasting: a [3,1,5] + b [4,1] -> [3,4,5]
    {
        Bcast s{}; s.rank = 3; s.shape[0] = 3; s.shape[1] = 4; s.shape[2] = 5;
        s.sa[0] = 5; s.sa[1] = 0; s.sa[2] = 1; s.sb[0] = 0; s.sb[1] = 1; s.sb[2] = 0;
        auto a = rnd(15, 7), b = rnd(4, 8); std::vector<float> o(60), ref(60);
        for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) for (int l = 0; l < 5; l++) ref[(i * 4 + j) * 5 + l] = a[i * 5 + l] - b[j];
        launch(1, 1, 256, [&] { binary(1, a.data(), b.data(), o.data(), 60, s); }); close(ref, o, "binary sub broadcast");
    }
    // the losses against plain loops in double, their gradients against the formulas; one thread for the sums
    {
        int rows = 7, classes = 5, n = rows * classes;
        auto x = rnd(n, 40); x[3] = 60.f; // a large logit: the log-sum-exp must not overflow
        auto mse = rnd(n, 41); std::vector<float> bin(n), labels = {0, 4, 2, 2, 1, 3, 0}, gy = {0.75f};
        for (int i = 0; i < n; i++) bin[i] = i % 3 == 0 ? 1.f : 0.f;
        for (int kind = 0; kind < 3; kind++) {
            const std::vector<float>& t = kind == 0 ? mse : kind == 1 ? bin : labels;
            std::vector<double> term(kind == 2 ? rows : n); std::vector<double> grad(n);
            for (int r = 0; r < rows; r++) {
                double m = -1e300, s = 0; for (int k = 0; k < classes; k++) m = std::max(m, (double) x[r * classes + k]);
                for (int k = 0; k < classes; k++) s += std::exp(x[r * classes + k] - m);
                if (kind == 2) term[r] = std::log(s) - (x[r * classes + (int) t[r]] - m);
                for (int k = 0; k < classes; k++) {
                    int i = r * classes + k; double v = x[i];
                    if (kind == 0) { term[i] = (v - t[i]) * (v - t[i]); grad[i] = 2 * gy[0] * (v - t[i]) / n; }
                    if (kind == 1) { term[i] = std::max(v, 0.0) + std::log1p(std::exp(-std::fabs(v))) - v * t[i]; grad[i] = gy[0] * (1 / (1 + std::exp(-v)) - t[i]) / n; }
                    if (kind == 2) grad[i] = gy[0] * (std::exp(v - m) / s - (k == (int) t[r] ? 1 : 0)) / rows;
                }
            }
            double mean = 0; for (double v : term) mean += v; mean /= term.size();
            int r = kind == 2 ? rows : n, c = kind == 2 ? classes : 1;
            std::vector<float> out(1), gx(n);
            launch(1, 1, 256, [&] { loss(kind, x.data(), t.data(), out.data(), r, c); });
            launch((n + 255) / 256, 1, 256, [&] { loss_backward(kind, x.data(), t.data(), gy.data(), gx.data(), r, c); });
            char w[64]; snprintf(w, 64, "loss %d", kind); close({(float) mean}, out, w);
            snprintf(w, 64, "loss %d gradient", kind); close(std::vector<float>(grad.begin(), grad.end()), gx, w);
        }
        std::vector<float> noClass = {0, 5, 2, 2, 1.5f, 3, 0}, out(1);
        launch(1, 1, 256, [&] { loss(2, x.data(), noClass.data(), out.data(), rows, classes); });
        if (out[0] == out[0]) { printf("FAIL a label that is no class gives %g, not NaN\n", out[0]); fails++; } else printf("ok cross-entropy of a label that is no class is NaN\n");
    }
    // the correct count: ties (the first wins), a NaN first and later, scores past [0, 1] that the clamp makes
    // ties; the counts are OpenClBackendTest's, checked there against the CPU
    {
        float nan = NAN;
        std::vector<float> scores = {0.2f, 0.5f, 0.5f, nan, 0.1f, 0.3f, 0.1f, nan, 0.3f, 1.5f, 2.5f, 0.2f, -1.f, -0.5f, -2.f, 0.3f, 0.3f, 0.9f};
        std::vector<float> labels = {1, 0, 2, 1, 1, 2}, column = {0.7f, 0.5f, 1.5f, nan, -0.2f, 0.51f}, binLabels = {1, 0, 1, 1, 0, 0};
        float want[4] = {4, 6, 4, 4}; int at = 0;
        for (int clamp = 0; clamp < 2; clamp++) for (int columns : {1, 3}) {
            std::vector<float> out(1);
            launch(1, 1, 256, [&] { count_correct((columns == 1 ? column : scores).data(), (columns == 1 ? binLabels : labels).data(), out.data(), 6, columns, clamp); });
            char w[64]; snprintf(w, 64, "count clamp %d, %d columns", clamp, columns); close({want[at++]}, out, w);
        }
        // a label that names no class never counts, whatever is predicted: BackendAgreementTests' case
        std::vector<float> p = {0.9f, 0.1f, 0.9f, 0.1f, 0.1f, 0.9f, 0.1f, 0.9f, 0.1f, 0.9f, 0.1f, 0.9f}, y = {nan, 0.f, 1.7f, 1.f, -3.f, 2.f}, out(1);
        launch(1, 1, 256, [&] { count_correct(p.data(), y.data(), out.data(), 6, 2, 0); }); close({2.f}, out, "count of labels that name no class");
        std::vector<float> oneColumn = {0.9f, 0.1f, 0.9f, 0.1f}, notBinary = {1.f, 2.f, 0.5f, nan};
        launch(1, 1, 256, [&] { count_correct(oneColumn.data(), notBinary.data(), out.data(), 4, 1, 0); }); close({1.f}, out, "one column: labels other than 0 and 1 never count");
    }
    printf(fails ? "EMULATION FAILED\n" : "EMULATION PASSED\n");
    return fails != 0;
}
