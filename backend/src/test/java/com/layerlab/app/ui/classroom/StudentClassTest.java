package com.layerlab.app.ui.classroom;

import org.springframework.test.annotation.DirtiesContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.classroom.Challenge;
import com.layerlab.app.classroom.ClassEvents;
import com.layerlab.app.classroom.ClassSession;
import com.layerlab.app.classroom.Classrooms;
import com.layerlab.app.classroom.Push;
import com.layerlab.app.classroom.Seat;
import com.layerlab.app.lab.ControlLocks.Control;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.TrainingRuntime;
import com.microsoft.playwright.Page;
import com.vaadin.flow.router.QueryParameters;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * A student's side of a class, in a real browser: joining by code (a wrong one refused with the service's
 * message), the bar on the playground, a push opening live without a reload, a challenge's locks (disabled
 * controls, a link of the student's own held to the push), the goal and the server's score, "pause all",
 * a reload keeping the seat and the run, a name shown as text, and the teacher ending the class. The
 * teacher acts through the service ({@link Classrooms}); the teacher's pages are other tests'.
 */
// its context closes after the class: a run a student's page started as the class ended (after the last stop) ends with it,
// not in a cached context beside later tests (TrainingLifecycleTest counts run threads JVM-wide)
@DirtiesContext
@TestPropertySource(properties = "layerlab.teacher.usernames=" + StudentClassTest.TEACHER)
class StudentClassTest extends BrowserTestBase {

    static final String TEACHER = "mrs-h3-teacher";

    @Autowired
    Classrooms classrooms;
    @Autowired
    ClassEvents events;
    @Autowired
    TrainingRuntime runtime;

    private ClassSession session;

    @BeforeEach
    void createClass() {
        session = classrooms.create(TEACHER, "Neural networks, lesson 3");
    }

    @AfterEach
    void endClass() {
        if (!classrooms.byCode(session.code()).map(ClassSession::ended).orElse(true)) {
            classrooms.end(session.code(), TEACHER);
        }
        // the runs the students' pages started end with the test (their pages close after it)
        runtime.activeRuns().forEach(Run::stop);
    }

    private static String dashed(String code) {
        return code.substring(0, 3) + "-" + code.substring(3);
    }

    /** Joins the class on {@code p} as {@code name} through the join page; returns on the playground. */
    private void join(Page p, String name) {
        open(p, "/join/" + session.code());
        p.locator("#join-name input").fill(name);
        p.locator("#join-submit").click();
        p.waitForSelector("#class-bar");
        waitForVaadin(p);
    }

    private static String query(PlaygroundSettings s) {
        return ShareLinks.queryString(ShareLinks.playgroundQuery(s));
    }

    private Push push(String title, PlaygroundSettings s, Challenge challenge) {
        return classrooms.push(session.code(), TEACHER, title, query(s), null, challenge, null);
    }

    /** The settings the page's address holds (the playground keeps it up to date). */
    private static PlaygroundSettings shown(Page p) {
        String url = p.url();
        String q = url.contains("?") ? url.substring(url.indexOf('?') + 1) : "";
        return ShareLinks.parsePlayground(QueryParameters.fromString(q).getParameters()).value();
    }

    private static void waitForEpoch(Page p, String condition) {
        p.waitForFunction("() => { const e = document.querySelector('#epoch'); "
                + "return e && e.dataset.epoch !== undefined && (" + condition.replace("epoch", "Number(e.dataset.epoch)") + "); }");
    }

    private static boolean disabled(Page p, String selector) {
        return (Boolean) p.locator(selector).first().evaluate("e => e.hasAttribute('disabled')");
    }

    @Test
    void aWrongCodeIsRefusedAndJoiningShowsTheBar() {
        open("/join");
        assertEquals("Join a class", page.locator("#ll-nav-join").innerText());
        assertEquals(0, page.locator("#ll-nav-teach").count(), "Teach is for teachers only");
        page.locator("#join-code input").fill("ZZZ-ZZZ");
        page.locator("#join-name input").fill("Ana");
        page.locator("#join-submit").click();
        page.waitForSelector("#join-error:visible");
        assertTrue(page.locator("#join-error").innerText().contains("ZZZ"), page.locator("#join-error").innerText());
        assertTrue(page.url().endsWith("/join"), "a refusal stays on the join page: " + page.url());
        screenshot(page, "class-join-wrong-code");

        // the QR code's link fills the code in, as it is read aloud
        open("/join/" + session.code().toLowerCase());
        assertEquals(dashed(session.code()), page.locator("#join-code input").inputValue());
        page.locator("#join-name input").fill("Ana");
        screenshot(page, "class-join");
        page.locator("#join-submit").click();
        page.waitForSelector("#class-bar");
        waitForVaadin(page);
        assertTrue(page.url().matches(".*:\\d+/(\\?.*)?"), "joined, the student is on the playground: " + page.url());
        assertEquals(session.code(), page.locator("#class-bar").getAttribute("data-code"));
        assertEquals("Ana", page.locator("#class-bar-name").innerText());
        assertFalse(page.locator("#class-bar-paused").isVisible());
        assertFalse(page.locator("#class-bar-goal").isVisible(), "no challenge yet");
        assertEquals(1, events.listenerCount(session.id()), "the bar listens to its class");
        screenshot(page, "class-bar-joined");

        // the join page knows the seat
        open("/join");
        assertTrue(page.locator("#join-seated").innerText().contains("You are in class " + dashed(session.code()) + " as Ana"),
                page.locator("#join-seated").innerText());
        assertFalse(page.locator("#join-code").isVisible());
        page.locator("#join-back").click();
        page.waitForSelector("#class-bar");

        // Leave: the bar goes, the seat too
        page.locator("#class-bar-leave").click();
        page.waitForSelector("#class-bar", new Page.WaitForSelectorOptions().setState(
                com.microsoft.playwright.options.WaitForSelectorState.DETACHED));
        waitForVaadin(page);
        assertEquals(0, events.listenerCount(session.id()), "a bar that went listens no more");
    }

    @Test
    void aPushOpensLiveWithoutAReload() {
        join(page, "Ben");
        String firstRun = page.locator(".ll-playground").getAttribute("data-run");
        page.evaluate("() => window.__sameDocument = true");
        PlaygroundSettings spiral = PlaygroundSettings.DEFAULTS.toBuilder().dataset("spiral").learningRate(0.1)
                .hiddenLayers(List.of(6, 4)).build();
        push("Spirals", spiral, null);
        page.waitForFunction("() => document.querySelector('#dataset-spiral').getAttribute('aria-pressed') === 'true'");
        waitForVaadin(page);
        assertEquals(Boolean.TRUE, page.evaluate("() => window.__sameDocument === true"), "no reload");
        assertEquals("spiral", shown(page).dataset(), "the address is the pushed experiment's");
        assertEquals(List.of(6, 4), shown(page).hiddenLayers());
        assertEquals(0.1, shown(page).learningRate());
        assertNotEquals(firstRun, page.locator(".ll-playground").getAttribute("data-run"), "a new run of the push");
        assertEquals("Now: Spirals", page.locator("#class-bar-title").innerText());
        // the new run is what the page trains
        page.locator("#play-button").click();
        waitForEpoch(page, "epoch >= 3");
        screenshot(page, "class-bar-pushed");

        // a second push replaces the first, live again
        push("Gaussians", spiral.toBuilder().dataset("gauss").build(), null);
        page.waitForFunction("() => document.querySelector('#dataset-gauss').getAttribute('aria-pressed') === 'true'");
        assertEquals(Boolean.TRUE, page.evaluate("() => window.__sameDocument === true"));
        waitForEpoch(page, "epoch === 0");
    }

    @Test
    void aChallengeLocksControlsAndShowsTheGoalAndTheScore() {
        join(page, "Chloe");
        PlaygroundSettings xor = PlaygroundSettings.DEFAULTS.toBuilder().dataset("xor").learningRate(0.03).build();
        Challenge challenge = new Challenge(Set.of(Control.LEARNING_RATE, Control.NEURONS),
                new Challenge.Goal(Challenge.Metric.TEST_LOSS, 0.1, 300, 0));
        Push pushed = push("XOR in 300 epochs", xor, challenge);
        page.waitForFunction("() => document.querySelector('#dataset-xor').getAttribute('aria-pressed') === 'true'");
        waitForVaadin(page);
        assertEquals("Challenge: XOR in 300 epochs", page.locator("#class-bar-title").innerText());
        String goal = page.locator("#class-bar-goal").innerText();
        assertTrue(goal.contains("test loss at most 0.1 within 300 epochs"), goal);
        assertTrue(goal.contains("You may change: Neurons, Learning rate"), goal);
        assertEquals("false", page.locator("#class-bar-progress").getAttribute("data-reached"));

        // locked: the data sets, the activation, regularisation, features, layers; free: rate, neurons
        assertTrue(disabled(page, "#dataset-circle"), "data set locked");
        assertTrue(disabled(page, "#activation-select"), "activation locked");
        assertTrue(disabled(page, "#regularization-select"), "regularisation locked");
        assertTrue(disabled(page, "#preset-select"), "presets change locked controls");
        assertTrue(disabled(page, "#noise"), "the data column is the data set's lock");
        assertTrue(disabled(page, "#regenerate-button"), "the data seed too");
        assertFalse(disabled(page, "#learning-rate-select"), "learning rate free");
        assertTrue(disabled(page, "network-diagram button[aria-label='Add hidden layer']"), "layers locked");
        assertTrue(disabled(page, "network-diagram select"), "the layers' activations locked");
        assertTrue(disabled(page, "network-diagram .neuron.input"), "features locked");
        assertFalse(disabled(page, "network-diagram button[aria-label='Add neuron to layer 1']"), "neurons free");
        screenshot(page, "class-bar-challenge");

        // a free control changes as ever
        chooseInSelect(page, "learning-rate-select", "0.3");
        waitForVaadin(page);
        assertEquals(0.3, shown(page).learningRate());

        // a link of the student's own cannot get around a lock: the pushed data set and activation stay
        PlaygroundSettings own = xor.toBuilder().dataset("circle").allActivations("ReLU").learningRate(1).build();
        open("/?" + query(own));
        page.waitForSelector("#class-locked-note");
        assertEquals("true", page.locator("#dataset-xor").getAttribute("aria-pressed"), "the pushed data set");
        waitForVaadin(page);
        assertEquals("xor", shown(page).dataset());
        assertEquals(xor.activations(), shown(page).activations(), "the pushed activations");
        assertEquals(1.0, shown(page).learningRate(), "a free control keeps the link's");
        assertTrue(page.locator("#class-locked-note").innerText().contains("locked"), page.locator("#class-locked-note").innerText());
        screenshot(page, "class-locked-link");

        // the server's score of the hidden test split shows, and the goal reached
        Seat seat = classrooms.seats(session.id()).get(0);
        classrooms.record(pushed.id(), seat.id(), 0.25, 9, 40, query(xor));
        page.waitForFunction("() => document.querySelector('#class-bar-progress').textContent.includes('0.25')");
        classrooms.record(pushed.id(), seat.id(), 0.08, 9, 120, query(xor));
        page.waitForFunction("() => document.querySelector('#class-bar-progress').dataset.reached === 'true'");
        assertTrue(page.locator("#class-bar-progress").innerText().startsWith("Goal reached at epoch 120"),
                page.locator("#class-bar-progress").innerText());
        screenshot(page, "class-bar-goal-reached");

        // the class ends: the bar goes, and nothing is locked any more
        classrooms.end(session.code(), TEACHER);
        page.waitForSelector("#class-left-note");
        assertEquals(0, page.locator("#class-bar").count());
        assertTrue(page.locator("#class-left-note").innerText().contains("Your teacher ended the class"));
        assertFalse(disabled(page, "#dataset-circle"), "unlocked again");
        assertFalse(disabled(page, "#activation-select"));
    }

    @Test
    void pauseAllShowsTheNoticeAndPlayDoesNotTrain() {
        join(page, "Dan");
        page.locator("#play-button").click();
        waitForEpoch(page, "epoch >= 2");
        classrooms.pauseAll(session.code(), TEACHER, true);
        page.waitForSelector("#class-bar-paused:visible");
        assertEquals("Your teacher paused training", page.locator("#class-bar-paused").innerText());
        page.waitForFunction("() => document.querySelector('#play-button').dataset.playing === 'false'");
        page.waitForFunction("() => !['RUNNING', 'QUEUED'].includes(document.querySelector('#epoch').dataset.state)");
        screenshot(page, "class-bar-paused");
        int held = Integer.parseInt(page.locator("#epoch").getAttribute("data-epoch"));
        page.locator("#play-button").click();
        page.waitForTimeout(1500);
        waitForVaadin(page);
        assertEquals(held, Integer.parseInt(page.locator("#epoch").getAttribute("data-epoch")), "held: play trains nothing");
        assertEquals("false", page.locator("#play-button").getAttribute("data-playing"));

        classrooms.pauseAll(session.code(), TEACHER, false);
        page.waitForSelector("#class-bar-paused", new Page.WaitForSelectorOptions().setState(
                com.microsoft.playwright.options.WaitForSelectorState.HIDDEN));
        // resumed: the run the pause took trains on, with no click of the student's
        waitForEpoch(page, "epoch > " + held);
    }

    @Test
    void aReloadKeepsTheSeatAndTheRun() {
        join(page, "Eve");
        push("Circles", PlaygroundSettings.DEFAULTS.toBuilder().dataset("circle").build(), null);
        page.waitForFunction("() => document.querySelector('#class-bar-title').textContent === 'Now: Circles'");
        waitForVaadin(page);
        page.locator("#play-button").click();
        waitForEpoch(page, "epoch >= 3");
        String run = page.locator(".ll-playground").getAttribute("data-run");
        page.reload();
        waitForVaadin(page);
        page.waitForSelector("#class-bar");
        assertEquals("Eve", page.locator("#class-bar-name").innerText());
        assertEquals("Now: Circles", page.locator("#class-bar-title").innerText());
        assertEquals(run, page.locator(".ll-playground").getAttribute("data-run"), "the same run after the reload");
        waitForEpoch(page, "epoch >= 4");

        // a new browser window of the same browser (the cookie) sits in the same seat
        Page again = context.newPage();
        open(again, "/");
        again.waitForSelector("#class-bar");
        assertEquals("Eve", again.locator("#class-bar-name").innerText());
        again.close();
    }

    @Test
    void aNameIsShownAsTextAndRemovingTheStudentEndsTheBar() {
        join(page, "<b>x</b> & <img src=x onerror=alert(1)>");
        assertEquals("<b>x</b> & <img src=x onerror=alert(1)>", page.locator("#class-bar-name").innerText());
        assertEquals(0, page.locator("#class-bar-name b, #class-bar-name img").count(), "no markup from a name");
        open("/join");
        assertEquals("<b>x</b> & <img src=x onerror=alert(1)>", page.locator("#join-seated-name").innerText());
        assertEquals(0, page.locator("#join-seated b, #join-seated img").count());

        open("/");
        page.waitForSelector("#class-bar");
        Seat seat = classrooms.seats(session.id()).get(0);
        classrooms.remove(session.code(), TEACHER, seat.id());
        page.waitForSelector("#class-left-note");
        assertTrue(page.locator("#class-left-note").innerText().contains("You were removed from the class"));
        assertEquals(0, page.locator("#class-bar").count());
        // removed: the class takes them no more
        open("/join/" + session.code());
        page.locator("#join-name input").fill("Again");
        page.locator("#join-submit").click();
        page.waitForSelector("#join-error:visible");
        assertTrue(page.locator("#join-error").innerText().contains("removed you"), page.locator("#join-error").innerText());
        assertEquals(0, page.locator("#class-bar").count());
    }
}
