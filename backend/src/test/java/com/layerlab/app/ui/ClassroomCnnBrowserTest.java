package com.layerlab.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static com.layerlab.app.ui.ClassroomSteps.disabled;
import static com.layerlab.app.ui.ClassroomSteps.epochOf;
import static com.layerlab.app.ui.ClassroomSteps.fillNumber;
import static com.layerlab.app.ui.ClassroomSteps.setChecked;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.AccountSteps;
import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.classroom.Challenge;
import com.layerlab.app.classroom.ClassSession;
import com.layerlab.app.classroom.Classrooms;
import com.layerlab.app.classroom.Push;
import com.layerlab.app.classroom.Result;
import com.layerlab.app.classroom.StudentRuns;
import com.layerlab.app.classroom.ViewStates;
import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.lab.CnnPresets;
import com.layerlab.app.lab.ControlLocks;
import com.layerlab.app.store.Page;
import com.layerlab.app.training.TestRuns;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.datasets.ImageSets;
import com.layerlab.engine.experiment.Experiment;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The CNN lab in a lesson, in Chromium (issue 13: "on the CNN lab the layer stack"): the teacher trains a
 * digit classifier on their CNN lab and pushes it from the dashboard's dialog ("My CNN lab now") as a
 * challenge that locks everything but the learning rate; two students join by the code and land on the
 * CNN lab with its layer stack locked; they train; the dashboard's cards draw their curves, the server
 * scores them on digits their networks never load (past the pushed image limit) and the leaderboard
 * lists them; the teacher opens a student's run read-only; the CSV links open on the CNN lab.
 */
@TestPropertySource(properties = {"layerlab.data.dir=target/class-test/${random.uuid}",
    "layerlab.teacher.usernames=" + ClassroomCnnBrowserTest.TEACHER})
// the context closes after the class: nothing a page started outlives it (see StudentClassTest)
@DirtiesContext
class ClassroomCnnBrowserTest extends BrowserTestBase {

    static final String TEACHER = "msconv";
    private static final List<String> NAMES = List.of("Ana", "Ben");
    private static final double LONG = 120_000;

    @Autowired
    Classrooms classrooms;
    @Autowired
    TrainingRuntime runtime;

    private final List<BrowserContext> people = new ArrayList<>();

    /** The perceptron on the first 400 digits: a few seconds an epoch here, well past chance after one. */
    private static Experiment digits() {
        Experiment e = CnnPresets.byKey(CnnPresets.PERCEPTRON, false).experiment();
        return e.withData(e.data().withOption(ImageSets.LIMIT, 400)).withEpochs(8);
    }

    @Test
    void aCnnChallengeFromTheTeachersLabIsTrainedScoredAndExported() throws IOException {
        com.microsoft.playwright.Page teacher = person().newPage();
        AccountSteps.signUp(teacher, TEACHER);
        ClassSession session = classrooms.create(TEACHER, "Digits, period 5");

        // the teacher's CNN lab: the experiment trained once, so that "My CNN lab now" is it
        open(teacher, CnnLinks.location(new CnnLinks.State(digits(), List.of())));
        teacher.waitForSelector("#cnn-view");
        waitForVaadin(teacher);
        teacher.locator("#cnn-train").click();
        teacher.waitForCondition(() -> StudentRuns.current(runtime, "user:" + TEACHER, Page.CNN).isPresent(),
                new com.microsoft.playwright.Page.WaitForConditionOptions().setTimeout(LONG));
        // stopped (by the server: the button waits for the run to load, which a busy machine takes its time over)
        StudentRuns.current(runtime, "user:" + TEACHER, Page.CNN).orElseThrow().stop();

        open(teacher, "teach/" + session.code());
        waitForVaadin(teacher);
        teacher.locator("#class-push").click();
        teacher.locator("#push-source").click();
        teacher.locator("vaadin-select-item:visible").filter(new Locator.FilterOptions().setHasText("My CNN lab now"))
                .first().click();
        waitForVaadin(teacher);
        teacher.locator("#push-title input").fill("Digits at 50 %");
        setChecked(teacher, "push-challenge", true);
        // the dialog lists the CNN lab's controls; the playground's are not offered
        assertEquals(0, teacher.locator("#push-unlock-NEURONS").count(), "no playground control for a CNN push");
        for (ControlLocks.Control c : ControlLocks.CNN) {
            setChecked(teacher, "push-unlock-" + c.name(), c == ControlLocks.Control.LEARNING_RATE);
        }
        fillNumber(teacher, "push-target", "50"); // percent on the form; accuracy is a CNN push's default
        fillNumber(teacher, "push-epochs", "100");
        screenshot(teacher, "class-cnn-push-dialog");
        teacher.locator("#push-send").click();
        waitForVaadin(teacher);

        Push push = classrooms.currentPush(session.id()).orElseThrow(() -> new AssertionError("nothing pushed"));
        assertEquals(Page.CNN, push.page());
        assertEquals(Set.of(ControlLocks.Control.LEARNING_RATE), push.challenge().unlocked());
        assertEquals(Challenge.Metric.TEST_ACCURACY, push.challenge().goal().metric());
        assertEquals(0.5, push.challenge().goal().target(), 1e-9);
        assertEquals(digits().model(), ViewStates.cnn(push.viewState()).model(), "the teacher's layer stack was pushed");
        assertEquals(digits().data(), ViewStates.cnn(push.viewState()).data(), "and their data");

        // the students join by the code and land on the pushed CNN lab, its layer stack locked
        List<com.microsoft.playwright.Page> students = new ArrayList<>();
        for (String name : NAMES) {
            com.microsoft.playwright.Page s = person().newPage();
            open(s, "join/" + session.code());
            s.locator("#join-name input").fill(name);
            s.locator("#join-submit").click();
            s.waitForURL("**/cnn?**", new com.microsoft.playwright.Page.WaitForURLOptions().setTimeout(LONG));
            s.waitForSelector("#cnn-view #class-bar");
            waitForVaadin(s);
            assertTrue(s.locator("#class-bar-goal").innerText().contains("test accuracy at least 50.0 %"),
                    s.locator("#class-bar-goal").innerText());
            for (String locked : List.of("#cnn-add-layer", "#cnn-dataset", "#cnn-optimizer", "#cnn-preset")) {
                assertTrue(disabled(s, locked), name + ": " + locked + " is locked");
            }
            assertFalse(disabled(s, "#cnn-lr"), name + ": the learning rate is theirs");
            students.add(s);
        }
        screenshot(students.get(0), "class-cnn-student");

        for (com.microsoft.playwright.Page s : students) {
            s.locator("#cnn-train").click();
        }
        // the board: a CNN card per student, its curve drawn once an epoch ended
        open(teacher, "teach/" + session.code());
        waitForVaadin(teacher);
        for (String name : NAMES) {
            long seat = classrooms.seats(session.id()).stream().filter(x -> x.displayName().equals(name))
                    .findFirst().orElseThrow().id();
            Locator card = teacher.locator(".class-card[data-seat='" + seat + "']");
            teacher.waitForCondition(() -> "cnn".equals(card.getAttribute("data-page")) && epochOf(card) > 0,
                    new com.microsoft.playwright.Page.WaitForConditionOptions().setTimeout(LONG));
            assertTrue(card.locator("img").count() > 0, name + "'s card draws a curve");
        }
        // the server scores them on hidden digits, and the leaderboard lists both
        Locator rows = teacher.locator("#class-leaderboard [data-seat]");
        teacher.waitForCondition(() -> rows.count() == NAMES.size(),
                new com.microsoft.playwright.Page.WaitForConditionOptions().setTimeout(LONG));
        List<Result> board = classrooms.leaderboard(session.code(), TEACHER);
        assertEquals(NAMES.size(), board.size());
        for (Result r : board) {
            assertTrue(r.best() > 0.1, "scored above chance on the hidden digits: " + r);
            assertTrue(r.viewState().contains("x="), "the experiment that did it: " + r.viewState());
        }
        screenshot(teacher, "class-cnn-dashboard");

        // a student's run, read-only, opens on the CNN lab from there
        teacher.locator(".class-card").first().locator(".class-card-open").click();
        teacher.waitForURL("**/student/**");
        waitForVaadin(teacher);
        teacher.waitForSelector("a:has-text('Open in the CNN lab')");
        assertTrue(teacher.locator("a:has-text('Open in the CNN lab')").getAttribute("href").startsWith("cnn?"),
                teacher.locator("a:has-text('Open in the CNN lab')").getAttribute("href"));
        screenshot(teacher, "class-cnn-student-run");

        // the CSV: a row per student, its link opening on the CNN lab
        open(teacher, "teach/" + session.code());
        waitForVaadin(teacher);
        Download download = teacher.waitForDownload(() -> teacher.locator("#class-csv").click());
        String csv = Files.readString(download.path(), StandardCharsets.UTF_8);
        for (String name : NAMES) {
            assertTrue(csv.lines().anyMatch(l -> l.startsWith(name + ",") && l.contains("/cnn?x=")), name + ": " + csv);
        }
    }

    @AfterEach
    void everyPageClosesAndEveryRunEnds() throws InterruptedException {
        people.forEach(BrowserContext::close);
        people.clear();
        TestRuns.stopAll(runtime, Duration.ofSeconds(100));
    }

    private BrowserContext person() {
        BrowserContext c = browser.newContext(new Browser.NewContextOptions().setViewportSize(WIDTH, HEIGHT)
                .setBaseURL(baseUrl()).setAcceptDownloads(true));
        c.setDefaultTimeout(30_000);
        people.add(c);
        return c;
    }

}
