package com.layerlab.engine.cli;

import com.layerlab.datasets.Datasets2D;
import com.layerlab.datasets.Features2D;
import com.layerlab.datasets.Points2D;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.Models;
import com.layerlab.engine.nn.BCEWithLogitsLoss;
import com.layerlab.engine.nn.Loss;
import com.layerlab.engine.nn.SGD;
import com.layerlab.engine.nn.Sequential;
import com.layerlab.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The training benchmark: a 2-8-8-1 Tanh MLP on 500 xor points, batches of 10 in a fixed order,
 * BCEWithLogitsLoss, plain SGD. One step = forward, loss, backward, update. A {@link Peer} (PyTorch
 * through DJL, from the engine's test classes) does the same work from the same starting weights. Steps this
 * small stay on the calling thread in the CPU backend (below its parallel-matmul threshold).
 */
public final class Benchmark {

    public static final int POINTS = 500;
    public static final int BATCH = 10;
    public static final double LR = 0.03;

    /** The shared work: inputs [500, 2], 0/1 targets [500], starting weights in state_dict order. */
    public record Work(float[] x, float[] y, int points, int batch, double lr, List<String> names,
                       List<int[]> shapes, List<float[]> weights) {
    }

    /** Another implementation of the same training steps. */
    public interface Peer {
        String name();

        /** Runs whole epochs over {@code w} for about {@code seconds}; returns steps per second. */
        double stepsPerSecond(Work w, double seconds);

        /** Mean training loss over the points after {@code epochs} epochs from the starting weights. */
        double lossAfter(Work w, int epochs);
    }

    private Benchmark() {
    }

    static Experiment experiment() {
        return Experiment.modelOnly(List.of(2), List.of(LayerSpec.linear(8), LayerSpec.of("Tanh"), LayerSpec.linear(8),
                LayerSpec.of("Tanh"), LayerSpec.linear(1))).withSeed(1);
    }

    public static Work work() {
        Points2D p = Datasets2D.generate("xor", POINTS, 0, 2, 1);
        float[] x = Features2D.compute(Features2D.DEFAULT, p);
        Sequential model = Models.build(experiment());
        List<String> names = new ArrayList<>();
        List<int[]> shapes = new ArrayList<>();
        List<float[]> weights = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
            names.add(e.getKey());
            shapes.add(e.getValue().shape());
            weights.add(e.getValue().data().clone());
        }
        return new Work(x, p.label().clone(), POINTS, BATCH, LR, List.copyOf(names), List.copyOf(shapes), List.copyOf(weights));
    }

    /** The engine as a peer, so that both sides run through the same harness. */
    public static final class Engine implements Peer {

        @Override
        public String name() {
            return "engine (" + Tensor.backend().name() + ", 1 thread)";
        }

        private static Sequential model(Work w) {
            Sequential m = Models.build(experiment());
            int i = 0;
            for (Tensor t : m.stateDict().values()) {
                System.arraycopy(w.weights().get(i), 0, t.data(), 0, t.numel());
                i++;
            }
            return m;
        }

        private static void epoch(Work w, Sequential m, SGD opt, Loss loss) {
            for (int s = 0; s < w.points(); s += w.batch()) {
                float[] xb = new float[w.batch() * 2];
                float[] yb = new float[w.batch()];
                System.arraycopy(w.x(), s * 2, xb, 0, xb.length);
                System.arraycopy(w.y(), s, yb, 0, yb.length);
                opt.zeroGrad();
                Tensor l = loss.apply(m.forward(Tensor.of(xb, w.batch(), 2)), Tensor.of(yb, w.batch(), 1));
                l.backward();
                opt.step();
            }
        }

        @Override
        public double stepsPerSecond(Work w, double seconds) {
            Sequential m = model(w);
            SGD opt = new SGD(m.parameters(), w.lr(), 0, 0, false);
            Loss loss = new BCEWithLogitsLoss();
            long steps = 0;
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long now;
            do {
                epoch(w, m, opt, loss);
                steps += w.points() / w.batch();
                now = System.nanoTime();
            } while (now < end);
            return steps / ((now - start) / 1e9);
        }

        @Override
        public double lossAfter(Work w, int epochs) {
            Sequential m = model(w);
            SGD opt = new SGD(m.parameters(), w.lr(), 0, 0, false);
            Loss loss = new BCEWithLogitsLoss();
            for (int e = 0; e < epochs; e++) {
                epoch(w, m, opt, loss);
            }
            return Tensor.noGrad(() -> loss.apply(m.forward(Tensor.of(w.x().clone(), w.points(), 2)),
                    Tensor.of(w.y().clone(), w.points(), 1)).item());
        }
    }
}
