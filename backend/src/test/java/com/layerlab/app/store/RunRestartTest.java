package com.layerlab.app.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        return new TrainingRunJournal(store.getBean(TrainingRunRepository.class));
    }

    /** Trains a signed-in user's run to epoch 4 or later, its only checkpoint at epoch 1, and kills the server. */
    private Run<?> trainAndKill(RunJournal db) throws Exception {
        KillableJournal journal = new KillableJournal(db);
        // one checkpoint an hour: the first epoch's is the last one on disk when the kill comes
        TrainingRuntime before = runtime(journal, Duration.ofHours(1));
        Run<RunStatus> run = before.submit(List.of(TestRuns.POINTS), new RunOptions("user:ana", true, "api", false, EPOCHS,
                List.of(), List.of(), "exp-1"), TestRuns.STATUS);
        TestRuns.await(run, s -> s.epoch() >= 4, "at epoch 4");
        journal.kill();
        before.close();
        runtimes.remove(before);
        List<RunJournal.Entry> left = db.unfinished();
        assertEquals(1, left.size(), "the journal holds the run: " + left);
        assertEquals(RunState.RUNNING, left.get(0).state(), "killed: nobody wrote its end");
        assertEquals(1, left.get(0).checkpointEpoch(), "its checkpoint of epoch 1");
        return run;
    }

    @Test
    void aRunKilledMidTrainingIsInterruptedAfterTheRestartAndResumesWithEveryEpochOnce() throws Exception {
        RunJournal db = database();
        Run<?> killed = trainAndKill(db);
        assertTrue(epochsLogged(killed.folder()).contains(3), "the killed run had logged epochs past its checkpoint");

        TrainingRuntime after = runtime(db, Duration.ZERO);
        List<Run<?>> found = after.restoreInterrupted(false);
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

        List<Run<?>> found = runtime(db, Duration.ZERO).restoreInterrupted(true);
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
        Run<?> interrupted = after.restoreInterrupted(false).get(0);

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
        assertTrue(after.restoreInterrupted(false).isEmpty(), "a finished run is not interrupted");
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
