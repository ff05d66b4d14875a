package com.layerlab.engine.nn;

import com.layerlab.datasets.ClassLabels;
import com.layerlab.engine.tensor.Backend.LossOp;
import com.layerlab.engine.tensor.Tensor;
import java.util.Arrays;

/**
 * Cross-entropy on logits with class-index targets, as torch.nn.CrossEntropyLoss(): output [N, K],
 * target [N] holding 0..K-1 (as floats); the mean over the batch of -log_softmax(output)[n, target[n]].
 * One primitive of the output's backend. A target that names no class is refused, as PyTorch refuses it,
 * with the same message on every backend: on a device, once the loss has been read back (one number, which
 * a training step reads anyway) and is NaN.
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
        // on the CPU the labels are at hand: checked before; on a device only a NaN loss, the kernels' flag
        // for a label that names no class, has them read back, to say which
        boolean cpu = target.device().isCpu();
        if (cpu) {
            requireClasses(target, k);
        }
        Tensor loss = output.loss(LossOp.CROSS_ENTROPY, target);
        if (!cpu && Float.isNaN(loss.item())) {
            requireClasses(target, k);
        }
        return loss;
    }

    private static void requireClasses(Tensor target, int classes) {
        float[] t = target.toHost();
        for (int i = 0; i < t.length; i++) {
            if (!ClassLabels.isClass(t[i], classes)) {
                throw new IllegalArgumentException("CrossEntropyLoss: " + ClassLabels.notAClass(t[i], "at target[" + i + "]", classes));
            }
        }
    }

    @Override
    public String toString() {
        return "CrossEntropyLoss()";
    }
}
