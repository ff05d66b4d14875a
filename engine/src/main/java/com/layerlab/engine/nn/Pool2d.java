package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Tensor;

import java.util.Arrays;

/** What {@link MaxPool2d} and {@link AvgPool2d} share: argument checks and batched or single inputs. */
abstract class Pool2d extends Module {

    final String name;
    final int[] kernel;
    final int[] stride;
    final int[] padding;
    final int[] dilation;
    final boolean ceilMode;

    Pool2d(String name, int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        this.name = name;
        this.kernel = sizes(name, "kernel_size", kernel, 1);
        this.stride = stride == null ? this.kernel.clone() : sizes(name, "stride", stride, 1);
        this.padding = sizes(name, "padding", padding, 0);
        this.dilation = sizes(name, "dilation", dilation, 1);
        this.ceilMode = ceilMode;
        for (int a = 0; a < 2; a++) {
            if (this.padding[a] > this.kernel[a] / 2) {
                throw new IllegalArgumentException(name + ": padding " + Arrays.toString(this.padding)
                        + " must be at most half of kernel_size " + Arrays.toString(this.kernel));
            }
        }
    }

    private static int[] sizes(String name, String arg, int[] v, int min) {
        if (v == null || v.length != 2) {
            throw new IllegalArgumentException(name + ": " + arg + " needs 2 values, got "
                    + (v == null ? "none" : Arrays.toString(v)));
        }
        if (v[0] < min || v[1] < min) {
            throw new IllegalArgumentException(name + ": " + arg + " must be " + (min == 0 ? "non-negative" : "positive")
                    + ", got " + Arrays.toString(v));
        }
        return v.clone();
    }

    abstract Tensor pool(Tensor x);

    /** x: {@code [N, C, H, W]} or {@code [C, H, W]} (one sample, as PyTorch). */
    @Override
    public Tensor forward(Tensor x) {
        int[] shape = x.shape();
        if (shape.length != 3 && shape.length != 4) {
            throw new IllegalArgumentException(this + ": expects input [N, C, H, W] (or [C, H, W]), got "
                    + Arrays.toString(shape));
        }
        if (shape.length == 4) {
            return pool(x);
        }
        Tensor y = pool(x.reshape(1, shape[0], shape[1], shape[2]));
        int[] ys = y.shape();
        return y.reshape(ys[1], ys[2], ys[3]);
    }

    public int[] kernelSize() {
        return kernel.clone();
    }

    public int[] stride() {
        return stride.clone();
    }

    public int[] padding() {
        return padding.clone();
    }

    public boolean ceilMode() {
        return ceilMode;
    }
}
