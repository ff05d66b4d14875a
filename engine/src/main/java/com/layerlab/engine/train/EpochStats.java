package com.layerlab.engine.train;

/**
 * Losses (data loss, without regularisation, over the whole split) and, for classification, accuracies
 * after {@code epoch} completed epochs; epoch 0 is the untrained model.
 */
public record EpochStats(int epoch, double trainLoss, double testLoss, Double trainAccuracy, Double testAccuracy) {
}
