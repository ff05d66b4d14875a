package com.layerlab.app.classroom;

import org.springframework.test.annotation.DirtiesContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.account.Accounts;
import com.layerlab.app.lab.ControlLocks.Control;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.store.Page;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import java.util.Map;
import com.layerlab.app.training.PointFrames;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.TrainingRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A challenge scored end to end in the app: the real Classrooms and database, the app's runtime, the
 * scorer's own thread and the teacher's board; "pause all" holding the students' runs.
 */
// its context closes after the class: a run a student's page started as the class ended (after the last stop) ends with it,
// not in a cached context beside later tests (TrainingLifecycleTest counts run threads JVM-wide)
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ChallengeScoringTest {

    /** Circle, learned at once from the squares: a test loss under 0.2 within a few seconds. */
    private static final PlaygroundSettings PUSHED = PlaygroundSettings.DEFAULTS.toBuilder()
            .features(List.of("x1^2", "x2^2")).hiddenLayers(List.of(3)).learningRate(0.3).build();

    @Autowired
    Classrooms classrooms;
    @Autowired
    Accounts accounts;
    @Autowired
    TrainingRuntime runtime;
    @Autowired
    ChallengeScorer scorer;
    @Autowired
    ClassBoard board;

    private final List<Run<?>> runs = new ArrayList<>();
    private final String tag = UUID.randomUUID().toString().substring(0, 6);

    @AfterEach
    void stopRuns() {
        // the app's runtime outlives the test: its runs must not
        runs.forEach(Run::stop);
    }

    private Run<PointFrames.Frame> train(String owner, PlaygroundSettings s) {
        Run<PointFrames.Frame> r = runtime.submit(List.of(s.toExperiment()),
                new RunOptions(owner, false, StudentRuns.PAGE, false, 0), PointFrames.playground());
        runs.add(r);
        return r;
    }

    private static <T> T await(Supplier<Optional<T>> p, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < end) {
            Optional<T> v = p.get();
            if (v.isPresent()) {
                return v.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("never " + what);
    }

    @Test
    void aRunThatReachesTheGoalIsRecordedWithItsTimeAndOneThatBreaksALockIsNot() throws Exception {
        String teacher = "st" + tag;
        accounts.register(teacher, "correct horse battery", Optional.empty());
        accounts.setTeacher(teacher, true);
        ClassSession session = classrooms.create(teacher, "Lesson " + tag);
        String anaKey = "visitor:ana-" + tag;
        String bobKey = "visitor:bob-" + tag;
        Seat ana = classrooms.join(session.code(), "Ana", anaKey, "10.9.0.1");
        Seat bob = classrooms.join(session.code(), "Bob", bobKey, "10.9.0.2");
        Challenge challenge = new Challenge(Set.of(Control.NEURONS),
                new Challenge.Goal(Challenge.Metric.TEST_LOSS, 0.2, 0, 0));
        Push push = classrooms.push(session.code(), teacher, "Circle", StudentRuns.viewState(PUSHED), null, challenge,
                null);
        scorer.refresh();

        List<List<ClassBoard.Card>> cards = new CopyOnWriteArrayList<>();
        try (ClassEvents.Registration watching = board.watch(session.id(), cards::add)) {
            Run<PointFrames.Frame> anas = train(anaKey, PUSHED.toBuilder().hiddenLayers(List.of(4)).build());
            Run<PointFrames.Frame> bobs = train(bobKey, PUSHED.toBuilder().learningRate(1.0).build());

            Result reached = await(() -> classrooms.result(push.id(), ana.id()).filter(Result::reached), "ana's goal reached");
            assertTrue(reached.best() <= 0.2, "best " + reached.best());
            assertNotNull(reached.timeToGoal());
            assertEquals("Ana", reached.displayName());
            assertEquals(StudentRuns.params(anas), reached.params());
            assertTrue(reached.epoch() >= 1);
            assertEquals(StudentRuns.settings(anas).map(StudentRuns::viewState).orElseThrow(), reached.viewState());
            assertTrue(bobs.status().epoch() >= 1, "bob's run trained too");
            assertEquals(Optional.empty(), classrooms.result(push.id(), bob.id()), "bob changed the locked learning rate");

            // the board shows ana's result on her card
            ClassBoard.Card card = await(() -> cards.isEmpty() ? Optional.empty() : cards.get(cards.size() - 1).stream()
                    .filter(c -> c.seat().id() == ana.id() && c.result() != null && c.result().reached()).findFirst(),
                    "ana's card with her result");
            assertEquals(anas, card.run());

            // "eyes on me": every student's run holds, in the runtime
            classrooms.pauseAll(session.code(), teacher, true);
            await(() -> Optional.of(anas.status()).filter(s -> s.state() == RunState.PAUSED
                    && Classrooms.PAUSED_WHY.equals(s.message())), "ana's run held");
            anas.play();
            Thread.sleep(200);
            assertEquals(RunState.PAUSED, anas.status().state(), "her play is refused while held");
            classrooms.pauseAll(session.code(), teacher, false);
            await(() -> Optional.of(anas.status()).filter(s -> s.message() == null), "the hold's message gone");
            classrooms.end(session.code(), teacher);
        }
    }

    @Test
    void aCnnChallengeIsScoredOnHiddenImagesAndTheBoardShowsTheStudentsCnnRuns() throws Exception {
        String teacher = "sc" + tag;
        accounts.register(teacher, "correct horse battery", Optional.empty());
        accounts.setTeacher(teacher, true);
        ClassSession session = classrooms.create(teacher, "CNN lesson " + tag);
        String anaKey = "visitor:ana-" + tag;
        String bobKey = "visitor:bob-" + tag;
        Seat ana = classrooms.join(session.code(), "Ana", anaKey, "10.9.1.1");
        Seat bob = classrooms.join(session.code(), "Bob", bobKey, "10.9.1.2");
        Experiment pushed = ClassRig.smallCnn(200);
        // any network gets one of the 500 hidden images right: the goal is reached at its first score
        Challenge challenge = new Challenge(Set.of(Control.LEARNING_RATE),
                new Challenge.Goal(Challenge.Metric.TEST_ACCURACY, 0.001, 0, 0));
        Push push = classrooms.push(session.code(), teacher, "Shapes", Page.CNN, ClassRig.cnnViewState(pushed), null,
                challenge, null);
        assertEquals("500 images your network never sees", scorer.hiddenSplitText(push));
        scorer.refresh();

        List<List<ClassBoard.Card>> cards = new CopyOnWriteArrayList<>();
        try (ClassEvents.Registration watching = board.watch(session.id(), cards::add)) {
            Run<?> anas = trainCnn(anaKey, pushed.withOptimizer(pushed.optimizer().withLr(0.02)));
            List<LayerSpec> wider = new ArrayList<>(pushed.model());
            wider.set(0, LayerSpec.of("Conv2d", Map.of("out_channels", 6, "kernel_size", 3)));
            Run<?> bobs = trainCnn(bobKey, pushed.withModel(wider));

            Result reached = await(() -> classrooms.result(push.id(), ana.id()).filter(Result::reached), "ana's goal reached");
            assertTrue(reached.best() > 0 && reached.best() <= 1, "an accuracy: " + reached.best());
            assertEquals(StudentRuns.params(anas), reached.params());
            assertTrue(reached.epoch() >= 1);
            assertEquals(StudentRuns.cnnViewState(anas).orElseThrow(), reached.viewState());
            assertEquals(0.02, ViewStates.cnn(reached.viewState()).optimizer().lr(), 1e-12);
            await(() -> Optional.of(bobs.status()).filter(s -> s.epoch() >= 1), "bob's run trained an epoch");
            Thread.sleep(2 * ChallengeScorer.PERIOD_MS);
            assertEquals(Optional.empty(), classrooms.result(push.id(), bob.id()), "bob changed the locked layer stack");

            // the board shows the students' CNN runs, ana's with her result
            ClassBoard.Card card = await(() -> cards.isEmpty() ? Optional.empty() : cards.get(cards.size() - 1).stream()
                    .filter(c -> c.seat().id() == ana.id() && c.result() != null && c.result().reached()).findFirst(),
                    "ana's card with her result");
            assertEquals(anas, card.run());
            assertEquals(Page.CNN, card.page());
            assertEquals(StudentRuns.cnnViewState(anas).orElse(null), card.viewState());
            classrooms.end(session.code(), teacher);
        }
    }

    private Run<?> trainCnn(String owner, Experiment e) {
        // long enough for the scorer's rounds to find it training (a run that finished is not scored)
        Run<?> r = runtime.submit(List.of(e.withEpochs(40)), new RunOptions(owner, false, Page.CNN.id(), false, 0),
                TrainingRuntime.STATUS_FRAMES);
        runs.add(r);
        return r;
    }
}
