package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Tensor;

/**
 * 2D average pooling, as torch.nn.AvgPool2d with its default count_include_pad=True: the padding
 * counts as zeros in the mean, and a ceil-mode window hanging past the padded input divides by its
 * part inside it (PyTorch's divisor rule). A null stride means stride = kernel_size.
 */
public final class AvgPool2d extends Pool2d {

    public AvgPool2d(int[] kernel, int[] stride, int[] padding, boolean ceilMode) {
        super("AvgPool2d", kernel, stride, padding, new int[] {1, 1}, ceilMode);
    }

    @Override
    Tensor pool(Tensor x) {
        return x.avgPool2d(kernel, stride, padding, ceilMode);
    }

    @Override
    public String toString() {
        return "AvgPool2d(kernel_size=" + Convolution.tuple(kernel) + ", stride=" + Convolution.tuple(stride)
                + ", padding=" + Convolution.tuple(padding) + ", ceil_mode=" + (ceilMode ? "True" : "False") + ")";
    }
}
