package com.layerlab.engine.cuda;

import com.layerlab.engine.cli.Benchmark;
import com.layerlab.engine.cli.Benchmark.ImageWork;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.Models;
import com.layerlab.engine.nn.CrossEntropyLoss;
import com.layerlab.engine.nn.Loss;
import com.layerlab.engine.nn.Sequential;
import com.layerlab.engine.optim.SGD;
import com.layerlab.engine.tensor.Backends;
import com.layerlab.engine.tensor.Device;
import com.layerlab.engine.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;

/**
 * The image models of the engine's benchmark ({@link Benchmark#imageWork()}: batches of 64 random images,
 * CrossEntropyLoss, SGD with momentum) trained on the cuda backend: first the loss after a few steps
 * beside the CPU's from the same weights (the whole step agrees), then training images per second,
 * each step ending with the loss on the host as a training loop's does. The GPU check (.ci/gpu-check)
 * runs it beside .ci/gpu-bench.py, PyTorch on CUDA doing the same steps.
 *
 * <p>{@code java ... CudaBenchmark [--seconds S] [--rounds R]}; prints one line per measure. Asserts nothing.
 */
public final class CudaBenchmark {

    private CudaBenchmark() {
    }

    public static void main(String[] args) {
        double seconds = 5;
        int rounds = 3;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("CudaBenchmark: unknown option " + args[i]
                        + " (it takes --seconds S and --rounds R)");
            }
        }
        Device gpu = Backends.standard().device("cuda");
        CudaBackend backend = (CudaBackend) gpu.backend();
        System.out.println("device " + gpu + ": " + backend.description() + "; " + backend.kernels());
        for (ImageWork w : Benchmark.imageWork()) {
            int steps = 5;
            double cpu = new Run(w, Device.cpu()).lossAfter(steps);
            double cuda = new Run(w, gpu).lossAfter(steps);
            System.out.printf(Locale.ROOT, "%s: loss after %d steps: cpu %.6f, cuda %.6f (relative difference %.2e)%n",
                    w.title(), steps, cpu, cuda, Math.abs(cpu - cuda) / Math.max(1e-12, Math.abs(cpu)));
            Run run = new Run(w, gpu);
            w.timed(Math.min(seconds, 2), run::step); // warm-up: JIT, the GPU's clocks, the memory cache
            double[] rates = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                rates[r] = w.timed(seconds, run::step);
            }
            Arrays.sort(rates);
            System.out.printf(Locale.ROOT, "%s: engine cuda, batch %d: %.0f images/s (median of %d rounds of %.0f s; "
                    + "all %s)%n", w.title(), w.batch(), rates[rounds / 2], rounds, seconds, Arrays.toString(rates));
        }
    }

    /** One model's training on one device, from the work's starting weights. */
    private static final class Run {
        final ImageWork w;
        final Device device;
        final Sequential model;
        final SGD opt;
        final Loss loss = new CrossEntropyLoss();
        final int[] shape;

        Run(ImageWork w, Device device) {
            this.w = w;
            this.device = device;
            model = Models.build(Experiment.modelOnly(Arrays.stream(w.sample()).boxed().toList(), w.layers()));
            model.to(device);
            int i = 0;
            for (Tensor t : model.stateDict().values()) {
                t.copyFromHost(w.weights().get(i));
                i++;
            }
            opt = new SGD(model.parameters(), w.lr(), w.momentum(), 0, false);
            shape = new int[w.sample().length + 1];
            shape[0] = w.batch();
            System.arraycopy(w.sample(), 0, shape, 1, w.sample().length);
        }

        /** One step on batch b; returns the loss. */
        float step(int b) {
            int per = w.batch() * w.sampleSize();
            float[] xb = Arrays.copyOfRange(w.x(), b * per, (b + 1) * per);
            float[] yb = Arrays.copyOfRange(w.y(), b * w.batch(), (b + 1) * w.batch());
            opt.zeroGrad();
            Tensor l = loss.apply(model.forward(Tensor.of(device, xb, shape)), Tensor.of(device, yb, w.batch()));
            l.backward();
            opt.step();
            return l.item();
        }

        double lossAfter(int steps) {
            float l = Float.NaN;
            for (int s = 0; s < steps; s++) {
                l = step(s % w.batches());
            }
            return l;
        }
    }
}
