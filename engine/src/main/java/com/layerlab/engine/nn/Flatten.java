package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Tensor;

import java.util.Arrays;

/**
 * Flattens the axes from {@code startDim} (of the batched tensor, negative counting from the end) to
 * the last into one, as torch.nn.Flatten(start_dim, end_dim=-1): [N, 64, 4, 4] gives [N, 1024].
 */
public final class Flatten extends Module {

    private final int startDim;

    public Flatten() {
        this(1);
    }

    public Flatten(int startDim) {
        this.startDim = startDim;
    }

    public int startDim() {
        return startDim;
    }

    @Override
    public Tensor forward(Tensor x) {
        int[] shape = x.shape();
        int d = startDim < 0 ? startDim + shape.length : startDim;
        if (d < 0 || d >= Math.max(shape.length, 1)) {
            throw new IllegalArgumentException(this + ": start_dim " + startDim + " is out of range for input of shape "
                    + Arrays.toString(shape));
        }
        if (shape.length == 0) {
            return x.reshape(1);
        }
        int[] out = Arrays.copyOf(shape, d + 1);
        int n = 1;
        for (int a = d; a < shape.length; a++) {
            n *= shape[a];
        }
        out[d] = n;
        return x.reshape(out);
    }

    @Override
    public String toString() {
        return "Flatten(start_dim=" + startDim + ", end_dim=-1)";
    }
}
