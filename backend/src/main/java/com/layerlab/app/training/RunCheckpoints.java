package com.layerlab.app.training;

import com.layerlab.engine.experiment.ExperimentException;
import com.layerlab.engine.experiment.ExperimentFiles;
import com.layerlab.engine.train.Checkpoint;
import com.layerlab.engine.train.EpochStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A {@link Checkpoint} as files in a folder, so that a run can be resumed ({@code Trainer.resume}) after
 * its page, or the server, went away: {@code experiment.json} (FORMAT.md, with the learning rate in
 * force), {@code weights.safetensors} (PyTorch's keys), {@code optimizer.safetensors} and
 * {@code history.csv} (one line per epoch from 0). A new checkpoint replaces the folder's whole, so a
 * reader never sees half of one.
 */
public final class RunCheckpoints {

    static final String EXPERIMENT = "experiment.json";
    static final String WEIGHTS = "weights.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String HISTORY = "history.csv";
    private static final String HEADER = "epoch,train_loss,test_loss,train_accuracy,test_accuracy";

    private RunCheckpoints() {
    }

    /** Writes {@code c} into {@code dir}, replacing what is there. */
    public static void write(Path dir, Checkpoint c) {
        Path parent = dir.toAbsolutePath().getParent();
        Path tmp = parent.resolve(dir.getFileName() + ".writing");
        try {
            deleteTree(tmp);
            Files.createDirectories(tmp);
            Files.writeString(tmp.resolve(EXPERIMENT), ExperimentFiles.write(c.experiment()), StandardCharsets.UTF_8);
            Files.write(tmp.resolve(WEIGHTS), c.weights());
            Files.write(tmp.resolve(OPTIMIZER), c.optimizerState());
            StringBuilder csv = new StringBuilder(HEADER).append('\n');
            for (EpochStats s : c.history()) {
                csv.append(s.epoch()).append(',').append(s.trainLoss()).append(',').append(s.testLoss()).append(',')
                        .append(s.trainAccuracy() == null ? "" : s.trainAccuracy()).append(',')
                        .append(s.testAccuracy() == null ? "" : s.testAccuracy()).append('\n');
            }
            Files.writeString(tmp.resolve(HISTORY), csv, StandardCharsets.UTF_8);
            Path old = parent.resolve(dir.getFileName() + ".old");
            deleteTree(old);
            if (Files.exists(dir)) {
                Files.move(dir, old);
            }
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir);
            }
            deleteTree(old);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the checkpoint in {@code dir}.
     *
     * @throws ExperimentException naming the file that is missing or wrong
     */
    public static Checkpoint read(Path dir) {
        try {
            var experiment = ExperimentFiles.read(Files.readString(dir.resolve(EXPERIMENT), StandardCharsets.UTF_8));
            byte[] weights = Files.readAllBytes(dir.resolve(WEIGHTS));
            byte[] optimizer = Files.readAllBytes(dir.resolve(OPTIMIZER));
            List<EpochStats> history = new ArrayList<>();
            List<String> lines = Files.readAllLines(dir.resolve(HISTORY), StandardCharsets.UTF_8);
            for (int i = 1; i < lines.size(); i++) {
                history.add(stats(lines.get(i), i + 1, dir.resolve(HISTORY)));
            }
            if (history.isEmpty()) {
                throw new ExperimentException(dir.resolve(HISTORY) + ": no epochs");
            }
            return new Checkpoint(experiment, history.get(history.size() - 1).epoch(), weights, optimizer, history);
        } catch (IOException e) {
            throw new ExperimentException("cannot read the checkpoint in " + dir + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ExperimentException("the checkpoint in " + dir + " does not hold together: " + e.getMessage());
        }
    }

    private static EpochStats stats(String line, int lineNumber, Path file) {
        String[] f = line.split(",", -1);
        if (f.length != 5) {
            throw new ExperimentException(file + " line " + lineNumber + ": expected 5 fields (" + HEADER + "), got "
                    + f.length);
        }
        try {
            return new EpochStats(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                    f[3].isEmpty() ? null : Double.valueOf(f[3]), f[4].isEmpty() ? null : Double.valueOf(f[4]));
        } catch (NumberFormatException e) {
            throw new ExperimentException(file + " line " + lineNumber + ": not a number: "
                    + e.getMessage().toLowerCase(Locale.ROOT));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
