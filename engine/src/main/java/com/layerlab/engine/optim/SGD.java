package com.layerlab.engine.optim;

import com.layerlab.engine.tensor.Storage;
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
    private final Storage[] buffers;

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
        this.buffers = new Storage[this.params.size()];
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
            boolean first = buffers[pi] == null && mom != 0f;
            if (first) {
                buffers[pi] = param.device().allocate(param.numel());
            }
            param.device().backend().sgdStep(param.storage(), param.grad().storage(), buffers[pi], param.numel(), lr, mom,
                    wd, nesterov, first);
        }
    }

    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (int i = 0; i < buffers.length; i++) {
            if (buffers[i] != null) {
                state.put(i + ".momentum_buffer", copy(buffers[i], params.get(i).shape()));
            }
        }
        return state;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        requireKnownKeys(state, List.of("momentum_buffer"));
        Storage[] loaded = new Storage[buffers.length];
        for (int i = 0; i < buffers.length; i++) {
            loaded[i] = onDeviceOf(params.get(i), stateEntry(state, i, "momentum_buffer", params.get(i).shape()));
        }
        System.arraycopy(loaded, 0, buffers, 0, buffers.length);
    }

    @Override
    public String toString() {
        return "SGD(lr=" + lr() + ", momentum=" + momentum + ", weight_decay=" + weightDecay + ", nesterov=" + nesterov + ")";
    }
}
