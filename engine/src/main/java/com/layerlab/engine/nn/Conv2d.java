package com.layerlab.engine.nn;

import java.util.Random;

/**
 * A 2D convolution, as torch.nn.Conv2d: input [N, in, H, W], weight [out, in/groups, *kernel]; the size
 * arrays have 2 values (one per spatial axis). See {@link Convolution} for the initialisation.
 */
public final class Conv2d extends Convolution {

    public Conv2d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups, boolean bias,
                  Random rng) {
        super("Conv2d", 2, false, in, out, kernel, stride, padding, null, dilation, groups, bias, rng);
    }
}
