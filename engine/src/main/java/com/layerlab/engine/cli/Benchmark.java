package com.layerlab.engine.cli;

import com.layerlab.datasets.Datasets2D;
import com.layerlab.datasets.Features2D;
import com.layerlab.datasets.Points2D;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.Models;
import com.layerlab.engine.nn.BCEWithLogitsLoss;
import com.layerlab.engine.nn.CrossEntropyLoss;
import com.layerlab.engine.nn.Loss;
import com.layerlab.engine.optim.SGD;
import com.layerlab.engine.nn.Sequential;
import com.layerlab.engine.tensor.BackendProvider;
import com.layerlab.engine.tensor.Backends;
import com.layerlab.engine.tensor.CpuBackend;
import com.layerlab.engine.tensor.Device;
import com.layerlab.engine.tensor.StepMemory;
import com.layerlab.engine.tensor.Tensor;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The training benchmark: a 2-8-8-1 Tanh MLP on 500 xor points, batches of 10 in a fixed order,
 * BCEWithLogitsLoss, plain SGD. One step = forward, loss, backward, update. A {@link Peer} (PyTorch
 * through DJL, from the engine's test classes) does the same work from the same starting weights. Steps this
 * small stay on the calling thread in the CPU backend (below its parallel-matmul threshold).
 *
 * <p>Then two image models ({@link #images}): FORMAT.md's CIFAR-10 tutorial model on 3x32x32 and a
 * LeNet-5-style model on 1x28x28 (MNIST's size), batches of 64 random images with random labels,
 * CrossEntropyLoss, SGD with momentum; training images per second for the engine and an
 * {@link ImagePeer} on the same work, both using every core.
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
            weights.add(e.getValue().toHost());
        }
        return new Work(x, p.label().clone(), POINTS, BATCH, LR, List.copyOf(names), List.copyOf(shapes), List.copyOf(weights));
    }

    /** The engine on one backend as a peer, so that both sides run through the same harness. */
    public static final class Engine implements Peer {

        private final Device device;

        /** {@code backend}: a name of {@link Backends#standard()} that is available here. */
        public Engine(String backend) {
            device = backend.equals("cpu") ? Device.cpu() : Backends.standard().device(backend);
        }

        @Override
        public String name() {
            return "LayerLab " + device.backend().name() + (device.backend() instanceof CpuBackend ? " (1 thread)" : "");
        }

        private Sequential model(Work w) {
            Sequential m = Models.build(experiment());
            m.to(device);
            int i = 0;
            for (Tensor t : m.stateDict().values()) {
                t.copyFromHost(w.weights().get(i));
                i++;
            }
            return m;
        }

        private void epoch(Work w, Sequential m, SGD opt, Loss loss, StepMemory memory) {
            for (int s = 0; s < w.points(); s += w.batch()) {
                float[] xb = new float[w.batch() * 2];
                float[] yb = new float[w.batch()];
                System.arraycopy(w.x(), s * 2, xb, 0, xb.length);
                System.arraycopy(w.y(), s, yb, 0, yb.length);
                // as the Trainer steps: the step's temporaries are the last step's arrays
                try (StepMemory.Step ignored = memory.open()) {
                    opt.zeroGrad();
                    Tensor l = loss.apply(m.forward(Tensor.of(device, xb, w.batch(), 2)), Tensor.of(device, yb, w.batch(), 1));
                    l.backward();
                    opt.step();
                }
            }
        }

        @Override
        public double stepsPerSecond(Work w, double seconds) {
            Sequential m = model(w);
            SGD opt = new SGD(m.parameters(), w.lr(), 0, 0, false);
            Loss loss = new BCEWithLogitsLoss();
            StepMemory memory = new StepMemory(device);
            long steps = 0;
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long now;
            do {
                epoch(w, m, opt, loss, memory);
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
            StepMemory memory = new StepMemory(device);
            for (int e = 0; e < epochs; e++) {
                epoch(w, m, opt, loss, memory);
            }
            return Tensor.noGrad(() -> loss.apply(m.forward(Tensor.of(device, w.x().clone(), w.points(), 2)),
                    Tensor.of(device, w.y().clone(), w.points(), 1)).item());
        }
    }

    // ---------------------------------------------------------------- image models

    public static final int IMAGE_BATCH = 64;
    /** Distinct batches of random images per model, used in turn (the data is not what is measured). */
    public static final int IMAGE_BATCHES = 4;
    public static final double IMAGE_LR = 0.01;
    public static final double IMAGE_MOMENTUM = 0.9;

    /**
     * One image model's shared work: its name for {@code --models}, the layers (Conv2d, MaxPool2d, ReLU, Flatten, Linear), the sample
     * shape, {@code batches} batches of inputs and class labels, and the starting weights in state_dict order.
     */
    public record ImageWork(String key, String title, List<LayerSpec> layers, int[] sample, int batch, int batches, float[] x,
                            float[] y, double lr, double momentum, List<String> names, List<int[]> shapes,
                            List<float[]> weights) {

        public int sampleSize() {
            int n = 1;
            for (int d : sample) n *= d;
            return n;
        }

        /** Runs {@code step} on batch 0, 1, ... in turn for about {@code seconds}; returns images per second. */
        public double timed(double seconds, java.util.function.IntConsumer step) {
            long images = 0;
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long now;
            int b = 0;
            do {
                step.accept(b);
                b = (b + 1) % batches;
                images += batch;
                now = System.nanoTime();
            } while (now < end);
            return images / ((now - start) / 1e9);
        }
    }

    /** Another implementation of the image-model training steps. */
    public interface ImagePeer {
        /** The name, with the number of threads. */
        String imageName(int threads);

        /**
         * Trains on {@code w}'s batches in turn for about {@code seconds} with {@code threads} threads;
         * returns images per second.
         */
        double imagesPerSecond(ImageWork w, double seconds, int threads);

        /** The loss of the last of {@code steps} steps from the starting weights (batch 0, 1, ...). */
        double lossAfter(ImageWork w, int steps);
    }

    private static LayerSpec layer(String type, Object... args) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            m.put((String) args[i], args[i + 1]);
        }
        return LayerSpec.of(type, m);
    }

    /** FORMAT.md's example: three 5x5 convolutions (padding 2) with 2x2 max pools, then 1024-64-10. */
    static List<LayerSpec> cifarTutorial() {
        return List.of(layer("Conv2d", "out_channels", 32, "kernel_size", 5, "padding", 2), layer("MaxPool2d", "kernel_size", 2),
                layer("Conv2d", "out_channels", 32, "kernel_size", 5, "padding", 2), layer("MaxPool2d", "kernel_size", 2),
                layer("Conv2d", "out_channels", 64, "kernel_size", 5, "padding", 2), layer("MaxPool2d", "kernel_size", 2),
                LayerSpec.of("Flatten"), LayerSpec.linear(64), LayerSpec.linear(10));
    }

    /** LeNet-5 as usually adapted to MNIST: 6 and 16 5x5 filters with ReLU and 2x2 max pools, then 400-120-84-10. */
    static List<LayerSpec> leNet() {
        return List.of(layer("Conv2d", "out_channels", 6, "kernel_size", 5, "padding", 2), LayerSpec.of("ReLU"),
                layer("MaxPool2d", "kernel_size", 2), layer("Conv2d", "out_channels", 16, "kernel_size", 5), LayerSpec.of("ReLU"),
                layer("MaxPool2d", "kernel_size", 2), LayerSpec.of("Flatten"), LayerSpec.linear(120), LayerSpec.of("ReLU"),
                LayerSpec.linear(84), LayerSpec.of("ReLU"), LayerSpec.linear(10));
    }

    /** An MLP on flattened MNIST images: 784-128-64-10 with ReLU. */
    static List<LayerSpec> mlp() {
        return List.of(LayerSpec.linear(128), LayerSpec.of("ReLU"), LayerSpec.linear(64), LayerSpec.of("ReLU"),
                LayerSpec.linear(10));
    }

    public static List<ImageWork> imageWork() {
        return List.of(imageWork("cifar", "CIFAR-10 tutorial model", cifarTutorial(), new int[] {3, 32, 32}),
                imageWork("lenet", "LeNet-5-style MNIST model", leNet(), new int[] {1, 28, 28}),
                imageWork("mlp", "MLP 784-128-64-10 (MNIST, flattened)", mlp(), new int[] {784}));
    }

    static ImageWork imageWork(String key, String title, List<LayerSpec> layers, int[] sample) {
        Experiment e = Experiment.modelOnly(Arrays.stream(sample).boxed().toList(), layers).withSeed(1);
        Sequential model = Models.build(e);
        List<String> names = new ArrayList<>();
        List<int[]> shapes = new ArrayList<>();
        List<float[]> weights = new ArrayList<>();
        for (Map.Entry<String, Tensor> en : model.stateDict().entrySet()) {
            names.add(en.getKey());
            shapes.add(en.getValue().shape());
            weights.add(en.getValue().toHost());
        }
        int per = Arrays.stream(sample).reduce(1, (a, b) -> a * b);
        Random rng = new Random(2);
        float[] x = new float[IMAGE_BATCHES * IMAGE_BATCH * per];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextFloat();
        float[] y = new float[IMAGE_BATCHES * IMAGE_BATCH];
        for (int i = 0; i < y.length; i++) y[i] = rng.nextInt(10);
        return new ImageWork(key, title, List.copyOf(layers), sample.clone(), IMAGE_BATCH, IMAGE_BATCHES, x, y, IMAGE_LR,
                IMAGE_MOMENTUM, List.copyOf(names), List.copyOf(shapes), List.copyOf(weights));
    }

    /**
     * The engine on the image models, on one backend: {@code cpu} with the number of threads each
     * measurement asks for, or another backend's device (whose threads are its own).
     */
    public static final class ImageEngine implements ImagePeer {

        private final String backend;

        /** {@code backend}: "cpu", or a name of {@link Backends#standard()} that is available here. */
        public ImageEngine(String backend) {
            this.backend = backend;
        }

        @Override
        public String imageName(int threads) {
            if (!backend.equals("cpu")) {
                return "LayerLab " + backend + " (" + device(threads) + ")";
            }
            return "LayerLab cpu (" + threads + (threads == 1 ? " thread)" : " threads)");
        }

        Device device(int threads) {
            if (!backend.equals("cpu")) {
                return Backends.standard().device(backend);
            }
            return threads == CpuBackend.INSTANCE.threads() ? Device.cpu() : Device.cpu(1, threads);
        }

        /**
         * A model on a device, its optimizer and loss: one training step at a time. Public for the cuda
         * benchmark (engine's tests), which trains the same models on the GPU.
         */
        public static final class Run {
            final ImageWork w;
            final Sequential model;
            final SGD opt;
            final Loss loss = new CrossEntropyLoss();
            final int[] shape;

            final Device device;
            final StepMemory memory;

            public Run(ImageWork w, Device device) {
                this.w = w;
                this.device = device;
                memory = new StepMemory(device);
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
            public float step(int b) {
                int per = w.batch() * w.sampleSize();
                float[] xb = Arrays.copyOfRange(w.x(), b * per, (b + 1) * per);
                float[] yb = Arrays.copyOfRange(w.y(), b * w.batch(), (b + 1) * w.batch());
                // as the Trainer steps: the step's temporaries are the last step's arrays
                try (StepMemory.Step ignored = memory.open()) {
                    opt.zeroGrad();
                    Tensor l = loss.apply(model.forward(Tensor.of(device, xb, shape)), Tensor.of(device, yb, w.batch()));
                    l.backward();
                    opt.step();
                    return l.item();
                }
            }

            /** The loss of the last of {@code steps} more steps, on batches 0, 1, ... */
            public double lossAfter(int steps) {
                float l = Float.NaN;
                for (int s = 0; s < steps; s++) {
                    l = step(s % w.batches());
                }
                return l;
            }
        }

        @Override
        public double imagesPerSecond(ImageWork w, double seconds, int threads) {
            Run run = new Run(w, device(threads));
            return w.timed(seconds, run::step);
        }

        @Override
        public double lossAfter(ImageWork w, int steps) {
            return new Run(w, device(Runtime.getRuntime().availableProcessors())).lossAfter(steps);
        }

        /**
         * Where one training step's time goes on {@code threads} threads: the primitives timed over
         * about {@code seconds} of steps after a few untimed ones.
         */
        void profile(PrintStream out, ImageWork w, double seconds, int threads) {
            StepProfile profile = new StepProfile(device(threads));
            Run run = new Run(w, profile.device());
            for (int s = 0; s < 3; s++) {
                run.step(s % w.batches());
            }
            profile.reset();
            ThreadMXBean clock = ManagementFactory.getThreadMXBean();
            int steps = 0;
            long cpuStart = clock.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long now;
            do {
                run.step(steps % w.batches());
                steps++;
                now = System.nanoTime();
            } while (now < end);
            long cpu = clock.getCurrentThreadCpuTime() - cpuStart;
            out.printf(Locale.ROOT, "    profile of one training step, %s, mean of %d steps, by CPU time:%n", imageName(threads),
                    steps);
            profile.print(out, "      ", now - start, cpu, steps);
        }
    }

    /** What {@link #images} measures: which models, on which LayerLab backends, with or without the profile. */
    public record Selection(Set<String> models, List<String> backends, boolean profile) {

        /** The models' names for {@code --models}. */
        public static final List<String> MODELS = List.of("playground", "cifar", "lenet", "mlp");

        /** The LayerLab backends available here, the CPU first. */
        public static List<String> availableBackends() {
            List<String> names = new ArrayList<>();
            for (BackendProvider p : Backends.standard().providers()) {
                if (p.availability().available()) {
                    names.add(p.name());
                }
            }
            return names;
        }
    }

    /** The most a side's warm-up takes, in seconds: it ends earlier once the side's speed holds steady. */
    static final double WARM_UP_SECONDS = 30;

    /**
     * The fewest rounds of a side's warm-up (12 s of the benchmark's 2 s rounds): the engine's step kept
     * getting faster for 10 to 15 s of training (the JIT compiling its kernels' loops), by a few per cent
     * per round, which a noisy round could pass for steady (CIFAR-10's one-thread step went on from 49 ms
     * to 40 after the warm-up had stopped at its second round).
     */
    static final int MIN_WARM_UP_ROUNDS = 6;

    /**
     * Runs rounds of {@code seconds} on one side until its speed holds steady (a round no more than 3 %
     * faster than the best before it, after {@link #MIN_WARM_UP_ROUNDS} rounds at least) or
     * {@link #WARM_UP_SECONDS} have passed; the rates of the rounds.
     * The fixed warm-up of 1 s before it left either side below its best when it needed longer (the JIT
     * on a loaded machine; PyTorch under glibc's default malloc kept moving for tens of seconds, see the
     * {@code bench.malloc} property of the engine's pom); now the printed rounds show how long it took.
     */
    static List<Double> warmUp(ImagePeer p, ImageWork w, double seconds, int threads) {
        // the slow backends (OpenCL on PoCL) get one short round: they are measured for the record, not raced
        boolean slow = p instanceof ImageEngine e && !e.backend.equals("cpu");
        List<Double> rates = new ArrayList<>();
        double best = 0;
        long end = System.nanoTime() + (long) (WARM_UP_SECONDS * 1e9);
        while (true) {
            System.gc();
            double rate = p.imagesPerSecond(w, slow ? Math.min(seconds, OTHER_BACKEND_SECONDS) : seconds, threads);
            rates.add(rate);
            boolean steady = rates.size() >= MIN_WARM_UP_ROUNDS && rate <= best * 1.03;
            best = Math.max(best, rate);
            if (slow || steady || System.nanoTime() >= end) {
                return rates;
            }
        }
    }

    /** The backends other than the CPU are slower here (OpenCL on PoCL): at most this long a round. */
    static final double OTHER_BACKEND_SECONDS = 1.0;

    /**
     * The image-model part of the benchmark command. For each model: the loss after 3 steps on every
     * side (the same work), then, with 1 thread each and with every core each, {@code rounds}
     * alternating rounds of {@code seconds} after each side's warm-up until its speed holds steady
     * ({@link #warmUp}; skipped for rounds under half a second, as in a smoke test), the median images
     * per second of each side and the ratio of each LayerLab backend to PyTorch; then the profile of one step of the first backend on one thread, where the
     * calling thread's CPU time is all the work ({@link StepProfile}). {@code peer} may be null.
     * Backends other than the CPU run one round of at most {@link #OTHER_BACKEND_SECONDS}, with every
     * core only (their threads are their own).
     *
     * <p>Both settings are shown because they answer different questions: one thread each compares the
     * arithmetic per core and hardly moves when other programs share the machine; all cores is what a
     * user gets, but PyTorch's OpenMP threads wait on each other when a core is taken away, so on a busy
     * machine that ratio says more about the load than about the code.
     */
    public static void images(PrintStream out, double seconds, int rounds, ImagePeer peer, Selection selection) {
        int cores = Runtime.getRuntime().availableProcessors();
        int[] settings = cores == 1 ? new int[] {1} : new int[] {1, cores};
        out.printf(Locale.ROOT, "benchmark: image models and an MLP, batches of %d random inputs with random labels, "
                + "CrossEntropyLoss, SGD lr %s momentum %s; %d rounds of %.1f s each, alternating, after a warm-up%n",
                IMAGE_BATCH, IMAGE_LR, IMAGE_MOMENTUM, rounds, seconds);
        out.printf(Locale.ROOT, "  LayerLab's cpu kernels: %s; backends: %s%n", CpuBackend.INSTANCE.kernels(),
                String.join(", ", selection.backends()));
        for (ImageWork w : imageWork()) {
            if (!selection.models().contains(w.key())) {
                continue;
            }
            long params = 0;
            for (int i = 0; i < w.names().size(); i++) {
                params += w.weights().get(i).length;
            }
            out.printf(Locale.ROOT, "  %s (%s, %,d parameters):%n", w.title(),
                    String.join("x", Arrays.stream(w.sample()).mapToObj(Integer::toString).toList()), params);
            List<ImageEngine> engines = selection.backends().stream().map(ImageEngine::new).toList();
            List<ImagePeer> all = new ArrayList<>(engines);
            if (peer != null) {
                all.add(peer);
            }
            for (ImagePeer p : all) {
                out.printf(Locale.ROOT, "    %-44s loss after 3 steps from the same weights: %.6f%n", p.imageName(cores),
                        p.lossAfter(w, 3));
            }
            for (int threads : settings) {
                List<ImagePeer> sides = new ArrayList<>();
                for (ImageEngine e : engines) {
                    if (e.backend.equals("cpu") || threads == cores) {
                        sides.add(e);
                    }
                }
                if (peer != null) {
                    sides.add(peer);
                }
                double[][] rates = new double[sides.size()][rounds];
                if (seconds >= 0.5) {
                    for (ImagePeer p : sides) {
                        List<Double> warm = warmUp(p, w, Math.min(seconds, 2.0), threads);
                        out.printf(Locale.ROOT, "    %-44s warm-up rounds: %s%n", p.imageName(threads),
                                warm.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList());
                    }
                }
                for (int r = 0; r < rounds; r++) {
                    for (int i = 0; i < sides.size(); i++) {
                        boolean cpu = !(sides.get(i) instanceof ImageEngine e) || e.backend.equals("cpu");
                        if (!cpu && r > 0) {
                            rates[i][r] = Double.NaN;
                            continue;
                        }
                        // the previous side's garbage is collected now, not in this side's time: a GC thread
                        // taking a core stalls PyTorch's OpenMP team at every operation
                        System.gc();
                        rates[i][r] = sides.get(i).imagesPerSecond(w, cpu ? seconds : Math.min(seconds, OTHER_BACKEND_SECONDS),
                                threads);
                    }
                }
                double[] medians = new double[sides.size()];
                for (int i = 0; i < sides.size(); i++) {
                    double[] measured = Arrays.stream(rates[i]).filter(v -> !Double.isNaN(v)).sorted().toArray();
                    medians[i] = measured[measured.length / 2];
                    out.printf(Locale.ROOT, "    %-44s %,8.0f images/s (median; rounds: %s)%n", sides.get(i).imageName(threads),
                            medians[i], Arrays.stream(measured).mapToObj(v -> String.format(Locale.ROOT, "%.0f", v)).toList());
                }
                if (peer != null) {
                    for (int i = 0; i < sides.size() - 1; i++) {
                        out.printf(Locale.ROOT, "    ratio %s / PyTorch, %d %s: %.2f%n", sides.get(i).imageName(threads),
                                threads, threads == 1 ? "thread" : "threads", medians[i] / medians[sides.size() - 1]);
                    }
                }
            }
            if (selection.profile()) {
                engines.get(0).profile(out, w, Math.max(seconds, 0.5), 1);
            }
        }
    }
}
