package com.layerlab.engine.tensor;

/**
 * The primitive operations every compute backend implements. {@link Tensor} builds everything else
 * (autograd, composite ops such as mean, logSoftmax or the losses) from these, so a new backend only
 * has to provide this list.
 *
 * <p>All arrays are dense, row-major and hold exactly the elements of the shape they are given with.
 * Outputs are fully overwritten. Implementations must be deterministic: the same inputs give the
 * same bits on every call, whatever the thread timing.
 */
public interface Backend {

    /** Element-wise functions of one argument; {@code alpha} is used by {@link #LEAKY_RELU} only. */
    enum UnaryOp {
        NEG, EXP, LOG, ABS, RELU, LEAKY_RELU, TANH, SIGMOID,
        /** log(1 + exp(x)), computed without overflow. */
        SOFTPLUS,
        SQRT
    }

    /** Element-wise functions of two arguments with NumPy broadcasting. {@link #EQ} gives 1 or 0. */
    enum BinaryOp { ADD, SUB, MUL, DIV, EQ }

    String name();

    /** out[i] = op(x[i]) for i &lt; n; {@code out} may be {@code x}. */
    void unary(UnaryOp op, float alpha, float[] x, float[] out, int n);

    /**
     * The vector-Jacobian product of {@link #unary}: gx[i] = gy[i] * op'(x[i]), where y = op(x) is
     * passed too because several derivatives are cheapest from the output (tanh, sigmoid, exp).
     */
    void unaryBackward(UnaryOp op, float alpha, float[] x, float[] y, float[] gy, float[] gx, int n);

    /** out = a op b, broadcasting both shapes (aligned on the right) to {@code outShape}. */
    void binary(BinaryOp op, float[] a, int[] aShape, float[] b, int[] bShape, float[] out, int[] outShape);

    /** Copies x into the larger {@code outShape}, repeating it along broadcast axes. */
    void broadcast(float[] x, int[] xShape, float[] out, int[] outShape);

    /** x viewed as [outer, reduce, inner]; out[o, i] = sum over r of x[o, r, i]. */
    void sum(float[] x, int outer, int reduce, int inner, float[] out);

    /** x viewed as [outer, reduce, inner]; out[o, i] = max over r of x[o, r, i]. */
    void max(float[] x, int outer, int reduce, int inner, float[] out);

    /**
     * c[m, n] = op(a)[m, k] * op(b)[k, n], where op transposes when the flag is set: a is stored as
     * [m, k], or [k, m] when {@code transA}; b as [k, n], or [n, k] when {@code transB}.
     */
    void matmul(float[] a, boolean transA, float[] b, boolean transB, float[] c, int m, int k, int n);

    /** out[c, r] = x[r, c] for x stored as [rows, cols]. */
    void transpose(float[] x, int rows, int cols, float[] out);

    // ---- convolution: three primitives give Conv1d/2d/3d and, as their adjoint, ConvTranspose

    /**
     * y = conv(x, w) + bias: x {@link ConvShape#inputShape()}, w {@link ConvShape#weightShape()}, y
     * {@link ConvShape#outputShape()}; {@code bias} ([C_out]) may be null.
     */
    void convolution(float[] x, float[] w, float[] bias, float[] y, ConvShape s);

    /** gx = the gradient of the convolution's input given gy, the gradient of its output (overwritten). */
    void convolutionBackwardInput(float[] gy, float[] w, float[] gx, ConvShape s);

    /** gw = the gradient of the convolution's weight, summed over the batch (overwritten). */
    void convolutionBackwardWeight(float[] x, float[] gy, float[] gw, ConvShape s);

    // ---- 2D pooling

    /**
     * y = the maximum of every window, skipping padding; {@code argmax} gets the winner's position in its
     * input plane (h * W + w; the first maximum in window order wins a tie; NaN wins), or -1 for a window
     * that covers no input.
     */
    void maxPool2d(float[] x, float[] y, int[] argmax, PoolShape s);

    /** gx = gy scattered back to the maxima that {@link #maxPool2d} recorded (overwritten). */
    void maxPool2dBackward(float[] gy, int[] argmax, float[] gx, PoolShape s);

    /**
     * y = the mean of every window, padding counted as zeros (count_include_pad): the divisor is the
     * window's size clipped to the padded input, as PyTorch does for ceil-mode windows past it.
     */
    void avgPool2d(float[] x, float[] y, PoolShape s);

    /** gx = the gradient of {@link #avgPool2d}'s input given gy (overwritten). */
    void avgPool2dBackward(float[] gy, float[] gx, PoolShape s);
}
