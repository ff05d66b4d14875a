package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with torch.optim.SGD's rule (dampening 0):
 * <pre>
 * g = grad + weight_decay * p
 * if momentum != 0:
 *     buf = g on the first step, else momentum * buf + g
 *     g = g + momentum * buf if nesterov else buf
 * p = p - lr * g
 * </pre>
 */
public final class SGD extends Optimizer {

    private final double momentum;
    private final double weightDecay;
    private final boolean nesterov;
    private final float[][] buffers;

    public SGD(List<Tensor> params, double lr, double momentum, double weightDecay, boolean nesterov) {
        super("SGD", params, lr);
        requireNonNegative("SGD", "momentum", momentum);
        requireNonNegative("SGD", "weight_decay", weightDecay);
        if (nesterov && momentum <= 0) {
            throw new IllegalArgumentException("SGD: nesterov needs a momentum > 0");
        }
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
        this.buffers = new float[this.params.size()][];
    }

    public double momentum() {
        return momentum;
    }

    public double weightDecay() {
        return weightDecay;
    }

    public boolean nesterov() {
        return nesterov;
    }

    @Override
    public void step() {
        float lr = (float) lr();
        float mom = (float) momentum;
        float wd = (float) weightDecay;
        for (int pi = 0; pi < params.size(); pi++) {
            Tensor param = params.get(pi);
            if (param.grad() == null) {
                continue;
            }
            float[] p = param.data();
            float[] grad = param.grad().data();
            float[] buf = buffers[pi];
            boolean first = buf == null && mom != 0f;
            if (first) {
                buf = new float[p.length];
                buffers[pi] = buf;
            }
            for (int i = 0; i < p.length; i++) {
                float g = grad[i];
                if (wd != 0f) {
                    g += wd * p[i];
                }
                if (mom != 0f) {
                    buf[i] = first ? g : buf[i] * mom + g;
                    g = nesterov ? g + mom * buf[i] : buf[i];
                }
                p[i] -= lr * g;
            }
        }
    }

    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (int i = 0; i < buffers.length; i++) {
            if (buffers[i] != null) {
                state.put(i + ".momentum_buffer", Tensor.of(buffers[i].clone(), params.get(i).shape()));
            }
        }
        return state;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        requireKnownKeys(state, List.of("momentum_buffer"));
        float[][] loaded = new float[buffers.length][];
        for (int i = 0; i < buffers.length; i++) {
            loaded[i] = stateEntry(state, i, "momentum_buffer", params.get(i).shape());
        }
        System.arraycopy(loaded, 0, buffers, 0, buffers.length);
    }

    @Override
    public String toString() {
        return "SGD(lr=" + lr() + ", momentum=" + momentum + ", weight_decay=" + weightDecay + ", nesterov=" + nesterov + ")";
    }
}
