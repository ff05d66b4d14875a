package com.layerlab.app.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.layerlab.app.TestHttp;
import com.layerlab.app.classroom.Challenge;
import com.layerlab.app.classroom.ClassSession;
import com.layerlab.app.classroom.Classrooms;
import com.layerlab.app.classroom.StudentRuns;
import com.layerlab.app.classroom.Push;
import com.layerlab.app.classroom.Seat;
import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.lab.CnnPresets;
import com.layerlab.app.lab.ControlLocks.Control;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.store.Page;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.TestRuns;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.experiment.Experiment;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The class sessions' read side of the API over HTTP, as a teacher's script reads it
 * (docs/classroom.md, "API"), and who may not: the same tests on H2 ({@link ClassesApiTest}) and on
 * PostgreSQL ({@link PostgresClassesApiTest}). Sessions, seats, pushes and results are made through
 * {@link Classrooms} (the pages' way), students' runs through the runtime, as their playground does.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "layerlab.teacher.usernames=" + ClassesApiContract.TEACHERS,
        "layerlab.api.max-requests-per-minute=0",
        "layerlab.signin.max-failures-per-client=1000"})
// its students' runs end with its context (TrainingRuntime.close): TrainingLifecycleTest counts run threads JVM-wide
@DirtiesContext
abstract class ClassesApiContract {

    /** Each subclass's teachers, by the first four letters of its name (one PostgreSQL database holds them all). */
    static final String TEACHERS = "teachclas,teachpost,otherclas,otherpost";
    static final String PASSWORD = "correct horse battery";

    @LocalServerPort
    int port;
    @Autowired
    Classrooms classrooms;
    @Autowired
    TrainingRuntime runtime;

    private final ObjectMapper json = new ObjectMapper();

    // ---- HTTP ---------------------------------------------------------------------------------------

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        return TestHttp.send("GET", "http://localhost:" + port + path, null, headers);
    }

    JsonNode ok(HttpResponse<String> r) throws IOException {
        assertEquals(200, r.statusCode(), () -> r.statusCode() + " " + r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().map()::toString);
        return json.readTree(r.body());
    }

    private String suffix() {
        return getClass().getSimpleName().toLowerCase(Locale.ROOT).substring(0, 4);
    }

    /** The teacher of this class's tests, and another one. */
    String teacher() {
        return "teach" + suffix();
    }

    String otherTeacher() {
        return "other" + suffix();
    }

    /** A user (made now, or kept from another context on the same database) and their Basic credentials. */
    String[] user(String name) throws IOException, InterruptedException {
        int status = TestHttp.send("POST", "http://localhost:" + port + "/api/users", "{\"username\": \"" + name
                + "\", \"password\": \"" + PASSWORD + "\"}").statusCode();
        assertTrue(status == 201 || status == 409, "registering " + name + ": " + status);
        return new String[] {"Authorization", "Basic " + Base64.getEncoder().encodeToString((name + ":" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8))};
    }

    /** A personal token of theirs, as a script sends it. */
    String[] token(String name) throws IOException, InterruptedException {
        HttpResponse<String> r = TestHttp.send("POST", "http://localhost:" + port + "/api/tokens", "{\"name\": \"classes\"}",
                user(name));
        assertEquals(201, r.statusCode(), r::body);
        return new String[] {"Authorization", "Bearer " + json.readTree(r.body()).get("token").asText()};
    }

    static String student() {
        return "visitor:" + UUID.randomUUID();
    }

    /** The playground's default network on another data set than the students' runs train (the scorer leaves them be). */
    static String xorViewState() {
        PlaygroundSettings d = PlaygroundSettings.DEFAULTS;
        PlaygroundSettings xor = new PlaygroundSettings(d.problem(), "xor", d.classes(), d.noise(), d.trainPercent(),
                d.batchSize(), d.samples(), d.features(), d.hiddenLayers(), d.activations(), d.sigmoidOutput(),
                d.learningRate(), d.regularization(), d.regularizationRate(), d.seed(), d.dataSeed(), d.epochs(),
                d.showTestData(), d.discretize(), d.backend());
        return ShareLinks.queryString(ShareLinks.playgroundQuery(xor));
    }

    /** A playground run of {@code owner} that trains 2 epochs, finished. */
    Run<RunStatus> trained(String owner) throws InterruptedException {
        Run<RunStatus> run = runtime.submit(List.of(TestRuns.POINTS), new RunOptions(owner, false, "playground", false, 2),
                TestRuns.STATUS);
        TestRuns.await(run, s -> s.state() == RunState.FINISHED, "finished");
        return run;
    }

    static String path(ClassSession s) {
        return "/api/classes/" + s.code();
    }

    // ---- who may read ---------------------------------------------------------------------------------

    @Test
    void onlyTheSessionsTeacherReadsItOthersGetProblemDocuments() throws Exception {
        String[] teacher = user(teacher());
        String[] other = token(otherTeacher());
        String[] learner = user("learner" + suffix());
        ClassSession s = classrooms.create(teacher(), "Who may read");
        Seat ana = classrooms.join(s.code(), "Ana", student(), "127.0.0.1");
        List<String> paths = List.of(path(s), path(s) + "/students/" + ana.id() + "/runs", path(s) + "/results",
                path(s) + "/results.csv");

        JsonNode anonymous = ProblemDocument.assertProblem(get("/api/classes"), 401);
        assertTrue(anonymous.get("detail").asText().contains("Sign in"), anonymous.toString());
        JsonNode notTeacher = ProblemDocument.assertProblem(get("/api/classes", learner), 403);
        assertTrue(notTeacher.get("detail").asText().contains("teacher"), notTeacher.toString());
        for (String p : paths) {
            ProblemDocument.assertProblem(get(p), 401);
            ProblemDocument.assertProblem(get(p, learner), 403);
            // another teacher's session answers as a code nobody has: the API tells no one which codes exist
            JsonNode others = ProblemDocument.assertProblem(get(p, other), 404);
            assertTrue(others.get("detail").asText().contains(s.code()), others.toString());
            assertEquals(200, get(p, teacher).statusCode(), p);
        }
        JsonNode unknown = ProblemDocument.assertProblem(get("/api/classes/ZZZ-ZZZ", teacher), 404);
        assertTrue(unknown.get("detail").asText().contains("ZZZ-ZZZ"), unknown.toString());
        ProblemDocument.assertProblem(get("/api/classes/ZZZZZZ/results.csv", teacher), 404);
        ProblemDocument.assertProblem(get("/api/classes/ZZZZZZ/results", teacher), 404);
        assertFalse(ok(get("/api/classes", other)).toString().contains(s.code()), "another teacher does not list it");

        // a seat of no session, of another session, or not a number: not this session's student
        ClassSession second = classrooms.create(teacher(), "Another");
        Seat ben = classrooms.join(second.code(), "Ben", student(), "127.0.0.1");
        for (String seat : List.of(String.valueOf(ben.id()), "999999999", "ana")) {
            JsonNode none = ProblemDocument.assertProblem(get(path(s) + "/students/" + seat + "/runs", teacher), 404);
            assertTrue(none.get("detail").asText().contains(seat), none.toString());
        }
    }

    // ---- what the teacher reads -----------------------------------------------------------------------

    @Test
    void theTeachersSessionsAreListedNewestFirstWithTheirStudentsCounted() throws Exception {
        String[] teacher = token(teacher());
        String[] other = user(otherTeacher());
        ClassSession older = classrooms.create(teacher(), "Period 2");
        Thread.sleep(5);
        ClassSession newer = classrooms.create(teacher(), "Period 3: XOR");
        classrooms.create(otherTeacher(), "Not yours");
        classrooms.join(newer.code(), "Ana", student(), "127.0.0.1");
        Seat ben = classrooms.join(newer.code(), "Ben", student(), "127.0.0.1");
        classrooms.join(newer.code(), "Cy", student(), "127.0.0.1");
        classrooms.remove(newer.code(), teacher(), ben.id());
        classrooms.lock(newer.code(), teacher(), true);
        classrooms.end(older.code(), teacher());

        JsonNode list = ok(get("/api/classes", teacher));
        List<String> codes = new ArrayList<>();
        list.forEach(c -> codes.add(c.get("code").asText()));
        assertTrue(codes.indexOf(newer.code()) >= 0 && codes.indexOf(newer.code()) < codes.indexOf(older.code()),
                "newest first: " + codes);
        assertEquals(classrooms.sessionsOf(teacher()).size(), list.size(), "the teacher's own sessions only: " + list);
        JsonNode n = list.get(codes.indexOf(newer.code()));
        assertEquals("Period 3: XOR", n.get("title").asText());
        assertEquals(newer.code().substring(0, 3) + "-" + newer.code().substring(3), n.get("shown").asText());
        assertEquals("/join/" + newer.code(), n.get("joinLink").asText());
        assertEquals(2, n.get("studentCount").asInt(), "the removed student is not counted: " + n);
        assertTrue(n.get("locked").asBoolean());
        assertFalse(n.get("paused").asBoolean());
        assertFalse(n.get("ended").asBoolean());
        assertTrue(n.get("endedAt").isNull());
        assertFalse(n.get("createdAt").asText().isEmpty());
        JsonNode o = list.get(codes.indexOf(older.code()));
        assertTrue(o.get("ended").asBoolean());
        assertFalse(o.get("endedAt").isNull(), o.toString());
        assertEquals(0, o.get("studentCount").asInt());
        // an ended session stays readable, read-only, for its teacher
        assertTrue(ok(get(path(older), teacher)).get("ended").asBoolean());
        assertFalse(ok(get("/api/classes", other)).toString().contains(newer.code()));
    }

    @Test
    void aSessionShowsItsPushAndEveryStudentWithTheirRunAndResult() throws Exception {
        String[] teacher = user(teacher());
        ClassSession s = classrooms.create(teacher(), "Challenge day");
        String anaKey = student();
        Seat ana = classrooms.join(s.code(), "Ana", anaKey, "127.0.0.1");
        Seat ben = classrooms.join(s.code(), "<b>Ben</b> & co", student(), "127.0.0.1");
        Seat cy = classrooms.join(s.code(), "Cy", student(), "127.0.0.1");
        classrooms.remove(s.code(), teacher(), cy.id());
        Run<RunStatus> anasRun = trained(anaKey);
        String viewState = xorViewState();
        Push push = classrooms.push(s.code(), teacher(), "Beat 0.2", viewState, null, new Challenge(
                Set.of(Control.NEURONS, Control.LEARNING_RATE), new Challenge.Goal(Challenge.Metric.TEST_LOSS, 0.2, 300, 0)),
                null);
        classrooms.record(push.id(), ben.id(), 0.15, 17, 12, viewState);
        // a plain push since: what students' pages show now; the challenge stays the one their results are on
        Push plain = classrooms.push(s.code(), teacher(), "Look at this", viewState, null, null, null);

        // the code as students type it: either case, with or without its dash
        String shown = s.code().substring(0, 3) + "-" + s.code().substring(3);
        for (String code : List.of(s.code(), shown, s.code().toLowerCase(Locale.ROOT), shown.toLowerCase(Locale.ROOT))) {
            assertEquals(s.code(), ok(get("/api/classes/" + code, teacher)).get("code").asText(), code);
        }
        JsonNode c = ok(get(path(s), teacher));
        assertEquals("Challenge day", c.get("title").asText());
        assertEquals(2, c.get("studentCount").asInt(), "Cy was removed: " + c);
        JsonNode now = c.get("push");
        assertEquals(plain.id(), now.get("id").asLong());
        assertEquals("Look at this", now.get("title").asText());
        assertTrue(now.get("challenge").isNull(), now.toString());
        JsonNode p = c.get("currentChallenge");
        assertEquals(push.id(), p.get("id").asLong());
        assertEquals("Beat 0.2", p.get("title").asText());
        assertEquals("/?" + viewState, p.get("link").asText());
        assertEquals("playground", p.get("page").asText());
        assertEquals("playground", now.get("page").asText());
        assertTrue(p.get("sharedFrom").isNull());
        JsonNode ch = p.get("challenge");
        assertEquals(push.challenge().goal().text(), ch.get("goal").asText());
        assertEquals("test_loss", ch.get("metric").asText());
        assertEquals(0.2, ch.get("target").asDouble());
        assertEquals(300, ch.get("withinEpochs").asInt());
        assertEquals("[\"NEURONS\",\"LEARNING_RATE\"]", ch.get("unlocked").toString(), "in the form's order");

        JsonNode students = c.get("students");
        assertEquals(3, students.size(), "every seat, the removed one marked: " + students);
        JsonNode a = students.get(0);
        assertEquals(ana.id(), a.get("seat").asLong());
        assertEquals("Ana", a.get("name").asText());
        assertFalse(a.get("removed").asBoolean());
        assertFalse(a.get("left").asBoolean());
        assertTrue(a.get("leftAt").isNull(), a.toString());
        assertFalse(a.get("joinedAt").asText().isEmpty());
        JsonNode run = a.get("run");
        assertEquals(anasRun.id(), run.get("id").asText());
        assertEquals("finished", run.get("state").asText());
        assertEquals(2, run.get("epoch").asInt());
        assertEquals(2, run.get("epochs").asInt());
        assertTrue(run.get("train_loss").isNumber() && run.get("test_loss").isNumber(), run.toString());
        assertTrue(run.get("test_accuracy").isNumber(), "a classification run's accuracy: " + run);
        assertEquals(StudentRuns.params(anasRun), run.get("params").asInt());
        assertTrue(run.get("params").asInt() > 0, run.toString());
        assertTrue(run.get("link").asText().startsWith("/?x="), run.toString());
        assertEquals("playground", run.get("page").asText());
        JsonNode b = students.get(1);
        assertEquals("<b>Ben</b> & co", b.get("name").asText(), "the name as typed: JSON, never HTML");
        assertTrue(b.get("run").isNull(), "no run yet: " + b);
        JsonNode r = b.get("result");
        assertEquals(0.15, r.get("best").asDouble());
        assertEquals(17, r.get("params").asInt());
        assertEquals(12, r.get("epoch").asInt());
        assertTrue(r.get("reached").asBoolean(), r.toString());
        assertFalse(r.get("reachedAt").isNull());
        assertTrue(r.get("timeToGoalMs").asLong() >= 0, r.toString());
        assertEquals("/?" + viewState, r.get("link").asText());
        assertTrue(students.get(2).get("removed").asBoolean(), students.toString());
    }

    @Test
    void aStudentsRunsAreThoseTheyTrainedInTheSession() throws Exception {
        String[] teacher = token(teacher());
        ClassSession s = classrooms.create(teacher(), "Runs");
        String anaKey = student();
        Run<RunStatus> before = trained(anaKey);
        Thread.sleep(20);
        Seat ana = classrooms.join(s.code(), "Ana", anaKey, "127.0.0.1");
        Thread.sleep(20);
        Run<RunStatus> first = trained(anaKey);
        Run<RunStatus> second = trained(anaKey);

        JsonNode runs = ok(get(path(s) + "/students/" + ana.id() + "/runs", teacher));
        assertEquals(2, runs.size(), "not the run from before joining: " + runs);
        assertEquals(second.id(), runs.get(0).get("id").asText(), "newest first");
        assertEquals(first.id(), runs.get(1).get("id").asText());
        assertFalse(runs.toString().contains(before.id()));
        JsonNode r = runs.get(0);
        // GET /api/runs/{id}'s shape (API.md, "Runs"), and where it trained
        assertEquals("finished", r.get("state").asText());
        assertEquals(2, r.get("epoch").asInt());
        assertEquals(2, r.get("epochs").asInt());
        assertTrue(r.has("backend") && r.has("device") && r.has("experiment"), r.toString());
        JsonNode last = r.get("metrics").get(r.get("metrics").size() - 1);
        assertEquals(2, last.get("epoch").asInt(), r.toString());
        assertTrue(last.get("test_loss").isNumber(), r.toString());
        assertEquals("playground", r.get("page").asText());
        assertFalse(r.get("submittedAt").asText().isEmpty());
        assertEquals(second.id(), ok(get(path(s), teacher)).get("students").get(0).get("run").get("id").asText(),
                "the current run is the latest");
    }

    @Test
    void theLeaderboardAndTheCsvHoldTheChallengesResults() throws Exception {
        String[] teacher = user(teacher());
        ClassSession s = classrooms.create(teacher(), "Leaders");
        Seat ana = classrooms.join(s.code(), "Ana", student(), "127.0.0.1");
        Seat ben = classrooms.join(s.code(), "Ben, \"the fast\"", student(), "127.0.0.1");
        Seat cy = classrooms.join(s.code(), "Cy", student(), "127.0.0.1");
        String viewState = xorViewState();

        JsonNode empty = ok(get(path(s) + "/results", teacher));
        assertTrue(empty.get("challenge").isNull(), empty.toString());
        assertEquals(0, empty.get("results").size());

        Push push = classrooms.push(s.code(), teacher(), "Under 0.2", viewState, null, new Challenge(Set.of(),
                new Challenge.Goal(Challenge.Metric.TEST_LOSS, 0.2, 0, 0)), null);
        classrooms.record(push.id(), ana.id(), 0.3, 17, 5, viewState);
        classrooms.record(push.id(), ben.id(), 0.1, 17, 9, viewState);
        classrooms.record(push.id(), cy.id(), 0.25, 17, 7, viewState);

        JsonNode board = ok(get(path(s) + "/results", teacher));
        assertEquals(s.code(), board.get("code").asText());
        assertEquals(push.id(), board.get("challenge").get("id").asLong());
        assertEquals("test loss at most 0.2", board.get("challenge").get("challenge").get("goal").asText());
        JsonNode rows = board.get("results");
        assertEquals(3, rows.size(), rows.toString());
        // the goal reached first, then by the best loss
        assertEquals(List.of(ben.id(), cy.id(), ana.id()), List.of(rows.get(0).get("seat").asLong(),
                rows.get(1).get("seat").asLong(), rows.get(2).get("seat").asLong()), rows.toString());
        assertEquals(1, rows.get(0).get("rank").asInt());
        assertEquals("Ben, \"the fast\"", rows.get(0).get("name").asText());
        assertTrue(rows.get(0).get("reached").asBoolean());
        assertEquals(0.1, rows.get(0).get("best").asDouble());
        assertFalse(rows.get(1).get("reached").asBoolean());
        assertTrue(rows.get(1).get("timeToGoalMs").isNull());
        assertEquals(3, rows.get(2).get("rank").asInt());

        HttpResponse<String> csv = get("/api/classes/" + s.code().toLowerCase(Locale.ROOT) + "/results.csv", teacher);
        assertEquals(200, csv.statusCode(), csv::body);
        assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"), csv.headers().map()::toString);
        String disposition = csv.headers().firstValue("Content-Disposition").orElse("");
        assertTrue(disposition.startsWith("attachment") && disposition.contains("filename=\"class-" + s.code()
                + "-results.csv\""), disposition);
        List<String> lines = csv.body().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(4, lines.size(), "a header and one row per student: " + csv.body());
        assertTrue(csv.body().contains("http://localhost:" + port + "/?" + viewState), "links that open from a "
                + "spreadsheet: " + csv.body());
        assertTrue(lines.get(0).toLowerCase(Locale.ROOT).contains("student"), lines.get(0));
        assertTrue(csv.body().contains("\"Ben, \"\"the fast\"\"\""), "quoted as RFC 4180 says: " + csv.body());
        assertTrue(csv.body().contains("Ana") && csv.body().contains("Cy"), csv.body());
    }

    @Test
    void aCnnLabChallengeIsNamedByItsPageAndItsLinksOpenTheCnnLab() throws Exception {
        String[] teacher = user(teacher());
        ClassSession s = classrooms.create(teacher(), "CNN day");
        String anaKey = student();
        Seat ana = classrooms.join(s.code(), "Ana", anaKey, "127.0.0.1");
        Seat ben = classrooms.join(s.code(), "Ben", student(), "127.0.0.1");
        Experiment lenet = CnnPresets.byKey(CnnPresets.LENET, false).experiment();
        String viewState = ShareLinks.queryString(CnnLinks.query(new CnnLinks.State(lenet, List.of())));
        String reached = ShareLinks.queryString(CnnLinks.query(new CnnLinks.State(lenet.withEpochs(3), List.of())));
        Push push = classrooms.push(s.code(), teacher(), "90 %", Page.CNN, viewState, null, new Challenge(
                Set.of(Control.OPTIMIZER, Control.LAYER_STACK), new Challenge.Goal(Challenge.Metric.TEST_ACCURACY, 0.9, 5, 0)),
                null);
        classrooms.record(push.id(), ben.id(), 0.95, 61_706, 3, reached);
        classrooms.leave(anaKey);

        JsonNode c = ok(get(path(s), teacher));
        for (String which : List.of("push", "currentChallenge")) {
            JsonNode p = c.get(which);
            assertEquals(push.id(), p.get("id").asLong(), which);
            assertEquals("cnn", p.get("page").asText(), which);
            assertEquals("/cnn?" + viewState, p.get("link").asText(), which);
        }
        assertEquals("[\"LAYER_STACK\",\"OPTIMIZER\"]", c.get("push").get("challenge").get("unlocked").toString(),
                "in the enum's order");
        JsonNode a = c.get("students").get(0);
        assertEquals(ana.id(), a.get("seat").asLong());
        assertTrue(a.get("left").asBoolean(), "Ana left: " + a);
        assertFalse(a.get("leftAt").asText().isEmpty());
        assertFalse(a.get("removed").asBoolean());
        assertEquals("/cnn?" + reached, c.get("students").get(1).get("result").get("link").asText());

        JsonNode board = ok(get(path(s) + "/results", teacher));
        assertEquals("cnn", board.get("challenge").get("page").asText());
        assertEquals("/cnn?" + reached, board.get("results").get(0).get("link").asText());
        HttpResponse<String> csv = get(path(s) + "/results.csv", teacher);
        assertTrue(csv.body().contains("http://localhost:" + port + "/cnn?" + reached), csv.body());
    }
}
