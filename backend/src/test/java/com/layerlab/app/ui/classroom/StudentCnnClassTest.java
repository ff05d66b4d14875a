package com.layerlab.app.ui.classroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.classroom.Challenge;
import com.layerlab.app.classroom.ClassSession;
import com.layerlab.app.classroom.Classrooms;
import com.layerlab.app.classroom.Push;
import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.lab.CnnPresets;
import com.layerlab.app.lab.ControlLocks.Control;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.store.Page;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import com.vaadin.flow.router.QueryParameters;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * A student's CNN lab in a class, in a real browser: the bar on the CNN lab, a CNN push opening live from
 * the playground (and a playground push taking the student back), a page opened without a link going to the
 * class's push wherever it opens, a challenge's locks (the locked controls disabled, a link of the student's
 * own held to the push with a notice naming the locked control), and the class's end lifting the locks. The
 * teacher acts through the service ({@link Classrooms}).
 */
// its context closes after the class: the runs the students' pages started end with it (see StudentClassTest)
@DirtiesContext
@TestPropertySource(properties = "layerlab.teacher.usernames=" + StudentCnnClassTest.TEACHER)
class StudentCnnClassTest extends BrowserTestBase {

    static final String TEACHER = "mr-h3-cnn-teacher";

    @Autowired
    Classrooms classrooms;
    @Autowired
    TrainingRuntime runtime;

    private ClassSession session;

    @BeforeEach
    void createClass() {
        session = classrooms.create(TEACHER, "Convolutions, lesson 4");
    }

    @AfterEach
    void endClass() {
        if (!classrooms.byCode(session.code()).map(ClassSession::ended).orElse(true)) {
            classrooms.end(session.code(), TEACHER);
        }
        runtime.activeRuns().forEach(Run::stop);
    }

    /** Joins the class on {@code p} as {@code name}; returns on the page the join lands on. */
    private void join(com.microsoft.playwright.Page p, String name) {
        open(p, "/join/" + session.code());
        p.locator("#join-name input").fill(name);
        p.locator("#join-submit").click();
        p.waitForSelector("#class-bar");
        waitForVaadin(p);
    }

    /** A small CNN experiment: the linear-layer demo on 300 generated shapes, with a hidden ReLU layer (one to compare). */
    private static Experiment small() {
        Experiment e = CnnPresets.byKey(CnnPresets.LINEAR_DEMO, false).experiment();
        return e.withData(e.data().withOption("samples", 300)).withModel(List.of(LayerSpec.of("Flatten"),
                LayerSpec.linear(16), LayerSpec.of("ReLU"), LayerSpec.linear(10)));
    }

    private static String cnnQuery(Experiment e) {
        return ShareLinks.queryString(CnnLinks.query(new CnnLinks.State(e, List.of())));
    }

    private Push pushCnn(String title, Experiment e, Challenge challenge) {
        return classrooms.push(session.code(), TEACHER, title, Page.CNN, cnnQuery(e), null, challenge, null);
    }

    /** The experiment the CNN lab's address holds (the lab keeps it up to date). */
    private static Experiment shownCnn(com.microsoft.playwright.Page p) {
        String url = p.url();
        assertTrue(url.contains("/cnn?"), "on the CNN lab: " + url);
        ShareLinks.Parsed<CnnLinks.State> parsed = CnnLinks.parse(
                QueryParameters.fromString(url.substring(url.indexOf('?') + 1)).getParameters());
        assertTrue(parsed.ok(), parsed.error());
        return parsed.value().experiment();
    }

    private static boolean disabled(com.microsoft.playwright.Page p, String selector) {
        return (Boolean) p.locator(selector).first().evaluate("e => e.hasAttribute('disabled')");
    }

    private static void waitForCnnLab(com.microsoft.playwright.Page p) {
        p.waitForURL("**/cnn?**");
        p.waitForSelector("#cnn-view");
        waitForVaadin(p);
    }

    @Test
    void theBarShowsOnTheCnnLabAndNothingIsLockedWithoutAChallenge() {
        join(page, "Ana");
        open("/cnn");
        page.waitForSelector("#cnn-view #class-bar");
        assertEquals("Ana", page.locator("#class-bar-name").innerText());
        assertEquals(session.code(), page.locator("#class-bar").getAttribute("data-code"));
        assertFalse(disabled(page, "#cnn-preset"), "nothing locked outside a challenge");
        assertFalse(disabled(page, "#cnn-dataset"));
        assertFalse(disabled(page, "#cnn-add-layer"));

        // pause all shows on the CNN lab's bar too
        classrooms.pauseAll(session.code(), TEACHER, true);
        page.waitForSelector("#class-bar-paused:visible");
        classrooms.pauseAll(session.code(), TEACHER, false);
        page.waitForSelector("#class-bar-paused", new com.microsoft.playwright.Page.WaitForSelectorOptions().setState(
                com.microsoft.playwright.options.WaitForSelectorState.HIDDEN));

        // Leave in another window of the same browser: the CNN lab's bar goes too, with the lab's notice
        com.microsoft.playwright.Page other = context.newPage();
        open(other, "/");
        other.waitForSelector("#class-bar");
        other.locator("#class-bar-leave").click();
        other.waitForSelector("#class-left-note");
        page.waitForSelector("#class-left-note");
        other.close();
        assertTrue(page.locator("#class-left-note").innerText().contains("The CNN lab is yours again"),
                page.locator("#class-left-note").innerText());
        assertEquals(0, page.locator("#class-bar").count());
    }

    @Test
    void aCnnPushOpensLiveFromThePlaygroundAndAPlaygroundPushTakesTheStudentBack() {
        join(page, "Ben");
        assertTrue(page.url().matches(".*:\\d+/(\\?.*)?"), "joined, on the playground: " + page.url());
        page.evaluate("() => window.__sameDocument = true");

        pushCnn("Flatten and Linear", small(), null);
        waitForCnnLab(page);
        assertEquals(Boolean.TRUE, page.evaluate("() => window.__sameDocument === true"), "no reload");
        page.waitForFunction("() => document.querySelector('#class-bar-title').textContent === 'Now: Flatten and Linear'");
        assertEquals(small().model(), shownCnn(page).model(), "the pushed layers");
        assertEquals(small().data(), shownCnn(page).data(), "the pushed data");
        screenshot(page, "class-cnn-pushed");

        // a page opened without a link shows the class's push, wherever it opens
        open("/");
        waitForCnnLab(page);
        assertEquals(small().model(), shownCnn(page).model());
        page.waitForSelector("#class-bar");

        // a playground push takes the student back to the playground, live
        page.evaluate("() => window.__sameDocument = true");
        PlaygroundSettings xor = PlaygroundSettings.DEFAULTS.toBuilder().dataset("xor").build();
        classrooms.push(session.code(), TEACHER, "XOR", ShareLinks.queryString(ShareLinks.playgroundQuery(xor)), null, null, null);
        page.waitForFunction("() => { const d = document.querySelector('#dataset-xor'); return d && d.getAttribute('aria-pressed') === 'true'; }");
        assertEquals(Boolean.TRUE, page.evaluate("() => window.__sameDocument === true"), "no reload");
        assertFalse(page.url().contains("/cnn"), page.url());
        assertEquals("Now: XOR", page.locator("#class-bar-title").innerText());

        // and the CNN lab opened without a link goes to the playground's push
        open("/cnn");
        page.waitForFunction("() => { const d = document.querySelector('#dataset-xor'); return d && d.getAttribute('aria-pressed') === 'true'; }");
        assertFalse(page.url().contains("/cnn"), page.url());
    }

    @Test
    void aCnnChallengeLocksItsControlsAndALinkOfTheStudentsOwnIsSetBack() {
        join(page, "Chloe");
        Challenge challenge = new Challenge(Set.of(Control.LEARNING_RATE),
                new Challenge.Goal(Challenge.Metric.TEST_ACCURACY, 0.8, 10, 0));
        pushCnn("Shapes at 80 %", small(), challenge);
        waitForCnnLab(page);
        page.waitForFunction("() => document.querySelector('#class-bar-title').textContent === 'Challenge: Shapes at 80 %'");
        String goal = page.locator("#class-bar-goal").innerText();
        assertTrue(goal.contains("test accuracy at least 80.0 % within 10 epochs"), goal);
        assertTrue(goal.contains("You may change: Learning rate."), goal);
        String progress = page.locator("#class-bar-progress").innerText();
        assertTrue(progress.contains("images your network never sees"), "scored on a hidden set: " + progress);

        // locked: the data section, the layer stack, the optimizer, the presets, the comparison; free: the rate
        for (String id : List.of("#cnn-dataset", "#cnn-limit", "#cnn-batch-size", "#cnn-split", "#cnn-shuffle",
                "#cnn-drop-last", "#cnn-upload", "#cnn-input-shape", "#cnn-add-layer", "#cnn-layer-1-out_features",
                "#cnn-layer-0 .cnn-down", "#cnn-layer-1 .cnn-remove",
                "#cnn-optimizer", "#cnn-preset", "#cnn-compare")) {
            assertTrue(disabled(page, id), id + " is locked");
        }
        assertFalse(disabled(page, "#cnn-lr"), "the learning rate is free");
        assertFalse(disabled(page, "#cnn-epochs"), "the epochs are the student's");
        assertFalse(disabled(page, "#cnn-train"), "training is the student's");
        screenshot(page, "class-cnn-challenge");

        // a free control changes as ever
        chooseInSelect(page, "cnn-lr", "0.1");
        page.waitForFunction("() => location.search.length > 0");
        assertEquals(0.1, shownCnn(page).optimizer().lr());

        // a link of the student's own cannot get around a lock: the pushed layers stay, the free rate is the link's
        Experiment own = small().withModel(List.of(LayerSpec.of("Flatten"), LayerSpec.linear(32), LayerSpec.of("ReLU"),
                LayerSpec.linear(10))).withOptimizer(small().optimizer().withLr(0.3));
        open("/cnn?" + cnnQuery(own));
        page.waitForSelector("#class-locked-note");
        waitForVaadin(page);
        String note = page.locator("#class-locked-note").innerText();
        assertTrue(note.startsWith("Layer stack is locked"), note);
        assertEquals(small().model(), shownCnn(page).model(), "the pushed layers");
        assertEquals(0.3, shownCnn(page).optimizer().lr(), "a free control keeps the link's");
        assertEquals(4, page.locator("#cnn-layers .cnn-layer").count(), "the editor shows the pushed layers");
        assertEquals("16", page.locator("#cnn-layer-1-out_features input").inputValue());
        assertTrue(disabled(page, "#cnn-add-layer"), "still locked after the link");
        screenshot(page, "class-cnn-locked-link");

        // a comparison trains other layer stacks: a link asking for one opens without it
        open("/cnn?" + cnnQuery(small()) + "&" + CnnLinks.COMPARE + "=ReLU.Tanh");
        page.waitForSelector("#class-locked-note");
        waitForVaadin(page);
        assertTrue(page.locator("#class-locked-note").innerText().startsWith("Layer stack is locked"));
        assertFalse(page.url().contains(CnnLinks.COMPARE + "="), page.url());
        assertFalse((Boolean) page.locator("#cnn-compare").evaluate("e => e.checked"), "no comparison");

        // the class ends: the bar goes, and nothing is locked any more
        classrooms.end(session.code(), TEACHER);
        page.waitForSelector("#class-left-note");
        assertEquals(0, page.locator("#class-bar").count());
        assertFalse(disabled(page, "#cnn-add-layer"), "unlocked again");
        assertFalse(disabled(page, "#cnn-layer-0 .cnn-down"));
        assertFalse(disabled(page, "#cnn-dataset"));
        assertFalse(disabled(page, "#cnn-preset"));
        assertFalse(disabled(page, "#cnn-compare"), "a comparison is possible again");
    }
}
