package com.layerlab.engine.experiment;

import java.util.List;

/**
 * {@code optimizer}: {@code SGD} ({@code lr}, {@code momentum}, {@code weight_decay}, {@code nesterov})
 * or {@code Adam} ({@code lr}, {@code betas}, {@code eps}, {@code weight_decay}). Fields that do not
 * belong to the type keep PyTorch's defaults and are not written.
 */
public record OptimizerSpec(String type, double lr, double momentum, double weightDecay, boolean nesterov,
                            double beta1, double beta2, double eps) {

    public static final String SGD = "SGD";
    public static final String ADAM = "Adam";
    public static final List<String> TYPES = List.of(SGD, ADAM);

    /** PyTorch's defaults. */
    public static final double DEFAULT_LR = 1e-3;
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    public static final double DEFAULT_EPS = 1e-8;

    public static OptimizerSpec sgd(double lr) {
        return sgd(lr, 0, 0, false);
    }

    public static OptimizerSpec sgd(double lr, double momentum, double weightDecay, boolean nesterov) {
        return new OptimizerSpec(SGD, lr, momentum, weightDecay, nesterov, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS);
    }

    public static OptimizerSpec adam(double lr) {
        return adam(lr, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS, 0);
    }

    public static OptimizerSpec adam(double lr, double beta1, double beta2, double eps, double weightDecay) {
        return new OptimizerSpec(ADAM, lr, 0, weightDecay, false, beta1, beta2, eps);
    }

    public OptimizerSpec withLr(double newLr) {
        return new OptimizerSpec(type, newLr, momentum, weightDecay, nesterov, beta1, beta2, eps);
    }
}
