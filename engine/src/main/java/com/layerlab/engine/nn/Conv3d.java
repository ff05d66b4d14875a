package com.layerlab.engine.nn;

import java.util.Random;

/**
 * A 3D convolution, as torch.nn.Conv3d: input [N, in, D, H, W], weight [out, in/groups, *kernel]; the size
 * arrays have 3 values (one per spatial axis). See {@link Convolution} for the initialisation.
 */
public final class Conv3d extends Convolution {

    public Conv3d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups, boolean bias,
                  Random rng) {
        super("Conv3d", 3, false, in, out, kernel, stride, padding, null, dilation, groups, bias, rng);
    }
}
