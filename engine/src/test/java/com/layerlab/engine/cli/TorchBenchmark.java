package com.layerlab.engine.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import com.layerlab.engine.experiment.LayerSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's PyTorch side (through DJL's PyTorch engine), found by {@link Main}'s {@code benchmark}
 * command when the engine's test classes are on the class path. Same steps as {@link Benchmark.Engine}:
 * gather the batch, forward (torch's linear and tanh), BCE with logits, backward, SGD update in place,
 * gradients zeroed. For the image models ({@link Benchmark.ImagePeer}): torch's convolution, max_pool2d,
 * relu and linear, cross-entropy as -mean(log_softmax picked by the label), and torch.optim.SGD's momentum
 * update in place, with the intra-op threads each measurement asks for (restored afterwards).
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

    @Override
    public String imageName(int threads) {
        return "PyTorch " + Engine.getEngine(ENGINE).getVersion() + " (DJL, " + threads + (threads == 1 ? " thread)" : " threads)");
    }

    private static int intArg(LayerSpec l, String name, int dflt) {
        Object v = l.args().get(name);
        return v == null ? dflt : ((Number) v).intValue();
    }

    /** Parameters, momentum buffers and data of one image run, freed together. */
    private static final class ImageRun implements AutoCloseable {
        final NDManager manager = NDManager.newBaseManager(ENGINE);
        final List<NDArray> params = new ArrayList<>();
        final List<NDArray> momentum = new ArrayList<>();
        final NDArray x;
        final NDArray oneHot;
        final Benchmark.ImageWork w;
        final int savedThreads = JniUtils.getNumThreads();

        ImageRun(Benchmark.ImageWork w, int threads) {
            this.w = w;
            JniUtils.setNumThreads(threads);
            for (int i = 0; i < w.weights().size(); i++) {
                Shape shape = shape(w.shapes().get(i));
                NDArray p = manager.create(w.weights().get(i).clone(), shape);
                p.setRequiresGradient(true);
                params.add(p);
                momentum.add(manager.zeros(shape));
            }
            long[] xs = new long[w.sample().length + 1];
            xs[0] = (long) w.batches() * w.batch();
            for (int d = 0; d < w.sample().length; d++) {
                xs[d + 1] = w.sample()[d];
            }
            x = manager.create(w.x().clone(), new Shape(xs));
            float[] hot = new float[w.y().length * 10];
            for (int i = 0; i < w.y().length; i++) {
                hot[i * 10 + (int) w.y()[i]] = 1f;
            }
            oneHot = manager.create(hot, new Shape(w.y().length, 10));
        }

        private static Shape shape(int[] s) {
            long[] l = new long[s.length];
            for (int d = 0; d < s.length; d++) {
                l[d] = s[d];
            }
            return new Shape(l);
        }

        NDArray forward(NDArray h) {
            int pi = 0;
            for (LayerSpec l : w.layers()) {
                switch (l.type()) {
                    case "Conv2d" -> {
                        int s = intArg(l, "stride", 1);
                        int p = intArg(l, "padding", 0);
                        h = h.getNDArrayInternal().convolution(h, params.get(pi), params.get(pi + 1), new Shape(s, s),
                                new Shape(p, p), new Shape(1, 1), 1).singletonOrThrow();
                        pi += 2;
                    }
                    case "MaxPool2d" -> {
                        int k = intArg(l, "kernel_size", 2);
                        int s = intArg(l, "stride", k);
                        h = Pool.maxPool2d(h, new Shape(k, k), new Shape(s, s), new Shape(0, 0), false);
                    }
                    case "ReLU" -> h = Activation.relu(h);
                    case "Flatten" -> h = h.reshape(h.getShape().get(0), -1);
                    case "Linear" -> {
                        h = Linear.linear(h, params.get(pi), params.get(pi + 1)).singletonOrThrow();
                        pi += 2;
                    }
                    default -> throw new IllegalStateException("the PyTorch side of the benchmark has no " + l.type());
                }
            }
            return h;
        }

        /** One step on batch b: forward, cross-entropy, backward, torch.optim.SGD's momentum update. */
        float step(int b) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                String rows = (b * w.batch()) + ":" + ((b + 1) * w.batch());
                NDArray xb = x.get(new NDIndex(rows));
                NDArray target = oneHot.get(new NDIndex(rows));
                NDArray loss;
                try (GradientCollector gc = Engine.getEngine(ENGINE).newGradientCollector()) {
                    loss = forward(xb).logSoftmax(1).mul(target).sum().neg().div(w.batch());
                    gc.backward(loss);
                }
                for (int i = 0; i < params.size(); i++) {
                    NDArray p = params.get(i);
                    NDArray g = p.getGradient();
                    // buf = momentum * buf + g (the buffers start at zero: the first step makes them g)
                    momentum.get(i).muli(w.momentum()).addi(g);
                    p.subi(momentum.get(i).mul(w.lr()));
                    g.muli(0);
                }
                return loss.getFloat();
            }
        }

        @Override
        public void close() {
            manager.close();
            JniUtils.setNumThreads(savedThreads);
        }
    }

    @Override
    public double imagesPerSecond(Benchmark.ImageWork w, double seconds, int threads) {
        try (ImageRun run = new ImageRun(w, threads)) {
            long images = 0;
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long now;
            int b = 0;
            do {
                run.step(b);
                b = (b + 1) % w.batches();
                images += w.batch();
                now = System.nanoTime();
            } while (now < end);
            return images / ((now - start) / 1e9);
        }
    }

    @Override
    public double lossAfter(Benchmark.ImageWork w, int steps) {
        try (ImageRun run = new ImageRun(w, Runtime.getRuntime().availableProcessors())) {
            float l = Float.NaN;
            for (int s = 0; s < steps; s++) {
                l = run.step(s % w.batches());
            }
            return l;
        }
    }
}
