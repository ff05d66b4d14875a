package com.layerlab.engine.cuda;

import com.layerlab.engine.cli.Benchmark;
import com.layerlab.engine.cli.Benchmark.ImageEngine.Run;
import com.layerlab.engine.cli.Benchmark.ImageWork;
import com.layerlab.engine.tensor.Backends;
import com.layerlab.engine.tensor.Device;
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
}
