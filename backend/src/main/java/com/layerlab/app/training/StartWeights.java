package com.layerlab.app.training;

import com.layerlab.engine.experiment.Safetensors;
import com.layerlab.engine.train.TrainingRun;

/**
 * Puts saved weights into a new run before it trains (a fork of a saved experiment). The one place that
 * does so: when the engine's trainer gets its own {@code loadWeights(bytes)}, only this changes.
 */
public final class StartWeights {

    private StartWeights() {
    }

    /**
     * Copies the safetensors file's tensors into the run's model (strict: every key, every shape).
     * The run's epoch-0 statistics were evaluated with the seed's weights and stay so until its first step.
     *
     * @throws com.layerlab.engine.experiment.ExperimentException when the weights do not fit the model
     */
    public static void load(TrainingRun run, byte[] safetensors) {
        Safetensors.load(run.model(), Safetensors.fromBytes(safetensors));
    }
}
