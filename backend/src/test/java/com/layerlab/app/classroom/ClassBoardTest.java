package com.layerlab.app.classroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.when;

import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.store.Page;
import com.layerlab.app.training.PointFrames;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.Models;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The teacher's board against a real runtime (Classrooms and ClassEvents stand-ins): cards, frames, the one sampler. */
class ClassBoardTest {

    private static final long SESSION = ClassRig.SESSION;
    private static final PlaygroundSettings SETTINGS = PlaygroundSettings.DEFAULTS;

    @TempDir
    Path root;

    private ClassRig rig;
    private TrainingRuntime runtime;
    private Classrooms classrooms;
    private ClassBoard board;
    private final Seat ana = ClassRig.seat(1, "Ana", false);
    private final Seat bob = ClassRig.seat(2, "Bob", false);
    private final Seat cem = ClassRig.seat(3, "Cem", true);

    @BeforeEach
    void setUp() {
        rig = new ClassRig(root);
        runtime = rig.runtime;
        classrooms = rig.classrooms;
        rig.seats(ana, bob, cem);
        board = new ClassBoard(classrooms, rig.events, runtime, 100);
    }

    @AfterEach
    void tearDown() {
        board.close();
        rig.close();
    }

    private Run<PointFrames.Frame> train(String owner, String page, boolean paused) {
        return rig.trainPoints(owner, page, SETTINGS.toExperiment(), paused);
    }

    private static void await(BooleanSupplier p, String what) throws InterruptedException {
        ClassRig.await(p, what);
    }

    @Test
    void cardsFollowEachStudentsLatestPlaygroundRunUntilTheLastWatcherLeaves() throws Exception {
        Run<PointFrames.Frame> anas = train("visitor:ana", StudentRuns.PAGE, false);
        // another page's run is not the student's playground run
        Run<PointFrames.Frame> bobsCompare = train("visitor:bob", "compare", true);
        Run<PointFrames.Frame> cems = train("visitor:cem", StudentRuns.PAGE, true);

        List<List<ClassBoard.Card>> got = new CopyOnWriteArrayList<>();
        ClassEvents.Registration watching = board.watch(SESSION, got::add);
        await(() -> !got.isEmpty() && got.get(got.size() - 1).get(0).frame() != null
                && !got.get(got.size() - 1).get(0).frame().items().isEmpty(), "ana's card with a frame");
        List<ClassBoard.Card> cards = got.get(got.size() - 1);
        assertEquals(List.of(ana, bob), cards.stream().map(ClassBoard.Card::seat).toList(), "the removed student left out");
        ClassBoard.Card a = cards.get(0);
        assertSame(anas, a.run());
        assertNotNull(a.status());
        assertNotNull(a.frame().points(), "the card keeps the run's points");
        assertEquals(StudentRuns.viewState(StudentRuns.settings(anas).orElseThrow()), a.viewState());
        assertEquals(Models.inspect(SETTINGS.toExperiment()).totalParams(), a.params());
        ClassBoard.Card b = cards.get(1);
        assertNull(b.run(), "bob has no playground run");
        assertNull(b.frame());
        assertEquals(0, b.params());

        assertEquals(1, anas.onlookerCount(), "one subscription for the board");
        assertEquals(0, anas.subscriberCount(), "the board is no page of hers: her reload finds the run, her leaving ends it as usual");
        assertEquals(0, bobsCompare.onlookerCount());
        assertEquals(0, cems.onlookerCount(), "a removed student's run is not followed");
        assertEquals(1, board.following(SESSION));

        // a second watcher shares the board's subscriptions
        List<List<ClassBoard.Card>> second = new CopyOnWriteArrayList<>();
        ClassEvents.Registration also = board.watch(SESSION, second::add);
        await(() -> !second.isEmpty(), "the second watcher's first cards");
        assertEquals(1, anas.onlookerCount());

        // bob starts a playground run: the board follows it
        Run<PointFrames.Frame> bobs = train("visitor:bob", StudentRuns.PAGE, false);
        await(() -> bobs.onlookerCount() == 1 && got.get(got.size() - 1).get(1).run() == bobs, "bob's run on his card");
        // ana starts another: the board leaves her first run
        Run<PointFrames.Frame> anas2 = train("visitor:ana", StudentRuns.PAGE, false);
        await(() -> anas2.onlookerCount() == 1 && anas.onlookerCount() == 0, "ana's new run followed, her old one left");

        // a removal (the event, then the seats read again) drops bob's subscription
        when(classrooms.seats(SESSION)).thenReturn(List.of(ana, new Seat(2, SESSION, "visitor:bob", "Bob", Instant.now(), true), cem));
        rig.listener.get().accept(new ClassEvent.Removed(SESSION, 2, "visitor:bob"));
        await(() -> bobs.onlookerCount() == 0 && got.get(got.size() - 1).size() == 1, "bob gone from the board");

        also.close();
        assertEquals(1, anas2.onlookerCount(), "one watcher left: the board still follows");
        watching.close();
        watching.close();
        assertEquals(0, anas2.onlookerCount(), "the last watcher gone: no subscription left");
        assertEquals(0, board.following(SESSION));
        assertNull(rig.listener.get(), "no event listening left");
        await(() -> board.samplerThreads() == 0, "the sampler's thread ended");
    }

    @Test
    void theBoardHandsCardsOverAtMostOncePerIntervalHoweverFastTheyTrain() throws Exception {
        ClassBoard slow = new ClassBoard(classrooms, rig.events, runtime, ClassBoard.INTERVAL_MS);
        try {
            Run<PointFrames.Frame> anas = train("visitor:ana", StudentRuns.PAGE, false);
            Run<PointFrames.Frame> bobs = train("visitor:bob", StudentRuns.PAGE, false);
            List<Long> at = new CopyOnWriteArrayList<>();
            try (ClassEvents.Registration r = slow.watch(SESSION, c -> at.add(System.nanoTime()))) {
                await(() -> anas.status().progress() > 1 && bobs.status().progress() > 1, "both training");
                int before = at.size();
                Thread.sleep(2_000);
                int handed = at.size() - before;
                assertTrue(handed >= 2 && handed <= 5, "about one update per " + ClassBoard.INTERVAL_MS + " ms: " + handed);
                for (int i = 1; i < at.size(); i++) {
                    long gapMs = (at.get(i) - at.get(i - 1)) / 1_000_000;
                    assertTrue(i == 1 || gapMs >= ClassBoard.INTERVAL_MS - 50, "updates " + gapMs + " ms apart");
                }
            }
            assertEquals(0, anas.onlookerCount());
        } finally {
            slow.close();
        }
    }

    @Test
    void cardsWithoutAWatcherHaveTheRunsStatusAndNoFrame() throws Exception {
        Run<PointFrames.Frame> anas = train("visitor:ana", StudentRuns.PAGE, true);
        await(() -> anas.status().state() == RunState.PAUSED, "ana's run built");
        List<ClassBoard.Card> cards = board.cards(SESSION);
        assertEquals(2, cards.size());
        assertSame(anas, cards.get(0).run());
        assertEquals(RunState.PAUSED, cards.get(0).status().state());
        assertNull(cards.get(0).frame());
        assertEquals(0, anas.onlookerCount());
        assertEquals(Optional.of(anas), board.runOf(ana));
        assertEquals(Optional.empty(), board.runOf(bob));
    }

    @Test
    void aCnnPushTurnsTheCardsToTheStudentsCnnRunsWhichTheBoardReadsWithoutSubscribing() throws Exception {
        Experiment cnn = ClassRig.smallCnn(200);
        Run<PointFrames.Frame> anasPlayground = train("visitor:ana", StudentRuns.PAGE, false);
        Run<RunStatus> anasCnn = rig.trainCnn("visitor:ana", cnn.withOptimizer(cnn.optimizer().withLr(0.02)), false);
        List<List<ClassBoard.Card>> got = new CopyOnWriteArrayList<>();
        try (ClassEvents.Registration watching = board.watch(SESSION, got::add)) {
            // no push yet: the playground's runs
            await(() -> !got.isEmpty() && got.get(got.size() - 1).get(0).run() == anasPlayground, "ana's playground card");
            assertEquals(Page.PLAYGROUND, got.get(got.size() - 1).get(0).page());
            await(() -> anasPlayground.onlookerCount() == 1, "her playground run followed");

            // the teacher pushes a CNN experiment: the cards turn to the students' CNN runs
            Push push = rig.push(20, Page.CNN, ClassRig.cnnViewState(cnn), null);
            rig.listener.get().accept(new ClassEvent.Pushed(SESSION, push));
            await(() -> got.get(got.size() - 1).get(0).run() == anasCnn, "ana's CNN run on her card");
            await(() -> anasPlayground.onlookerCount() == 0, "her playground run left");
            List<ClassBoard.Card> cards = got.get(got.size() - 1);
            ClassBoard.Card a = cards.get(0);
            assertEquals(Page.CNN, a.page());
            assertNotNull(a.status());
            assertNull(a.frame(), "a CNN card draws its curve from the run's history");
            assertEquals(0, anasCnn.onlookerCount(), "no subscription: the run makes no CNN lab frames for the board");
            assertEquals(1, board.following(SESSION));
            // the card's link opens what her run trains: her learning rate, in the CNN lab's link
            Experiment linked = CnnLinks.parse(ViewStates.parameters(a.viewState())).value().experiment();
            assertEquals(0.02, linked.optimizer().lr(), 1e-12);
            assertEquals(cnn.model(), linked.model());
            assertEquals(StudentRuns.cnnViewState(anasCnn).orElseThrow(), a.viewState());
            assertEquals(Models.inspect(cnn).totalParams(), a.params());
            ClassBoard.Card b = cards.get(1);
            assertNull(b.run(), "bob has no CNN run");
            assertEquals(Page.CNN, b.page());

            // her card follows her CNN run as it trains (its status, read as the board samples)
            await(() -> got.get(got.size() - 1).get(0).status().epoch() >= 1, "an epoch on her card");
            assertEquals(Optional.of(anasCnn), board.runOf(ana), "the current push's lab");
            assertEquals(Optional.of(anasPlayground), board.runOf(ana, Page.PLAYGROUND));
        }
        assertEquals(0, board.following(SESSION));
        List<ClassBoard.Card> unwatched = board.cards(SESSION);
        assertSame(anasCnn, unwatched.get(0).run());
        assertEquals(Page.CNN, unwatched.get(0).page());
    }

    @Test
    void aStudentLeavingOrRemovedIsOnTheBoardAtOnceNotAtTheNextTick() throws Exception {
        ClassBoard slow = new ClassBoard(classrooms, rig.events, runtime, 60_000);
        try {
            List<List<ClassBoard.Card>> got = new CopyOnWriteArrayList<>();
            try (ClassEvents.Registration watching = slow.watch(SESSION, got::add)) {
                await(() -> got.size() == 1, "the first cards at once");
                assertEquals(2, got.get(0).size());
                when(classrooms.seats(SESSION)).thenReturn(List.of(ana, ClassRig.seat(2, "Bob", true), cem));
                rig.listener.get().accept(new ClassEvent.Removed(SESSION, 2, "visitor:bob"));
                await(() -> got.size() == 2, "the cards again, long before the next tick");
                assertEquals(List.of(ana), got.get(1).stream().map(ClassBoard.Card::seat).toList());
                // ana leaves (Classrooms.leave's event): her card says so at once
                Seat gone = new Seat(1, SESSION, "visitor:ana", "Ana", ana.joinedAt(), false, Instant.now());
                when(classrooms.seats(SESSION)).thenReturn(List.of(gone, ClassRig.seat(2, "Bob", true), cem));
                rig.listener.get().accept(new ClassEvent.Left(SESSION, gone));
                await(() -> got.size() == 3, "the cards again at once");
                assertTrue(got.get(2).get(0).seat().left(), "her card shows she left");
                // a score waits for the tick: they come every epoch of every student
                rig.listener.get().accept(new ClassEvent.Scored(SESSION, null));
                Thread.sleep(300);
                assertEquals(3, got.size());
            }
        } finally {
            slow.close();
        }
    }
}
