package com.layerlab.engine.nn;

import java.util.Random;

/**
 * A 2D transposed convolution, as torch.nn.ConvTranspose2d: input [N, in, H, W], weight
 * [in, out/groups, kh, kw]; output size per axis (in - 1) stride - 2 padding + dilation (kernel - 1)
 * + output_padding + 1. The arguments come in Conv2d's order with output_padding after padding.
 */
public final class ConvTranspose2d extends Convolution {

    public ConvTranspose2d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] outputPadding, int[] dilation,
                           int groups, boolean bias, Random rng) {
        super("ConvTranspose2d", 2, true, in, out, kernel, stride, padding, outputPadding, dilation, groups, bias, rng);
    }
}
