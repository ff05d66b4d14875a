package com.layerlab.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static com.layerlab.app.ui.ClassroomSteps.disabled;
import static com.layerlab.app.ui.ClassroomSteps.epochOf;
import static com.layerlab.app.ui.ClassroomSteps.fillNumber;
import static com.layerlab.app.ui.ClassroomSteps.setChecked;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.layerlab.app.AccountSteps;
import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.classroom.Challenge;
import com.layerlab.app.classroom.ClassSession;
import com.layerlab.app.classroom.Classrooms;
import com.layerlab.app.classroom.Push;
import com.layerlab.app.classroom.Result;
import com.layerlab.app.classroom.Seat;
import com.layerlab.app.lab.ControlLocks;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.training.TestRuns;
import com.layerlab.app.training.TrainingRuntime;
import com.microsoft.playwright.APIRequestContext;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.RequestOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * A lesson in Chromium (issue 13, section 5): a teacher and three students, each in a browser context of
 * their own (their own cookies: the students are anonymous visitors, seated by their visitor cookie). The
 * teacher creates a session on /teach and reads its code; the students join by that code at /join (one
 * named with HTML characters, shown as text everywhere); the teacher pushes a challenge that unlocks only
 * the learning rate; the students' pages show it live with the other controls disabled; they train; the
 * dashboard's cards and leaderboard follow them (the leaderboard in the server's order, the student who
 * chose a hopeless learning rate last); "pause all" holds every run and play does nothing until resumed;
 * a reload and a browser restart keep a student's seat and run; a student is refused the teacher's page
 * and the REST read side; the CSV holds every student's row.
 *
 * <p>The steps share the people's pages, in order; a step whose earlier step failed is skipped (the
 * failure is the earlier one's), so a failure names the part of the lesson that broke.
 */
// a fresh data folder (and database) for this class; the teacher role by configuration; the context is
// closed after the class, and every run is stopped before (no run outlives the test)
@TestPropertySource(properties = {"layerlab.data.dir=target/class-test/${random.uuid}",
    "layerlab.teacher.usernames=" + ClassroomBrowserTest.TEACHER})
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClassroomBrowserTest extends BrowserTestBase {

    static final String TEACHER = "missfrizzle";
    /** The three students' display names; the first is full of HTML that must show as text. */
    static final List<String> NAMES = List.of("Ana <b>&amp;</b>", "Ben", "Chloé");
    /** What student 3 sets (the one control unlocked): too small to reach the goal in time. */
    static final double HOPELESS_RATE = 0.00001;
    private static final double PUSHED_RATE = 0.1;
    private static final double GOAL = 0.9;
    private static final int WITHIN = 1000;
    private static final double LONG = 120_000;

    @Autowired
    Classrooms classrooms;
    @Autowired
    TrainingRuntime runtime;

    private final List<BrowserContext> people = new ArrayList<>();
    private Page teacher;
    private final List<Page> students = new ArrayList<>();
    private String code;
    private ClassSession session;
    /** The seats by display name (read from the service once they joined). */
    private final Map<String, Long> seats = new LinkedHashMap<>();
    /** The step reached so far: a later step runs only when every earlier one passed. */
    private int passed;

    // ----------------------------------------------------------------------------------- the lesson

    @Test
    @Order(1)
    void theTeacherCreatesASessionAndSeesItsCodeAndQrCode() {
        teacher = person().newPage();
        AccountSteps.signUp(teacher, TEACHER);
        open(teacher, "teach");
        teacher.locator("#class-title input").fill("Circles, period 3");
        teacher.locator("#class-create").click();
        // the new session opens its dashboard, or is listed first: either way its dashboard is one click away
        teacher.waitForCondition(() -> teacher.url().matches(".*/teach/[A-Za-z0-9]{6}$")
                || teacher.locator("[id='class-row'], .class-row").count() > 0);
        if (!teacher.url().matches(".*/teach/[A-Za-z0-9]{6}$")) {
            teacher.locator("[id='class-row'], .class-row").first().locator("a").first().click();
            teacher.waitForURL(url -> url.matches(".*/teach/[A-Za-z0-9]{6}$"));
        }
        waitForVaadin(teacher);
        String shown = teacher.locator("#class-code").innerText().trim();
        assertTrue(shown.matches("[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{3}-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{3}"),
                "a code to read aloud, \"ABC-DEF\", without 0/O or 1/l/I: " + shown);
        code = shown.replace("-", "");
        assertTrue(teacher.url().endsWith("/teach/" + code), teacher.url());
        String link = teacher.locator("#class-join-link").innerText().trim();
        assertTrue(link.endsWith("/join/" + code), "the join link: " + link);
        assertEquals(1, teacher.locator("#class-qr").count(), "a QR code of the join link");
        assertTrue(teacher.locator("#class-qr").boundingBox().width >= 150, "the QR code is large, for a projector");
        session = classrooms.byCode(code).orElseThrow();
        assertEquals(TEACHER, session.teacher());
        screenshot(teacher, "class-dashboard-new");
        passed = 1;
    }

    @Test
    @Order(2)
    void threeStudentsJoinByCodeAsVisitors() {
        step(1);
        // the code as read aloud (with its dash), typed in lower case with a space, and from the join link
        List<String> typed = Arrays.asList(code.substring(0, 3) + "-" + code.substring(3), code.toLowerCase(Locale.ROOT)
                .substring(0, 3) + " " + code.toLowerCase(Locale.ROOT).substring(3), null);
        for (int i = 0; i < NAMES.size(); i++) {
            Page s = person().newPage();
            students.add(s);
            if (typed.get(i) == null) {
                open(s, "join/" + code);
                assertEquals(code, s.locator("#join-code input").inputValue().replace("-", "").toUpperCase(Locale.ROOT),
                        "the join link fills the code in");
            } else {
                open(s, "join");
                s.locator("#join-code input").fill(typed.get(i));
            }
            s.locator("#join-name input").fill(NAMES.get(i));
            s.locator("#join-submit").click();
            s.waitForURL(url -> !url.contains("/join"));
            waitForVaadin(s);
            s.locator("#class-bar").waitFor();
            assertEquals(code, s.locator("#class-bar").getAttribute("data-code").replace("-", ""));
            assertEquals(NAMES.get(i), s.locator("#class-bar-name").innerText().trim(), "the name as typed, as text");
        }
        assertEquals(0, students.get(0).locator("#class-bar-name b").count(), "no HTML made of a display name");
        for (Seat seat : classrooms.seats(session.id())) {
            seats.put(seat.displayName(), seat.id());
        }
        assertEquals(NAMES, List.copyOf(seats.keySet()), "three seats in joining order");

        // the dashboard has their cards at once (live: the teacher did not reload), the name as text
        teacher.waitForCondition(() -> cards(teacher).count() == 3, new Page.WaitForConditionOptions().setTimeout(LONG));
        Locator ana = card(teacher, NAMES.get(0));
        assertEquals(NAMES.get(0), ana.locator(sel("class-card-name")).innerText().trim());
        assertEquals(0, ana.locator(sel("class-card-name") + " b").count(), "no HTML made of a display name");

        // a wrong code is refused with the page's message, naming no session
        Page wrong = person().newPage();
        open(wrong, "join");
        wrong.locator("#join-code input").fill(code.equals("ABCDEF") ? "ABCDEG" : "ABCDEF");
        wrong.locator("#join-name input").fill("Mallory");
        wrong.locator("#join-submit").click();
        wrong.locator("#join-error").waitFor();
        assertTrue(wrong.locator("#join-error").innerText().contains("No open class has the code"),
                wrong.locator("#join-error").innerText());
        assertTrue(wrong.url().contains("/join"), "a refused student stays on the join page");
        wrong.close();
        passed = 2;
    }

    @Test
    @Order(3)
    void theTeacherPushesAChallengeAndTheStudentsPagesShowItLiveWithTheLockedControlsDisabled() {
        step(2);
        // the experiment: circle data, a 2-6-3-1 Tanh network at rate 0.1, saved on the teacher's playground
        PlaygroundSettings pushed = PlaygroundSettings.DEFAULTS.toBuilder().hiddenLayers(List.of(6, 3))
                .learningRate(PUSHED_RATE).epochs(10_000).build();
        Page lab = teacher.context().newPage();
        open(lab, "?" + ShareLinks.queryString(ShareLinks.playgroundQuery(pushed)));
        save(lab, "save-button", "Circle challenge", false);
        lab.close();

        // a mark in each student's window: a live push keeps it, a reload would lose it
        for (Page s : students) {
            s.evaluate("() => { window.__classMark = 'still here'; }");
        }
        teacher.reload();
        waitForVaadin(teacher);
        teacher.locator("#class-push").click();
        teacher.locator("#push-source").click();
        teacher.locator("vaadin-select-item:visible, vaadin-combo-box-item:visible").filter(
                new Locator.FilterOptions().setHasText("Circle challenge")).first().click();
        waitForVaadin(teacher);
        teacher.locator("#push-title input").fill("Reach 90 %");
        setChecked(teacher, "push-challenge", true);
        // the dialog lists the pushed lab's controls: the playground's here
        for (ControlLocks.Control c : ControlLocks.PLAYGROUND) {
            setChecked(teacher, "push-unlock-" + c.name(), c == ControlLocks.Control.LEARNING_RATE);
        }
        teacher.locator("#push-metric").click();
        teacher.locator("vaadin-select-item:visible, vaadin-combo-box-item:visible").filter(
                new Locator.FilterOptions().setHasText(java.util.regex.Pattern.compile("accuracy", java.util.regex.Pattern.CASE_INSENSITIVE)))
                .first().click();
        fillNumber(teacher, "push-target", "90"); // in percent on the form
        fillNumber(teacher, "push-epochs", String.valueOf(WITHIN));
        screenshot(teacher, "class-push-dialog");
        teacher.locator("#push-send").click();
        waitForVaadin(teacher);

        // what the server stored: the dialog's choices, exactly
        Push push = classrooms.currentPush(session.id()).orElseThrow(() -> new AssertionError("no push stored"));
        assertEquals("Reach 90 %", push.title());
        assertTrue(push.isChallenge(), "a challenge");
        assertEquals(Set.of(ControlLocks.Control.LEARNING_RATE), push.challenge().unlocked());
        assertEquals(Challenge.Metric.TEST_ACCURACY, push.challenge().goal().metric());
        assertEquals(GOAL, push.challenge().goal().target(), 1e-9, "the target as the teacher typed it (accuracy 0..1)");
        assertEquals(WITHIN, push.challenge().goal().withinEpochs());
        PlaygroundSettings stored = ShareLinks.parsePlayground(query(push.viewState())).value();
        assertEquals(List.of(6, 3), stored.hiddenLayers(), "the saved experiment is what was pushed");

        for (int i = 0; i < students.size(); i++) {
            Page s = students.get(i);
            String who = NAMES.get(i);
            s.waitForFunction("() => { const g = document.querySelector('#class-bar-goal');"
                    + " return g && g.offsetParent !== null && g.textContent.includes('accuracy'); }",
                    null, new Page.WaitForFunctionOptions().setTimeout(LONG));
            waitForVaadin(s);
            assertEquals("still here", s.evaluate("() => window.__classMark"), who + ": the push opened without a reload");
            assertTrue(s.locator("#class-bar-goal").innerText().contains("90"), s.locator("#class-bar-goal").innerText());
            assertTrue(s.locator("#learning-rate-select").innerText().contains("0.1"), who + ": the pushed rate is shown");
            assertTrue(s.locator("#param-count").innerText().startsWith("43 "), who + ": the pushed 2-6-3-1 network: "
                    + s.locator("#param-count").innerText());
            assertFalse(disabled(s, "#learning-rate-select"), who + ": the learning rate is unlocked");
            for (String locked : List.of("activation-select", "regularization-select", "regularization-rate-select",
                    "problem-select", "dataset-xor", "dataset-spiral")) {
                assertTrue(disabled(s, "#" + locked), who + ": #" + locked + " is locked");
            }
        }
        screenshot(students.get(0), "class-student-challenge");
        passed = 3;
    }

    @Test
    @Order(4)
    void theStudentsTrainAndTheirCardsFollowThem() {
        step(3);
        // student 3 takes the one unlocked control somewhere hopeless: they must come last
        Page third = students.get(2);
        chooseInSelect(third, "learning-rate-select", PlaygroundSettings.formatRate(HOPELESS_RATE));
        assertTrue(third.locator("#learning-rate-select").innerText().contains(PlaygroundSettings.formatRate(HOPELESS_RATE)));
        for (Page s : students) {
            play(s);
        }
        for (Page s : students) {
            s.waitForFunction("() => Number(document.querySelector('#epoch').dataset.epoch) > 0", null,
                    new Page.WaitForFunctionOptions().setTimeout(LONG));
        }
        // every card shows a run that trains (or has trained): its state and epoch
        for (String name : NAMES) {
            Locator c = card(teacher, name);
            teacher.waitForCondition(() -> !"none".equalsIgnoreCase(c.getAttribute("data-state"))
                    && epochOf(c) > 0, new Page.WaitForConditionOptions().setTimeout(LONG));
        }
        screenshot(teacher, "class-dashboard-training");
        passed = 4;
    }

    @Test
    @Order(5)
    void theServerScoresTheChallengeAndTheLeaderboardOrdersThem() {
        // the steps after this one need only the training of the one before (not the scores)
        step(4);
        Page third = students.get(2);
        // the two with the pushed rate reach the goal (the server's hidden split), their pages say so
        for (int i = 0; i < 2; i++) {
            students.get(i).waitForFunction("() => document.querySelector('#class-bar-progress').dataset.reached === 'true'",
                    null, new Page.WaitForFunctionOptions().setTimeout(LONG));
            assertTrue(students.get(i).locator("#class-bar-progress").innerText().contains("Goal reached"),
                    students.get(i).locator("#class-bar-progress").innerText());
        }
        assertFalse("true".equals(third.locator("#class-bar-progress").getAttribute("data-reached")),
                "a rate of 0.00001 does not reach 90 % on the hidden split");
        // the leaderboard: a row per student with a score, in the server's order, the hopeless one last
        Locator rows = teacher.locator(sel("class-leader-row"));
        teacher.waitForCondition(() -> rows.count() == 3, new Page.WaitForConditionOptions().setTimeout(LONG));
        List<Long> server = classrooms.leaderboard(code, TEACHER).stream().map(Result::seatId).toList();
        teacher.waitForCondition(() -> server.equals(leaderSeats(rows)), new Page.WaitForConditionOptions().setTimeout(10_000));
        assertEquals(seats.get(NAMES.get(2)), server.get(2), "the student who missed the goal comes last: " + server);
        assertTrue(rows.nth(server.indexOf(seats.get(NAMES.get(0)))).innerText().contains(NAMES.get(0)),
                "the leaderboard names Ana as text");
        screenshot(teacher, "class-dashboard-scored");
        screenshot(students.get(0), "class-student-reached");
    }

    @Test
    @Order(6)
    void pauseAllHoldsEveryRunAndPlayDoesNothingUntilResumed() throws InterruptedException {
        step(4);
        Locator pause = teacher.locator("#class-pause");
        assertEquals("false", pause.getAttribute("data-paused"));
        pause.click();
        teacher.waitForCondition(() -> "true".equals(pause.getAttribute("data-paused")));
        for (Page s : students) {
            s.locator("#class-bar-paused").waitFor();
            s.waitForFunction("() => document.querySelector('#play-button').dataset.playing === 'false'"
                    + " && !['RUNNING', 'QUEUED'].includes(document.querySelector('#epoch').dataset.state)",
                    null, new Page.WaitForFunctionOptions().setTimeout(LONG));
        }
        for (String name : NAMES) {
            Locator c = card(teacher, name);
            teacher.waitForCondition(() -> "paused".equalsIgnoreCase(c.getAttribute("data-state")),
                    new Page.WaitForConditionOptions().setTimeout(LONG));
        }
        screenshot(teacher, "class-dashboard-paused");
        screenshot(students.get(1), "class-student-paused");
        List<Integer> held = students.stream().map(ClassroomBrowserTest::epoch).toList();
        // play does nothing while the teacher holds the class
        for (Page s : students) {
            s.locator("#play-button").click();
        }
        Thread.sleep(2000);
        for (int i = 0; i < students.size(); i++) {
            Page s = students.get(i);
            waitForVaadin(s);
            assertEquals(held.get(i), epoch(s), NAMES.get(i) + ": no epoch trained while paused");
            assertEquals("false", s.locator("#play-button").getAttribute("data-playing"), NAMES.get(i) + ": play refused");
            assertTrue(s.locator("#class-bar-paused").isVisible());
        }

        pause.click();
        teacher.waitForCondition(() -> "false".equals(pause.getAttribute("data-paused")));
        for (int i = 0; i < students.size(); i++) {
            Page s = students.get(i);
            s.waitForCondition(() -> !s.locator("#class-bar-paused").isVisible(), new Page.WaitForConditionOptions().setTimeout(LONG));
            waitForVaadin(s);
            // "resume all" gives back what the pause took: the run trains on with no click of the student's
            int from = held.get(i);
            s.waitForFunction("e => Number(document.querySelector('#epoch').dataset.epoch) > e", from,
                    new Page.WaitForFunctionOptions().setTimeout(LONG));
        }
        passed = 5;
    }

    @Test
    @Order(7)
    void aStudentKeepsTheirSeatAndRunThroughAReloadAndABrowserRestart() {
        // the refusals and the CSV after it do not need it
        step(5);
        Page ana = students.get(0);
        String run = ana.locator(".ll-playground").getAttribute("data-run");
        int before = epoch(ana);
        ana.reload();
        waitForVaadin(ana);
        ana.locator("#class-bar").waitFor();
        assertEquals(NAMES.get(0), ana.locator("#class-bar-name").innerText().trim(), "the seat after a reload");
        assertEquals(run, ana.locator(".ll-playground").getAttribute("data-run"), "the same run after a reload");
        assertTrue(epoch(ana) >= before, "the run's epochs are kept: " + epoch(ana) + " < " + before);
        assertTrue(disabled(ana, "#activation-select"), "the challenge's locks hold after a reload");

        // a browser restart: a new browser with the same cookies (the visitor cookie lasts a year)
        BrowserContext restarted = browser.newContext(new Browser.NewContextOptions().setViewportSize(WIDTH, HEIGHT)
                .setBaseURL(baseUrl()).setStorageState(ana.context().storageState()));
        people.add(restarted);
        Page again = restarted.newPage();
        open(again, "");
        again.locator("#class-bar").waitFor();
        assertEquals(NAMES.get(0), again.locator("#class-bar-name").innerText().trim(), "the seat after a browser restart");
        again.close();
        assertEquals(List.copyOf(seats.values()), classrooms.seats(session.id()).stream().map(Seat::id).toList(),
                "no new seat for a returning student");
    }

    @Test
    @Order(8)
    void aStudentIsRefusedEveryTeacherAction() {
        step(5);
        Page ben = students.get(1).context().newPage();
        ben.navigate(baseUrl() + "teach/" + code);
        ben.waitForLoadState();
        waitForVaadin(ben);
        for (String control : List.of("class-code", "class-pause", "class-lock", "class-end", "class-push", "class-csv",
                "class-cards")) {
            assertEquals(0, ben.locator("#" + control).count(), "a student's /teach/" + code + " has no #" + control);
        }
        assertTrue(ben.locator("#class-refused").isVisible(), "a student is told they may not teach");
        String said = ben.locator("body").innerText();
        assertFalse(said.contains(NAMES.get(1)) && said.contains(NAMES.get(2)), "no other student's name: " + said);
        screenshot(ben, "class-student-refused");
        ben.close();

        // the REST read side: a student's browser (visitor cookie), nobody, a signed-in non-teacher: refused
        int viaStudent = students.get(1).context().request().get("/api/classes/" + code).status();
        assertTrue(viaStudent == 401 || viaStudent == 403, "a student's GET /api/classes/{code}: " + viaStudent);
        APIRequestContext nobody = playwright.request().newContext();
        try {
            assertEquals(401, nobody.get(baseUrl() + "api/classes/" + code).status(), "no credentials");
            String other = AccountSteps.newName("pupil");
            // a context of its own: the GET above left a session cookie, and a cookie's POST needs a CSRF token
            APIRequestContext signUp = playwright.request().newContext();
            APIResponse made = signUp.post(baseUrl() + "api/users", RequestOptions.create()
                    .setHeader("Content-Type", "application/json")
                    .setData("{\"username\": \"" + other + "\", \"password\": \"" + AccountSteps.PASSWORD + "\"}"));
            assertTrue(made.ok(), made.status() + " " + made.text());
            signUp.dispose();
            assertEquals(403, nobody.get(baseUrl() + "api/classes/" + code,
                    RequestOptions.create().setHeader("Authorization", basic(other))).status(), "a signed-in non-teacher");
            APIResponse mine = nobody.get(baseUrl() + "api/classes/" + code,
                    RequestOptions.create().setHeader("Authorization", basic(TEACHER)));
            assertEquals(200, mine.status(), mine.text());
            for (String name : NAMES) {
                assertTrue(mine.text().contains(name.replace("\"", "\\\"")) || mine.text().contains(jsonEscaped(name)),
                        "the teacher's read side lists " + name + ": " + mine.text());
            }
        } finally {
            nobody.dispose();
        }
        passed = 7;
    }

    @Test
    @Order(9)
    void theCsvHoldsEveryStudentsRow() throws IOException {
        step(7);
        Locator csv = teacher.locator("#class-csv");
        Download download = teacher.waitForDownload(csv::click);
        String text = Files.readString(download.path(), StandardCharsets.UTF_8);
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        assertTrue(lines.size() >= 4, "a header and a row per student: " + text);
        assertTrue(lines.get(0).toLowerCase(Locale.ROOT).contains("student"), "the header: " + lines.get(0));
        for (String name : NAMES) {
            assertEquals(1, lines.stream().skip(1).filter(l -> l.contains(name)).count(), name + "'s row, once: " + text);
        }
        assertNotNull(download.suggestedFilename());
        assertTrue(download.suggestedFilename().endsWith(".csv"), download.suggestedFilename());
        passed = 8;
    }

    @AfterAll
    void everyPageClosesAndEveryRunEnds() throws InterruptedException {
        for (BrowserContext c : people) {
            c.close();
        }
        people.clear();
        TestRuns.stopAll(runtime, Duration.ofSeconds(100));
    }

    // ----------------------------------------------------------------------------------- helpers

    /** Runs a step only when every earlier step passed (a skipped step's cause is the failure before it). */
    private void step(int after) {
        assumeTrue(passed >= after, "an earlier step of the lesson failed");
    }

    /** A person's own browser (cookies, session), closed after the class. */
    private BrowserContext person() {
        BrowserContext c = browser.newContext(new Browser.NewContextOptions().setViewportSize(WIDTH, HEIGHT)
                .setBaseURL(baseUrl()).setAcceptDownloads(true));
        c.setDefaultTimeout(30_000);
        people.add(c);
        return c;
    }

    /** An element named by the plan as an id or a class (a repeated element may carry either). */
    private static String sel(String key) {
        return "[id='" + key + "'], ." + key;
    }

    private static Locator cards(Page p) {
        return p.locator(sel("class-card"));
    }

    private Locator card(Page p, String name) {
        return p.locator("[data-seat='" + seats.get(name) + "']").and(cards(p));
    }

    private static List<Long> leaderSeats(Locator rows) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < rows.count(); i++) {
            out.add(Long.parseLong(rows.nth(i).getAttribute("data-seat")));
        }
        return out;
    }

    private static int epoch(Page p) {
        return Integer.parseInt(p.locator("#epoch").getAttribute("data-epoch"));
    }

    private static void play(Page p) {
        waitForVaadin(p);
        if (!"true".equals(p.locator("#play-button").getAttribute("data-playing"))) {
            p.locator("#play-button").click();
        }
        p.waitForFunction("() => document.querySelector('#play-button').dataset.playing === 'true'");
    }

    private static Map<String, List<String>> query(String viewState) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        for (String part : viewState.split("&")) {
            int eq = part.indexOf('=');
            q.computeIfAbsent(eq < 0 ? part : part.substring(0, eq), k -> new ArrayList<>())
                    .add(eq < 0 ? "" : part.substring(eq + 1));
        }
        return q;
    }

    private static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + AccountSteps.PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    /** How a JSON writer may write {@code s} (Jackson escapes no HTML by default; some escape non-ASCII). */
    private static String jsonEscaped(String s) {
        StringBuilder b = new StringBuilder();
        for (char ch : s.toCharArray()) {
            b.append(ch < 128 ? String.valueOf(ch) : String.format("\\u%04x", (int) ch));
        }
        return b.toString();
    }
}
