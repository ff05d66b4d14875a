package com.layerlab.app.ui.classroom;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.ArgumentMatchers.startsWith;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.account.Accounts;
import com.layerlab.app.classroom.Challenge;
import com.layerlab.app.classroom.ClassBoard;
import com.layerlab.app.classroom.ClassEvents;
import com.layerlab.app.classroom.ClassRefused;
import com.layerlab.app.classroom.ClassSession;
import com.layerlab.app.classroom.Classrooms;
import com.layerlab.app.classroom.Push;
import com.layerlab.app.classroom.Result;
import com.layerlab.app.classroom.Seat;
import com.layerlab.app.lab.CnnPresets;
import com.layerlab.app.lab.ControlLocks;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.training.PointFrames;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.RunSnapshot;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.app.ui.runs.RunPages;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.EpochStats;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * The teacher's dashboard as it looks and acts, on a class of ten made up here (the domain services are
 * mocks: what the page shows and what it asks of them, not the rules, which the service's own tests
 * and TeacherPagesTest check): the big code and the QR code of the join link, the cards with their
 * maps (a CNN lab run's card: its curve), names shown as text, the leaderboard in the service's order, lock
 * and pause, the push dialog's messages and what it sends, a CNN run read-only, the ended session
 * read-only, and a non-teacher refused.
 */
@TestPropertySource(properties = "layerlab.teacher.usernames=" + ClassDashboardLookTest.TEACHER)
@DirtiesContext // the teacher's playground run of the push test ends with the context
class ClassDashboardLookTest extends BrowserTestBase {

    static final String TEACHER = "MsFrizzleLook";
    static final String CODE = "KQ7RMX";
    static final List<String> NAMES = List.of("<b>Ana</b>", "Bea", "Chen Wei", "Dmitri", "Émile", "Fatima",
            "Gus", "Hana", "Ivo", "Jo");

    @MockitoBean
    Classrooms classrooms;
    @MockitoBean
    ClassBoard board;
    @MockitoBean
    ClassEvents events;
    @Autowired
    Accounts accounts;
    @Autowired
    TrainingRuntime runtime;

    private final AtomicReference<ClassSession> session = new AtomicReference<>();
    private final List<Seat> seats = new ArrayList<>();
    private Push challenge;

    @BeforeEach
    void aClassOfTen() {
        TeacherSteps.account(accounts, TEACHER);
        Instant start = Instant.now().minus(Duration.ofMinutes(12));
        session.set(new ClassSession(7, CODE, TEACHER, "Year 10 · decision boundaries", start, false, false, null));
        seats.clear();
        for (int i = 0; i < NAMES.size(); i++) {
            seats.add(new Seat(100 + i, 7, "visitor:look" + i, NAMES.get(i), start.plusSeconds(20L * i), false));
        }
        challenge = new Push(55, 7, start.plusSeconds(300), "Separate the circle", "x=abc", null,
                new Challenge(Set.of(ControlLocks.Control.NEURONS, ControlLocks.Control.LEARNING_RATE),
                        new Challenge.Goal(Challenge.Metric.TEST_LOSS, 0.1, 300, 0)), null, com.layerlab.app.store.Page.PLAYGROUND);
        List<Result> results = List.of(
                new Result(102, NAMES.get(2), 55, 0.061, 17, 140, start.plusSeconds(420), Duration.ofSeconds(120), "x=1"),
                new Result(101, NAMES.get(1), 55, 0.083, 17, 200, start.plusSeconds(500), Duration.ofSeconds(200), "x=2"),
                new Result(100, NAMES.get(0), 55, 0.21, 25, 90, null, null, "x=3"));

        when(classrooms.sessionsOf(TEACHER)).thenAnswer(a -> List.of(session.get(),
                new ClassSession(6, "HJ4PWT", TEACHER, "Year 9 · XOR", start.minus(Duration.ofDays(2)), true, false, null),
                new ClassSession(5, "ZZ23AB", TEACHER, "Open day", start.minus(Duration.ofDays(9)), false, false,
                        start.minus(Duration.ofDays(9)).plusSeconds(3600))));
        when(classrooms.seats(anyLong())).thenAnswer(a -> seats);
        when(classrooms.ofTeacher(anyString(), anyString())).thenAnswer(a -> {
            if (!a.getArgument(1).equals(TEACHER)) {
                throw new ClassRefused(403, "This class session is another teacher's.");
            }
            if (!a.getArgument(0).equals(CODE)) {
                throw new ClassRefused(404, "No class has the code " + a.getArgument(0) + ".");
            }
            return session.get();
        });
        when(classrooms.session(7)).thenAnswer(a -> Optional.of(session.get()));
        when(classrooms.lock(eq(CODE), eq(TEACHER), anyBoolean())).thenAnswer(a -> change(s ->
                new ClassSession(s.id(), s.code(), s.teacher(), s.title(), s.createdAt(), a.getArgument(2), s.paused(), s.endedAt())));
        when(classrooms.pauseAll(eq(CODE), eq(TEACHER), anyBoolean())).thenAnswer(a -> change(s ->
                new ClassSession(s.id(), s.code(), s.teacher(), s.title(), s.createdAt(), s.locked(), a.getArgument(2), s.endedAt())));
        when(classrooms.end(CODE, TEACHER)).thenAnswer(a -> change(s ->
                new ClassSession(s.id(), s.code(), s.teacher(), s.title(), s.createdAt(), true, false, Instant.now())));
        when(classrooms.currentPush(7)).thenAnswer(a -> Optional.of(challenge));
        when(classrooms.currentChallenge(7)).thenAnswer(a -> Optional.of(challenge));
        when(classrooms.leaderboard(CODE, TEACHER)).thenReturn(results);
        when(classrooms.csv(eq(CODE), eq(TEACHER), anyString())).thenReturn("student,experiment,best,parameters,time to goal\r\nBea,x=2,0.083,17,200\r\n");
        when(classrooms.push(eq(CODE), eq(TEACHER), anyString(), any(com.layerlab.app.store.Page.class), anyString(), any(), any(),
                any())).thenAnswer(a -> new Push(56, 7, Instant.now(), a.getArgument(2), a.getArgument(4), a.getArgument(5),
                a.getArgument(6), a.getArgument(7), a.getArgument(3)));

        List<ClassBoard.Card> cards = cards(results);
        when(board.cards(7)).thenReturn(cards);
        when(board.watch(eq(7L), any())).thenAnswer(a -> {
            Consumer<List<ClassBoard.Card>> onCards = a.getArgument(1);
            onCards.accept(cards);
            return (ClassEvents.Registration) () -> { };
        });
        when(events.listen(anyLong(), any())).thenReturn(() -> { });
    }

    private ClassSession change(java.util.function.UnaryOperator<ClassSession> how) {
        return session.updateAndGet(how);
    }

    /**
     * Ten students: eight training at different places, one who finished, one with no run yet; three of
     * them (seats 106 to 108) on the CNN lab, one of those before its first epoch.
     */
    private List<ClassBoard.Card> cards(List<Result> results) {
        List<ClassBoard.Card> cards = new ArrayList<>();
        for (int i = 0; i < seats.size(); i++) {
            Seat seat = seats.get(i);
            Result result = results.stream().filter(r -> r.seatId() == seat.id()).findFirst().orElse(null);
            if (i == seats.size() - 1) {
                cards.add(new ClassBoard.Card(seat, null, null, null, null, 0, null, com.layerlab.app.store.Page.PLAYGROUND));
                continue;
            }
            if (i >= 6) {
                cards.add(cnnCard(seat, i == 6 ? -1 : i == 7 ? 9 : 20, result));
                continue;
            }
            int epoch = 40 + 23 * i;
            RunState state = i == 3 ? RunState.FINISHED : i == 5 ? RunState.PAUSED : RunState.RUNNING;
            RunStatus status = new RunStatus(state, false, null, epoch, 0, 25, 300, Double.NaN, Double.NaN, Double.NaN, 0.03);
            double testLoss = 0.5 / (1 + i);
            RunSnapshot snap = new RunSnapshot(new EpochStats(epoch, testLoss * 0.9, testLoss, 0.7 + 0.03 * i, 0.68 + 0.03 * i),
                    PointFrames.GRID_N, 1, circleMap(2.0 + 0.3 * i, 0.6 + 0.4 * i), 0, null, List.of(), new double[0], null);
            PointFrames.Frame frame = new PointFrames.Frame(status,
                    List.of(new PointFrames.Item(PlaygroundSettings.DEFAULTS.toExperiment(), snap, null)), null);
            cards.add(new ClassBoard.Card(seat, null, status, frame, "x=student" + i, 17, result, com.layerlab.app.store.Page.PLAYGROUND));
        }
        return cards;
    }

    /** A CNN lab experiment the students train: the lab's default network. */
    static final Experiment CNN = CnnPresets.defaultExperiment().withEpochs(20);

    /**
     * A CNN lab student's card: their run (a mock: the card reads its history and experiments) after
     * {@code epoch} of 20 epochs (-1: loading, no epoch yet; 20: finished), frame null as the board's.
     */
    static ClassBoard.Card cnnCard(Seat seat, int epoch, Result result) {
        List<EpochStats> history = new ArrayList<>();
        for (int e = 0; e <= epoch; e++) {
            double acc = 0.1 + 0.82 * (1 - Math.exp(-e / 3.0)) + 0.015 * Math.sin(e * 1.7);
            double trainAcc = Math.min(0.999, acc + 0.04 * e / 20.0);
            history.add(new EpochStats(e, 2.3 * Math.exp(-e / 3.5) + 0.12, 2.3 * Math.exp(-e / 4.0) + 0.2 + 0.02 * Math.sin(e),
                    trainAcc, acc));
        }
        Run<?> run = mock(Run.class);
        when(run.history()).thenReturn(List.of(List.copyOf(history)));
        when(run.experiments()).thenReturn(List.of(CNN));
        RunState state = epoch >= 20 ? RunState.FINISHED : RunState.RUNNING;
        RunStatus status = new RunStatus(state, epoch < 0, null, Math.max(0, epoch), 0, 40, 20, Double.NaN, Double.NaN,
                Double.NaN, 0.001);
        String viewState = PushSources.cnnViewState(CNN);
        return new ClassBoard.Card(seat, run, status, null, viewState, 8_000, result, com.layerlab.app.store.Page.CNN);
    }

    /** A binary map: blue inside a circle of {@code radius}, orange outside, {@code sharpness} how crisp the edge is. */
    static byte[] circleMap(double radius, double sharpness) {
        int n = PointFrames.GRID_N;
        byte[] out = new byte[n * n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                double x1 = -6 + 12.0 * c / (n - 1);
                double x2 = 6 - 12.0 * r / (n - 1);
                double p = 1 / (1 + Math.exp(-sharpness * (radius - Math.hypot(x1, x2))));
                out[r * n + c] = (byte) Math.round(p * 255);
            }
        }
        return out;
    }

    @Test
    void theDashboardShowsTheCodeTheQrCodeTheCardsAndTheLeaderboard() {
        TeacherSteps.signInToTeach(page, TEACHER);
        assertEquals(3, page.locator(".class-row").count());
        assertThat(page.locator(".class-row[data-code=HJ4PWT]")).containsText("locked");
        assertThat(page.locator(".class-row[data-code=ZZ23AB]")).containsText("ended");
        assertThat(page.locator(".class-row[data-code='" + CODE + "']")).containsText("10 students");
        screenshot(page, "class-teach-list");

        page.locator(".class-row[data-code='" + CODE + "'] a").click();
        page.waitForURL("**/teach/" + CODE);
        waitForVaadin(page);
        assertEquals("KQ7-RMX", page.locator("#class-code").innerText().trim());
        String link = baseUrl() + "join/" + CODE;
        assertEquals(link, page.locator("#class-join-link").innerText().trim());
        Locator qr = page.locator("#class-qr");
        String src = qr.getAttribute("src");
        String svg = new String(Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1)), StandardCharsets.UTF_8);
        assertEquals(JoinQrCodeTest.modules(JoinQrCode.svg(link)), JoinQrCodeTest.modules(svg), "the QR code is the join link's");
        assertTrue(qr.boundingBox().width >= 180, "large enough to scan from the room: " + qr.boundingBox().width);
        assertEquals(Boolean.TRUE, qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the browser draws it");

        Locator cards = page.locator(".class-card");
        assertThat(cards).hasCount(10);
        Locator ana = page.locator(".class-card[data-seat='100']");
        assertEquals("<b>Ana</b>", ana.locator(".class-card-name").innerText().trim(), "a name is text, never HTML");
        assertEquals(0, ana.locator(".class-card-name b").count());
        assertEquals("RUNNING", ana.getAttribute("data-state"));
        assertEquals("FINISHED", page.locator(".class-card[data-seat='103']").getAttribute("data-state"));
        assertEquals("none", page.locator(".class-card[data-seat='109']").getAttribute("data-state"));
        assertEquals("86", page.locator(".class-card[data-seat='102']").getAttribute("data-epoch"));
        assertThat(page.locator(".class-card[data-seat='102'] .class-card-result")).containsText("Goal reached");
        assertEquals(List.of("102", "101", "100"), page.locator(".class-leader-row").all().stream()
                .map(r -> r.getAttribute("data-seat")).toList(), "the service's order");
        assertThat(page.locator("#class-goal")).containsText("test loss at most 0.1 within 300 epochs");
        screenshot(page, "class-dashboard-look");

        page.locator("#class-fullscreen").click();
        waitForVaadin(page);
        assertEquals("true", page.locator("#class-join").getAttribute("data-fullscreen"));
        assertTrue(page.locator("#class-qr").boundingBox().width >= 500, "the projector's QR code fills the window");
        screenshot(page, "class-dashboard-fullscreen");
        page.keyboard().press("Escape");
        waitForVaadin(page);
        assertEquals("false", page.locator("#class-join").getAttribute("data-fullscreen"));

        Download csv = page.waitForDownload(() -> page.locator("#class-csv").click());
        assertEquals("class-" + CODE + "-results.csv", csv.suggestedFilename());
    }

    @Test
    void lockAndPauseAllToggleAndSayWhatTheyWillDo() {
        TeacherSteps.signInToTeach(page, TEACHER);
        open("/teach/" + CODE);
        Locator lock = page.locator("#class-lock");
        Locator pause = page.locator("#class-pause");
        assertEquals("false", lock.getAttribute("data-locked"));
        assertEquals("false", pause.getAttribute("data-paused"));
        assertThat(pause).containsText("Pause all");

        lock.click();
        waitForVaadin(page);
        verify(classrooms).lock(CODE, TEACHER, true);
        assertEquals("true", lock.getAttribute("data-locked"));
        assertThat(page.locator("#class-state")).hasText("locked");
        assertThat(page.locator("#class-join-closed")).hasText("Locked: nobody new can join.");

        pause.click();
        waitForVaadin(page);
        verify(classrooms).pauseAll(CODE, TEACHER, true);
        assertEquals("true", pause.getAttribute("data-paused"));
        assertThat(pause).containsText("Resume all");
        screenshot(page, "class-dashboard-paused");
        pause.click();
        waitForVaadin(page);
        verify(classrooms).pauseAll(CODE, TEACHER, false);
        assertThat(pause).containsText("Pause all");
    }

    @Test
    void thePushDialogNamesTheFieldThatIsWrongAndSendsTheChallenge() throws Exception {
        TeacherSteps.signInToTeach(page, TEACHER);
        open("/teach/" + CODE);
        page.locator("#class-push").click();
        assertThat(page.locator("#push-source")).containsText(PushDialog.NOW);
        page.locator("#push-send").click();
        waitForVaadin(page);
        assertThat(page.locator("#push-error")).containsText("Experiment: you have no playground run yet");
        verify(classrooms, never()).push(anyString(), anyString(), anyString(), any(com.layerlab.app.store.Page.class), anyString(),
                any(), any(), any());

        // the teacher's playground now: their latest playground run
        PlaygroundSettings mine = PlaygroundSettings.DEFAULTS.toBuilder().dataset("xor").hiddenLayers(List.of(3)).build();
        Run<?> run = runtime.submit(List.of(mine.toExperiment()),
                new RunOptions(Accounts.ownerKey(TEACHER), true, RunPages.PLAYGROUND, true, 100), PointFrames.playground());
        try {
            page.locator("#push-title input").fill("Separate the XOR");
            page.locator("#push-challenge").click();
            page.locator("#push-unlock-LEARNING_RATE").click();
            page.locator("#push-unlock-NEURONS").click();
            chooseInSelect(page, "push-metric", "Test accuracy at least (%)");
            page.locator("#push-target input").fill("lots");
            page.locator("#push-epochs input").fill("-3");
            page.locator("#push-send").click();
            waitForVaadin(page);
            assertThat(page.locator("#push-error")).containsText("Target: an accuracy in percent");
            assertThat(page.locator("#push-error")).containsText("Within epochs: a whole number");
            assertEquals("", page.locator("#push-target").getAttribute("invalid") == null ? "missing" : "");
            screenshot(page, "class-push-dialog-errors");
            verify(classrooms, never()).push(anyString(), anyString(), anyString(), any(com.layerlab.app.store.Page.class), anyString(),
                any(), any(), any());

            page.locator("#push-target input").fill("90");
            page.locator("#push-epochs input").fill("300");
            page.locator("#push-params input").fill("50");
            page.locator("#push-send").click();
            waitForVaadin(page);
            assertThat(page.locator("#push-dialog")).hasCount(0);
            verify(classrooms).push(eq(CODE), eq(TEACHER), eq("Separate the XOR"), eq(com.layerlab.app.store.Page.PLAYGROUND),
                    startsWith("x="), isNull(),
                    argThat(c -> c.unlocked().equals(Set.of(ControlLocks.Control.LEARNING_RATE, ControlLocks.Control.NEURONS))
                            && c.goal().equals(new Challenge.Goal(Challenge.Metric.TEST_ACCURACY, 0.9, 300, 50))), isNull());
            assertThat(page.locator("#class-current-push")).containsText("Separate the XOR");
        } finally {
            run.stop();
        }
    }

    @Test
    void cnnCardsDrawTheirCurvesNextToPlaygroundCardsAndACnnRunOpensReadOnly() {
        // a CNN lab challenge is the class's: its cards measure accuracy
        challenge = new Push(57, 7, Instant.now(), "Shapes at 90 %", PushSources.cnnViewState(CNN), null,
                new Challenge(Set.of(ControlLocks.Control.LEARNING_RATE), new Challenge.Goal(Challenge.Metric.TEST_ACCURACY, 0.9, 20, 0)),
                null, com.layerlab.app.store.Page.CNN);
        when(classrooms.leaderboard(CODE, TEACHER)).thenReturn(List.of(
                new Result(108, NAMES.get(8), 57, 0.93, 8_000, 20, Instant.now(), Duration.ofSeconds(140), "x=1"),
                new Result(107, NAMES.get(7), 57, 0.87, 8_000, 9, null, null, "x=2")));
        when(classrooms.seat(anyLong())).thenAnswer(a -> seats.stream().filter(s -> s.id() == (long) a.getArgument(0)).findFirst());
        TeacherSteps.signInToTeach(page, TEACHER);
        open("/teach/" + CODE);
        assertThat(page.locator(".class-card")).hasCount(10);
        assertThat(page.locator("#class-current-push")).containsText("Shapes at 90 % (CNN lab)");
        for (int seat : List.of(107, 108)) {
            Locator card = page.locator(".class-card[data-seat='" + seat + "']");
            assertEquals("cnn", card.getAttribute("data-page"));
            Locator curve = card.locator(".ll-class-card-curve");
            assertThat(curve).isVisible();
            assertEquals("TEST_ACCURACY", curve.getAttribute("data-metric"));
            assertEquals(Boolean.TRUE, curve.evaluate("img => img.complete && img.naturalWidth > 0"), "the browser draws it");
            assertThat(card.locator("heat-map")).isHidden();
            assertThat(card.locator(".class-card-loss")).containsText("Test loss");
            assertThat(card.locator(".class-card-loss")).containsText("%");
        }
        assertEquals("10", page.locator(".class-card[data-seat='107'] .ll-class-card-curve").getAttribute("data-points"));
        assertThat(page.locator(".class-leader-row").first()).containsText("93.0 %");
        Locator loading = page.locator(".class-card[data-seat='106']");
        assertThat(loading.locator(".ll-class-card-curve")).isHidden();
        assertThat(loading.locator(".ll-class-card-norun")).hasText("no epoch yet");
        assertThat(loading.locator(".class-card-state")).containsText("Loading");
        // the playground cards beside them keep their maps
        assertEquals("playground", page.locator(".class-card[data-seat='101']").getAttribute("data-page"));
        assertThat(page.locator(".class-card[data-seat='101'] heat-map")).isVisible();
        assertThat(page.locator(".class-card[data-seat='101'] .ll-class-card-curve")).isHidden();
        screenshot(page, "class-dashboard-cnn-cards");

        page.locator(".class-card[data-seat='107'] .class-card-open").click();
        page.waitForURL("**/teach/" + CODE + "/student/107");
        waitForVaadin(page);
        assertThat(page.locator("#student-run")).hasAttribute("data-page", "cnn");
        assertThat(page.locator("#student-run-name")).hasText(NAMES.get(7));
        assertThat(page.locator("#student-run-state")).containsText("Training · epoch 9");
        assertThat(page.locator("#student-run-map")).isHidden();
        assertThat(page.locator("#student-run-layers li")).hasCount(CNN.model().size());
        assertThat(page.locator("#student-run-layers li").first()).containsText(CNN.model().get(0).type());
        assertThat(page.locator("#student-run-chart")).isVisible();
        assertThat(page.locator("#student-run-accuracy")).isVisible();
        assertThat(page.locator("#student-run-losses")).containsText("test accuracy");
        assertThat(page.locator("#student-run-settings")).containsText("Optimizer");
        assertThat(page.locator("#student-run-settings")).containsText("20 epochs");
        String href = page.locator("#student-run-open-cnn").getAttribute("href");
        assertTrue(href.startsWith("cnn?x="), href);
        assertEquals(0, page.locator("#student-run vaadin-button").count(), "no control on a read-only run");
        page.waitForTimeout(800);
        screenshot(page, "class-student-run-cnn");
    }

    @Test
    void anEndedSessionIsReadOnlyButKeepsItsResults() {
        TeacherSteps.signInToTeach(page, TEACHER);
        open("/teach/" + CODE);
        page.locator("#class-end").click();
        page.locator("#end-confirm").click();
        waitForVaadin(page);
        verify(classrooms).end(CODE, TEACHER);
        assertEquals("true", page.locator("#class-dashboard").getAttribute("data-ended"));
        for (String gone : List.of("#class-push", "#class-pause", "#class-lock", "#class-end")) {
            assertThat(page.locator(gone)).isHidden();
        }
        assertThat(page.locator("#class-csv")).isVisible();
        assertThat(page.locator(".class-leader-row")).hasCount(3);
        assertThat(page.locator(".class-card-share").first()).isHidden();
        assertThat(page.locator(".class-card-open").first()).isVisible();
        screenshot(page, "class-dashboard-ended");
        page.reload();
        waitForVaadin(page);
        assertThat(page.locator("#class-push")).isHidden();
        assertThat(page.locator("#class-state")).containsText("ended");
    }

    @Test
    void aVisitorOrAUserWhoIsNoTeacherIsToldWhoMayTeach() {
        open("/teach");
        assertThat(page.locator("#class-refused")).containsText("Sign in as a teacher");
        assertThat(page.locator("#class-title")).hasCount(0);
        open("/teach/" + CODE);
        assertThat(page.locator("#class-refused")).isVisible();
        assertThat(page.locator("#class-code")).hasCount(0);
        screenshot(page, "class-teach-refused");

        TeacherSteps.account(accounts, "JustAStudentLook");
        TeacherSteps.signInToTeach(page, "JustAStudentLook");
        assertThat(page.locator("#class-refused")).containsText("does not have the teacher role");
        open("/teach/" + CODE + "/student/100");
        assertThat(page.locator("#class-refused")).isVisible();
        verify(classrooms, never()).ofTeacher(anyString(), eq("JustAStudentLook"));
    }

    @Test
    void anotherCodeOrAnotherTeachersSessionIsAMessageNotAStackTrace() {
        TeacherSteps.signInToTeach(page, TEACHER);
        open("/teach/ABCDEF");
        assertThat(page.locator("#class-problem")).containsText("No class has the code ABCDEF.");
        open("/teach/" + CODE + "/student/999");
        assertThat(page.locator("#class-problem")).containsText("no such student");
    }
}
