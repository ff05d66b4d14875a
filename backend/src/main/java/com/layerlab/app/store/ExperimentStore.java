package com.layerlab.app.store;

import com.layerlab.app.lab.CnnDataService;
import com.layerlab.app.lab.CompareActivation;
import com.layerlab.app.lab.CompareLinks;
import com.layerlab.app.training.Run;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentFiles;
import com.layerlab.engine.experiment.PyTorchExport;
import com.layerlab.engine.summary.EventArchive;
import com.layerlab.engine.tensor.Device;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Saved experiments: what may be saved (a name, a size limit), who sees what (its owner; everyone when it is
 * public), and what a saved experiment gives back (its file, a run with its weights, one zip of it all).
 * Most pages save one network; the comparison saves several ({@link #saveComparison}), all of them one
 * experiment with one link, each with its file, weights and metrics ({@link #networks}).
 * The rules live here; pages and the API only call it. A database that cannot be reached surfaces as a
 * {@link StoreException} of kind {@link StoreException.Kind#UNAVAILABLE}: nothing changed, try again.
 */
@Service
public class ExperimentStore {

    private static final Logger LOG = LoggerFactory.getLogger(ExperimentStore.class);
    /** The limit of one owner's saved experiments together, in MB (0: none). */
    private static final String STORAGE_LIMIT = "layerlab.limits.storage-mb-per-user";
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

    /** One trained network as a page saves it: its experiment, its weights (safetensors) and its metrics history. */
    public record Trained(Experiment experiment, byte[] weights, List<EpochStats> metrics) {
        public Trained {
            Objects.requireNonNull(experiment, "experiment");
            Objects.requireNonNull(weights, "weights");
            metrics = List.copyOf(metrics);
        }
    }

    /** A saved experiment's id and its short link. */
    public record Saved(String id, String url) {
    }

    private final ExperimentRepository repository;
    private final NetworkRepository networkRepository;
    private final TransactionTemplate transactions;
    private final long maxBytes;
    private final long maxBytesPerOwner;
    private final Path dataDir;

    public ExperimentStore(ExperimentRepository repository, NetworkRepository networkRepository,
                           PlatformTransactionManager transactions,
                           @Value("${layerlab.store.max-experiment-mb:20}") int maxMb,
                           @Value("${layerlab.limits.storage-mb-per-user:200}") int maxMbPerOwner, CnnDataService data) {
        if (maxMbPerOwner < 0) {
            throw new IllegalArgumentException("layerlab.limits.storage-mb-per-user must be 0 (no limit) or more, got "
                    + maxMbPerOwner);
        }
        this.repository = repository;
        this.networkRepository = networkRepository;
        this.transactions = new TransactionTemplate(transactions);
        this.maxBytes = (long) maxMb << 20;
        this.maxBytesPerOwner = (long) maxMbPerOwner << 20;
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

    /** What a comparison's trainers have at one moment: taken together on the run's thread. */
    private record TakenAll(List<Trained> networks, int epoch) {
    }

    /**
     * Saves every network of a comparison's run (the compare page's: one experiment per activation,
     * trained in lock step) as one experiment with one link: each trainer's experiment, weights and
     * metrics, taken together between two batches (the run trains on), and the run's TensorBoard files.
     * Completes as {@link #saveLive} does.
     */
    public CompletableFuture<Saved> saveComparison(Run<?> run, String ownerKey, String name, boolean makePublic) {
        return run.call(trainers -> {
                    if (trainers.isEmpty()) {
                        throw new StoreException(StoreException.Kind.BAD_INPUT, "The comparison's networks are "
                                + "still being built: there is nothing to save yet. Try again in a moment.");
                    }
                    List<Trained> networks = trainers.stream().map(t -> new Trained(t.experiment(), t.weights(),
                            List.copyOf(t.history()))).toList();
                    return new TakenAll(networks, trainers.get(0).epoch());
                }).orTimeout(WEIGHTS_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .thenApplyAsync(w -> saveComparison(ownerKey, name, makePublic, w.networks(), w.epoch(),
                        events(run.folder(), run::flushLogs)));
    }

    /**
     * Saves a comparison: two or more networks of the compare page ({@link CompareLinks#experimentFor}, one
     * activation each) as one experiment, in the order the page trained them.
     */
    public Saved saveComparison(String ownerKey, String name, boolean makePublic, List<Trained> networks, int epoch,
                                byte[] events) {
        if (networks.size() < 2) {
            throw new IllegalArgumentException("a comparison saves two or more networks, got " + networks.size());
        }
        Set<CompareActivation> seen = new HashSet<>();
        for (Trained n : networks) {
            // a comparison's networks are told apart (and forked) by their activation
            if (!seen.add(CompareLinks.activationOf(n.experiment()))) {
                throw new IllegalArgumentException("a comparison has one network per activation: "
                        + n.experiment().name() + " twice");
            }
        }
        return insert(ownerKey, name, makePublic, Page.COMPARE, "", networks, epoch, events);
    }

    /** Saves an experiment with its trained state; its id is new and unguessable. */
    public Saved save(Draft draft, byte[] weights, List<EpochStats> metrics, int epoch, byte[] events) {
        return insert(draft.ownerKey(), draft.name(), draft.makePublic(), draft.page(), draft.viewState(),
                List.of(new Trained(draft.experiment(), weights, metrics)), epoch, events);
    }

    /**
     * Checks the name and the size (of every network together) and stores it all in one transaction: the
     * first network in the experiment's row, the others in rows of their own.
     */
    private Saved insert(String ownerKey, String name, boolean makePublic, Page page, String viewState,
                         List<Trained> networks, int epoch, byte[] events) {
        Objects.requireNonNull(ownerKey, "ownerKey");
        String checkedName = checkName(name);
        List<String> files = networks.stream().map(n -> ExperimentFiles.write(n.experiment())).toList();
        List<String> metrics = networks.stream().map(n -> Metrics.toJson(n.metrics())).toList();
        long size = utf8Length(viewState) + (events == null ? 0 : events.length);
        for (int i = 0; i < networks.size(); i++) {
            size += utf8Length(files.get(i)) + networks.get(i).weights().length + utf8Length(metrics.get(i));
        }
        if (size > maxBytes) {
            LOG.info("Save refused, over a limit: layerlab.store.max-experiment-mb={}: owner={} page={} asked={}",
                    maxBytes >> 20, ownerKey, page.id(), size);
            throw tooLarge(size, networks.size());
        }
        checkStorage(ownerKey, page, size);
        String id = ExperimentIds.next();
        SavedExperiment row = new SavedExperiment(id, ownerKey, checkedName, makePublic,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), page.id(), files.get(0), viewState, epoch,
                networks.get(0).weights(), metrics.get(0), events, size);
        List<SavedNetwork> more = new ArrayList<>();
        for (int i = 1; i < networks.size(); i++) {
            more.add(new SavedNetwork(id, i, files.get(i), networks.get(i).weights(), metrics.get(i)));
        }
        database(() -> transactions.execute(status -> {
            repository.save(row);
            networkRepository.saveAll(more);
            return null;
        }));
        LOG.info("Saved experiment {} ({}, {} network{}, {} bytes, epoch {}) for {}", id, page.id(), networks.size(),
                networks.size() == 1 ? "" : "s", size, epoch, ownerKey);
        return new Saved(id, url(id));
    }

    private StoreException tooLarge(long size, int networks) {
        return new StoreException(StoreException.Kind.TOO_LARGE, String.format(Locale.ROOT,
                "This experiment is %.1f MB with %s and TensorBoard files, over the server's limit of "
                        + "%d MB (layerlab.store.max-experiment-mb). A smaller network or fewer epochs logged fit.",
                size / 1048576.0, networks == 1 ? "its weights" : "the weights of its " + networks + " networks",
                maxBytes >> 20));
    }

    /**
     * Refuses a network of {@code parameters} whose weights alone (4 bytes each) could never be saved, before
     * anyone builds it: a file of a few KB may describe a model of gigabytes.
     */
    public void requireWeightsFit(long parameters) {
        long bytes = parameters * Float.BYTES;
        if (bytes > maxBytes) {
            throw tooLarge(bytes, 1);
        }
    }

    /**
     * Refuses a save that would take the owner's saved experiments over their storage limit, naming the
     * limit (before anything is written). A save racing another of the same owner may pass both: the
     * limit is a bound for a class's server, not a quota to the byte. Its log line has the owner and the
     * page but no backend or device: a save is of what was trained, not of a run.
     */
    private void checkStorage(String ownerKey, Page page, long size) {
        if (maxBytesPerOwner == 0) {
            return;
        }
        long stored = database(() -> repository.storedBytes(ownerKey));
        if (stored + size > maxBytesPerOwner) {
            long limitMb = maxBytesPerOwner >> 20;
            LOG.info("Save refused, over a limit: {}={}: owner={} page={} stored={} asked={}", STORAGE_LIMIT, limitMb,
                    ownerKey, page.id(), stored, size);
            throw StoreException.overLimit(STORAGE_LIMIT, limitMb, String.format(Locale.ROOT,
                    "Your saved experiments take %.1f MB; this one (%.1f MB) would take them over the %d MB one user "
                            + "may store here (%s). Delete some in My experiments to save it.",
                    stored / 1048576.0, size / 1048576.0, limitMb, STORAGE_LIMIT));
        }
    }

    private static long utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Keeps what a run of saved experiment {@code id} learned as the experiment's trained state, as a page's
     * save after training would: {@code weights} (at {@code epoch}) and its metrics replace what it had, so
     * that its short link and its weights carry them. The TensorBoard files it had go (they were of another
     * training; the run's stay in its folder). The owner's experiment only; a comparison's networks are
     * trained together, so one of them is never replaced alone. The size limits apply as to any save.
     */
    public void keepTrained(String id, String owner, byte[] weights, List<EpochStats> metrics, int epoch) {
        SavedExperiment e = owned(id, owner);
        if (e.page() == Page.COMPARE) {
            throw new StoreException(StoreException.Kind.BAD_INPUT, "Experiment " + id + " is a comparison: its "
                    + "networks are trained together, one of them is not replaced alone.");
        }
        String metricsJson = Metrics.toJson(metrics);
        long before = e.weights().length + utf8Length(e.metricsJson()) + (e.events() == null ? 0 : e.events().length);
        long after = weights.length + utf8Length(metricsJson);
        long size = e.sizeBytes() - before + after;
        if (size > maxBytes) {
            throw tooLarge(size, 1);
        }
        if (after > before) {
            checkStorage(owner, e.page(), after - before);
        }
        e.trained(weights, metricsJson, epoch, size);
        database(() -> repository.save(e));
        LOG.info("Experiment {} keeps what a run learned: epoch {}, {} bytes, for {}", id, epoch, size, owner);
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

    /** The saved experiment file (of its first network). */
    public Experiment experiment(SavedExperiment saved) {
        return ExperimentFiles.read(saved.experimentJson());
    }

    /** The experiment file of one saved network. */
    public Experiment experiment(SavedNetwork network) {
        return ExperimentFiles.read(network.experimentJson());
    }

    /** Every network of a saved experiment, in the order its page trained them: one, or a comparison's several. */
    public List<SavedNetwork> networks(SavedExperiment saved) {
        List<SavedNetwork> all = new ArrayList<>();
        all.add(SavedNetwork.first(saved));
        all.addAll(database(() -> networkRepository.findByExperimentIdOrderByPositionAsc(saved.id())));
        return all;
    }

    /**
     * A run of the saved experiment with its saved weights, at its epoch 0, on the CPU, for drawing what it
     * learned (the boundary, a confusion matrix, feature maps). Close it after use.
     */
    public Trainer restore(SavedExperiment saved) {
        return restore(saved, Device.cpu());
    }

    /** As {@link #restore(SavedExperiment)}, the model living on {@code device} (a run's, given by its scheduler). */
    public Trainer restore(SavedExperiment saved, Device device) {
        return restore(SavedNetwork.first(saved), device);
    }

    /** As {@link #restore(SavedExperiment)}, for one network of a saved experiment. */
    public Trainer restore(SavedNetwork network) {
        return restore(network, Device.cpu());
    }

    /** As {@link #restore(SavedNetwork)}, the model living on {@code device}. */
    public Trainer restore(SavedNetwork network, Device device) {
        Trainer run = new Trainer(experiment(network), dataDir, device);
        try {
            run.loadWeights(network.weights());
        } catch (RuntimeException e) {
            run.close();
            throw e;
        }
        return run;
    }

    /**
     * The saved comparison {@code id}, as the compare page trains on from it ({@code ?fork=<id>}); a
     * NOT_FOUND StoreException when {@code viewer} may not see it or it is not a comparison.
     */
    public ComparisonFork forkComparison(String id, String viewer) {
        SavedExperiment saved = find(id, viewer).filter(e -> e.page() == Page.COMPARE).orElseThrow(() ->
                new StoreException(StoreException.Kind.NOT_FOUND, "There is no saved comparison \"" + id
                        + "\" to fork: the link is wrong, or it was deleted, or it is private."));
        List<SavedNetwork> networks = networks(saved);
        return ComparisonFork.of(saved, networks.stream().map(this::experiment).toList(),
                networks.stream().map(SavedNetwork::weights).toList());
    }

    /** The download's file name: the experiment's name in safe characters, and its id. */
    public static String zipName(SavedExperiment saved) {
        String base = saved.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return (base.isEmpty() ? "experiment" : base) + "-" + saved.id() + ".zip";
    }

    /**
     * One zip with all of it: experiment.json, weights.safetensors, metrics.json, model.py (the PyTorch code
     * that loads the weights) and the TensorBoard event files under tensorboard/. A comparison has these
     * four files once per network, in a folder named after its activation ({@code relu/}, {@code tanh/}).
     */
    public byte[] zip(SavedExperiment saved) {
        List<SavedNetwork> networks = networks(saved);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (SavedNetwork n : networks) {
                Experiment e = experiment(n);
                String dir = networks.size() == 1 ? "" : CompareLinks.activationOf(e).key() + "/";
                put(zip, dir + "experiment.json", n.experimentJson().getBytes(StandardCharsets.UTF_8));
                put(zip, dir + "weights.safetensors", n.weights());
                put(zip, dir + "metrics.json", n.metricsJson().getBytes(StandardCharsets.UTF_8));
                put(zip, dir + "model.py", PyTorchExport.code(e).getBytes(StandardCharsets.UTF_8));
            }
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
