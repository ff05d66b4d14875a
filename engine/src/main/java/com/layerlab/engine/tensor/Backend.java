package com.layerlab.engine.tensor;

/**
 * The primitive operations every compute backend implements. {@link Tensor} builds everything else
 * (autograd, composite ops such as mean or logSoftmax) from these, so a new backend only has to provide
 * this list. The losses and the correct count are primitives so that a training step's loss and
 * accuracy leave the device as one number each.
 *
 * <p>A backend works on {@link Storage} it allocated, on one of its {@link Device}s: every storage of
 * one call is on the same device ({@link Tensor} checks). Storages are dense, row-major and hold exactly
 * the elements of the shape they are given with. Outputs are fully overwritten unless a primitive
 * says it updates in place. Implementations must be deterministic: the same inputs give the same
 * bits on every call, whatever the thread timing.
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

    /**
     * The losses, each the mean of its terms over an output x of {@code rows x columns} elements; the
     * target gets no gradient.
     */
    enum LossOp {
        /** Terms (x - t)^2, t of x's size (torch.nn.MSELoss). */
        MSE,
        /**
         * Terms softplus(x) - t x, t of x's size (torch.nn.BCEWithLogitsLoss): binary cross-entropy on logits,
         * without overflow; its gradient is (sigmoid(x) - t) / n.
         */
        BCE_WITH_LOGITS,
        /**
         * One term per row of logits x [rows, columns]: log(sum_k exp(x[r, k])) - x[r, t[r]], with t [rows]
         * class indices as floats (torch.nn.CrossEntropyLoss). A t[r] that names no class (not a whole
         * number in 0..columns-1: com.layerlab.datasets.ClassLabels) makes the loss NaN, and its row's
         * gradient is the softmax alone (no class to subtract): a kernel cannot throw, so the NaN is its flag,
         * which nn.CrossEntropyLoss turns into the message.
         */
        CROSS_ENTROPY
    }

    String name();

    /**
     * Whether this backend's storages are Java arrays on the heap (the CPU's {@link CpuStorage}), so that a
     * step's memory can keep them and the host reads them without a copy ({@link Device#isCpu()}).
     */
    default boolean inHeap() {
        return false;
    }

    // ---- memory

    /** Fresh storage for {@code size} float32 elements on {@code device}, all zero. */
    Storage allocate(Device device, int size);

    /**
     * Storage on {@code device} holding {@code values}; it may keep the array itself (the CPU does), so
     * the caller gives it up.
     */
    Storage upload(Device device, float[] values);

    /**
     * Storage for {@code size} int32 element indices (as {@link #maxPool2d} records); its host copies
     * give the indices as floats.
     */
    Storage allocateIndices(Device device, int size);

    /** out[i] = value for i &lt; out.size(). */
    void fill(Storage out, float value);

    /**
     * Frees at once the storages allocated on {@code scope}, a run's {@link Device#scope()}, so far, when
     * the run is done; using one of them afterwards must fail saying so. A backend whose memory the garbage
     * collector frees (the CPU's Java arrays) has nothing to free, and its storages stay usable.
     */
    default void release(Device scope) {
    }

    // ---- maths

    /** out[i] = op(x[i]) for i &lt; n; {@code out} may be {@code x}. */
    void unary(UnaryOp op, float alpha, Storage x, Storage out, int n);

    /**
     * The vector-Jacobian product of {@link #unary}: gx[i] = gy[i] * op'(x[i]), where y = op(x) is
     * passed too because several derivatives are cheapest from the output (tanh, sigmoid, exp).
     */
    void unaryBackward(UnaryOp op, float alpha, Storage x, Storage y, Storage gy, Storage gx, int n);

    /** out = a op b, broadcasting both shapes (aligned on the right) to {@code outShape}. */
    void binary(BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, Storage out, int[] outShape);

    /** Copies x into the larger {@code outShape}, repeating it along broadcast axes. */
    void broadcast(Storage x, int[] xShape, Storage out, int[] outShape);

    /** x viewed as [outer, reduce, inner]; out[o, i] = sum over r of x[o, r, i]. */
    void sum(Storage x, int outer, int reduce, int inner, Storage out);

    /** x viewed as [outer, reduce, inner]; out[o, i] = max over r of x[o, r, i]. */
    void max(Storage x, int outer, int reduce, int inner, Storage out);

    /**
     * c[m, n] = op(a)[m, k] * op(b)[k, n], where op transposes when the flag is set: a is stored as
     * [m, k], or [k, m] when {@code transA}; b as [k, n], or [n, k] when {@code transB}.
     */
    void matmul(Storage a, boolean transA, Storage b, boolean transB, Storage c, int m, int k, int n);

    /** out[c, r] = x[r, c] for x stored as [rows, cols]. */
    void transpose(Storage x, int rows, int cols, Storage out);

    // ---- convolution: three primitives give Conv1d/2d/3d and, as their adjoint, ConvTranspose

    /**
     * y = conv(x, w) + bias: x {@link ConvShape#inputShape()}, w {@link ConvShape#weightShape()}, y
     * {@link ConvShape#outputShape()}; {@code bias} ([C_out]) may be null.
     */
    void convolution(Storage x, Storage w, Storage bias, Storage y, ConvShape s);

    /** gx = the gradient of the convolution's input given gy, the gradient of its output (overwritten). */
    void convolutionBackwardInput(Storage gy, Storage w, Storage gx, ConvShape s);

    /** gw = the gradient of the convolution's weight, summed over the batch (overwritten). */
    void convolutionBackwardWeight(Storage x, Storage gy, Storage gw, ConvShape s);

    // ---- 2D pooling

    /**
     * y = the maximum of every window, skipping padding; {@code argmax} gets the winner's position in its
     * input plane (h * W + w; the first maximum in window order wins a tie; NaN wins), or -1 for a window
     * that covers no input.
     */
    void maxPool2d(Storage x, Storage y, Storage argmax, PoolShape s);

    /** gx = gy scattered back to the maxima that {@link #maxPool2d} recorded (overwritten). */
    void maxPool2dBackward(Storage gy, Storage argmax, Storage gx, PoolShape s);

    /**
     * y = the mean of every window, padding counted as zeros (count_include_pad): the divisor is the
     * window's size clipped to the padded input, as PyTorch does for ceil-mode windows past it.
     */
    void avgPool2d(Storage x, Storage y, PoolShape s);

    /** gx = the gradient of {@link #avgPool2d}'s input given gy (overwritten). */
    void avgPool2dBackward(Storage gy, Storage gx, PoolShape s);

    // ---- updates in place: a training step's weights never leave the device

    /**
     * One step of torch.optim.SGD (dampening 0) over {@code n} elements, updating {@code p} and, when
     * {@code momentum != 0}, the momentum buffer {@code buf} in place:
     * <pre>
     * g = grad + weightDecay * p                       (skipped when weightDecay == 0)
     * buf = g if first else momentum * buf + g;  g = g + momentum * buf if nesterov else buf
     * p = p - lr * g
     * </pre>
     * {@code buf} may be null when {@code momentum == 0}.
     */
    void sgdStep(Storage p, Storage grad, Storage buf, int n, float lr, float momentum, float weightDecay,
                 boolean nesterov, boolean first);

    /**
     * One step of torch.optim.Adam (amsgrad off) over {@code n} elements, updating {@code p} and the
     * moments {@code m} and {@code v} in place:
     * <pre>
     * g = grad + weightDecay * p                       (skipped when weightDecay == 0)
     * m = lerp(m, g, oneMinusBeta1);  v = beta2 * v + oneMinusBeta2 * g * g
     * p = p - stepSize * (m / (sqrt(v) / bias2Sqrt + eps))
     * </pre>
     * where stepSize = lr / (1 - beta1^t), bias2Sqrt = sqrt(1 - beta2^t) and the two complements come
     * from the caller, computed in double as PyTorch computes them in Python floats, then rounded.
     */
    void adamStep(Storage p, Storage grad, Storage m, Storage v, int n, float stepSize, float bias2Sqrt,
                  float oneMinusBeta1, float beta2, float oneMinusBeta2, float eps, float weightDecay);

    /**
     * BatchNorm's running statistics over {@code channels} channels, in place:
     * runningMean = (1 - momentum) runningMean + momentum mean,
     * runningVar = (1 - momentum) runningVar + momentum (var unbias), and batchesTracked (one element) + 1.
     */
    void batchNormRunningStats(Storage runningMean, Storage runningVar, Storage batchesTracked, Storage mean,
                               Storage var, int channels, float momentum, float unbias);

    // ---- losses and metrics: a step's loss and its correct count leave the device as one number each

    /** out[0] = the loss {@code op} of x against {@code target} (see {@link LossOp}), in float32. */
    void loss(LossOp op, Storage x, Storage target, int rows, int columns, Storage out);

    /** gx = gy[0] times the gradient of {@link #loss} with respect to x (overwritten). */
    void lossBackward(LossOp op, Storage x, Storage target, Storage gy, int rows, int columns, Storage gx);

    /**
     * out[0] = how many rows of class scores p [rows, columns] predict their label ({@code labels} [rows],
     * class indices as floats). A row's prediction is the first index of its largest score (a NaN never
     * beats the first); a single column is P(class 1), predicting 1 when p &gt; 1 - p. With {@code clamp}
     * every score is first clamped into [0, 1] (an output that is no logit: MSE's, or a final Sigmoid's).
     * A label that names no class (not a whole number in 0..max(columns, 2)-1) never counts as predicted.
     */
    void countCorrect(Storage p, Storage labels, int rows, int columns, boolean clamp, Storage out);
}
