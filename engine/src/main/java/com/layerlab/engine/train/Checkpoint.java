package com.layerlab.engine.train;

import com.layerlab.engine.experiment.Experiment;
import java.util.List;

/**
 * A run between two epochs, enough to go on training as if it had never stopped ({@link Trainer#resume}):
 * the experiment (with the learning rate in force), the weights and the optimizer's state as safetensors
 * bytes, and the statistics of every epoch so far.
 *
 * <p>A resumed run takes exactly the steps of a straight one (same weights, optimizer state and batch
 * order) unless the model has Dropout: its masks come from generators whose position is not kept, so
 * they differ after a resume.
 *
 * @param epoch          completed epochs
 * @param weights        the model's state dict, keyed as PyTorch's (FORMAT.md "Weights")
 * @param optimizerState the optimizer's state ({@link com.layerlab.engine.optim.Optimizer#stateDict()})
 * @param history        the statistics of epochs 0 to {@code epoch}, in order
 */
public record Checkpoint(Experiment experiment, int epoch, byte[] weights, byte[] optimizerState,
                         List<EpochStats> history) {

    public Checkpoint {
        if (experiment == null || weights == null || optimizerState == null || history == null) {
            throw new IllegalArgumentException("a checkpoint needs its experiment, weights, optimizer state and history");
        }
        if (history.size() != epoch + 1 || history.get(epoch).epoch() != epoch) {
            throw new IllegalArgumentException("a checkpoint at epoch " + epoch + " needs the statistics of epochs 0 to "
                    + epoch + ", got " + history.size() + " entries");
        }
        history = List.copyOf(history);
    }
}
