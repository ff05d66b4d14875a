package com.layerlab.engine.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's PyTorch side (through DJL's PyTorch engine), found by {@link Main}'s {@code benchmark}
 * command when the engine's test classes are on the class path. Same steps as {@link Benchmark.Engine}:
 * gather the batch, forward (torch's linear and tanh), BCE with logits, backward, SGD update in place,
 * gradients zeroed. The image models ({@link Benchmark.ImagePeer}) train through a DJL Trainer
 * ({@link TorchTrainerPeer}), with the intra-op threads each measurement asks for (restored afterwards).
 */
public final class TorchBenchmark implements Benchmark.Peer, Benchmark.ImagePeer {

    private static final String ENGINE = "PyTorch";

    @Override
    public String name() {
        String version = Engine.getEngine(ENGINE).getVersion();
        int threads = JniUtils.getNumThreads();
        return "PyTorch " + version + " (DJL, " + threads + (threads == 1 ? " thread)" : " threads)");
    }

    /** Parameters and data of one run, freed together. */
    private static final class Run implements AutoCloseable {
        final NDManager manager = NDManager.newBaseManager(ENGINE);
        final List<NDArray> params = new ArrayList<>();
        final NDArray x;
        final NDArray y;
        final Benchmark.Work w;

        Run(Benchmark.Work w) {
            this.w = w;
            for (int i = 0; i < w.weights().size(); i++) {
                int[] s = w.shapes().get(i);
                long[] shape = new long[s.length];
                for (int d = 0; d < s.length; d++) {
                    shape[d] = s[d];
                }
                NDArray p = manager.create(w.weights().get(i).clone(), new Shape(shape));
                p.setRequiresGradient(true);
                params.add(p);
            }
            x = manager.create(w.x().clone(), new Shape(w.points(), 2));
            y = manager.create(w.y().clone(), new Shape(w.points(), 1));
        }

        NDArray forward(NDArray in) {
            NDArray h = Linear.linear(in, params.get(0), params.get(1)).singletonOrThrow().tanh();
            h = Linear.linear(h, params.get(2), params.get(3)).singletonOrThrow().tanh();
            return Linear.linear(h, params.get(4), params.get(5)).singletonOrThrow();
        }

        /** mean(max(z, 0) - z*t + log(1 + exp(-|z|))), the stable form PyTorch's own kernel uses. */
        static NDArray bceWithLogits(NDArray z, NDArray t) {
            return z.maximum(0).sub(z.mul(t)).add(z.abs().neg().exp().add(1).log()).mean();
        }

        void epoch() {
            for (int s = 0; s < w.points(); s += w.batch()) {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    String rows = s + ":" + (s + w.batch());
                    NDArray xb = x.get(rows);
                    NDArray yb = y.get(rows);
                    try (GradientCollector gc = Engine.getEngine(ENGINE).newGradientCollector()) {
                        gc.backward(bceWithLogits(forward(xb), yb));
                    }
                    for (NDArray p : params) {
                        NDArray g = p.getGradient();
                        p.subi(g.mul(w.lr()));
                        g.muli(0);
                    }
                }
            }
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    @Override
    public double stepsPerSecond(Benchmark.Work w, double seconds) {
        try (Run run = new Run(w)) {
            long steps = 0;
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long now;
            do {
                run.epoch();
                steps += w.points() / w.batch();
                now = System.nanoTime();
            } while (now < end);
            return steps / ((now - start) / 1e9);
        }
    }

    @Override
    public double lossAfter(Benchmark.Work w, int epochs) {
        try (Run run = new Run(w)) {
            for (int e = 0; e < epochs; e++) {
                run.epoch();
            }
            return Run.bceWithLogits(run.forward(run.x), run.y).getFloat();
        }
    }

    // ---------------------------------------------------------------- image models

    /** The image models go through a DJL Trainer, as PyTorch's users train them: {@link TorchTrainerPeer}. */
    private final TorchTrainerPeer images = new TorchTrainerPeer();

    @Override
    public String imageName(int threads) {
        return images.imageName(threads);
    }

    @Override
    public double imagesPerSecond(Benchmark.ImageWork w, double seconds, int threads) {
        return images.imagesPerSecond(w, seconds, threads);
    }

    @Override
    public double lossAfter(Benchmark.ImageWork w, int steps) {
        return images.lossAfter(w, steps);
    }
}
