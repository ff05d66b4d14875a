package com.layerlab.app.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.cluster.NodeSettings;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunJournal;
import com.layerlab.app.training.RunLogs;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.TestRuns;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.tensor.Backends;
import com.layerlab.engine.train.EpochStats;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A server killed while a signed-in user's run trains, started again on the same data folder and
 * database: the run is interrupted, at its last checkpoint, and resumes from it with every epoch once,
 * in its history and in its TensorBoard files. The kill: the journal takes no more writes (a killed
 * server writes nothing more) and the runtime goes; a fresh runtime then starts on the same database.
 */
class RunRestartTest {

    private static final int EPOCHS = 30;
    private static final int KEEP = 50;

    @TempDir
    Path dir;
    private final List<TrainingRuntime> runtimes = new ArrayList<>();
    private ConfigurableApplicationContext store;

    @AfterEach
    void close() {
        runtimes.forEach(TrainingRuntime::close);
        if (store != null) {
            store.close();
        }
    }

    /** The journal of the store's database, which stops taking writes once {@link #kill} is called. */
    private static final class KillableJournal implements RunJournal {
        private final RunJournal journal;
        private volatile boolean killed;

        KillableJournal(RunJournal journal) {
            this.journal = journal;
        }

        void kill() {
            killed = true;
        }

        @Override
        public void write(Entry e) {
            if (!killed) {
                journal.write(e);
            }
        }

        @Override
        public List<Entry> unfinished() {
            return journal.unfinished();
        }

        @Override
        public void forget(String id) {
            if (!killed) {
                journal.forget(id);
            }
        }
    }

    private TrainingRuntime runtime(RunJournal journal, Duration checkpointInterval) {
        return runtime(journal, checkpointInterval, runLogs());
    }

    /** The runs folder, the same for every server life, the newest {@link #KEEP} kept. */
    private RunLogs runLogs() {
        return new RunLogs(dir.resolve("runs"), KEEP, 20L << 20);
    }

    private TrainingRuntime runtime(RunJournal journal, Duration checkpointInterval, RunLogs logs) {
        // 10 epochs a second: the kill comes mid-run; the same runs folder for both server lives
        TrainingRuntime r = new TrainingRuntime(Backends.standard(), logs, null,
                new TrainingRuntime.Pool(4, 4, Duration.ofMillis(5), "networks", 0, 10),
                new TrainingRuntime.Pool(1, 1, Duration.ofMillis(5), "image networks"),
                TrainingRuntime.Limits.none(new TrainingRuntime.Pool(4, 4, Duration.ofMillis(5), "networks"),
                        new TrainingRuntime.Pool(1, 1, Duration.ofMillis(5), "image networks")),
                Duration.ofMinutes(1), TrainingRuntime.SignedInRuns.DEFAULTS, checkpointInterval, journal,
                (page, experiments) -> TestRuns.STATUS);
        runtimes.add(r);
        return r;
    }

    private TrainingRunJournal database() {
        store = StoreContext.start(Map.of("layerlab.data.dir", dir.toString(), "spring.datasource.url", ""));
        return new TrainingRunJournal(store.getBean(TrainingRunRepository.class), NodeSettings.SINGLE);
    }

    /** Trains a signed-in user's run to epoch 4 or later, its only checkpoint at epoch 1, and kills the server. */
    private Run<?> trainAndKill(RunJournal db) throws Exception {
        return trainAndKill(db, "user:ana").get(0);
    }

    /** As {@link #trainAndKill(RunJournal)}, one run for each of {@code owners}, trained side by side. */
    private List<Run<?>> trainAndKill(RunJournal db, String... owners) throws Exception {
        KillableJournal journal = new KillableJournal(db);
        // one checkpoint an hour: the first epoch's is the last one on disk when the kill comes
        TrainingRuntime before = runtime(journal, Duration.ofHours(1));
        List<Run<?>> trained = new ArrayList<>();
        for (String owner : owners) {
            trained.add(before.submit(List.of(TestRuns.POINTS), new RunOptions(owner, true, "api", false, EPOCHS,
                    List.of(), List.of(), "exp-1"), TestRuns.STATUS));
        }
        for (Run<?> run : trained) {
            TestRuns.await(run, s -> s.epoch() >= 4, "at epoch 4");
        }
        journal.kill();
        before.close();
        runtimes.remove(before);
        List<RunJournal.Entry> left = db.unfinished();
        assertEquals(owners.length, left.size(), "the journal holds the runs: " + left);
        for (RunJournal.Entry e : left) {
            assertEquals(RunState.RUNNING, e.state(), "killed: nobody wrote its end");
            assertEquals(1, e.checkpointEpoch(), "its checkpoint of epoch 1");
        }
        return trained;
    }

    @Test
    void aRunKilledMidTrainingIsInterruptedAfterTheRestartAndResumesWithEveryEpochOnce() throws Exception {
        RunJournal db = database();
        Run<?> killed = trainAndKill(db);
        assertTrue(epochsLogged(killed.folder()).contains(3), "the killed run had logged epochs past its checkpoint");

        TrainingRuntime after = runtime(db, Duration.ZERO);
        List<Run<?>> found = after.restoreInterrupted(false, Duration.ZERO);
        assertEquals(1, found.size());
        Run<?> interrupted = found.get(0);
        assertEquals(killed.id(), interrupted.id());
        assertEquals(RunState.INTERRUPTED, interrupted.state());
        assertTrue(interrupted.status().message().contains("server stopped"), interrupted.status().message());
        assertEquals(1, interrupted.status().epoch(), "at its last checkpoint");
        assertEquals(EPOCHS, interrupted.status().epochs());
        assertEquals(interrupted, after.find(killed.id(), "user:ana").orElseThrow(), "listed for its owner");
        assertEquals(RunState.INTERRUPTED, db.unfinished().get(0).state(), "and so in the journal");
        assertEquals("exp-1", interrupted.options().experimentId());

        Run<?> resumed = after.resume(interrupted, true);
        assertEquals(killed.id(), resumed.id(), "the same run goes on");
        TestRuns.await(resumed, s -> s.state() == RunState.FINISHED, "finished");
        List<EpochStats> history = resumed.history().get(0);
        for (int e = 0; e <= EPOCHS; e++) {
            assertEquals(e, history.get(e).epoch(), "every epoch once, in order: " + history);
        }
        assertEquals(EPOCHS + 1, history.size());
        resumed.flushLogs();
        assertEquals(IntStream.rangeClosed(0, EPOCHS).boxed().toList(), epochsLogged(resumed.folder()),
                "loss/train once per epoch in the run's TensorBoard files");
        assertTrue(db.unfinished().isEmpty(), "the journal has it finished");
        assertEquals(killed.folder(), resumed.folder(), "in the folder it had");
    }

    @Test
    void configuredSoTheServerResumesTheInterruptedRunsAsItStarts() throws Exception {
        RunJournal db = database();
        Run<?> killed = trainAndKill(db);

        List<Run<?>> found = runtime(db, Duration.ZERO).restoreInterrupted(true, Duration.ZERO);
        assertEquals(1, found.size());
        Run<?> resumed = found.get(0);
        assertEquals(killed.id(), resumed.id());
        RunStatus done = TestRuns.await(resumed, s -> s.state() == RunState.FINISHED, "finished");
        assertEquals(EPOCHS, done.epoch());
        assertEquals(EPOCHS + 1, resumed.history().get(0).size(), "every epoch once: " + resumed.history().get(0));
    }

    @Test
    void anInterruptedRunsFolderOutlivesNewerTrainingsUntilItResumesFromItsCheckpoint() throws Exception {
        RunJournal db = database();
        Run<?> killed = trainAndKill(db);
        RunLogs logs = runLogs();
        TrainingRuntime after = runtime(db, Duration.ZERO, logs);
        Run<?> interrupted = after.restoreInterrupted(false, Duration.ZERO).get(0);

        // more trainings than the folder keeps, each leaving a folder newer than the interrupted run's
        for (int i = 0; i < KEEP + 10; i++) {
            try (RunLogs.Folder f = logs.open("playground")) {
                Files.writeString(f.dir().resolve("trained"), "something worth keeping");
            }
        }
        List<Path> left;
        try (Stream<Path> list = Files.list(dir.resolve("runs"))) {
            left = list.toList();
        }
        assertEquals(KEEP, left.size(), "the oldest were pushed out: " + left);
        assertTrue(left.contains(killed.folder()), "but not the interrupted run's, the oldest: " + left);

        Run<?> resumed = after.resume(interrupted, true);
        TestRuns.await(resumed, s -> s.epoch() >= 3, "trained on");
        List<EpochStats> history = resumed.history().get(0);
        assertEquals(1, history.get(1).epoch(), "it went on from its checkpoint of epoch 1: " + history);
        for (int e = 0; e < history.size(); e++) {
            assertEquals(e, history.get(e).epoch(), "every epoch once: " + history);
        }
        resumed.stop();
    }

    @Test
    void aFinishedRunIsListedAgainAfterTheRestartAsItEndedEvenOnceItsFolderIsGone() throws Exception {
        TrainingRunJournal db = database();
        TrainingRuntime before = runtime(db, Duration.ZERO);
        Run<RunStatus> run = before.submit(List.of(TestRuns.POINTS), new RunOptions("user:bo", true, "api", false, 3,
                List.of(), List.of(), "exp-2"), TestRuns.STATUS);
        TestRuns.await(run, s -> s.state() == RunState.FINISHED, "finished");
        List<EpochStats> metrics = run.history().get(0);
        // as the API keeps what its runs end with
        db.keepMetrics(run.id(), metrics);
        before.close();
        runtimes.remove(before);
        deleteTree(run.folder());

        TrainingRuntime after = runtime(db, Duration.ZERO);
        assertTrue(after.restoreInterrupted(false, Duration.ZERO).isEmpty(), "a finished run is not interrupted");
        List<TrainingRunJournal.Recorded> api = db.ofPage("api", 10);
        assertEquals(1, api.size());
        assertEquals(RunState.FINISHED, api.get(0).entry().state());
        assertEquals(metrics, api.get(0).metrics(), "its metrics as it ended");
        assertTrue(db.ofPage("playground", 10).isEmpty());

        Run<?> listed = after.restoreEnded(api.get(0).entry(), api.get(0).metrics());
        assertEquals(run.id(), listed.id());
        assertEquals(RunState.FINISHED, listed.state());
        assertEquals(3, listed.status().epoch());
        assertEquals(3, listed.status().epochs());
        assertEquals(List.of(metrics), listed.history());
        assertEquals("exp-2", listed.options().experimentId());
        assertEquals(listed, after.find(run.id(), "user:bo").orElseThrow(), "listed for its owner");
        assertNull(listed.folder(), "its folder is gone, and nothing made it again");
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void anInterruptedRunIsDiscardedByItsOwnerOnlyWithItsRowAndFolder() throws Exception {
        RunJournal db = database();
        List<Run<?>> killed = trainAndKill(db, "user:ana", "user:bob");
        Run<?> ana = killed.get(0);
        Run<?> bob = killed.get(1);
        TrainingRuntime after = runtime(db, Duration.ZERO);
        after.restoreInterrupted(false, Duration.ZERO);

        assertFalse(after.discard(ana.id(), "user:bob"), "another user's run is not found");
        assertTrue(Files.isDirectory(ana.folder()));
        assertTrue(after.discard(ana.id(), "user:ana"));
        assertTrue(after.find(ana.id(), "user:ana").isEmpty(), "no longer listed");
        assertFalse(Files.exists(ana.folder()), "its checkpoint and event files are deleted");
        assertEquals(List.of(bob.id()), ids(db.unfinished()), "its row is gone, bob's is there");
        assertTrue(Files.isDirectory(bob.checkpointDir(0)), "bob's checkpoint is kept");
        assertFalse(after.discard(ana.id(), "user:ana"), "discarded once");

        Run<?> resumed = after.resume(after.find(bob.id(), "user:bob").orElseThrow(), true);
        assertFalse(after.discard(bob.id(), "user:bob"), "a resumed run is no longer interrupted");
        resumed.stop();
        TestRuns.await(resumed, s -> s.state() == RunState.STOPPED, "stopped");
        assertTrue(Files.isDirectory(bob.checkpointDir(0)));
    }

    @Test
    void interruptedRunsNobodyResumesExpireAsTheServerStartsAndOnceADayAfter() throws Exception {
        RunJournal db = database();
        List<Run<?>> killed = trainAndKill(db, "user:ana", "user:bob");
        Run<?> old = killed.get(0);
        Run<?> fresh = killed.get(1);
        // ana's run was interrupted by a shutdown ten days ago; bob's by the kill, found now
        Instant tenDaysAgo = Instant.now().minus(Duration.ofDays(10));
        db.write(entry(db, old.id()).as(RunState.INTERRUPTED, "the server shut down", tenDaysAgo));

        TrainingRuntime after = runtime(db, Duration.ZERO);
        List<Run<?>> found = after.restoreInterrupted(false, Duration.ofDays(7));
        assertEquals(List.of(fresh.id()), found.stream().map(Run::id).toList(), "only the fresh one is restored");
        assertFalse(Files.exists(old.folder()), "the expired run's folder is deleted");
        assertEquals(List.of(fresh.id()), ids(db.unfinished()));
        assertTrue(Files.isDirectory(fresh.checkpointDir(0)));

        // a day's look later: bob's is eight days interrupted by then
        db.write(entry(db, fresh.id()).as(RunState.INTERRUPTED, "the server shut down", tenDaysAgo.plus(Duration.ofDays(2))));
        assertEquals(List.of(), after.expireInterrupted(Duration.ofDays(9)), "not yet nine days");
        assertEquals(List.of(fresh.id()), after.expireInterrupted(Duration.ofDays(7)));
        assertTrue(after.find(fresh.id(), "user:bob").isEmpty(), "no longer listed");
        assertFalse(Files.exists(fresh.folder()));
        assertTrue(db.unfinished().isEmpty());
    }

    private static List<String> ids(List<RunJournal.Entry> entries) {
        return entries.stream().map(RunJournal.Entry::id).toList();
    }

    private static RunJournal.Entry entry(RunJournal db, String id) {
        return db.unfinished().stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
    }

    /** The steps of the {@code loss/train} scalars in the event files under {@code folder}, in file order. */
    static List<Integer> epochsLogged(Path folder) throws IOException {
        List<Integer> steps = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).sorted().toList();
        }
        for (Path f : files) {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
            while (b.remaining() >= 12) {
                int length = (int) b.getLong();
                b.getInt();
                if (b.remaining() < length + 4) {
                    break;
                }
                byte[] event = new byte[length];
                b.get(event);
                b.getInt();
                // an Event whose summary holds the tag is one of its scalars; its step is field 2
                if (new String(event, StandardCharsets.ISO_8859_1).contains("loss/train")) {
                    steps.add((int) step(event));
                }
            }
        }
        return steps;
    }

    /** Field 2 (a varint) of the message: the Event's step; the step is written right after the wall time (field 1, 9 bytes). */
    private static long step(byte[] event) {
        int at = 9;
        if (event[at] != 0x10) {
            throw new AssertionError("an event without its step right after its wall time");
        }
        long v = 0;
        int shift = 0;
        byte x;
        do {
            x = event[++at];
            v |= (long) (x & 0x7f) << shift;
            shift += 7;
        } while (x < 0);
        return v;
    }
}
