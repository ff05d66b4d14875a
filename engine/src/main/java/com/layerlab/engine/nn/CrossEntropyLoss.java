package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Tensor;

import java.util.Arrays;

/**
 * Cross-entropy on logits with class-index targets, as torch.nn.CrossEntropyLoss(): output [N, K],
 * target [N] holding 0..K-1 (as floats); the mean over the batch of -log_softmax(output)[n, target[n]].
 */
public final class CrossEntropyLoss implements Loss {

    @Override
    public Tensor apply(Tensor output, Tensor target) {
        int[] os = output.shape();
        if (os.length != 2) {
            throw new IllegalArgumentException("CrossEntropyLoss: output must be [batch, classes] logits, got shape "
                    + Arrays.toString(os));
        }
        int n = os[0];
        int k = os[1];
        if (target.numel() != n) {
            throw new IllegalArgumentException("CrossEntropyLoss: target must hold one class index per sample ("
                    + n + "), got shape " + Arrays.toString(target.shape()));
        }
        // picking log p[n, target[n]] is a product with a constant one-hot matrix: no gather primitive needed
        float[] oneHot = new float[n * k];
        float[] t = target.toHost();
        for (int i = 0; i < n; i++) {
            float c = t[i];
            if (c != Math.rint(c) || c < 0 || c >= k) {
                throw new IllegalArgumentException("CrossEntropyLoss: target[" + i + "] = " + c
                        + " is not a class index in 0.." + (k - 1));
            }
            oneHot[i * k + (int) c] = 1f;
        }
        Tensor picked = output.logSoftmax(1).mul(Tensor.of(output.device(), oneHot, n, k)).sum();
        return picked.neg().div((float) n);
    }

    @Override
    public String toString() {
        return "CrossEntropyLoss()";
    }
}
