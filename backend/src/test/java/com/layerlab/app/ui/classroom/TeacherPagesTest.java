package com.layerlab.app.ui.classroom;

import org.springframework.test.annotation.DirtiesContext;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.account.Accounts;
import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.classroom.Challenge;
import com.layerlab.app.classroom.ClassRefused;
import com.layerlab.app.classroom.ClassSession;
import com.layerlab.app.classroom.Classrooms;
import com.layerlab.app.classroom.Push;
import com.layerlab.app.classroom.Seat;
import com.layerlab.app.classroom.ViewStates;
import com.layerlab.app.lab.CnnPresets;
import com.layerlab.app.lab.ControlLocks;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.Page;
import com.layerlab.app.training.PointFrames;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.TestRuns;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.app.ui.runs.RunPages;
import com.layerlab.engine.experiment.Experiment;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The teacher's pages on the real services: a teacher creates a session (its code in the readable
 * alphabet, the QR code of its join link), locks it (a join is refused) and opens it again; students who
 * joined through the service and train through the runtime appear as live cards; pause all holds their
 * runs and resume releases them; the push dialog sends a challenge; the leaderboard orders the scores the
 * server recorded; the CSV holds the students' rows; a removed student's card goes; a student's run opens
 * read-only; the ended session stays readable without its controls; another teacher is refused; the push
 * dialog lists the teacher's saved CNN lab experiments, shows the CNN lab's controls for one and pushes it
 * as a CNN lab challenge.
 */
@TestPropertySource(properties = {"layerlab.teacher.usernames=" + TeacherPagesTest.TEACHER,
        "layerlab.data.dir=target/teacher-pages-test/${random.uuid}"})
// its context closes after the class: a run a student's page started as the class ended (after the last stop) ends with it,
// not in a cached context beside later tests (TrainingLifecycleTest counts run threads JVM-wide)
@DirtiesContext
class TeacherPagesTest extends BrowserTestBase {

    static final String TEACHER = "MrsRealTeacher";

    @Autowired
    Accounts accounts;
    @Autowired
    Classrooms classrooms;
    @Autowired
    TrainingRuntime runtime;
    @Autowired
    ExperimentStore store;
    /** The students' own pages, as subscriptions: an anonymous student's run stops once no page watches it. */
    private final List<AutoCloseable> studentPages = new ArrayList<>();

    @AfterEach
    void noRunOutlivesTheTest() throws Exception {
        for (AutoCloseable p : studentPages) {
            p.close();
        }
        studentPages.clear();
        TestRuns.stopAll(runtime, Duration.ofSeconds(100));
    }

    private static String visitor() {
        return "visitor:h4-" + UUID.randomUUID();
    }

    /** A student's playground run, as their page would start it, watched by it (frames dropped). */
    private Run<?> train(String owner, PlaygroundSettings s) {
        Run<PointFrames.Frame> run = runtime.submit(List.of(s.toExperiment()),
                new RunOptions(owner, false, RunPages.PLAYGROUND, false, 3000), PointFrames.playground());
        studentPages.add(run.subscribe(frame -> { }, task -> {
            task.run();
            return true;
        }));
        return run;
    }

    @Test
    void aTeacherCreatesASessionWithAReadableCodeAndItsQrCodeAndLocksIt() {
        TeacherSteps.account(accounts, TEACHER);
        TeacherSteps.signInToTeach(page, TEACHER);
        page.locator("#class-title input").fill("Monday, period 2");
        page.locator("#class-create").click();
        page.waitForURL("**/teach/*");
        waitForVaadin(page);
        String shown = page.locator("#class-code").innerText().trim();
        assertTrue(shown.matches(TeacherSteps.SHOWN_CODE), "no 0/O, 1/l/I, read in two halves: " + shown);
        String code = shown.replace("-", "");
        assertTrue(page.url().endsWith("/teach/" + code), page.url());
        ClassSession session = classrooms.ofTeacher(code, TEACHER);
        assertEquals("Monday, period 2", session.title());

        String link = baseUrl() + "join/" + code;
        assertEquals(link, page.locator("#class-join-link").innerText().trim());
        String src = page.locator("#class-qr").getAttribute("src");
        String svg = new String(Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1)), StandardCharsets.UTF_8);
        assertEquals(JoinQrCodeTest.modules(JoinQrCode.svg(link)), JoinQrCodeTest.modules(svg), "the QR code is the join link's");
        assertTrue(page.locator("#class-qr").boundingBox().width >= 180);
        assertThat(page.locator("#class-cards-empty")).isVisible();

        page.locator("#class-lock").click();
        waitForVaadin(page);
        assertEquals("true", page.locator("#class-lock").getAttribute("data-locked"));
        assertTrue(classrooms.ofTeacher(code, TEACHER).locked());
        ClassRefused refused = assertThrows(ClassRefused.class, () -> classrooms.join(code, "Late", visitor(), "10.9.9.1"));
        assertEquals(409, refused.status());
        page.locator("#class-lock").click();
        waitForVaadin(page);
        assertEquals("false", page.locator("#class-lock").getAttribute("data-locked"));
        classrooms.join(code, "On time", visitor(), "10.9.9.1");

        page.locator(".ll-class-back").click();
        page.waitForURL("**/teach");
        waitForVaadin(page);
        Locator row = page.locator(".class-row[data-code='" + code + "']");
        assertThat(row).containsText("Monday, period 2");
        assertThat(row).containsText("1 student");
        assertThat(row).containsText("open");
        row.locator("a").click();
        page.waitForURL("**/teach/" + code);

        // another teacher may not act on it, whatever their page shows
        assertEquals(403, assertThrows(ClassRefused.class, () -> classrooms.lock(code, "SomeoneElse", true)).status());
    }

    @Test
    void theClassTrainsOnTheCardsIsPausedIsChallengedRankedExportedAndEnded() throws Exception {
        TeacherSteps.account(accounts, TEACHER);
        ClassSession session = classrooms.create(TEACHER, "Decision boundaries");
        String code = session.code();
        List<String> owners = new ArrayList<>();
        List<Seat> seats = new ArrayList<>();
        List<String> names = List.of("Ana <i>the</i> great", "Bea", "Chen", "Dara");
        PlaygroundSettings circle = PlaygroundSettings.DEFAULTS.toBuilder().epochs(3000).build();
        for (int i = 0; i < names.size(); i++) {
            String owner = visitor();
            owners.add(owner);
            seats.add(classrooms.join(code, names.get(i), owner, "10.1.1." + i));
            if (i < 3) {
                // the fourth has no run yet
                train(owner, circle.toBuilder().hiddenLayers(List.of(2 + i, 2)).learningRate(0.1).build());
            }
        }

        TeacherSteps.signInToTeach(page, TEACHER);
        open("/teach/" + code);
        assertThat(page.locator(".class-card")).hasCount(4);
        for (int i = 0; i < 3; i++) {
            Locator card = page.locator(".class-card[data-seat='" + seats.get(i).id() + "']");
            page.waitForFunction("c => c && Number(c.getAttribute('data-epoch')) >= 3",
                    card.elementHandle());
            assertThat(card.locator(".class-card-loss")).containsText("Test loss");
            assertThat(card.locator("heat-map")).isVisible();
        }
        Locator ana = page.locator(".class-card[data-seat='" + seats.get(0).id() + "']");
        assertEquals(names.get(0), ana.locator(".class-card-name").innerText().trim(), "a name is text, never HTML");
        assertEquals(0, ana.locator(".class-card-name i").count());
        assertEquals("none", page.locator(".class-card[data-seat='" + seats.get(3).id() + "']").getAttribute("data-state"));
        screenshot(page, "class-dashboard-live");

        // eyes on me: every student's run holds, and goes on after
        page.locator("#class-pause").click();
        waitForVaadin(page);
        assertEquals("true", page.locator("#class-pause").getAttribute("data-paused"));
        for (String owner : owners) {
            assertEquals(Classrooms.PAUSED_WHY, runtime.heldWhy(owner).orElse(null));
        }
        for (int i = 0; i < 3; i++) {
            assertThat(page.locator(".class-card[data-seat='" + seats.get(i).id() + "']"))
                    .hasAttribute("data-state", "PAUSED");
        }
        screenshot(page, "class-dashboard-paused-live");
        page.locator("#class-pause").click();
        waitForVaadin(page);
        assertEquals("false", page.locator("#class-pause").getAttribute("data-paused"));
        assertTrue(runtime.heldWhy(owners.get(0)).isEmpty());
        // resumed: the runs the pause took train on by themselves
        assertThat(page.locator(".class-card[data-seat='" + seats.get(0).id() + "']"))
                .hasAttribute("data-state", "RUNNING");

        // a student's run, read-only
        page.locator(".class-card[data-seat='" + seats.get(1).id() + "'] .class-card-open").click();
        page.waitForURL("**/teach/" + code + "/student/" + seats.get(1).id());
        waitForVaadin(page);
        assertThat(page.locator("#student-run-name")).hasText("Bea");
        assertThat(page.locator("#student-run-map")).isVisible();
        assertThat(page.locator("#student-run-losses")).containsText("Test loss");
        // live: the run's frames keep coming (the page's subscription outlives its attach)
        String first = page.locator("#student-run-losses").innerText();
        page.waitForFunction("t => document.querySelector('#student-run-losses').innerText !== t", first);
        assertThat(page.locator("#student-run-settings")).containsText("Hidden layers: 3 Tanh, 2 Tanh");
        assertEquals(0, page.locator("#student-run vaadin-button").count(), "no control on a read-only run");
        page.waitForTimeout(1500);
        screenshot(page, "class-student-run");
        page.locator("#student-run-back").click();
        page.waitForURL("**/teach/" + code);
        waitForVaadin(page);

        // the push dialog: the teacher's playground now, as a challenge on another data set (the students'
        // circles break its lock: the scorer leaves them, and the scores below are the only ones)
        page.locator("#class-push").click();
        page.locator("#push-send").click();
        waitForVaadin(page);
        assertThat(page.locator("#push-error")).containsText("Experiment: you have no playground run yet");
        PlaygroundSettings xor = PlaygroundSettings.DEFAULTS.toBuilder().dataset("xor").build();
        Run<?> mine = runtime.submit(List.of(xor.toExperiment()),
                new RunOptions(Accounts.ownerKey(TEACHER), true, RunPages.PLAYGROUND, true, 100), PointFrames.playground());
        page.locator("#push-title input").fill("Beat the XOR");
        page.locator("#push-challenge").click();
        page.locator("#push-unlock-NEURONS").click();
        page.locator("#push-target input").fill("0");
        page.locator("#push-send").click();
        waitForVaadin(page);
        assertThat(page.locator("#push-error")).containsText("Target:");
        page.locator("#push-target input").fill("0.1");
        page.locator("#push-epochs input").fill("500");
        page.locator("#push-send").click();
        waitForVaadin(page);
        assertThat(page.locator("#push-dialog")).hasCount(0);
        mine.stop();
        Push pushed = classrooms.currentPush(session.id()).orElseThrow();
        assertEquals("Beat the XOR", pushed.title());
        assertEquals(new Challenge.Goal(Challenge.Metric.TEST_LOSS, 0.1, 500, 0), pushed.challenge().goal());
        assertEquals(Set.of(ControlLocks.Control.NEURONS), pushed.challenge().unlocked());
        assertEquals("xor", ShareLinks.parsePlayground(com.vaadin.flow.router.QueryParameters.fromString(pushed.viewState())
                .getParameters()).value().dataset());
        assertThat(page.locator("#class-current-push")).containsText("Beat the XOR");

        // the scores the server measured: Chen reaches the goal first, then Bea; Ana does not
        classrooms.record(pushed.id(), seats.get(2).id(), 0.05, 17, 120, pushed.viewState());
        Thread.sleep(20);
        classrooms.record(pushed.id(), seats.get(1).id(), 0.08, 15, 200, pushed.viewState());
        classrooms.record(pushed.id(), seats.get(0).id(), 0.31, 25, 90, pushed.viewState());
        String expected = List.of(seats.get(2).id(), seats.get(1).id(), seats.get(0).id()).toString();
        page.waitForFunction("want => JSON.stringify([...document.querySelectorAll('.class-leader-row')]"
                + ".map(r => Number(r.dataset.seat))).replaceAll(',', ', ') === want", expected);
        assertThat(page.locator(".class-card[data-seat='" + seats.get(2).id() + "'] .class-card-result"))
                .containsText("Goal reached");
        screenshot(page, "class-dashboard-leaderboard");

        Download csv = page.waitForDownload(() -> page.locator("#class-csv").click());
        assertEquals("class-" + code + "-results.csv", csv.suggestedFilename());
        String text = Files.readString(csv.path(), StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        assertTrue(lines.get(0).startsWith("student,"), lines.get(0));
        assertEquals(5, lines.size(), text);
        assertTrue(text.contains("Chen,Beat the XOR"), text);
        assertTrue(text.contains(baseUrl() + "?"), "the experiments' links are absolute: " + text);

        // a student removed: their card goes
        page.locator(".class-card[data-seat='" + seats.get(3).id() + "'] .class-card-remove").click();
        page.locator("#remove-confirm").click();
        assertThat(page.locator(".class-card")).hasCount(3);
        assertTrue(classrooms.seat(seats.get(3).id()).orElseThrow().removed());

        // ended: read-only, results and CSV stay
        page.locator("#class-end").click();
        page.locator("#end-confirm").click();
        waitForVaadin(page);
        assertTrue(classrooms.ofTeacher(code, TEACHER).ended());
        assertEquals("true", page.locator("#class-dashboard").getAttribute("data-ended"));
        page.reload();
        waitForVaadin(page);
        for (String gone : List.of("#class-push", "#class-pause", "#class-lock", "#class-end")) {
            assertThat(page.locator(gone)).isHidden();
        }
        assertThat(page.locator(".class-card-share").first()).isHidden();
        assertThat(page.locator(".class-leader-row")).hasCount(3);
        Download again = page.waitForDownload(() -> page.locator("#class-csv").click());
        // the same rows, less the student removed since (a removed student is no longer the class's)
        String withoutDara = text.lines().filter(l -> !l.startsWith("Dara,")).map(l -> l + "\r\n")
                .collect(java.util.stream.Collectors.joining());
        assertEquals(withoutDara, Files.readString(again.path(), StandardCharsets.UTF_8));
        screenshot(page, "class-dashboard-ended-live");
    }

    @Test
    void thePushDialogListsASavedCnnExperimentShowsTheCnnControlsAndPushesItToTheCnnLab() {
        TeacherSteps.account(accounts, TEACHER);
        ClassSession session = classrooms.create(TEACHER, "Convolutions");
        Experiment shapes = CnnPresets.defaultExperiment().withEpochs(12);
        store.save(new ExperimentStore.Draft(Accounts.ownerKey(TEACHER), "Shapes net", false, Page.CNN, shapes, ""),
                new byte[0], List.of(), 0, null);
        TeacherSteps.signInToTeach(page, TEACHER);
        open("/teach/" + session.code());
        page.locator("#class-push").click();
        page.locator("#push-challenge").click();
        // the playground's controls first (its "now" is the first choice)
        assertThat(page.locator("#push-unlock-NEURONS")).isVisible();
        assertThat(page.locator("#push-unlock-LAYER_STACK")).hasCount(0);

        // the CNN lab now, with no CNN run: said, nothing pushed
        chooseInSelect(page, "push-source", PushDialog.NOW_CNN);
        page.locator("#push-target input").fill("80");
        page.locator("#push-send").click();
        waitForVaadin(page);
        assertThat(page.locator("#push-error")).containsText("Experiment: you have no CNN lab run yet");

        chooseInSelect(page, "push-source", "Shapes net · CNN lab");
        assertEquals("cnn", page.locator(".ll-push-challenge").getAttribute("data-lab"));
        assertEquals(List.of("Data set", "Layer stack", "Optimizer", "Learning rate"),
                page.locator("#push-unlocks vaadin-checkbox").allInnerTexts().stream().map(String::trim).toList());
        assertThat(page.locator("#push-unlock-NEURONS")).hasCount(0);
        assertThat(page.locator("#push-metric")).containsText("Test accuracy at least (%)");
        assertEquals("Shapes net", page.locator("#push-title input").inputValue());
        screenshot(page, "class-push-dialog-cnn");
        page.locator("#push-unlock-LEARNING_RATE").click();
        page.locator("#push-send").click();
        waitForVaadin(page);
        assertThat(page.locator("#push-dialog")).hasCount(0);

        Push pushed = classrooms.currentPush(session.id()).orElseThrow();
        assertEquals(Page.CNN, pushed.page());
        assertEquals("Shapes net", pushed.title());
        assertEquals(Set.of(ControlLocks.Control.LEARNING_RATE), pushed.challenge().unlocked());
        assertEquals(new Challenge.Goal(Challenge.Metric.TEST_ACCURACY, 0.8, 0, 0), pushed.challenge().goal());
        Experiment opened = ViewStates.cnn(pushed.viewState());
        // the layers as pushed (a link's numbers may come back as another number type: compared by type and size)
        assertEquals(shapes.model().stream().map(l -> l.type()).toList(), opened.model().stream().map(l -> l.type()).toList());
        assertEquals(12, opened.epochs());
        assertNotNull(pushed.experimentId());
        assertTrue(pushed.location().startsWith("cnn?x="), pushed.location());
        assertThat(page.locator("#class-current-push")).containsText("Shapes net (CNN lab)");
    }
}
