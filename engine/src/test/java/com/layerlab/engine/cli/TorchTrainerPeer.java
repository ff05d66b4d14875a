package com.layerlab.engine.cli;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import com.layerlab.engine.experiment.LayerSpec;
import java.util.Arrays;
import java.util.List;

/**
 * The image models' PyTorch side as PyTorch's users train on the JVM: a DJL {@link Trainer} over
 * {@link SequentialBlock}s ({@link Conv2d}, {@link Pool#maxPool2dBlock}, ReLU, flatten, {@link Linear}),
 * softmax cross-entropy, SGD with momentum; each step is {@code EasyTrain.trainBatch}'s body (forward,
 * loss, backward in a gradient collector) and {@link Trainer#step}, with the batch in its own
 * {@link NDManager} closed after the step (DJL's data loader does the same). The starting weights are the engine's, copied in.
 *
 * <p>This replaced a hand-written functional loop (torch's ops on slices of one batch tensor, a
 * momentum update written out per parameter) that ran at about half the speed: see the README's
 * benchmark section for what was measured.
 */
final class TorchTrainerPeer implements Benchmark.ImagePeer {

    private static final String ENGINE = "PyTorch";

    @Override
    public String imageName(int threads) {
        return "PyTorch " + Engine.getEngine(ENGINE).getVersion() + " (DJL Trainer, " + threads
                + (threads == 1 ? " thread)" : " threads)");
    }

    private static int intArg(LayerSpec l, String name, int dflt) {
        Object v = l.args().get(name);
        return v == null ? dflt : ((Number) v).intValue();
    }

    /** The model's layers as DJL blocks (Conv2d, MaxPool2d, ReLU, Flatten and Linear). */
    static SequentialBlock block(List<LayerSpec> layers) {
        SequentialBlock b = new SequentialBlock();
        for (LayerSpec l : layers) {
            switch (l.type()) {
                case "Conv2d" -> {
                    int k = intArg(l, "kernel_size", 1);
                    int s = intArg(l, "stride", 1);
                    int p = intArg(l, "padding", 0);
                    b.add(Conv2d.builder().setKernelShape(new Shape(k, k)).optStride(new Shape(s, s))
                            .optPadding(new Shape(p, p)).setFilters(intArg(l, "out_channels", 1)).build());
                }
                case "MaxPool2d" -> {
                    int k = intArg(l, "kernel_size", 2);
                    int s = intArg(l, "stride", k);
                    b.add(Pool.maxPool2dBlock(new Shape(k, k), new Shape(s, s)));
                }
                case "ReLU" -> b.add(Activation.reluBlock());
                case "Flatten" -> b.add(Blocks.batchFlattenBlock());
                case "Linear" -> b.add(Linear.builder().setUnits(intArg(l, "out_features", 1)).build());
                default -> throw new IllegalStateException("the PyTorch side of the benchmark has no " + l.type());
            }
        }
        return b;
    }

    /** A model, its trainer and the host copies of the batches, closed together. */
    private static final class Run implements AutoCloseable {
        final Benchmark.ImageWork w;
        final Model model = Model.newInstance("benchmark", ENGINE);
        final Trainer trainer;
        final Shape input;

        Run(Benchmark.ImageWork w, int threads) {
            this.w = w;
            JniUtils.setNumThreads(threads);
            model.setBlock(block(w.layers()));
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed((float) w.lr()))
                            .optMomentum((float) w.momentum()).build());
            trainer = model.newTrainer(config);
            long[] dims = new long[w.sample().length + 1];
            dims[0] = w.batch();
            for (int d = 0; d < w.sample().length; d++) {
                dims[d + 1] = w.sample()[d];
            }
            input = new Shape(dims);
            trainer.initialize(input);
            int i = 0;
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                NDArray a = p.getValue().getArray();
                long[] expected = Arrays.stream(w.shapes().get(i)).asLongStream().toArray();
                if (!Arrays.equals(a.getShape().getShape(), expected)) {
                    throw new IllegalStateException("parameter " + i + " (" + p.getKey() + ") is " + a.getShape()
                            + " in DJL but " + Arrays.toString(expected) + " in the engine");
                }
                a.set(w.weights().get(i));
                i++;
            }
        }

        /** One step on batch b: forward, loss, backward, update; returns the loss. */
        float step(int b) {
            int per = w.batch() * w.sampleSize();
            try (NDManager m = trainer.getManager().newSubManager()) {
                NDArray x = m.create(Arrays.copyOfRange(w.x(), b * per, (b + 1) * per), input);
                NDArray y = m.create(Arrays.copyOfRange(w.y(), b * w.batch(), (b + 1) * w.batch()), new Shape(w.batch()));
                // EasyTrain.trainBatch's body, keeping the loss
                float loss;
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDList preds = trainer.forward(new NDList(x));
                    NDArray l = trainer.getLoss().evaluate(new NDList(y), preds);
                    gc.backward(l);
                    loss = l.getFloat();
                }
                trainer.step();
                return loss;
            }
        }

        @Override
        public void close() {
            trainer.close();
            model.close();
        }
    }

    @Override
    public double imagesPerSecond(Benchmark.ImageWork w, double seconds, int threads) {
        int saved = JniUtils.getNumThreads();
        try (Run run = new Run(w, threads)) {
            return w.timed(seconds, run::step);
        } finally {
            JniUtils.setNumThreads(saved);
        }
    }

    @Override
    public double lossAfter(Benchmark.ImageWork w, int steps) {
        try (Run run = new Run(w, Runtime.getRuntime().availableProcessors())) {
            float l = Float.NaN;
            for (int s = 0; s < steps; s++) {
                l = run.step(s % w.batches());
            }
            return l;
        }
    }
}
