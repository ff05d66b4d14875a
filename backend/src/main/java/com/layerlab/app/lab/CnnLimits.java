package com.layerlab.app.lab;

import java.time.Duration;

/**
 * What the CNN lab lets one visitor do on the server, so that one page cannot take the machine: the
 * {@code layerlab.cnn.*} keys, read in one place ({@link CnnDataService}).
 *
 * @param maxParams      parameters in a trained model ({@code layerlab.limits.max-params}: every run's
 *                       limit, which the training runtime enforces; the lab's form says it first)
 * @param maxImages      images in a trained data set (after {@code limit})
 * @param maxEpochs      epochs of one run
 * @param maxBatchSize   images in one batch
 * @param maxMemoryBytes the memory one training may take by the engine's estimate from the model's shapes
 *                       ({@link com.layerlab.engine.experiment.Models#memoryEstimate}): a batch's activations
 *                       and gradients, weights and optimizer state
 * @param maxUploadBytes an uploaded zip
 * @param maxSessions    CNN trainings computing at once on the server (each may take a core)
 * @param maxPerVisitor  CNN trainings one owner may have computing at once
 * @param frameInterval  at most one progress frame per this interval (100 ms: 10 frames/s)
 */
public record CnnLimits(long maxParams, int maxImages, int maxEpochs, int maxBatchSize, long maxMemoryBytes,
                        long maxUploadBytes, int maxSessions, int maxPerVisitor, Duration frameInterval) {

    public static final CnnLimits DEFAULT = new CnnLimits(2_000_000, 20_000, 50, 512, 512L << 20, 32L << 20, 4, 1,
            Duration.ofMillis(100));
}
