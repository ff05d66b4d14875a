package com.layerlab.engine.tensor;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static com.layerlab.engine.tensor.GradCheck.awayFromZero;
import static com.layerlab.engine.tensor.GradCheck.check;
import static com.layerlab.engine.tensor.GradCheck.param;

/** A finite-difference check of the gradient of every primitive and composite operation. */
class TensorGradTest {

    private final Random rng = new Random(7);

    // ---- unary primitives

    @Test
    void neg() {
        check("neg", in -> in[0].neg(), param(rng, -2, 2, 3, 4));
    }

    @Test
    void exp() {
        check("exp", in -> in[0].exp(), param(rng, -2, 2, 3, 4));
    }

    @Test
    void log() {
        check("log", in -> in[0].log(), param(rng, 0.5f, 3, 3, 4));
    }

    @Test
    void abs() {
        check("abs", in -> in[0].abs(), awayFromZero(rng, 3, 4));
    }

    @Test
    void relu() {
        check("relu", in -> in[0].relu(), awayFromZero(rng, 3, 4));
    }

    @Test
    void leakyRelu() {
        check("leakyRelu", in -> in[0].leakyRelu(0.1f), awayFromZero(rng, 3, 4));
    }

    @Test
    void tanh() {
        check("tanh", in -> in[0].tanh(), param(rng, -2, 2, 3, 4));
    }

    @Test
    void sigmoid() {
        check("sigmoid", in -> in[0].sigmoid(), param(rng, -3, 3, 3, 4));
    }

    @Test
    void softplus() {
        check("softplus", in -> in[0].softplus(), param(rng, -4, 4, 3, 4));
    }

    // ---- binary primitives, same shapes and every kind of broadcasting

    @Test
    void add() {
        check("add", in -> in[0].add(in[1]), param(rng, -1, 1, 3, 4), param(rng, -1, 1, 3, 4));
        check("add row", in -> in[0].add(in[1]), param(rng, -1, 1, 3, 4), param(rng, -1, 1, 4));
        check("add column", in -> in[0].add(in[1]), param(rng, -1, 1, 3, 1), param(rng, -1, 1, 3, 4));
        check("add scalar", in -> in[0].add(in[1]), param(rng, -1, 1, 3, 4), param(rng, -1, 1));
        check("add outer", in -> in[0].add(in[1]), param(rng, -1, 1, 2, 1, 4), param(rng, -1, 1, 3, 1));
        check("add same tensor", in -> in[0].add(in[0]), param(rng, -1, 1, 3, 4));
    }

    @Test
    void sub() {
        check("sub", in -> in[0].sub(in[1]), param(rng, -1, 1, 3, 4), param(rng, -1, 1, 3, 4));
        check("sub row", in -> in[0].sub(in[1]), param(rng, -1, 1, 3, 4), param(rng, -1, 1, 1, 4));
        check("sub from scalar", in -> in[0].sub(in[1]), param(rng, -1, 1), param(rng, -1, 1, 3, 4));
    }

    @Test
    void mul() {
        check("mul", in -> in[0].mul(in[1]), param(rng, -1, 1, 3, 4), param(rng, -1, 1, 3, 4));
        check("mul row", in -> in[0].mul(in[1]), param(rng, -1, 1, 3, 4), param(rng, -1, 1, 4));
        check("mul column", in -> in[0].mul(in[1]), param(rng, -1, 1, 3, 4), param(rng, -1, 1, 3, 1));
        check("mul 3d", in -> in[0].mul(in[1]), param(rng, -1, 1, 2, 3, 4), param(rng, -1, 1, 2, 1, 4));
    }

    @Test
    void div() {
        check("div", in -> in[0].div(in[1]), param(rng, -1, 1, 3, 4), param(rng, 0.5f, 2, 3, 4));
        check("div row", in -> in[0].div(in[1]), param(rng, -1, 1, 3, 4), param(rng, 0.5f, 2, 4));
        check("div by column", in -> in[0].div(in[1]), param(rng, -1, 1, 3, 4), param(rng, -2, -0.5f, 3, 1));
        check("scalar div", in -> in[0].div(in[1]), param(rng, -1, 1), param(rng, 0.5f, 2, 3, 4));
    }

    // ---- reductions

    @Test
    void sumAll() {
        check("sum()", in -> in[0].sum(), param(rng, -1, 1, 3, 4));
    }

    @Test
    void sumAxis() {
        for (int d = -1; d < 3; d++) {
            int dim = d;
            check("sum(" + dim + ", keepdim)", in -> in[0].sum(dim, true), param(rng, -1, 1, 2, 3, 4));
            check("sum(" + dim + ")", in -> in[0].sum(dim, false), param(rng, -1, 1, 2, 3, 4));
        }
    }

    @Test
    void maxAxis() {
        // distinct values, far apart relative to the finite-difference step: no ties, no switching
        float[] v = new float[24];
        for (int i = 0; i < v.length; i++) v[i] = 0.1f * i;
        for (int d = 0; d < 3; d++) {
            int dim = d;
            float[] shuffled = shuffled(v);
            check("max(" + dim + ")", in -> in[0].max(dim, false), Tensor.of(shuffled, 2, 3, 4).requiresGrad(true));
            check("max(" + dim + ", keepdim)", in -> in[0].max(dim, true),
                    Tensor.of(shuffled(v), 2, 3, 4).requiresGrad(true));
        }
    }

    private float[] shuffled(float[] v) {
        float[] s = v.clone();
        for (int i = s.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            float t = s[i];
            s[i] = s[j];
            s[j] = t;
        }
        return s;
    }

    // ---- movement

    @Test
    void expand() {
        check("expand row", in -> in[0].expand(3, 4), param(rng, -1, 1, 4));
        check("expand column", in -> in[0].expand(2, 3, 4), param(rng, -1, 1, 3, 1));
    }

    @Test
    void reshape() {
        check("reshape", in -> in[0].reshape(4, -1).tanh(), param(rng, -1, 1, 2, 3, 2));
    }

    @Test
    void transpose() {
        check("transpose", in -> in[0].transpose(), param(rng, -1, 1, 3, 5));
    }

    // ---- matrix product, every combination of transposed operands

    @Test
    void matmul() {
        check("matmul", in -> in[0].matmul(in[1]), param(rng, -1, 1, 3, 4), param(rng, -1, 1, 4, 5));
        check("matmul A^T", in -> in[0].matmul(in[1], true, false), param(rng, -1, 1, 4, 3), param(rng, -1, 1, 4, 5));
        check("matmul B^T", in -> in[0].matmul(in[1], false, true), param(rng, -1, 1, 3, 4), param(rng, -1, 1, 5, 4));
        check("matmul A^T B^T", in -> in[0].matmul(in[1], true, true), param(rng, -1, 1, 4, 3), param(rng, -1, 1, 5, 4));
        check("matmul vector", in -> in[0].matmul(in[1]), param(rng, -1, 1, 1, 6), param(rng, -1, 1, 6, 1));
    }

    // ---- composites

    @Test
    void square() {
        check("square", in -> in[0].square(), param(rng, -2, 2, 3, 4));
    }

    @Test
    void mean() {
        check("mean()", in -> in[0].mean(), param(rng, -1, 1, 3, 4));
        check("mean(1)", in -> in[0].mean(1, false), param(rng, -1, 1, 3, 4));
        check("mean(0, keepdim)", in -> in[0].mean(0, true), param(rng, -1, 1, 3, 4));
    }

    @Test
    void logSoftmax() {
        check("logSoftmax(1)", in -> in[0].logSoftmax(1), param(rng, -3, 3, 4, 5));
        check("logSoftmax(0)", in -> in[0].logSoftmax(0), param(rng, -3, 3, 4, 5));
        check("logSoftmax large", in -> in[0].logSoftmax(-1), param(rng, 50, 60, 3, 4));
    }

    @Test
    void softmax() {
        check("softmax(1)", in -> in[0].softmax(1), param(rng, -3, 3, 4, 5));
    }

    @Test
    void scalarOperands() {
        check("add/sub/mul/div float", in -> in[0].add(1.5f).mul(-2f).sub(0.25f).div(3f), param(rng, -1, 1, 3, 4));
    }

    @Test
    void deepChainAndReuse() {
        // a small network by hand: shared inputs, several paths into the same tensors
        check("mlp", in -> {
            Tensor h = in[0].matmul(in[1], false, true).add(in[2]).tanh();
            Tensor o = h.matmul(in[3]).sigmoid();
            return o.mul(h.sum(1, true)).add(in[0].square().mean());
        }, param(rng, -1, 1, 5, 3), param(rng, -1, 1, 4, 3), param(rng, -1, 1, 4), param(rng, -1, 1, 4, 2));
    }
}
