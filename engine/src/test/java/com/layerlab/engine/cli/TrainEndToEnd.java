package com.layerlab.engine.cli;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.layerlab.datasets.Cifar10;
import com.layerlab.datasets.ImageSet;
import com.layerlab.engine.experiment.DataSets;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentFiles;
import com.layerlab.engine.experiment.Models;
import com.layerlab.engine.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The end-to-end benchmark: the engine's {@code train} command on an experiment file (the data read
 * from its files, every epoch's evaluation on the test split, the weights and event files written)
 * against a DJL training loop doing the same work on the same data: the same files read through the
 * same loader, the same split, the model as DJL blocks ({@link TorchTrainerPeer#block}), softmax
 * cross-entropy and SGD with the file's learning rate and momentum, shuffled batches of the file's
 * size, and after every epoch the loss and accuracy on the test split. Both sides on every core; the
 * time is the wall time from the file to the last epoch's evaluation; images per second are the
 * training images times the epochs over that time. Rounds alternate the two sides.
 *
 * <p>Runs on the engine's test class path (DJL lives there):
 * {@code mvn -B -q -pl engine -am -Pbench -DskipTests verify -Dbench.main=com.layerlab.engine.cli.TrainEndToEnd
 * -Dbench.args="--epochs 1 --rounds 3"}. Without {@code --data-dir}, it writes CIFAR-10 batch files of
 * random images into a temporary folder (the speed does not depend on the pixels): as many as CIFAR-10
 * has, 50,000 for training in its five batch files and 10,000 for testing, or {@code --images N} for
 * training and a fifth of that for testing. What a run does once (the untrained model's evaluation
 * before the first epoch, loading, writing the files) weighs on a small set as it does not on the real
 * one.
 */
public final class TrainEndToEnd {

    private static final String EXAMPLE = "/layerlab/examples/cifar10-tutorial.json";
    /** CIFAR-10's training images, in its five batch files. */
    private static final int CIFAR_TRAIN = 50_000;

    private TrainEndToEnd() {
    }

    public static void main(String[] args) throws IOException {
        String file = null;
        Path dataDir = null;
        int epochs = 1;
        int rounds = 3;
        int images = CIFAR_TRAIN;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data-dir" -> dataDir = Path.of(value(args, ++i));
                case "--epochs" -> epochs = Integer.parseInt(value(args, ++i));
                case "--rounds" -> rounds = Integer.parseInt(value(args, ++i));
                case "--images" -> images = Integer.parseInt(value(args, ++i));
                default -> {
                    if (args[i].startsWith("--") || file != null) {
                        throw new IllegalArgumentException("TrainEndToEnd: unknown argument " + args[i]
                                + " (arguments: [FILE] [--data-dir D] [--images N] [--epochs N] [--rounds R])");
                    }
                    file = args[i];
                }
            }
        }
        Path work = Files.createTempDirectory("layerlab-e2e");
        try {
            Path experiment = file != null ? Path.of(file) : example(work);
            Path data = dataDir != null ? dataDir : syntheticCifar(work.resolve("data"), images);
            run(System.out, experiment, data, epochs, rounds, work);
        } finally {
            try (Stream<Path> paths = Files.walk(work)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException("TrainEndToEnd: " + args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static Path example(Path work) throws IOException {
        Path p = work.resolve("cifar10-tutorial.json");
        try (InputStream in = TrainEndToEnd.class.getResourceAsStream(EXAMPLE)) {
            if (in == null) {
                throw new IllegalStateException("TrainEndToEnd: the example " + EXAMPLE + " is not on the class path");
            }
            Files.copy(in, p);
        }
        return p;
    }

    /**
     * CIFAR-10 batch files of random images and labels under {@code dataDir}/cifar10: {@code train} images
     * spread over the five training files, a fifth of that in the test file.
     */
    static Path syntheticCifar(Path dataDir, int train) throws IOException {
        if (train < Cifar10.TRAIN_FILES.size()) {
            throw new IllegalArgumentException("TrainEndToEnd: --images must be at least " + Cifar10.TRAIN_FILES.size()
                    + ", got " + train);
        }
        Path dir = Files.createDirectories(dataDir.resolve(Cifar10.ID));
        Random rng = new Random(3);
        int files = Cifar10.TRAIN_FILES.size();
        for (int f = 0; f < files; f++) {
            writeBatch(dir.resolve(Cifar10.TRAIN_FILES.get(f)), train * (f + 1) / files - train * f / files, rng);
        }
        writeBatch(dir.resolve(Cifar10.TEST_FILE), Math.max(1, train / 5), rng);
        return dataDir;
    }

    private static void writeBatch(Path file, int images, Random rng) throws IOException {
        byte[] pixels = new byte[images * Cifar10.IMAGE_BYTES];
        rng.nextBytes(pixels);
        int[] labels = new int[images];
        Arrays.setAll(labels, i -> rng.nextInt(10));
        Cifar10.write(file, pixels, labels);
    }

    static void run(PrintStream out, Path experiment, Path dataDir, int epochs, int rounds, Path work) {
        Experiment e = ExperimentFiles.read(experiment);
        int cores = Runtime.getRuntime().availableProcessors();
        out.printf(Locale.ROOT, "end to end: %s on %s, %d epoch(s) per round, %d alternating rounds, every core (%d) "
                + "on both sides%n", experiment.getFileName(), dataDir, epochs, rounds, cores);
        double[][] rates = new double[2][rounds];
        for (int r = 0; r < rounds; r++) {
            System.gc();
            rates[0][r] = engine(experiment, dataDir, epochs, work.resolve("run-" + r), out);
            System.gc();
            rates[1][r] = djl(e, dataDir, epochs, cores, out, r == 0);
            out.printf(Locale.ROOT, "  round %d: LayerLab train %,.0f images/s, DJL loop %,.0f images/s%n", r + 1,
                    rates[0][r], rates[1][r]);
        }
        double engine = median(rates[0]);
        double djl = median(rates[1]);
        out.printf(Locale.ROOT, "  LayerLab train (cpu, %s)  %,8.0f images/s (median)%n", threads(cores), engine);
        out.printf(Locale.ROOT, "  PyTorch (DJL Trainer loop, %s) %,8.0f images/s (median)%n", threads(cores), djl);
        out.printf(Locale.ROOT, "  ratio LayerLab / PyTorch, end to end: %.2f%n", engine / djl);
    }

    private static String threads(int n) {
        return n + (n == 1 ? " thread" : " threads");
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** The engine's train command on the cpu backend; training images per second of the whole command. */
    private static double engine(Path experiment, Path dataDir, int epochs, Path outDir, PrintStream out) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int status = Main.run(new String[] {"train", experiment.toString(), "--epochs", Integer.toString(epochs),
                "--data-dir", dataDir.toString(), "--out", outDir.toString(), "--backend", "cpu"},
                new PrintStream(OutputStream.nullOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (status != 0) {
            throw new IllegalStateException("TrainEndToEnd: train failed: " + err.toString(StandardCharsets.UTF_8));
        }
        // every round: the epoch's own time next to the command's shows what the run spends outside its epochs
        err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(": epoch "))
                .forEach(l -> out.printf(Locale.ROOT, "  LayerLab train, %s (the whole command: %.1f s)%n",
                        l.substring(l.indexOf("epoch ")), seconds));
        Experiment e = ExperimentFiles.read(experiment);
        return (double) trainSize(DataSets.load(e.data(), seed(e), dataDir)) * epochs / seconds;
    }

    /** The training split's size, as {@code ImageData} cuts it. */
    private static int trainSize(ImageSet set) {
        int k = set.officialTrainCount();
        return k > 0 && k < set.size() ? k : (int) Math.round(set.size() * 0.8);
    }

    /** The DJL loop: loading, training, evaluating; training images per second of the whole. */
    private static double djl(Experiment e, Path dataDir, int epochs, int threads, PrintStream out, boolean report) {
        long start = System.nanoTime();
        Engine.getEngine("PyTorch"); // loads libtorch, before its thread count can be set
        int saved = JniUtils.getNumThreads();
        JniUtils.setNumThreads(threads);
        ImageSet set = DataSets.load(e.data(), seed(e), dataDir);
        int k = set.officialTrainCount();
        if (!(k > 0 && k < set.size())) {
            throw new IllegalStateException("TrainEndToEnd: the DJL loop needs a set with an official train/test split "
                    + "(CIFAR-10's batch files), got " + set.source());
        }
        int batch = e.data().batchSize();
        int per = set.imageSize();
        long[] sample = Arrays.stream(set.shape()).asLongStream().toArray();
        try (Model model = Model.newInstance("end-to-end", "PyTorch")) {
            model.setBlock(TorchTrainerPeer.block(e.model()));
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed((float) e.optimizer().lr()))
                            .optMomentum((float) e.optimizer().momentum()).build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(shape(batch, sample));
                startFromTheEnginesWeights(model, e);
                Random rng = new Random(seed(e));
                int[] order = new int[k];
                Arrays.setAll(order, i -> i);
                for (int epoch = 0; epoch < epochs; epoch++) {
                    for (int i = k - 1; i > 0; i--) {
                        int j = rng.nextInt(i + 1);
                        int t = order[i];
                        order[i] = order[j];
                        order[j] = t;
                    }
                    for (int b = 0; b < k; b += batch) {
                        int n = Math.min(batch, k - b);
                        float[] x = new float[n * per];
                        float[] y = new float[n];
                        for (int i = 0; i < n; i++) {
                            set.copyImage(order[b + i], x, i * per);
                            y[i] = set.label(order[b + i]);
                        }
                        try (NDManager m = trainer.getManager().newSubManager();
                             GradientCollector gc = trainer.newGradientCollector()) {
                            NDList preds = trainer.forward(new NDList(m.create(x, shape(n, sample))));
                            gc.backward(trainer.getLoss().evaluate(new NDList(m.create(y, new Shape(n))), preds));
                        }
                        trainer.step();
                    }
                    double[] test = evaluate(trainer, set, k, sample);
                    if (report) {
                        out.printf(Locale.ROOT, "  DJL loop, epoch %d: test loss %.4f, test accuracy %.2f %%%n", epoch + 1,
                                test[0], 100 * test[1]);
                    }
                }
            }
        } finally {
            JniUtils.setNumThreads(saved);
        }
        return (double) k * epochs / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * The engine's starting weights for the file's model (PyTorch's default initialisation, from the
     * file's seed), in state_dict order: both sides start alike (DJL's own initialiser differs).
     */
    private static void startFromTheEnginesWeights(Model model, Experiment e) {
        List<Tensor> engine = new ArrayList<>(Models.build(e).stateDict().values());
        int i = 0;
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            NDArray a = p.getValue().getArray();
            long[] expected = Arrays.stream(engine.get(i).shape()).asLongStream().toArray();
            if (!Arrays.equals(a.getShape().getShape(), expected)) {
                throw new IllegalStateException("parameter " + i + " (" + p.getKey() + ") is " + a.getShape()
                        + " in DJL but " + Arrays.toString(expected) + " in the engine");
            }
            a.set(engine.get(i).toHost());
            i++;
        }
    }

    /** The mean loss and the accuracy on images k.. of the set, in the engine's evaluation batches. */
    private static double[] evaluate(Trainer trainer, ImageSet set, int k, long[] sample) {
        int per = set.imageSize();
        double loss = 0;
        long correct = 0;
        for (int b = k; b < set.size(); b += Models.IMAGE_EVAL_BATCH) {
            int n = Math.min(Models.IMAGE_EVAL_BATCH, set.size() - b);
            float[] x = new float[n * per];
            float[] y = new float[n];
            for (int i = 0; i < n; i++) {
                set.copyImage(b + i, x, i * per);
                y[i] = set.label(b + i);
            }
            try (NDManager m = trainer.getManager().newSubManager()) {
                NDList preds = trainer.evaluate(new NDList(m.create(x, shape(n, sample))));
                NDArray labels = m.create(y, new Shape(n));
                loss += trainer.getLoss().evaluate(new NDList(labels), preds).getFloat() * n;
                correct += preds.singletonOrThrow().argMax(1).toType(DataType.FLOAT32, false).eq(labels)
                        .toType(DataType.INT64, false).sum().getLong();
            }
        }
        int tests = set.size() - k;
        return new double[] {loss / tests, (double) correct / tests};
    }

    private static long seed(Experiment e) {
        return e.seed() == null ? 0 : e.seed();
    }

    private static Shape shape(int n, long[] sample) {
        List<Long> dims = new ArrayList<>();
        dims.add((long) n);
        for (long d : sample) {
            dims.add(d);
        }
        return new Shape(dims.stream().mapToLong(Long::longValue).toArray());
    }
}
