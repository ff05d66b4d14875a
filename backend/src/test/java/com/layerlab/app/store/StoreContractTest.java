package com.layerlab.app.store;

import static com.layerlab.app.training.TestRuns.STATUS;
import static com.layerlab.app.training.TestRuns.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.layerlab.app.lab.CompareActivation;
import com.layerlab.app.lab.CompareLinks;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunLogs;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentFiles;
import com.layerlab.engine.train.EpochStats;
import com.layerlab.engine.train.PointProbes;
import com.layerlab.engine.train.Trainer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the store promises, on whichever database a subclass names: the same tests, the same migrations,
 * on H2 ({@link H2StoreTest}) and PostgreSQL ({@link PostgresStoreTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoreContractTest {

    private ConfigurableApplicationContext context;
    private ExperimentStore store;
    private final Experiment experiment = PlaygroundSettings.DEFAULTS.toExperiment();

    /**
     * The properties that point the store at this class's database (layerlab.store.max-experiment-mb is 1,
     * layerlab.limits.storage-mb-per-user 2).
     */
    abstract Map<String, String> database();

    @BeforeAll
    void start() {
        context = StoreContext.start(properties());
        store = context.getBean(ExperimentStore.class);
    }

    @AfterAll
    void stop() {
        if (context != null) {
            context.close();
        }
    }

    private Map<String, String> properties() {
        Map<String, String> p = new java.util.HashMap<>(database());
        p.put("layerlab.store.max-experiment-mb", "1");
        p.put("layerlab.limits.storage-mb-per-user", "2");
        return p;
    }

    private static String visitor() {
        return "visitor:" + ExperimentIds.next();
    }

    /** Weights of the playground's default network as a run really has them (not made-up bytes). */
    private byte[] weights() {
        try (Trainer run = new Trainer(experiment)) {
            run.trainEpoch();
            return com.layerlab.engine.experiment.Safetensors.toBytes(run.model().stateDict(), Map.of());
        }
    }

    private ExperimentStore.Saved save(String owner, String name, boolean makePublic) {
        return store.save(new ExperimentStore.Draft(owner, name, makePublic, Page.PLAYGROUND, experiment, "test=1"),
                weights(), List.of(new EpochStats(0, 0.7, 0.71, 0.5, 0.5), new EpochStats(1, 0.5, Double.NaN, 0.8, null)),
                1, events());
    }

    /** A save the store refused, and its log lines about the owner meanwhile. */
    private record Refused(StoreException e, List<String> lines) {
    }

    private static Refused refused(Executable save, String owner) {
        Logger logger = (Logger) LoggerFactory.getLogger(ExperimentStore.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            StoreException e = assertThrows(StoreException.class, save);
            return new Refused(e, log.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(l -> l.contains("owner=" + owner)).toList());
        } finally {
            logger.detachAppender(log);
        }
    }

    private static byte[] events() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("run-1/events.out.tfevents.1"));
            zip.write(new byte[] {1, 2, 3});
            zip.closeEntry();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    @Test
    void savedExperimentComesBackWholeUnderAnUnguessableId() {
        String owner = visitor();
        byte[] w = weights();
        ExperimentStore.Saved saved = store.save(new ExperimentStore.Draft(owner, "  Circle, 4-2  ", false,
                Page.PLAYGROUND, experiment, "test=1"), w, List.of(new EpochStats(0, 0.7, 0.71, 0.5, 0.5),
                new EpochStats(1, 0.5, Double.NaN, 0.8, null)), 1, events());
        assertTrue(saved.id().matches("[A-Za-z0-9_-]{20}"), saved.id());
        assertEquals("/e/" + saved.id(), saved.url());

        SavedExperiment back = store.get(saved.id(), owner);
        assertEquals("Circle, 4-2", back.name());
        assertEquals(owner, back.ownerKey());
        assertFalse(back.isPublic());
        assertEquals(Page.PLAYGROUND, back.page());
        assertEquals(ExperimentFiles.write(experiment), ExperimentFiles.write(store.experiment(back)));
        assertArrayEquals(w, back.weights());
        assertEquals("test=1", back.viewState());
        assertEquals(1, back.trainedEpoch());
        List<EpochStats> m = Metrics.fromJson(back.metricsJson());
        assertEquals(new EpochStats(0, 0.7, 0.71, 0.5, 0.5), m.get(0));
        assertEquals(0.5, m.get(1).trainLoss());
        assertTrue(Double.isNaN(m.get(1).testLoss()), "a diverged loss stays a diverged loss");
        assertArrayEquals(events(), back.events());
    }

    @Test
    void idsDoNotRepeat() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(ExperimentIds.next());
        }
        assertEquals(1000, ids.size());
    }

    @Test
    void privateExperimentsAreTheirOwnersOnlyAndPublicOnesEveryones() {
        String ana = visitor();
        String bo = visitor();
        String hidden = save(ana, "hidden", false).id();
        String shown = save(ana, "shown", true).id();

        assertTrue(store.find(hidden, ana).isPresent());
        assertTrue(store.find(hidden, bo).isEmpty(), "someone else's private experiment looks unknown");
        assertTrue(store.find(shown, bo).isPresent());

        List<String> anas = store.mine(ana).stream().map(ExperimentSummary::getId).toList();
        assertEquals(List.of(shown, hidden), anas, "newest first");
        assertTrue(store.mine(bo).isEmpty());
        List<String> gallery = store.gallery().stream().map(ExperimentSummary::getId).toList();
        assertTrue(gallery.contains(shown));
        assertFalse(gallery.contains(hidden));
    }

    @Test
    void onlyTheOwnerRenamesPublishesAndDeletes() {
        String ana = visitor();
        String bo = visitor();
        String id = save(ana, "first", false).id();

        StoreException notYours = assertThrows(StoreException.class, () -> store.rename(id, bo, "mine now"));
        assertEquals(StoreException.Kind.NOT_FOUND, notYours.kind());
        assertThrows(StoreException.class, () -> store.setPublic(id, bo, true));
        assertThrows(StoreException.class, () -> store.delete(id, bo));
        assertEquals("first", store.get(id, ana).name());

        store.rename(id, ana, "second");
        store.setPublic(id, ana, true);
        assertEquals("second", store.get(id, bo).name());
        assertTrue(store.gallery().stream().anyMatch(e -> e.getId().equals(id)));

        store.delete(id, ana);
        assertTrue(store.find(id, ana).isEmpty());
        assertEquals(StoreException.Kind.NOT_FOUND, assertThrows(StoreException.class, () -> store.get(id, ana)).kind());
    }

    @Test
    void badNamesAndOversizedExperimentsAreRefusedWithAReason() {
        String owner = visitor();
        StoreException blank = assertThrows(StoreException.class, () -> save(owner, "   ", false));
        assertEquals(StoreException.Kind.BAD_INPUT, blank.kind());
        StoreException longName = assertThrows(StoreException.class, () -> save(owner, "x".repeat(101), false));
        assertTrue(longName.getMessage().contains("101"), longName.getMessage());

        byte[] big = new byte[1_200_000];
        Refused tooBig = refused(() -> store.save(new ExperimentStore.Draft(owner, "big", false, Page.PLAYGROUND,
                experiment, ""), big, List.of(), 0, null), owner);
        assertEquals(StoreException.Kind.TOO_LARGE, tooBig.e().kind());
        assertTrue(tooBig.e().getMessage().contains("layerlab.store.max-experiment-mb"), tooBig.e().getMessage());
        assertEquals(1, tooBig.lines().size(), tooBig.lines().toString());
        assertTrue(tooBig.lines().get(0).matches("Save refused, over a limit: layerlab\\.store\\.max-experiment-mb=1: "
                + "owner=" + owner + " page=" + Page.PLAYGROUND.id() + " asked=\\d{7}"), tooBig.lines().get(0));
        assertTrue(store.mine(owner).isEmpty(), "nothing was stored");
    }

    @Test
    void aSaveOverTheOwnersStorageIsRefusedNamingTheLimit() {
        String owner = visitor();
        byte[] weights = new byte[800_000];
        for (int i = 0; i < 2; i++) {
            store.save(new ExperimentStore.Draft(owner, "part " + i, false, Page.PLAYGROUND, experiment, ""), weights,
                    List.of(), 0, null);
        }
        Refused over = refused(() -> store.save(new ExperimentStore.Draft(owner, "one more", false, Page.PLAYGROUND,
                experiment, ""), weights, List.of(), 0, null), owner);
        // a save has no run: its owner, page and sizes, no backend or device
        List<String> lines = over.lines();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("Save refused, over a limit: layerlab\\.limits\\.storage-mb-per-user=2: owner="
                + owner + " page=" + Page.PLAYGROUND.id() + " stored=\\d{7} asked=\\d{6}"), lines.get(0));
        assertEquals(StoreException.Kind.OVER_LIMIT, over.e().kind());
        assertEquals(Optional.of(new StoreException.Limit("layerlab.limits.storage-mb-per-user", 2)), over.e().limit());
        assertTrue(over.e().getMessage().contains("layerlab.limits.storage-mb-per-user")
                && over.e().getMessage().contains("2 MB"), over.e().getMessage());
        assertEquals(2, store.mine(owner).size(), "nothing more was stored");
        // the limit is each owner's: another's save of the same size goes through
        String other = visitor();
        store.save(new ExperimentStore.Draft(other, "theirs", false, Page.PLAYGROUND, experiment, ""), weights,
                List.of(), 0, null);
        assertEquals(1, store.mine(other).size());
    }

    @Test
    void theZipHoldsFileWeightsMetricsCodeAndEvents() throws IOException {
        String owner = visitor();
        SavedExperiment s = store.get(save(owner, "zipped", false).id(), owner);
        List<String> names = new ArrayList<>();
        byte[] weightsInZip = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(store.zip(s)))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                names.add(e.getName());
                byte[] content = zip.readAllBytes();
                if (e.getName().equals("weights.safetensors")) {
                    weightsInZip = content;
                }
                if (e.getName().equals("model.py")) {
                    assertTrue(new String(content).contains("nn.Sequential"), "PyTorch code");
                }
            }
        }
        assertEquals(List.of("experiment.json", "weights.safetensors", "metrics.json", "model.py",
                "tensorboard/run-1/events.out.tfevents.1"), names);
        assertArrayEquals(s.weights(), weightsInZip);
    }

    @Test
    void aRestoredRunHasTheSavedWeights() {
        String owner = visitor();
        SavedExperiment s = store.get(save(owner, "restored", false).id(), owner);
        try (Trainer run = store.restore(s); Trainer fresh = new Trainer(experiment)) {
            byte[] restored = com.layerlab.engine.experiment.Safetensors.toBytes(run.model().stateDict(), Map.of());
            assertArrayEquals(s.weights(), restored);
            assertNotEquals(java.util.Arrays.toString(new PointProbes(fresh).predictGrid(8, 6f).values()),
                    java.util.Arrays.toString(new PointProbes(run).predictGrid(8, 6f).values()), "trained weights, not the seed's");
        }
    }

    @Test
    void aRestartKeepsEverySavedExperiment() {
        String owner = visitor();
        String a = save(owner, "before restart a", false).id();
        String b = save(owner, "before restart b", true).id();
        byte[] w = store.get(a, owner).weights();
        context.close();
        context = StoreContext.start(properties());
        store = context.getBean(ExperimentStore.class);
        assertEquals(List.of(b, a), store.mine(owner).stream().map(ExperimentSummary::getId).toList());
        assertArrayEquals(w, store.get(a, owner).weights());
        assertTrue(store.get(b, visitor()).isPublic());
    }

    // ---- comparisons: several networks, one experiment --------------------------------------------

    /** A comparison's networks as the compare page trains them, with weights a run really has. */
    private static List<ExperimentStore.Trained> comparison(List<CompareActivation> activations) {
        List<ExperimentStore.Trained> out = new ArrayList<>();
        for (CompareActivation a : activations) {
            Experiment e = CompareLinks.experimentFor(CompareLinks.DEFAULT_SETTINGS, a);
            try (Trainer run = new Trainer(e)) {
                run.trainEpoch();
                out.add(new ExperimentStore.Trained(e, run.weights(), run.history()));
            }
        }
        return out;
    }

    /** The tensors of a safetensors file, without its metadata (which says the epoch). */
    private static byte[] tensors(byte[] safetensors) {
        return com.layerlab.engine.experiment.Safetensors.toBytes(
                com.layerlab.engine.experiment.Safetensors.fromBytes(safetensors), Map.of());
    }

    @Test
    void aComparisonRunIsSavedWholeAndForksFromEveryNetworksWeights() throws Exception {
        String owner = visitor();
        TrainingRuntime runtime = new TrainingRuntime(new RunLogs(Files.createTempDirectory("layerlab-compare-runs"), 10,
                20L << 20), null, new TrainingRuntime.Pool(4, 4, Duration.ofMillis(5), "networks"),
                new TrainingRuntime.Pool(1, 1, Duration.ofMillis(5), "image networks"), Duration.ofSeconds(60), Duration.ZERO);
        try (runtime) {
            CompareLinks.State compared = new CompareLinks.State(CompareLinks.DEFAULT_SETTINGS,
                    List.of(CompareActivation.RELU, CompareActivation.TANH, CompareActivation.SIGMOID));
            Run<RunStatus> run = runtime.submit(compared.experiments(), new RunOptions(owner, false, "compare", false, 0), STATUS);
            await(run, st -> st.epoch() >= 1, "trained an epoch");
            run.pause();
            await(run, st -> st.state() == RunState.PAUSED, "paused");
            // and one batch more: saved mid-epoch, as a learner saves whenever they like
            double before = run.status().progress();
            run.step();
            await(run, st -> st.state() == RunState.PAUSED && st.progress() > before, "stepped");

            ExperimentStore.Saved saved = store.saveComparison(run, owner, "ReLU, Tanh, Sigmoid", false).get(60, TimeUnit.SECONDS);
            SavedExperiment back = store.get(saved.id(), owner);
            assertEquals(Page.COMPARE, back.page());
            assertEquals(run.status().epoch(), back.trainedEpoch());
            List<SavedNetwork> networks = store.networks(back);
            assertEquals(3, networks.size());
            long size = 0;
            for (int i = 0; i < 3; i++) {
                SavedNetwork n = networks.get(i);
                assertEquals(i, n.position());
                assertArrayEquals(run.weights(i).get(10, TimeUnit.SECONDS), n.weights(), "network " + i + "'s weights");
                assertEquals(ExperimentFiles.write(run.experiments().get(i)), n.experimentJson());
                assertEquals(run.history().get(i), Metrics.fromJson(n.metricsJson()), "network " + i + "'s metrics");
                size += n.weights().length + n.experimentJson().length() + n.metricsJson().length();
            }
            assertNotEquals(java.util.Arrays.toString(networks.get(0).weights()),
                    java.util.Arrays.toString(networks.get(1).weights()), "each network its own weights");
            assertTrue(back.sizeBytes() >= size, "the size counts every network: " + back.sizeBytes() + " < " + size);
            assertEquals("ReLU, Tanh, Sigmoid", store.mine(owner).get(0).getName());
            assertEquals("compare", store.mine(owner).get(0).getPage());

            // Fork: the compare page's state and one start weights file per run, in the runs' order
            ComparisonFork fork = store.forkComparison(saved.id(), owner);
            assertEquals(compared.activations(), fork.state().activations());
            assertEquals(compared.experiments().stream().map(ExperimentFiles::write).toList(),
                    fork.experiments().stream().map(ExperimentFiles::write).toList(), "the runs the page builds are the saved ones");
            Run<RunStatus> forked = runtime.submit(fork.experiments(), new RunOptions(owner, false, "compare", true, 0,
                    fork.startWeights()), STATUS);
            await(forked, st -> st.state() == RunState.PAUSED && !st.loading(), "built");
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(tensors(networks.get(i).weights()), tensors(forked.weights(i).get(10, TimeUnit.SECONDS)),
                        "the fork's network " + i + " starts from its saved weights");
            }
            forked.step();
            await(forked, st -> st.batch() == 1, "stepped from the saved weights");
            assertNotEquals(java.util.Arrays.toString(networks.get(0).weights()),
                    java.util.Arrays.toString(forked.weights(0).get(10, TimeUnit.SECONDS)), "and trains on");
            assertEquals(StoreException.Kind.NOT_FOUND, assertThrows(StoreException.class,
                    () -> store.forkComparison(saved.id(), visitor())).kind(), "a private comparison forks for its owner only");
        }
    }

    @Test
    void aComparisonIsFoundListedZippedAndDeletedWithAllItsNetworks() throws IOException {
        String ana = visitor();
        List<ExperimentStore.Trained> nets = comparison(List.of(CompareActivation.TANH, CompareActivation.LEAKY_RELU));
        String id = store.saveComparison(ana, "two", true, nets, 1, events()).id();
        assertTrue(store.find(id, visitor()).isPresent(), "public: anyone's");
        assertTrue(store.gallery().stream().anyMatch(e -> e.getId().equals(id)));
        store.rename(id, ana, "two, renamed");
        SavedExperiment s = store.get(id, ana);
        assertEquals("two, renamed", s.name());
        assertEquals(2, store.networks(s).size(), "renaming keeps the networks");
        try (Trainer restored = store.restore(store.networks(s).get(1))) {
            assertArrayEquals(tensors(nets.get(1).weights()), tensors(restored.weights()),
                    "the second network restores with its own weights");
            assertEquals("LeakyReLU", restored.experiment().model().get(1).type());
        }

        Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(store.zip(s)))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                entries.put(e.getName(), zip.readAllBytes());
            }
        }
        assertEquals(List.of("tanh/experiment.json", "tanh/weights.safetensors", "tanh/metrics.json", "tanh/model.py",
                "leakyrelu/experiment.json", "leakyrelu/weights.safetensors", "leakyrelu/metrics.json",
                "leakyrelu/model.py", "tensorboard/run-1/events.out.tfevents.1"), List.copyOf(entries.keySet()));
        assertArrayEquals(nets.get(1).weights(), entries.get("leakyrelu/weights.safetensors"));
        assertTrue(new String(entries.get("leakyrelu/model.py")).contains("LeakyReLU"), "each folder its own PyTorch code");

        store.delete(id, ana);
        assertTrue(store.find(id, ana).isEmpty());
        assertEquals(0, context.getBean(NetworkRepository.class).findByExperimentIdOrderByPositionAsc(id).size(),
                "the database deletes its networks with it");
    }

    @Test
    void aComparisonOverTheLimitIsRefusedCountingEveryNetwork() {
        String owner = visitor();
        List<ExperimentStore.Trained> nets = comparison(List.of(CompareActivation.RELU, CompareActivation.TANH));
        byte[] half = new byte[600_000];
        // each network alone fits the 1 MB limit; the two together do not
        List<ExperimentStore.Trained> big = List.of(new ExperimentStore.Trained(nets.get(0).experiment(), half, List.of()),
                new ExperimentStore.Trained(nets.get(1).experiment(), half, List.of()));
        StoreException tooBig = assertThrows(StoreException.class, () -> store.saveComparison(owner, "big", false, big, 0, null));
        assertEquals(StoreException.Kind.TOO_LARGE, tooBig.kind());
        assertTrue(tooBig.getMessage().contains("2 networks"), tooBig.getMessage());
        assertTrue(store.mine(owner).isEmpty(), "nothing was stored");
        assertThrows(IllegalArgumentException.class, () -> store.saveComparison(owner, "one", false, nets.subList(0, 1), 0, null),
                "a comparison has two networks or more");
    }

    @Test
    void aSingleNetworkExperimentIsNoComparisonToFork() {
        String owner = visitor();
        String id = save(owner, "playground", false).id();
        assertEquals(1, store.networks(store.get(id, owner)).size());
        assertEquals(StoreException.Kind.NOT_FOUND, assertThrows(StoreException.class,
                () -> store.forkComparison(id, owner)).kind());
    }
}
