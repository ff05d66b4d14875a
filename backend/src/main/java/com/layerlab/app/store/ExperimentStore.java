package com.layerlab.app.store;

import com.layerlab.app.training.Run;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentFiles;
import com.layerlab.engine.experiment.PyTorchExport;
import com.layerlab.engine.summary.EventArchive;
import com.layerlab.engine.train.EpochStats;
import com.layerlab.engine.train.Trainer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionException;

/**
 * Saved experiments: what may be saved (a name, a size limit), who sees what (its owner; everyone when it is
 * public), and what a saved experiment gives back (its file, a run with its weights, one zip of it all).
 * The rules live here; pages and the API only call it. A database that cannot be reached surfaces as a
 * {@link StoreException} of kind {@link StoreException.Kind#UNAVAILABLE}: nothing changed, try again.
 */
@Service
public class ExperimentStore {

    private static final Logger LOG = LoggerFactory.getLogger(ExperimentStore.class);
    public static final int MAX_NAME_LENGTH = 100;
    /** How many public experiments the gallery lists (the newest). */
    public static final int GALLERY_SIZE = 200;
    private static final long WEIGHTS_TIMEOUT_SECONDS = 30;

    /** What a page saves besides the trained state. */
    public record Draft(String ownerKey, String name, boolean makePublic, Page page, Experiment experiment,
                        String viewState) {
        public Draft {
            Objects.requireNonNull(ownerKey, "ownerKey");
            Objects.requireNonNull(page, "page");
            Objects.requireNonNull(experiment, "experiment");
            viewState = viewState == null ? "" : viewState;
        }
    }

    /** A saved experiment's id and its short link. */
    public record Saved(String id, String url) {
    }

    private final ExperimentRepository repository;
    private final long maxBytes;
    private final Path dataDir;

    public ExperimentStore(ExperimentRepository repository,
                           @Value("${layerlab.store.max-experiment-mb:20}") int maxMb,
                           com.layerlab.app.lab.CnnDataService data) {
        this.repository = repository;
        this.maxBytes = (long) maxMb << 20;
        this.dataDir = data.dataDir();
    }

    /** The short link of a saved experiment. */
    public static String url(String id) {
        return "/e/" + id;
    }

    /** What a run's trainer has at one moment: taken together on the run's thread, so they agree. */
    private record Taken(byte[] weights, List<EpochStats> metrics, int epoch) {
    }

    /**
     * Saves what trainer {@code index} of a run of the training runtime has now: its weights, metrics and
     * epoch taken together between two batches (the run trains on), and the run's TensorBoard files.
     * Completes with the link, or exceptionally with a {@link StoreException} (or the run's own failure).
     */
    public CompletableFuture<Saved> saveLive(Run<?> run, int index, Draft draft) {
        return run.call(trainers -> {
                    if (index < 0 || index >= trainers.size()) {
                        throw new IllegalArgumentException("this run has no trainer " + index + " to save (it has "
                                + trainers.size() + ")");
                    }
                    Trainer t = trainers.get(index);
                    return new Taken(t.weights(), List.copyOf(t.history()), t.epoch());
                }).orTimeout(WEIGHTS_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .thenApplyAsync(w -> save(draft, w.weights(), w.metrics(), w.epoch(), events(run.folder(), run::flushLogs)));
    }

    /** Saves an experiment with its trained state; its id is new and unguessable. */
    public Saved save(Draft draft, byte[] weights, List<EpochStats> metrics, int epoch, byte[] events) {
        String name = checkName(draft.name());
        String file = ExperimentFiles.write(draft.experiment());
        String metricsJson = Metrics.toJson(metrics);
        long size = (long) file.getBytes(StandardCharsets.UTF_8).length + weights.length
                + metricsJson.getBytes(StandardCharsets.UTF_8).length + (events == null ? 0 : events.length)
                + draft.viewState().getBytes(StandardCharsets.UTF_8).length;
        if (size > maxBytes) {
            throw new StoreException(StoreException.Kind.TOO_LARGE, String.format(Locale.ROOT,
                    "This experiment is %.1f MB with its weights and TensorBoard files, over the server's limit of "
                            + "%d MB (layerlab.store.max-experiment-mb). A smaller network or fewer epochs logged fit.",
                    size / 1048576.0, maxBytes >> 20));
        }
        String id = ExperimentIds.next();
        SavedExperiment row = new SavedExperiment(id, draft.ownerKey(), name, draft.makePublic(),
                Instant.now().truncatedTo(ChronoUnit.MILLIS), draft.page().id(), file, draft.viewState(), epoch,
                weights, metricsJson, events, size);
        database(() -> repository.save(row));
        LOG.info("Saved experiment {} ({}, {} bytes, epoch {}) for {}", id, draft.page().id(), size, epoch,
                draft.ownerKey());
        return new Saved(id, url(id));
    }

    /** The saved experiment {@code id} if {@code viewer} may see it (its owner, or anyone when public). */
    public Optional<SavedExperiment> find(String id, String viewer) {
        if (!ExperimentIds.isWellFormed(id)) {
            return Optional.empty();
        }
        return database(() -> repository.findById(id)).filter(e -> e.isPublic() || e.ownerKey().equals(viewer));
    }

    /** {@link #find}, or a NOT_FOUND StoreException (also for what exists but the viewer may not see). */
    public SavedExperiment get(String id, String viewer) {
        return find(id, viewer).orElseThrow(() -> notFound(id));
    }

    /** The owner's experiments, newest first. */
    public List<ExperimentSummary> mine(String owner) {
        return database(() -> repository.findByOwnerKeyOrderByCreatedAtDesc(owner));
    }

    /** The public experiments, newest first. */
    public List<ExperimentSummary> gallery() {
        return database(() -> repository.findByPublicFlagTrueOrderByCreatedAtDesc(Limit.of(GALLERY_SIZE)));
    }

    public void rename(String id, String owner, String newName) {
        String name = checkName(newName);
        SavedExperiment e = owned(id, owner);
        e.rename(name);
        database(() -> repository.save(e));
    }

    public void setPublic(String id, String owner, boolean on) {
        SavedExperiment e = owned(id, owner);
        e.makePublic(on);
        database(() -> repository.save(e));
    }

    public void delete(String id, String owner) {
        SavedExperiment e = owned(id, owner);
        database(() -> {
            repository.delete(e);
            return null;
        });
        LOG.info("Deleted experiment {} of {}", id, owner);
    }

    /** The saved experiment file. */
    public Experiment experiment(SavedExperiment saved) {
        return ExperimentFiles.read(saved.experimentJson());
    }

    /**
     * A run of the saved experiment with its saved weights, at its epoch 0, for drawing what it learned
     * (the boundary, a confusion matrix, feature maps). Close it after use.
     */
    public Trainer restore(SavedExperiment saved) {
        Trainer run = new Trainer(experiment(saved), dataDir);
        try {
            run.loadWeights(saved.weights());
        } catch (RuntimeException e) {
            run.close();
            throw e;
        }
        return run;
    }

    /** The download's file name: the experiment's name in safe characters, and its id. */
    public static String zipName(SavedExperiment saved) {
        String base = saved.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return (base.isEmpty() ? "experiment" : base) + "-" + saved.id() + ".zip";
    }

    /**
     * One zip with all of it: experiment.json, weights.safetensors, metrics.json, model.py (the PyTorch code
     * that loads the weights) and the TensorBoard event files under tensorboard/.
     */
    public byte[] zip(SavedExperiment saved) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            put(zip, "experiment.json", saved.experimentJson().getBytes(StandardCharsets.UTF_8));
            put(zip, "weights.safetensors", saved.weights());
            put(zip, "metrics.json", saved.metricsJson().getBytes(StandardCharsets.UTF_8));
            put(zip, "model.py", PyTorchExport.code(experiment(saved)).getBytes(StandardCharsets.UTF_8));
            if (saved.events() != null) {
                try (ZipInputStream events = new ZipInputStream(new ByteArrayInputStream(saved.events()))) {
                    ZipEntry e;
                    while ((e = events.getNextEntry()) != null) {
                        if (!e.isDirectory()) {
                            put(zip, "tensorboard/" + e.getName(), events.readAllBytes());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }

    private SavedExperiment owned(String id, String owner) {
        return find(id, owner).filter(e -> e.ownerKey().equals(owner)).orElseThrow(() -> notFound(id));
    }

    private static StoreException notFound(String id) {
        return new StoreException(StoreException.Kind.NOT_FOUND, "There is no saved experiment \"" + id
                + "\": the link is wrong, or it was deleted, or it is private.");
    }

    static String checkName(String name) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty()) {
            throw new StoreException(StoreException.Kind.BAD_INPUT, "Give the experiment a name.");
        }
        if (n.length() > MAX_NAME_LENGTH) {
            throw new StoreException(StoreException.Kind.BAD_INPUT, "The name has " + n.length()
                    + " characters; at most " + MAX_NAME_LENGTH + " fit.");
        }
        if (n.chars().anyMatch(Character::isISOControl)) {
            throw new StoreException(StoreException.Kind.BAD_INPUT, "The name has a control character (a line break or tab): use one line of text.");
        }
        return n;
    }

    /** The TensorBoard files in a training's folder, zipped, after {@code flush}; null when it logs none. */
    private static byte[] events(Path logDir, Runnable flush) {
        if (logDir == null) {
            return null;
        }
        flush.run();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EventArchive.writeZip(logDir, out);
        return out.toByteArray();
    }

    /** Runs a database call; a database that cannot be reached becomes a message that says so. */
    private static <T> T database(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (DataAccessException | TransactionException e) {
            // a connection that cannot be had fails the transaction's start, not the query
            LOG.warn("The database failed: {}", e.getMostSpecificCause().toString());
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "The database cannot be reached just now, so "
                    + "nothing was saved or changed. Your work on this page is kept: try again in a moment.", e);
        }
    }

    /** The StoreException inside an async failure, or a generic one for the training's own failures. */
    public static StoreException unwrap(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (c instanceof StoreException s) {
            return s;
        }
        if (c instanceof java.util.concurrent.TimeoutException) {
            return new StoreException(StoreException.Kind.UNAVAILABLE,
                    "The training did not hand over its weights in time. Pause it and try again.", c);
        }
        return new StoreException(StoreException.Kind.UNAVAILABLE, "Saving failed: "
                + (c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage()) + ". Try again.", c);
    }
}
