package com.layerlab.app.training;

import java.util.Locale;

/**
 * Where a run is, as its pages show it. Lock-step runs (a comparison) share one position: their
 * experiments have the same data and batch size, and each step trains one batch of every one.
 *
 * @param state            the run's state
 * @param loading          RUNNING, but still loading the data and building the models
 * @param message          why it waits (QUEUED), why it stopped or failed; else why it trains on the CPU
 *                         though its device was another (that device failed), or null
 * @param epoch            completed epochs
 * @param batch            batches trained in the epoch under way (0 between epochs)
 * @param batches          batches per epoch (0 before the models are built)
 * @param epochs           the epochs the run trains; 0: until it is stopped
 * @param samplesPerSecond training samples a second in the epoch under way (NaN when unknown)
 * @param epochEta         seconds left in the epoch under way (NaN when unknown)
 * @param totalEta         seconds left in the whole run (NaN when unknown or endless)
 * @param learningRate     the rate in force (NaN before the models are built)
 * @param position         its place in the scheduler's queue while it waits for a slot (1: next;
 *                         {@link TrainingSlots}); 0 when it does not wait. Its message says it in words,
 *                         with an estimate of the wait.
 */
public record RunStatus(RunState state, boolean loading, String message, int epoch, int batch, int batches, int epochs,
                        double samplesPerSecond, double epochEta, double totalEta, double learningRate, int position) {

    /** The status of a run that does not wait in the queue. */
    public RunStatus(RunState state, boolean loading, String message, int epoch, int batch, int batches, int epochs,
                     double samplesPerSecond, double epochEta, double totalEta, double learningRate) {
        this(state, loading, message, epoch, batch, batches, epochs, samplesPerSecond, epochEta, totalEta, learningRate, 0);
    }

    /** Training progress in epochs, the epoch under way as a fraction: 3.25 is a quarter into epoch 4. */
    public double progress() {
        return batches == 0 ? epoch : epoch + (double) batch / batches;
    }

    /** The progress for people: "epoch 3.25". */
    public String epochText() {
        return "epoch " + epochs(progress());
    }

    /**
     * Epochs as a counter shows them: "3.25", "3" at an epoch's end (two decimals at most, cut rather than
     * rounded: 199 batches of 200 into epoch 2 are "1.99", never "2", which the epoch's end will show).
     */
    public static String epochs(double progress) {
        long hundredths = (long) Math.floor(progress * 100 + 1e-9);
        return hundredths % 100 == 0 ? String.valueOf(hundredths / 100)
                : String.format(Locale.ROOT, "%d.%02d", hundredths / 100, hundredths % 100).replaceAll("0$", "");
    }
}
