package com.layerlab.app.cluster;

import com.layerlab.app.training.CnnFrames;
import com.layerlab.app.training.FrameMaker;
import com.layerlab.app.training.RunStatus;
import com.layerlab.engine.train.StepResult;
import com.layerlab.engine.train.Trainer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * The frames of a run a worker trains for the pages of other nodes: its status (as
 * {@code TrainingRuntime.STATUS_FRAMES}), and on the side its training loss batch by batch, the points
 * within its epochs that {@link TrainRunHandler} takes at each tick and writes to the database
 * ({@link RunPoints}). A point is the mean loss of the batches since the previous one, about
 * {@link CnnFrames#BATCH_POINTS_PER_EPOCH} an epoch: the CNN lab's curve.
 */
final class BatchLosses implements FrameMaker<RunStatus> {

    /**
     * The most points one take gives: a fast run's (a 2D run at a hundred epochs a second) are merged,
     * neighbours with neighbours, so that a tick writes a few rows, not thousands.
     */
    static final int MOST_PER_TAKE = 100;

    // training-thread state
    private double[] sums = new double[0];
    private int[] counts = new int[0];
    /** Points not taken yet, oldest first; at most RunPoints.KEEP (the database down for a while). */
    private final Deque<RunPoints.Point> pending = new ArrayDeque<>();

    @Override
    public void started(List<Trainer> trainers) {
        sums = new double[trainers.size()];
        counts = new int[trainers.size()];
        // built anew from a checkpoint (its device failed): the batches after it are trained again
        int from = trainers.isEmpty() ? 0 : trainers.get(0).epoch();
        synchronized (pending) {
            pending.removeIf(p -> p.epoch() > from);
        }
    }

    @Override
    public void stepped(List<Trainer> trainers, List<StepResult> steps) {
        if (sums.length < steps.size()) {
            sums = Arrays.copyOf(sums, steps.size());
            counts = Arrays.copyOf(counts, steps.size());
        }
        for (int i = 0; i < steps.size(); i++) {
            StepResult s = steps.get(i);
            if (Double.isFinite(s.loss())) {
                sums[i] += s.loss();
                counts[i]++;
            }
            int every = Math.max(1, Math.round((float) s.batches() / CnnFrames.BATCH_POINTS_PER_EPOCH));
            if ((s.batch() % every == 0 || s.batch() == s.batches()) && counts[i] > 0) {
                RunPoints.Point p = new RunPoints.Point(0, i, s.epoch(), s.batch(), s.batches(), sums[i] / counts[i]);
                sums[i] = 0;
                counts[i] = 0;
                synchronized (pending) {
                    pending.addLast(p);
                    if (pending.size() > RunPoints.KEEP) {
                        pending.removeFirst();
                    }
                }
            }
        }
    }

    @Override
    public RunStatus frame(RunStatus status, List<Trainer> trainers, long seen) {
        return status;
    }

    /** The points made since the last take, oldest first, at most {@link #MOST_PER_TAKE} (merged beyond). */
    List<RunPoints.Point> take() {
        List<RunPoints.Point> all;
        synchronized (pending) {
            all = new ArrayList<>(pending);
            pending.clear();
        }
        return merged(all, MOST_PER_TAKE);
    }

    /**
     * {@code points} as at most {@code most}: each network's in groups of consecutive points, a group one point
     * where its last one is, with the group's mean loss.
     */
    static List<RunPoints.Point> merged(List<RunPoints.Point> points, int most) {
        if (points.size() <= most) {
            return points;
        }
        int group = (points.size() + most - 1) / most;
        List<RunPoints.Point> out = new ArrayList<>();
        int networks = points.stream().mapToInt(RunPoints.Point::network).max().orElse(0) + 1;
        for (int n = 0; n < networks; n++) {
            int net = n;
            List<RunPoints.Point> mine = points.stream().filter(p -> p.network() == net).toList();
            for (int at = 0; at < mine.size(); at += group) {
                List<RunPoints.Point> g = mine.subList(at, Math.min(mine.size(), at + group));
                RunPoints.Point last = g.get(g.size() - 1);
                double mean = g.stream().mapToDouble(RunPoints.Point::trainLoss).average().orElse(Double.NaN);
                out.add(new RunPoints.Point(0, net, last.epoch(), last.batch(), last.batches(), mean));
            }
        }
        return out;
    }
}
