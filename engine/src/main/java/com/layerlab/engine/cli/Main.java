package com.layerlab.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.layerlab.datasets.ImageSets;
import com.layerlab.engine.experiment.DataSets;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentException;
import com.layerlab.engine.experiment.ExperimentFiles;
import com.layerlab.engine.experiment.LayerInfo;
import com.layerlab.engine.experiment.MemoryEstimate;
import com.layerlab.engine.experiment.ModelSummary;
import com.layerlab.engine.experiment.Models;
import com.layerlab.engine.experiment.PyTorchExport;
import com.layerlab.engine.experiment.Safetensors;
import com.layerlab.engine.nn.Sequential;
import com.layerlab.engine.tensor.BackendProvider;
import com.layerlab.engine.tensor.Backends;
import com.layerlab.engine.tensor.CpuBackend;
import com.layerlab.engine.tensor.Device;
import com.layerlab.engine.tensor.Tensor;
import com.layerlab.engine.train.EpochStats;
import com.layerlab.engine.train.LossDivergedException;
import com.layerlab.engine.train.ImageData;
import com.layerlab.engine.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The engine's command line: {@code inspect}, {@code train}, {@code forward}, {@code export-pytorch},
 * {@code info}, {@code benchmark}.
 * Results go to stdout as JSON; errors to stderr as one line, with exit status 2.
 */
public final class Main {

    static final String USAGE = """
            usage: java -jar layerlab-engine.jar <command> [arguments]

            commands:
              inspect FILE
                  the model's layers with output shapes and parameter counts, as JSON
              train FILE [--out DIR] [--epochs N] [--data-dir D] [--max-memory MIB] [--backend B]
                  trains on backend B (auto, cpu, opencl or cuda; default: the file's "backend", else
                  auto), printing one JSON line per epoch; writes DIR/experiment.json,
                  DIR/weights.safetensors and TensorBoard event files in DIR/events (DIR defaults to
                  runs/<FILE without .json>); data sets that live in files (cifar10, folder:<name>,
                  points:<id> from D/points/<id>.csv) are read from D (default: $LAYERLAB_DATA_DIR, else ./datasets); a model whose
                  estimated memory for one batch is over MIB (default 2048) is refused before training;
                  a loss that becomes NaN or infinite stops the run
              forward FILE --weights W.safetensors --input X.safetensors --out Y.safetensors [--backend B]
                  runs the model in evaluation mode on the tensor "input" of X (batch first) and
                  writes the tensor "output" to Y; B as for train
              export-pytorch FILE
                  the model as PyTorch code (an nn.Sequential class whose state_dict keys are those of
                  the weights file train writes), with its loss and optimizer, printed to stdout
              info
                  the compute backends as one JSON line: for each, whether it runs here, its devices,
                  its kernels or why it is not available; and the backend auto chooses. A backend
                  named with --backend or in the file that is not available here is refused (use auto)
              benchmark [--seconds S] [--rounds R] [--models M,...] [--backends B,...] [--profile on|off]
                  training steps per second of a 2-8-8-1 Tanh network on 500 points at batch 10 (SGD),
                  then training images per second of the CIFAR-10 tutorial model, a LeNet-5-style
                  MNIST model and an MLP 784-128-64-10 at batch 64, on 1 thread and on all cores, next
                  to PyTorch (through DJL) when it is on the class path, then where one training
                  step's time goes; R rounds of S seconds (default 5 of 2); M from playground, cifar,
                  lenet, mlp (default all); B from the backends available here (default all of them)
              help
                  this text
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The standard backends, with what auto passes over said on stderr in the command line's own style. */
    private static Backends backends(PrintStream err) {
        return new Backends(Backends.standard().providers(), (level, message) -> err.println("layerlab: " + message));
    }

    /** train's default bound on a model's estimated memory ({@link MemoryEstimate}), in MiB. */
    static final int DEFAULT_MAX_MEMORY_MIB = 2048;

    private Main() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        System.out.flush();
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs one command; returns the exit status (0 success, 2 bad input or failure). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(USAGE);
            return 2;
        }
        String command = args[0];
        List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
        try {
            switch (command) {
                case "inspect" -> inspect(rest, out, err);
                case "train" -> train(rest, out, err);
                case "forward" -> forward(rest, out, err);
                case "export-pytorch" -> exportPyTorch(rest, out);
                case "info" -> info(rest, out, err);
                case "benchmark" -> benchmark(rest, out);
                case "help", "--help", "-h" -> out.print(USAGE);
                default -> {
                    err.println("layerlab: unknown command \"" + command + "\"");
                    err.print(USAGE);
                    return 2;
                }
            }
            return 0;
        } catch (ExperimentException | UsageException | LossDivergedException | IllegalArgumentException
                 | IllegalStateException e) {
            err.println("layerlab: " + (e.getMessage() == null ? e : e.getMessage()));
            return 2;
        } catch (OutOfMemoryError e) {
            err.println("layerlab: out of memory (" + e.getMessage() + "): use a smaller model or data set, or give Java "
                    + "more memory (java -Xmx8g -jar ...)");
            return 2;
        } catch (RuntimeException e) {
            err.println("layerlab: internal error: " + e);
            return 2;
        }
    }

    /** Wrong command-line arguments. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /** FILE plus --name value options; every option must be known and have a value. */
    private record Args(String file, Map<String, String> options) {
    }

    private static Args parse(String command, List<String> args, boolean needsFile, List<String> known) {
        String file = null;
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--")) {
                if (!known.contains(a)) {
                    throw new UsageException(command + ": unknown option " + a
                            + (known.isEmpty() ? "" : " (options: " + String.join(", ", known) + ")"));
                }
                if (i + 1 >= args.size()) {
                    throw new UsageException(command + ": " + a + " needs a value");
                }
                if (options.put(a, args.get(++i)) != null) {
                    throw new UsageException(command + ": " + a + " is given twice");
                }
            } else if (file == null && needsFile) {
                file = a;
            } else {
                throw new UsageException(command + ": unexpected argument \"" + a + "\"");
            }
        }
        if (needsFile && file == null) {
            throw new UsageException(command + ": FILE is missing (usage: see \"help\")");
        }
        return new Args(file, options);
    }

    private static String require(String command, Args a, String option) {
        String v = a.options().get(option);
        if (v == null) {
            throw new UsageException(command + ": " + option + " is missing");
        }
        return v;
    }

    private static int intOption(String command, Args a, String option, int dflt, int min) {
        String v = a.options().get(option);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(command + ": " + option + " must be an integer of at least " + min + ", got \"" + v + "\"");
    }

    private static double doubleOption(String command, Args a, String option, double dflt) {
        String v = a.options().get(option);
        if (v == null) {
            return dflt;
        }
        try {
            double d = Double.parseDouble(v);
            if (d > 0 && d < 3600) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(command + ": " + option + " must be a positive number of seconds, got \"" + v + "\"");
    }

    // ---- inspect

    private static void inspect(List<String> args, PrintStream out, PrintStream err) {
        Args a = parse("inspect", args, true, List.of());
        Experiment e = ExperimentFiles.readModel(Path.of(a.file()));
        ModelSummary s = Models.inspect(e);
        try {
            // the model can be inspected on its own, but say now what training would refuse
            DataSets.checkInputShape(e.data(), e.inputShape(), null);
        } catch (ExperimentException x) {
            err.println("layerlab: warning: " + x.getMessage() + "; training this file will be refused");
        }
        ObjectNode root = JSON.createObjectNode();
        ArrayNode layers = root.putArray("layers");
        for (LayerInfo l : s.layers()) {
            ObjectNode o = layers.addObject();
            o.put("index", l.index());
            o.put("type", l.type());
            ArrayNode shape = o.putArray("output_shape");
            for (int d : l.outputShape()) {
                shape.add(d);
            }
            o.put("params", l.params());
        }
        root.put("total_params", s.totalParams());
        out.println(root);
    }

    // ---- train

    private static void train(List<String> args, PrintStream out, PrintStream err) {
        Args a = parse("train", args, true, List.of("--out", "--epochs", "--data-dir", "--max-memory", "--backend"));
        Path file = Path.of(a.file());
        Experiment e = withBackendOption("train", a, ExperimentFiles.read(file));
        if (a.options().containsKey("--epochs")) {
            e = e.withEpochs(intOption("train", a, "--epochs", 0, 0));
        }
        long maxMemory = (long) intOption("train", a, "--max-memory", DEFAULT_MAX_MEMORY_MIB, 1) << 20;
        Path dir = Path.of(a.options().getOrDefault("--out",
                Path.of("runs", file.getFileName().toString().replaceFirst("\\.json$", "")).toString()));
        Path dataDir = a.options().containsKey("--data-dir") ? Path.of(a.options().get("--data-dir"))
                : ImageSets.defaultDataDir();
        // before any data is loaded or weight allocated: the estimate needs only the shapes
        ExperimentFiles.requireTrainable(e, dataDir);
        Models.memoryEstimate(e).requireAtMost(maxMemory, "or raise the bound: --max-memory MIB");
        Device device = backends(err).device(e.backend());
        try (Trainer run = new Trainer(e, dataDir, device)) {
            // nothing here reads a step's report; the log's gradient sizes are measured without them
            run.reportSteps(false);
            int epochs = e.epochs();
            try {
                Files.createDirectories(dir);
            } catch (IOException ex) {
                throw new ExperimentException(dir + ": cannot create the output folder (" + ExperimentException.reason(ex)
                        + ")", ex);
            }
            Path events = dir.resolve("events");
            run.logTo(events);
            err.println("layerlab: training " + (e.name() == null ? file.getFileName().toString() : "\"" + e.name() + "\"")
                    + " for " + epochs + " epochs on backend " + run.device().backend().name() + " (device: "
                    + describe(run.device()) + ")");
            boolean images = run.data() instanceof ImageData;
            if (images) {
                err.println("layerlab: data " + run.dataDescription() + "; " + run.batchesPerEpoch() + " batches per epoch");
            }
            long start = System.nanoTime();
            for (int i = 0; i < epochs; i++) {
                long epochStart = System.nanoTime();
                EpochStats s = run.trainEpoch();
                out.println(statsJson(s));
                if (images) {
                    // the time and speed go to stderr: stdout stays the same, bit for bit, on every run
                    err.println(String.format(Locale.ROOT, "layerlab: epoch %d/%d in %.1f s (%,.0f images/s training); "
                                    + "test loss %.4f%s", s.epoch(), epochs, (System.nanoTime() - epochStart) / 1e9,
                            run.samplesPerSecond(), s.testLoss(), s.testAccuracy() == null ? ""
                                    : String.format(Locale.ROOT, ", test accuracy %.2f %%", 100 * s.testAccuracy())));
                }
            }
            Path experimentFile = dir.resolve("experiment.json");
            Path weightsFile = dir.resolve("weights.safetensors");
            ExperimentFiles.write(run.experiment(), experimentFile);
            Safetensors.write(weightsFile, run.model().stateDict(), Map.of("format", "pt"));
            run.close();
            EpochStats last = run.stats();
            err.println(String.format(Locale.ROOT, "layerlab: done on backend %s (device: %s): %d epochs in %.2f s, "
                            + "test loss %.4f; wrote %s, %s and TensorBoard event files in %s (tensorboard --logdir %s)",
                    run.device().backend().name(), describe(run.device()), run.epoch(), (System.nanoTime() - start) / 1e9, last.testLoss(),
                    experimentFile, weightsFile, events, events));
        }
    }

    /** The experiment with {@code --backend}, where given, in place of the file's {@code backend}. */
    private static Experiment withBackendOption(String command, Args a, Experiment e) {
        String b = a.options().get("--backend");
        if (b == null) {
            return e;
        }
        if (!Experiment.BACKENDS.contains(b)) {
            throw new UsageException(command + ": --backend must be one of " + String.join(", ", Experiment.BACKENDS)
                    + ", got \"" + b + "\"");
        }
        return e.withBackend(b);
    }

    private static String describe(Device device) {
        if (device.backend() instanceof CpuBackend c) {
            return "CPU, " + c.threads() + (c.threads() == 1 ? " thread" : " threads");
        }
        return device.toString();
    }

    static String statsJson(EpochStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", s.epoch());
        m.put("train_loss", finite(s.trainLoss()));
        m.put("test_loss", finite(s.testLoss()));
        if (s.trainAccuracy() != null) {
            m.put("train_accuracy", finite(s.trainAccuracy()));
            m.put("test_accuracy", finite(s.testAccuracy()));
        }
        return JSON.valueToTree(m).toString();
    }

    /** JSON has no NaN or infinity: a diverged loss is written as null. */
    private static Double finite(Double v) {
        return v == null || !Double.isFinite(v) ? null : v;
    }

    // ---- forward

    private static void forward(List<String> args, PrintStream out, PrintStream err) {
        Args a = parse("forward", args, true, List.of("--weights", "--input", "--out", "--backend"));
        Path weights = Path.of(require("forward", a, "--weights"));
        Path input = Path.of(require("forward", a, "--input"));
        Path output = Path.of(require("forward", a, "--out"));
        Experiment e = withBackendOption("forward", a, ExperimentFiles.readModel(Path.of(a.file())));
        int[] sample = Models.inputShape(e);
        Sequential model = Models.build(e);
        Map<String, Tensor> w = Safetensors.read(weights);
        try {
            Safetensors.load(model, w);
        } catch (ExperimentException ex) {
            throw new ExperimentException(weights + ": " + ex.getMessage());
        }
        Map<String, Tensor> in = Safetensors.read(input);
        Tensor x = in.get("input");
        if (x == null) {
            throw new ExperimentException(input + ": no tensor named \"input\" (found: "
                    + (in.isEmpty() ? "none" : String.join(", ", in.keySet())) + ")");
        }
        int[] shape = x.shape();
        if (shape.length != sample.length + 1 || !Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), sample)) {
            String expected = Arrays.toString(sample).replaceFirst("^\\[", "[N, ");
            throw new ExperimentException(input + ": tensor \"input\" has shape " + Arrays.toString(shape)
                    + " but the model takes " + expected + " (batch first)");
        }
        // the files are checked before a device is started for them
        Device device = backends(err).device(e.backend());
        model.to(device);
        model.train(false);
        Tensor y = Tensor.noGrad(() -> model.forward(x.to(device)));
        Map<String, Tensor> result = new LinkedHashMap<>();
        result.put("output", y);
        Safetensors.write(output, result);
        out.println("{\"output\":" + JSON.valueToTree(y.shape()) + ",\"file\":" + JSON.valueToTree(output.toString()) + "}");
    }

    // ---- info

    private static void info(List<String> args, PrintStream out, PrintStream err) {
        parse("info", args, false, List.of());
        Backends backends = backends(err);
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("backends");
        for (BackendProvider p : backends.providers()) {
            BackendProvider.Availability a = p.availability();
            ObjectNode o = list.addObject();
            o.put("name", p.name());
            o.put("available", a.available());
            ArrayNode devices = o.putArray("devices");
            a.devices().forEach(devices::add);
            if (a.available()) {
                o.put("kernels", a.kernels());
            } else {
                o.put("reason", a.reason());
            }
        }
        root.put("auto", backends.auto().backend().name());
        out.println(root);
    }

    // ---- export-pytorch

    private static void exportPyTorch(List<String> args, PrintStream out) {
        Args a = parse("export-pytorch", args, true, List.of());
        out.print(PyTorchExport.code(ExperimentFiles.read(Path.of(a.file()))));
    }

    // ---- benchmark

    /** Where the PyTorch peer lives: the engine's test classes, which have DJL. */
    static final String TORCH_PEER = "com.layerlab.engine.cli.TorchBenchmark";

    private static void benchmark(List<String> args, PrintStream out) {
        Args a = parse("benchmark", args, false, List.of("--seconds", "--rounds", "--models", "--backends", "--profile"));
        double seconds = doubleOption("benchmark", a, "--seconds", 2);
        int rounds = intOption("benchmark", a, "--rounds", 5, 1);
        List<String> available = Benchmark.Selection.availableBackends();
        Set<String> models = new LinkedHashSet<>(listOption("benchmark", a, "--models", Benchmark.Selection.MODELS,
                Benchmark.Selection.MODELS));
        List<String> backends = listOption("benchmark", a, "--backends", available, available);
        String profile = a.options().getOrDefault("--profile", "on");
        if (!profile.equals("on") && !profile.equals("off")) {
            throw new UsageException("benchmark: --profile must be on or off, got \"" + profile + "\"");
        }
        Object torch = null;
        String missing = null;
        try {
            torch = Class.forName(TORCH_PEER).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            missing = e.toString();
        }
        if (torch == null) {
            out.println("benchmark: PyTorch is not on the class path (" + missing + "); for the comparison run it on the "
                    + "engine's test class path: mvn -B -q -pl engine -am -Pbench -DskipTests verify");
        }
        if (models.contains("playground")) {
            playground(out, seconds, rounds, backends, (Benchmark.Peer) torch);
        }
        Benchmark.images(out, seconds, rounds, (Benchmark.ImagePeer) torch,
                new Benchmark.Selection(models, backends, profile.equals("on")));
    }

    /** A comma-separated list whose items are all in {@code allowed}; {@code dflt} when the option is absent. */
    private static List<String> listOption(String command, Args a, String option, List<String> allowed, List<String> dflt) {
        String v = a.options().get(option);
        if (v == null) {
            return dflt;
        }
        List<String> items = Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
        for (String item : items) {
            if (!allowed.contains(item)) {
                throw new UsageException(command + ": " + option + " has \"" + item + "\", which is not one of "
                        + String.join(", ", allowed) + (option.equals("--backends") ? " (the backends available here)" : ""));
            }
        }
        if (items.isEmpty()) {
            throw new UsageException(command + ": " + option + " is empty (choose from " + String.join(", ", allowed) + ")");
        }
        return items;
    }

    /** The playground's 2-8-8-1 network on each LayerLab backend and on PyTorch ({@code torch}, may be null). */
    private static void playground(PrintStream out, double seconds, int rounds, List<String> backends, Benchmark.Peer torch) {
        Benchmark.Work work = Benchmark.work();
        List<Benchmark.Peer> peers = new ArrayList<>();
        for (String b : backends) {
            peers.add(new Benchmark.Engine(b));
        }
        if (torch != null) {
            peers.add(torch);
        }
        out.printf(Locale.ROOT, "benchmark: 2-8-8-1 Tanh MLP, %d xor points, batch %d (%d steps per epoch), "
                        + "BCEWithLogitsLoss, SGD lr %s; %d rounds of %.1f s each, alternating, after a warm-up%n",
                work.points(), work.batch(), work.points() / work.batch(), work.lr(), rounds, seconds);
        for (Benchmark.Peer p : peers) {
            p.stepsPerSecond(work, Math.min(seconds, 1.0)); // warm-up: JIT, native libraries
            out.printf(Locale.ROOT, "  %-28s loss after 3 epochs from the same weights: %.6f%n", p.name(), p.lossAfter(work, 3));
        }
        double[][] rates = new double[peers.size()][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < peers.size(); i++) {
                rates[i][r] = peers.get(i).stepsPerSecond(work, seconds);
            }
        }
        double[] medians = new double[peers.size()];
        for (int i = 0; i < peers.size(); i++) {
            double[] sorted = rates[i].clone();
            Arrays.sort(sorted);
            medians[i] = sorted[rounds / 2];
            out.printf(Locale.ROOT, "  %-28s %,10.0f steps/s (median; rounds: %s)%n", peers.get(i).name(), medians[i],
                    Arrays.stream(rates[i]).mapToObj(v -> String.format(Locale.ROOT, "%.0f", v)).toList());
        }
        if (torch != null) {
            for (int i = 0; i < peers.size() - 1; i++) {
                out.printf(Locale.ROOT, "  ratio %s / %s: %.2f%n", peers.get(i).name(), torch.name(),
                        medians[i] / medians[peers.size() - 1]);
            }
        }
    }
}
