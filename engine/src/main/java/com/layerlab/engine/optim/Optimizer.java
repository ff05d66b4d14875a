package com.layerlab.engine.optim;

import com.layerlab.engine.tensor.Storage;
import com.layerlab.engine.tensor.Tensor;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters in place from their gradients, as torch.optim.Optimizer. The update is a primitive
 * of each parameter's backend, and the optimizer's state (momentum buffers, moments) lives on the
 * parameter's device beside it, so a step copies nothing through the host.
 */
public abstract class Optimizer {

    protected final List<Tensor> params;
    private double lr;

    protected Optimizer(String name, List<Tensor> params, double lr) {
        if (params == null || params.isEmpty() || params.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException(name + ": needs a non-empty list of parameters");
        }
        this.params = List.copyOf(params);
        setLr(lr);
    }

    /** Zeroes every parameter's gradient (in place; storage is reused). */
    public void zeroGrad() {
        for (Tensor p : params) {
            p.zeroGrad();
        }
    }

    /** One update; parameters without a gradient yet are skipped, as in PyTorch. */
    public abstract void step();

    public double lr() {
        return lr;
    }

    public void setLr(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": lr must be a finite number >= 0, got " + lr);
        }
        this.lr = lr;
    }

    public List<Tensor> params() {
        return params;
    }

    /**
     * What the optimizer keeps between steps besides the weights (momentum buffers, Adam's moments and
     * step counts), as copies keyed {@code "<parameter index>.<name>"} after PyTorch's
     * {@code optimizer.state_dict()["state"]}; empty before the first step. A resumed run needs it to
     * take the same steps as a straight one.
     */
    public abstract Map<String, Tensor> stateDict();

    /**
     * Puts back a {@link #stateDict()} of the same kind of optimizer over parameters of the same shapes
     * (replacing the current state; an empty map is a fresh optimizer).
     *
     * @throws IllegalArgumentException naming the first entry that does not fit
     */
    public abstract void loadStateDict(Map<String, Tensor> state);

    /** Refuses keys other than {@code "<parameter index>.<one of names>"}. */
    protected final void requireKnownKeys(Map<String, Tensor> state, List<String> names) {
        for (String key : state.keySet()) {
            int dot = key.indexOf('.');
            String name = dot < 0 ? "" : key.substring(dot + 1);
            int index = -1;
            try {
                index = dot < 0 ? -1 : Integer.parseInt(key.substring(0, dot));
            } catch (NumberFormatException e) {
                // reported below
            }
            if (index < 0 || index >= params.size() || !names.contains(name)) {
                throw new IllegalArgumentException(getClass().getSimpleName() + " state: unexpected entry \"" + key
                        + "\" (expected <parameter index 0.." + (params.size() - 1) + ">." + String.join(" or ", names) + ")");
            }
        }
    }

    /** The values of entry {@code "<index>.<name>"} (a copy), null when absent; it must have {@code shape}. */
    protected final float[] stateEntry(Map<String, Tensor> state, int index, String name, int[] shape) {
        Tensor t = state.get(index + "." + name);
        if (t == null) {
            return null;
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " state: \"" + index + "." + name
                    + "\" has shape " + Arrays.toString(t.shape()) + " but needs " + Arrays.toString(shape));
        }
        return t.toHost();
    }

    /** A copy of {@code s} as a tensor of {@code shape}, for {@link #stateDict()}. */
    protected static Tensor copy(Storage s, int[] shape) {
        float[] host = new float[s.size()];
        s.copyToHost(0, host, 0, host.length);
        return Tensor.of(s.device(), host, shape);
    }

    /** {@code values} on {@code param}'s device, as state for it; null stays null. */
    protected static Storage onDeviceOf(Tensor param, float[] values) {
        return values == null ? null : param.device().backend().upload(param.device(), values);
    }

    static void requireNonNegative(String optimizer, String field, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(optimizer + ": " + field + " must be a finite number >= 0, got " + v);
        }
    }
}
