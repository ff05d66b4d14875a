package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Backend.LossOp;
import com.layerlab.engine.tensor.Tensor;

import java.util.Arrays;

/**
 * Cross-entropy on logits with class-index targets, as torch.nn.CrossEntropyLoss(): output [N, K],
 * target [N] holding 0..K-1 (as floats); the mean over the batch of -log_softmax(output)[n, target[n]].
 * One primitive of the output's backend.
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
        // elsewhere the check would copy the targets off the device every step: there the loss is NaN instead
        if (target.device().isCpu()) {
            float[] t = target.toHost();
            for (int i = 0; i < n; i++) {
                float c = t[i];
                if (c != Math.rint(c) || c < 0 || c >= k) {
                    throw new IllegalArgumentException("CrossEntropyLoss: target[" + i + "] = " + c
                            + " is not a class index in 0.." + (k - 1));
                }
            }
        }
        return output.loss(LossOp.CROSS_ENTROPY, target);
    }

    @Override
    public String toString() {
        return "CrossEntropyLoss()";
    }
}
