package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Tensor;

import java.util.List;

/** Updates parameters in place from their gradients, as torch.optim.Optimizer. */
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

    static void requireNonNegative(String optimizer, String field, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(optimizer + ": " + field + " must be a finite number >= 0, got " + v);
        }
    }
}
