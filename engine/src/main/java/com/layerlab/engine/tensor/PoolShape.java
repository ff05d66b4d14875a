package com.layerlab.engine.tensor;

import java.util.Arrays;

/**
 * The geometry of one batched 2D pooling, as torch.nn.functional.max_pool2d / avg_pool2d: input
 * {@code [N, C, H, W]}, output {@code [N, C, OH, OW]}. The output size follows PyTorch's
 * {@code pooling_output_shape}: {@code (in + 2 padding - dilation (kernel - 1) - 1) / stride + 1}, rounded
 * down, or up in ceil mode, where the last window must still start inside the input or its left padding.
 */
public final class PoolShape {

    private final int batch;
    private final int channels;
    private final int height;
    private final int width;
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    private final boolean ceilMode;
    private final int outHeight;
    private final int outWidth;

    private PoolShape(int batch, int channels, int height, int width, int[] kernel, int[] stride, int[] padding,
                      int[] dilation, boolean ceilMode, int outHeight, int outWidth) {
        this.batch = batch;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.ceilMode = ceilMode;
        this.outHeight = outHeight;
        this.outWidth = outWidth;
    }

    /** Checks the arguments as PyTorch does (padding at most half the kernel, a non-empty output). */
    public static PoolShape of(int batch, int channels, int height, int width, int[] kernel, int[] stride,
                               int[] padding, int[] dilation, boolean ceilMode) {
        check("kernel_size", kernel, 1);
        check("stride", stride, 1);
        check("padding", padding, 0);
        check("dilation", dilation, 1);
        if (batch < 0 || channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("pooling: input [" + batch + ", " + channels + ", " + height + ", " + width
                    + "] must have positive sizes");
        }
        int[] in = {height, width};
        int[] out = new int[2];
        for (int a = 0; a < 2; a++) {
            if (padding[a] > kernel[a] / 2) {
                throw new IllegalArgumentException("pooling: padding " + Arrays.toString(padding)
                        + " must be at most half of kernel_size " + Arrays.toString(kernel));
            }
            long span = (long) in[a] + 2L * padding[a] - (long) dilation[a] * (kernel[a] - 1) - 1;
            long o = (ceilMode ? -Math.floorDiv(-span, stride[a]) : Math.floorDiv(span, stride[a])) + 1;
            if (ceilMode && (o - 1) * stride[a] >= (long) in[a] + padding[a]) {
                o--;
            }
            if (o < 1) {
                throw new IllegalArgumentException("pooling: input " + Arrays.toString(in) + " is too small for kernel_size "
                        + Arrays.toString(kernel) + " with padding " + Arrays.toString(padding) + " and dilation "
                        + Arrays.toString(dilation) + " (output size " + o + ")");
            }
            out[a] = (int) o;
        }
        return new PoolShape(batch, channels, height, width, kernel.clone(), stride.clone(), padding.clone(),
                dilation.clone(), ceilMode, out[0], out[1]);
    }

    private static void check(String name, int[] v, int min) {
        if (v == null || v.length != 2) {
            throw new IllegalArgumentException("pooling: " + name + " needs 2 values, got "
                    + (v == null ? "none" : Arrays.toString(v)));
        }
        if (v[0] < min || v[1] < min) {
            throw new IllegalArgumentException("pooling: " + name + " " + Arrays.toString(v) + " must be "
                    + (min == 0 ? "non-negative" : "positive"));
        }
    }

    public int[] inputShape() {
        return new int[] {batch, channels, height, width};
    }

    public int[] outputShape() {
        return new int[] {batch, channels, outHeight, outWidth};
    }

    public int planes() {
        return batch * channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int outHeight() {
        return outHeight;
    }

    public int outWidth() {
        return outWidth;
    }

    public int kernel(int axis) {
        return kernel[axis];
    }

    public int stride(int axis) {
        return stride[axis];
    }

    public int padding(int axis) {
        return padding[axis];
    }

    public int dilation(int axis) {
        return dilation[axis];
    }

    public boolean ceilMode() {
        return ceilMode;
    }

    @Override
    public String toString() {
        return "PoolShape(input " + Arrays.toString(inputShape()) + ", output " + Arrays.toString(outputShape())
                + ", kernel " + Arrays.toString(kernel) + ", stride " + Arrays.toString(stride) + ", padding "
                + Arrays.toString(padding) + ", dilation " + Arrays.toString(dilation) + ", ceil_mode " + ceilMode + ")";
    }
}
