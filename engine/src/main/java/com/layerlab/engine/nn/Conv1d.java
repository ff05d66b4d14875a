package com.layerlab.engine.nn;

import java.util.Random;

/**
 * A 1D convolution, as torch.nn.Conv1d: input [N, in, L], weight [out, in/groups, *kernel]; the size
 * arrays have 1 value (one per spatial axis). See {@link Convolution} for the initialisation.
 */
public final class Conv1d extends Convolution {

    public Conv1d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups, boolean bias,
                  Random rng) {
        super("Conv1d", 1, false, in, out, kernel, stride, padding, null, dilation, groups, bias, rng);
    }
}
