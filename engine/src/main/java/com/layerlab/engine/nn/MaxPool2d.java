package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Tensor;

/**
 * 2D max pooling, as torch.nn.MaxPool2d: padding never wins a window; with ceil_mode the output
 * rounds up, keeping only windows that start inside the input or its left padding. A null stride
 * means stride = kernel_size (PyTorch's default).
 */
public final class MaxPool2d extends Pool2d {

    public MaxPool2d(int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        super("MaxPool2d", kernel, stride, padding, dilation, ceilMode);
    }

    @Override
    Tensor pool(Tensor x) {
        return x.maxPool2d(kernel, stride, padding, dilation, ceilMode);
    }

    public int[] dilation() {
        return dilation.clone();
    }

    @Override
    public String toString() {
        return "MaxPool2d(kernel_size=" + Convolution.tuple(kernel) + ", stride=" + Convolution.tuple(stride)
                + ", padding=" + Convolution.tuple(padding) + ", dilation=" + Convolution.tuple(dilation)
                + ", ceil_mode=" + (ceilMode ? "True" : "False") + ")";
    }
}
