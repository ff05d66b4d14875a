package com.layerlab.engine.optim;

import com.layerlab.engine.tensor.Storage;
import com.layerlab.engine.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam with torch.optim.Adam's rule (amsgrad off; weight decay added to the gradient, not AdamW):
 * <pre>
 * g = grad + weight_decay * p;  t = t + 1
 * m = lerp(m, g, 1 - beta1);    v = beta2 * v + (1 - beta2) * g * g
 * p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 */
public final class Adam extends Optimizer {

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Storage[] m;
    private final Storage[] v;
    private final int[] steps;

    public Adam(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super("Adam", params, lr);
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("Adam: betas[0] must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam: betas[1] must be in [0, 1), got " + beta2);
        }
        requireNonNegative("Adam", "eps", eps);
        requireNonNegative("Adam", "weight_decay", weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.m = new Storage[this.params.size()];
        this.v = new Storage[this.params.size()];
        this.steps = new int[this.params.size()];
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double eps() {
        return eps;
    }

    public double weightDecay() {
        return weightDecay;
    }

    @Override
    public void step() {
        float wd = (float) weightDecay;
        float w1 = (float) (1 - beta1);
        float b2 = (float) beta2;
        float w2 = (float) (1 - beta2);
        float epsF = (float) eps;
        for (int pi = 0; pi < params.size(); pi++) {
            Tensor param = params.get(pi);
            if (param.grad() == null) {
                continue;
            }
            if (m[pi] == null) {
                m[pi] = param.device().allocate(param.numel());
                v[pi] = param.device().allocate(param.numel());
            }
            int t = ++steps[pi];
            // scalars in double, as PyTorch computes them in Python floats
            double bias1 = 1 - Math.pow(beta1, t);
            double bias2 = 1 - Math.pow(beta2, t);
            float stepSize = (float) (lr() / bias1);
            float bias2Sqrt = (float) Math.sqrt(bias2);
            param.device().backend().adamStep(param.storage(), param.grad().storage(), m[pi], v[pi], param.numel(),
                    stepSize, bias2Sqrt, w1, b2, w2, epsF, wd);
        }
    }

    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (int i = 0; i < m.length; i++) {
            if (m[i] != null) {
                int[] shape = params.get(i).shape();
                state.put(i + ".step", Tensor.of(params.get(i).device(), new float[] {steps[i]}, 1));
                state.put(i + ".exp_avg", copy(m[i], shape));
                state.put(i + ".exp_avg_sq", copy(v[i], shape));
            }
        }
        return state;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        requireKnownKeys(state, List.of("step", "exp_avg", "exp_avg_sq"));
        Storage[] loadedM = new Storage[m.length];
        Storage[] loadedV = new Storage[m.length];
        int[] loadedSteps = new int[m.length];
        for (int i = 0; i < m.length; i++) {
            int[] shape = params.get(i).shape();
            float[] step = stateEntry(state, i, "step", new int[] {1});
            loadedM[i] = onDeviceOf(params.get(i), stateEntry(state, i, "exp_avg", shape));
            loadedV[i] = onDeviceOf(params.get(i), stateEntry(state, i, "exp_avg_sq", shape));
            if ((step == null) != (loadedM[i] == null) || (step == null) != (loadedV[i] == null)) {
                throw new IllegalArgumentException("Adam state: parameter " + i + " needs step, exp_avg and exp_avg_sq "
                        + "together");
            }
            // the step count is a float in the file, as PyTorch keeps it; exact below 2^24 steps
            loadedSteps[i] = step == null ? 0 : (int) step[0];
        }
        System.arraycopy(loadedM, 0, m, 0, m.length);
        System.arraycopy(loadedV, 0, v, 0, v.length);
        System.arraycopy(loadedSteps, 0, steps, 0, steps.length);
    }

    @Override
    public String toString() {
        return "Adam(lr=" + lr() + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + eps + ", weight_decay=" + weightDecay + ")";
    }
}
