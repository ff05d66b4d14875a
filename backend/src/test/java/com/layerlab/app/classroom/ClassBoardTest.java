package com.layerlab.app.classroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.training.PointFrames;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunLogs;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.experiment.Models;
import com.layerlab.engine.tensor.Backends;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The teacher's board against a real runtime (Classrooms and ClassEvents stand-ins): cards, frames, the one sampler. */
class ClassBoardTest {

    private static final long SESSION = 7;
    private static final PlaygroundSettings SETTINGS = PlaygroundSettings.DEFAULTS;

    @TempDir
    Path root;

    private TrainingRuntime runtime;
    private Classrooms classrooms;
    private ClassEvents events;
    private ClassBoard board;
    private final AtomicReference<Consumer<ClassEvent>> listener = new AtomicReference<>();
    private final Seat ana = new Seat(1, SESSION, "visitor:ana", "Ana", Instant.now(), false);
    private final Seat bob = new Seat(2, SESSION, "visitor:bob", "Bob", Instant.now(), false);
    private final Seat cem = new Seat(3, SESSION, "visitor:cem", "Cem", Instant.now(), true);

    @BeforeEach
    void setUp() {
        runtime = new TrainingRuntime(Backends.standard(), new RunLogs(root, 50, 20L << 20), null,
                new TrainingRuntime.Pool(8, 8, Duration.ofMillis(20), "networks"),
                new TrainingRuntime.Pool(1, 1, Duration.ofMillis(20), "image networks"), Duration.ofSeconds(30),
                TrainingRuntime.SignedInRuns.DEFAULTS, Duration.ZERO);
        classrooms = mock(Classrooms.class);
        events = mock(ClassEvents.class);
        when(classrooms.seats(SESSION)).thenReturn(List.of(ana, bob, cem));
        when(classrooms.currentChallenge(anyLong())).thenReturn(Optional.empty());
        when(events.listen(eq(SESSION), any())).thenAnswer(inv -> {
            listener.set(inv.getArgument(1));
            return (ClassEvents.Registration) () -> listener.set(null);
        });
        board = new ClassBoard(classrooms, events, runtime, 100);
    }

    @AfterEach
    void tearDown() {
        board.close();
        runtime.close();
    }

    private Run<PointFrames.Frame> train(String owner, String page, boolean paused) {
        return runtime.submit(List.of(SETTINGS.toExperiment()), new RunOptions(owner, false, page, paused, 0),
                PointFrames.playground());
    }

    private static void await(BooleanSupplier p, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!p.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("never " + what);
            }
            Thread.sleep(10);
        }
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
        listener.get().accept(new ClassEvent.Removed(SESSION, 2, "visitor:bob"));
        await(() -> bobs.onlookerCount() == 0 && got.get(got.size() - 1).size() == 1, "bob gone from the board");

        also.close();
        assertEquals(1, anas2.onlookerCount(), "one watcher left: the board still follows");
        watching.close();
        watching.close();
        assertEquals(0, anas2.onlookerCount(), "the last watcher gone: no subscription left");
        assertEquals(0, board.following(SESSION));
        assertNull(listener.get(), "no event listening left");
        await(() -> board.samplerThreads() == 0, "the sampler's thread ended");
    }

    @Test
    void theBoardHandsCardsOverAtMostOncePerIntervalHoweverFastTheyTrain() throws Exception {
        ClassBoard slow = new ClassBoard(classrooms, events, runtime, ClassBoard.INTERVAL_MS);
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
}
