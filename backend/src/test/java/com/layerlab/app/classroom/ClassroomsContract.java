package com.layerlab.app.classroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doNothing;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import com.layerlab.app.account.Accounts;
import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.lab.CnnPresets;
import com.layerlab.app.lab.ControlLocks;
import com.layerlab.app.lab.ControlLocks.Control;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.store.Page;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.experiment.Experiment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.mockito.Mockito;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

/**
 * What the classroom promises (Classrooms, ClassEvents, the teacher role), on whichever database a
 * subclass names: the same tests and the same V6 migration on H2 ({@link ClassroomsTest}) and
 * PostgreSQL ({@link PostgresClassroomsTest}).
 * <p>
 * The runtime is a spy whose hold and release do nothing: these tests check what the classroom asks
 * of it (and when); the runtime's own tests check what a hold does to runs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "layerlab.admin.usernames=classboss",
        "layerlab.teacher.usernames=cfgteacher",
        "layerlab.class.join-attempts-per-minute=3",
        "layerlab.class.max-students=8"})
abstract class ClassroomsContract {

    private static final String PASSWORD = "correct horse battery";

    @Autowired
    Classrooms classrooms;
    @Autowired
    ClassEvents events;
    @Autowired
    Accounts accounts;
    @Autowired
    JdbcTemplate jdbc;
    @MockitoSpyBean
    TrainingRuntime runtime;

    /** Names unique to this run: the tests' H2 database is one for the whole JVM. */
    private final String tag = UUID.randomUUID().toString().substring(0, 6);
    private String teacher;
    private String otherTeacher;
    private final String viewState = ShareLinks.queryString(ShareLinks.playgroundQuery(PlaygroundSettings.DEFAULTS));

    @BeforeEach
    void teachers() {
        doNothing().when(runtime).hold(anyString(), anyString());
        doNothing().when(runtime).release(anyString());
        teacher = user("t" + tag, true);
        otherTeacher = user("o" + tag, true);
    }

    private String user(String name, boolean teacher) {
        accounts.register(name, PASSWORD, Optional.empty());
        if (teacher) {
            accounts.setTeacher(name, true);
        }
        return name;
    }

    private static String student() {
        return "visitor:" + UUID.randomUUID();
    }

    private static String address() {
        return "10." + (int) (Math.random() * 250) + "." + (int) (Math.random() * 250) + "." + (int) (Math.random() * 250);
    }

    private static ClassRefused refused(int status, Executable action) {
        ClassRefused e = assertThrows(ClassRefused.class, action);
        assertEquals(status, e.status(), e.getMessage());
        return e;
    }

    private List<ClassEvent> listen(ClassSession s) {
        List<ClassEvent> heard = new CopyOnWriteArrayList<>();
        events.listen(s.id(), heard::add);
        return heard;
    }

    private Challenge lossChallenge(double target) {
        return new Challenge(Set.of(Control.LEARNING_RATE), new Challenge.Goal(Challenge.Metric.TEST_LOSS, target, 0, 0));
    }

    // ---------------------------------------------------------------- the migration

    @Test
    void theMigrationMadeTheTablesAndTheTeacherColumn() {
        for (String table : List.of("class_sessions", "class_seats", "class_pushes", "class_results")) {
            assertEquals(0, jdbc.queryForObject("select count(*) from " + table + " where 1 = 0", Integer.class), table);
        }
        String plain = user("m" + tag, false);
        String sql = "select teacher from accounts where username_key = ?";
        assertEquals(Boolean.FALSE, jdbc.queryForObject(sql, Boolean.class, plain.toLowerCase()), "not a teacher by default");
        assertEquals(Boolean.TRUE, jdbc.queryForObject(sql, Boolean.class, teacher.toLowerCase()));
    }

    // ---------------------------------------------------------------- creating and joining

    @Test
    void aTeacherCreatesAClassWithAReadableCodeAndStudentsJoinByItInAnyForm() {
        ClassSession s = classrooms.create(teacher, "  Lesson 1  ");
        assertEquals("Lesson 1", s.title());
        assertEquals(teacher, s.teacher());
        assertTrue(JoinCodes.valid(s.code()), s.code());
        assertFalse(s.locked() || s.paused() || s.ended());
        List<ClassEvent> heard = listen(s);

        String ana = student();
        String typed = " " + JoinCodes.format(s.code()).toLowerCase() + " ";
        Seat seat = classrooms.join(typed, "  Ana  ", ana, address());
        assertEquals("Ana", seat.displayName());
        assertEquals(s.id(), seat.sessionId());
        assertEquals(ana, seat.ownerKey());
        assertEquals(Optional.of(seat), classrooms.seatOf(ana));
        assertEquals(List.of(new ClassEvent.Joined(s.id(), seat)), heard);

        // the same browser again (a reload, a restart): the same seat, renamed
        Seat again = classrooms.join(s.code(), "Ana B.", ana, address());
        assertEquals(seat.id(), again.id());
        assertEquals("Ana B.", again.displayName());
        assertEquals(List.of(again), classrooms.seats(s.id()));
        assertEquals(Optional.of(s), classrooms.byCode(JoinCodes.format(s.code())));
        assertEquals(Optional.of(s), classrooms.session(s.id()));
        assertEquals(List.of(s), classrooms.sessionsOf(teacher));
        assertEquals(s, classrooms.ofTeacher(s.code().toLowerCase(), teacher.toUpperCase()));
    }

    @Test
    void aWrongCodeIs404WithTheSameAnswerAsAnyOther() {
        ClassSession s = classrooms.create(teacher, "Lesson");
        String wrong = s.code().charAt(0) == 'A' ? "B" + s.code().substring(1) : "A" + s.code().substring(1);
        ClassRefused a = refused(404, () -> classrooms.join(wrong, "Ana", student(), address()));
        assertEquals("No open class has the code " + JoinCodes.format(wrong) + ". Check the code with your teacher.",
                a.getMessage());
        ClassRefused b = refused(404, () -> classrooms.join("0O1-IL0", "Ana", student(), address()));
        assertTrue(b.getMessage().startsWith("No open class has the code "), b.getMessage());
        refused(404, () -> classrooms.join("", "Ana", student(), address()));
    }

    @Test
    void aLockedClassAdmitsNobodyNewButKeepsItsStudents() {
        ClassSession s = classrooms.create(teacher, "Lesson");
        String ana = student();
        classrooms.join(s.code(), "Ana", ana, address());
        List<ClassEvent> heard = listen(s);
        assertTrue(classrooms.lock(s.code(), teacher, true).locked());
        assertEquals(List.of(new ClassEvent.Locked(s.id(), true)), heard);
        ClassRefused e = refused(409, () -> classrooms.join(s.code(), "Ben", student(), address()));
        assertTrue(e.getMessage().contains("locked"), e.getMessage());
        // Ana, already seated, comes back (another tab)
        assertEquals("Ana", classrooms.join(s.code(), "Ana", ana, address()).displayName());
        classrooms.lock(s.code(), teacher, false);
        assertEquals("Ben", classrooms.join(s.code(), "Ben", student(), address()).displayName());
    }

    @Test
    void aFullClassAdmitsNobodyNewUntilTheTeacherRemovesSomeone() {
        ClassSession s = classrooms.create(teacher, "Lesson");
        List<Seat> seated = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            seated.add(classrooms.join(s.code(), "Student " + i, student(), address()));
        }
        ClassRefused e = refused(409, () -> classrooms.join(s.code(), "Ninth", student(), address()));
        assertTrue(e.getMessage().contains("full (8 students)"), e.getMessage());
        assertEquals(seated.get(0).id(), classrooms.join(s.code(), "Student 0", seated.get(0).ownerKey(), address()).id(),
                "a seated student comes back");
        classrooms.remove(s.code(), teacher, seated.get(1).id());
        assertEquals("Ninth", classrooms.join(s.code(), "Ninth", student(), address()).displayName());
    }

    @Test
    void anEndedClassAdmitsNobodyAndIsReadOnlyForItsTeacher() {
        ClassSession s = classrooms.create(teacher, "Lesson");
        String ana = student();
        classrooms.join(s.code(), "Ana", ana, address());
        Push challenge = classrooms.push(s.code(), teacher, "Go", viewState, null, lossChallenge(0.1), null);
        classrooms.record(challenge.id(), classrooms.seatOf(ana).orElseThrow().id(), 0.3, 20, 5, viewState);
        List<ClassEvent> heard = listen(s);

        ClassSession ended = classrooms.end(s.code(), teacher);
        assertTrue(ended.ended());
        assertEquals(List.of(new ClassEvent.Ended(s.id())), heard);
        assertEquals(Optional.empty(), classrooms.seatOf(ana));
        ClassRefused e = refused(409, () -> classrooms.join(s.code(), "Ana", ana, address()));
        assertTrue(e.getMessage().contains("ended"), e.getMessage());
        refused(409, () -> classrooms.join(s.code(), "Ben", student(), address()));
        refused(409, () -> classrooms.lock(s.code(), teacher, false));
        refused(409, () -> classrooms.pauseAll(s.code(), teacher, true));
        refused(409, () -> classrooms.push(s.code(), teacher, "More", viewState, null, null, null));
        // the results stay: read-only, final
        assertTrue(classrooms.ofTeacher(s.code(), teacher).ended());
        assertEquals(1, classrooms.leaderboard(s.code(), teacher).size());
        assertEquals(Optional.empty(), classrooms.record(challenge.id(),
                classrooms.seats(s.id()).get(0).id(), 0.01, 20, 6, viewState));
        assertTrue(classrooms.csv(s.code(), teacher).contains("Ana"));
        assertEquals(ended, classrooms.end(s.code(), teacher), "ending twice changes nothing");
        assertTrue(classrooms.openSessions().stream().noneMatch(o -> o.id() == s.id()));
        ClassSession open = classrooms.create(teacher, "Next");
        assertTrue(classrooms.openSessions().contains(open));
    }

    @Test
    void aRemovedStudentCannotComeBackAndTheirRunsStop() {
        ClassSession s = classrooms.create(teacher, "Lesson");
        String ben = student();
        Seat seat = classrooms.join(s.code(), "Ben", ben, address());
        List<ClassEvent> heard = listen(s);
        classrooms.remove(s.code(), teacher, seat.id());
        assertEquals(List.of(new ClassEvent.Removed(s.id(), seat.id(), ben)), heard);
        verify(runtime).runsOf(ben);
        assertTrue(classrooms.seat(seat.id()).orElseThrow().removed());
        assertEquals(Optional.empty(), classrooms.seatOf(ben));
        ClassRefused e = refused(403, () -> classrooms.join(s.code(), "Ben again", ben, address()));
        assertTrue(e.getMessage().contains("removed"), e.getMessage());
        refused(404, () -> classrooms.remove(s.code(), teacher, Long.MAX_VALUE));
    }

    @Test
    void wrongCodesFromOneAddressAreLimitedAndOtherAddressesAreNot() {
        ClassSession s = classrooms.create(teacher, "Lesson");
        String guesser = address();
        for (int i = 0; i < 3; i++) {
            refused(404, () -> classrooms.join("ZZZ-ZZ" + "Z", "Eve", student(), guesser));
        }
        // past the limit even the right code is refused, so that a guesser learns nothing
        ClassRefused e = refused(429, () -> classrooms.join(s.code(), "Eve", student(), guesser));
        assertTrue(e.getMessage().startsWith("Too many wrong class codes from your address (3 a minute): try again in "),
                e.getMessage());
        assertEquals("Ana", classrooms.join(s.code(), "Ana", student(), address()).displayName());
    }

    @Test
    void displayNamesAreTrimmedAndCheckedNamingTheField() {
        ClassSession s = classrooms.create(teacher, "Lesson");
        for (String bad : new String[] {"", "   ", null, "x".repeat(41), "Ana\nBen", "Ana\u0007", "Ana\u202Eneb"}) {
            ClassRefused e = refused(400, () -> classrooms.join(s.code(), bad, student(), address()));
            assertTrue(e.getMessage().startsWith("Display name: "), e.getMessage());
        }
        assertEquals("x".repeat(40), classrooms.join(s.code(), " " + "x".repeat(40) + " ", student(), address()).displayName());
        String emoji = "\uD83D\uDE00".repeat(40);
        assertEquals(emoji, classrooms.join(s.code(), emoji, student(), address()).displayName(), "40 characters, not 80 chars");
        String markup = "<b>Ana</b> & \"Ben\"";
        assertEquals(markup, classrooms.join(s.code(), markup, student(), address()).displayName(), "kept as typed: pages escape it");
    }

    // ---------------------------------------------------------------- the teacher role

    @Test
    void onlyTeachersCreateClassesAndAGrantAppliesAtOnce() {
        String plain = user("p" + tag, false);
        ClassRefused e = refused(403, () -> classrooms.create(plain, "Mine"));
        assertTrue(e.getMessage().contains("teacher"), e.getMessage());
        refused(403, () -> classrooms.create(null, "Mine"));
        assertFalse(accounts.isTeacher(plain));

        accounts.setTeacher(plain, true);
        assertTrue(accounts.isTeacher(plain));
        assertTrue(accounts.teachers().stream().anyMatch(a -> a.username().equals(plain)));
        assertTrue(accounts.userDetails(plain).getAuthorities().stream()
                .anyMatch(g -> g.getAuthority().equals(Accounts.ROLE_TEACHER)), "a teacher on their next sign-in");
        ClassSession s = classrooms.create(plain, "Mine");

        accounts.setTeacher(plain, false);
        assertFalse(accounts.teachers().stream().anyMatch(a -> a.username().equals(plain)));
        refused(403, () -> classrooms.lock(s.code(), plain, true));
        refused(403, () -> classrooms.create(plain, "Again"));

        // by configuration and as an admin
        assertTrue(accounts.isTeacher("CfgTeacher"));
        classrooms.create("cfgteacher", "Configured");
        assertTrue(accounts.isTeacher("classboss"));
        assertEquals(List.of(Accounts.ROLE_USER, Accounts.ROLE_TEACHER, Accounts.ROLE_ADMIN), accounts.roles("classboss"));
    }

    @Test
    void anotherTeachersClassIsRefusedOnEveryTeacherAction() {
        ClassSession s = classrooms.create(teacher, "Mine");
        Seat seat = classrooms.join(s.code(), "Ana", student(), address());
        String code = s.code();
        List<Executable> actions = List.of(
                () -> classrooms.ofTeacher(code, otherTeacher),
                () -> classrooms.lock(code, otherTeacher, true),
                () -> classrooms.pauseAll(code, otherTeacher, true),
                () -> classrooms.remove(code, otherTeacher, seat.id()),
                () -> classrooms.end(code, otherTeacher),
                () -> classrooms.push(code, otherTeacher, "Mine now", viewState, null, null, null),
                () -> classrooms.leaderboard(code, otherTeacher),
                () -> classrooms.csv(code, otherTeacher));
        for (Executable action : actions) {
            refused(403, action);
        }
        // a student's owner key is no teacher either
        refused(403, () -> classrooms.lock(code, null, true));
        ClassSession now = classrooms.ofTeacher(code, teacher);
        assertFalse(now.locked() || now.paused() || now.ended());
        assertFalse(classrooms.seat(seat.id()).orElseThrow().removed());
        assertEquals(Optional.empty(), classrooms.currentPush(s.id()));
        refused(404, () -> classrooms.ofTeacher("ZZZ-ZZZ", teacher));
    }

    // ---------------------------------------------------------------- pushing

    @Test
    void aPushBecomesTheCurrentOneAndIsToldToThePages() {
        ClassSession s = classrooms.create(teacher, "Lesson");
        List<ClassEvent> heard = listen(s);
        Push plain = classrooms.push(s.code(), teacher, "  Look  ", "?" + viewState, null, null, null);
        assertEquals("Look", plain.title());
        assertEquals(viewState, plain.viewState());
        assertFalse(plain.isChallenge());
        assertEquals(Optional.of(plain), classrooms.currentPush(s.id()));

        Challenge challenge = new Challenge(Set.of(Control.LEARNING_RATE, Control.NEURONS),
                new Challenge.Goal(Challenge.Metric.TEST_ACCURACY, 0.9, 300, 50));
        Push c = classrooms.push(s.code(), teacher, "Beat 90 %", viewState, null, challenge, null);
        assertEquals(challenge, c.challenge());
        assertEquals(Optional.of(c), classrooms.currentPush(s.id()));
        assertEquals(Optional.of(c), classrooms.currentChallenge(s.id()));
        assertEquals(Optional.of(c), classrooms.pushById(c.id()));
        assertEquals(List.of(new ClassEvent.Pushed(s.id(), plain), new ClassEvent.Pushed(s.id(), c)), heard);

        Push shared = classrooms.push(s.code(), teacher, "Look what Ana found", viewState, null, null, "Ana");
        assertEquals("Ana", shared.sharedFrom());
        assertEquals(Optional.of(c), classrooms.currentChallenge(s.id()), "the leaderboard's challenge stays");

        Challenge none = new Challenge(Set.of(), new Challenge.Goal(Challenge.Metric.TEST_LOSS, 0.1, 0, 0));
        assertEquals(Set.of(), classrooms.push(s.code(), teacher, "", viewState, null, none, null).challenge().unlocked());

        for (String bad : new String[] {null, "", "x=nonsense", "test=1"}) {
            ClassRefused e = refused(400, () -> classrooms.push(s.code(), teacher, "Bad", bad, null, null, null));
            assertTrue(e.getMessage().startsWith("Experiment: "), e.getMessage());
        }
        refused(400, () -> classrooms.push(s.code(), teacher, "Bad", viewState, null,
                new Challenge(Set.of(), new Challenge.Goal(Challenge.Metric.TEST_ACCURACY, 90, 0, 0)), null));
        refused(400, () -> classrooms.push(s.code(), teacher, "Bad", viewState, null,
                new Challenge(Set.of(), new Challenge.Goal(Challenge.Metric.TEST_LOSS, 0.1, -1, 0)), null));
        refused(400, () -> classrooms.push(s.code(), teacher, "x".repeat(201), viewState, null, null, null));
        refused(400, () -> classrooms.push(s.code(), teacher, "Bad", viewState, "../etc", null, null));
    }

    private static String cnnState(Experiment e) {
        return ShareLinks.queryString(CnnLinks.query(new CnnLinks.State(e, List.of())));
    }

    private static final Experiment LENET = CnnPresets.byKey(CnnPresets.LENET, false).experiment();

    @Test
    void aCnnPushOpensOnTheCnnLabAndEachLabRefusesTheOthersLinks() {
        ClassSession s = classrooms.create(teacher, "Lesson");
        List<ClassEvent> heard = listen(s);
        String cnn = cnnState(LENET);
        Push p = classrooms.push(s.code(), teacher, "LeNet", Page.CNN, "?" + cnn, null, null, null);
        assertEquals(Page.CNN, p.page());
        assertEquals(cnn, p.viewState());
        assertEquals("cnn?" + cnn, p.location());
        assertEquals(LENET, ViewStates.cnn(p.viewState()));
        assertEquals(Optional.of(p), classrooms.currentPush(s.id()), "the page is kept");
        assertEquals(List.of(new ClassEvent.Pushed(s.id(), p)), heard);
        assertEquals(Page.PLAYGROUND, classrooms.push(s.code(), teacher, "2D", viewState, null, null, null).page(),
                "the old signature pushes to the playground");

        Challenge c = new Challenge(Set.of(Control.LAYER_STACK, Control.OPTIMIZER),
                new Challenge.Goal(Challenge.Metric.TEST_ACCURACY, 0.9, 5, 50_000));
        Push challenge = classrooms.push(s.code(), teacher, "90 % with 50,000", Page.CNN, cnn, null, c, null);
        assertEquals(Optional.of(challenge), classrooms.currentChallenge(s.id()));
        assertEquals(Page.CNN, classrooms.pushById(challenge.id()).orElseThrow().page());

        ClassRefused notCnn = refused(400, () -> classrooms.push(s.code(), teacher, "Bad", Page.CNN, viewState, null, null, null));
        assertTrue(notCnn.getMessage().startsWith("Experiment: ") && notCnn.getMessage().contains("Playground"), notCnn.getMessage());
        ClassRefused notPlayground = refused(400, () -> classrooms.push(s.code(), teacher, "Bad", Page.PLAYGROUND, cnn, null,
                null, null));
        assertTrue(notPlayground.getMessage().startsWith("Experiment: "), notPlayground.getMessage());
        for (String bad : new String[] {null, "", "cmp=ReLU.Tanh", "x=nonsense"}) {
            ClassRefused e = refused(400, () -> classrooms.push(s.code(), teacher, "Bad", Page.CNN, bad, null, null, null));
            assertTrue(e.getMessage().startsWith("Experiment: "), e.getMessage());
        }
        refused(400, () -> classrooms.push(s.code(), teacher, "Bad", Page.COMPARE, cnn, null, null, null));
        assertEquals(Optional.of(challenge), classrooms.currentPush(s.id()), "nothing refused was pushed");
    }

    @Test
    void aChallengeUnlocksOnlyTheControlsOfItsLab() {
        ClassSession s = classrooms.create(teacher, "Lesson");
        String cnn = cnnState(LENET);
        Challenge.Goal goal = new Challenge.Goal(Challenge.Metric.TEST_ACCURACY, 0.9, 0, 0);
        ClassRefused stack = refused(400, () -> classrooms.push(s.code(), teacher, "Bad", Page.PLAYGROUND, viewState, null,
                new Challenge(Set.of(Control.LEARNING_RATE, Control.LAYER_STACK), goal), null));
        assertEquals("Unlocked: Layer stack is not a control of the playground.", stack.getMessage());
        ClassRefused optimizer = refused(400, () -> classrooms.push(s.code(), teacher, "Bad", viewState, null,
                new Challenge(Set.of(Control.OPTIMIZER), goal), null));
        assertEquals("Unlocked: Optimizer is not a control of the playground.", optimizer.getMessage());
        ClassRefused neurons = refused(400, () -> classrooms.push(s.code(), teacher, "Bad", Page.CNN, cnn, null,
                new Challenge(Set.of(Control.NEURONS, Control.FEATURES), goal), null));
        assertEquals("Unlocked: Features is not a control of the CNN lab.", neurons.getMessage(), "the first in the form's order");
        assertEquals(Optional.empty(), classrooms.currentPush(s.id()), "nothing refused was pushed");

        // every control of its own lab is fine, and the ones both labs have
        Push all = classrooms.push(s.code(), teacher, "All", Page.CNN, cnn, null,
                new Challenge(Set.copyOf(ControlLocks.CNN), goal), null);
        assertEquals(Set.copyOf(ControlLocks.CNN), all.challenge().unlocked());
        assertEquals(ControlLocks.CNN, Classrooms.controls(Page.CNN));
        assertEquals(ControlLocks.PLAYGROUND, Classrooms.controls(Page.PLAYGROUND));
        classrooms.push(s.code(), teacher, "All 2D", Page.PLAYGROUND, viewState, null,
                new Challenge(Set.copyOf(ControlLocks.PLAYGROUND), goal), null);
        classrooms.push(s.code(), teacher, "Both", Page.CNN, cnn, null,
                new Challenge(Set.of(Control.DATASET, Control.LEARNING_RATE), goal), null);
    }

    @Test
    void aListenerThatThrowsIsDroppedAndAClosedOneHearsNothing() {
        ClassSession s = classrooms.create(teacher, "Lesson");
        List<ClassEvent> heard = new ArrayList<>();
        ClassEvents.Registration bad = events.listen(s.id(), e -> {
            throw new IllegalStateException("page gone");
        });
        ClassEvents.Registration good = events.listen(s.id(), heard::add);
        assertEquals(2, events.listenerCount(s.id()));
        classrooms.lock(s.code(), teacher, true);
        assertEquals(1, heard.size());
        assertEquals(1, events.listenerCount(s.id()));
        good.close();
        good.close();
        bad.close();
        assertEquals(0, events.listenerCount(s.id()));
        classrooms.lock(s.code(), teacher, false);
        assertEquals(1, heard.size());
    }

    // ---------------------------------------------------------------- pause all

    @Test
    void pauseAllHoldsEverySeatedStudentAndOneWhoJoinsWhilePaused() {
        ClassSession s = classrooms.create(teacher, "Lesson");
        String ana = student();
        String ben = student();
        String cid = student();
        classrooms.join(s.code(), "Ana", ana, address());
        Seat benSeat = classrooms.join(s.code(), "Ben", ben, address());
        classrooms.remove(s.code(), teacher, benSeat.id());
        List<ClassEvent> heard = listen(s);

        ClassSession paused = classrooms.pauseAll(s.code(), teacher, true);
        assertTrue(paused.paused());
        assertTrue(classrooms.session(s.id()).orElseThrow().paused());
        assertEquals(List.of(new ClassEvent.Paused(s.id(), true)), heard);
        verify(runtime).hold(ana, Classrooms.PAUSED_WHY);
        verify(runtime, never()).hold(Mockito.eq(ben), anyString());

        classrooms.join(s.code(), "Cid", cid, address());
        verify(runtime).hold(cid, Classrooms.PAUSED_WHY);

        ClassSession resumed = classrooms.pauseAll(s.code(), teacher, false);
        assertFalse(resumed.paused());
        verify(runtime).release(ana);
        verify(runtime).release(cid);
        assertEquals(new ClassEvent.Paused(s.id(), false), heard.get(heard.size() - 1));

        // ending a paused class lets its students train again
        classrooms.pauseAll(s.code(), teacher, true);
        Mockito.clearInvocations(runtime);
        classrooms.end(s.code(), teacher);
        verify(runtime).release(ana);
        verify(runtime).release(cid);
    }

    @Test
    void aStudentWhoLeavesOrJoinsAnotherClassKeepsTheirSeatForTheTeacher() {
        ClassSession a = classrooms.create(teacher, "A");
        ClassSession b = classrooms.create(otherTeacher, "B");
        String ana = student();
        Seat inA = classrooms.join(a.code(), "Ana", ana, address());
        assertFalse(inA.left());
        classrooms.pauseAll(a.code(), teacher, true);
        List<ClassEvent> heardA = listen(a);
        List<ClassEvent> heardB = listen(b);
        Seat inB = classrooms.join(b.code(), "Ana", ana, address());
        assertEquals(Optional.of(inB), classrooms.seatOf(ana), "one class at a time");
        verify(runtime).release(ana);
        Seat leftA = classrooms.seats(a.id()).get(0);
        assertEquals(inA.id(), leftA.id(), "A's teacher still has her seat");
        assertTrue(leftA.left(), "marked as left");
        assertFalse(leftA.removed());
        // A's board hears at once that she left
        assertEquals(List.of(new ClassEvent.Left(a.id(), leftA)), heardA);
        assertEquals(List.of(new ClassEvent.Joined(b.id(), inB)), heardB);

        classrooms.leave(ana);
        assertEquals(Optional.empty(), classrooms.seatOf(ana));
        Seat leftB = classrooms.seats(b.id()).get(0);
        assertEquals(inB.id(), leftB.id());
        assertTrue(leftB.left());
        assertEquals(List.of(new ClassEvent.Joined(b.id(), inB), new ClassEvent.Left(b.id(), leftB)), heardB);
        classrooms.leave(ana);
        assertEquals(2, heardB.size(), "leaving no class tells nobody");
        assertEquals(1, heardA.size());

        Seat back = classrooms.join(a.code(), "Ana", ana, address());
        assertEquals(inA.id(), back.id(), "she comes back to her seat");
        assertFalse(back.left());
        assertFalse(classrooms.seats(a.id()).get(0).left());
    }

    // ---------------------------------------------------------------- results

    @Test
    void aLossResultKeepsTheBestAndTheFirstTimeTheGoalWasReached() {
        ClassSession s = classrooms.create(teacher, "Lesson");
        Seat ana = classrooms.join(s.code(), "Ana", student(), address());
        Push plain = classrooms.push(s.code(), teacher, "Look", viewState, null, null, null);
        assertEquals(Optional.empty(), classrooms.record(plain.id(), ana.id(), 0.1, 10, 1, viewState), "not a challenge");
        Push p = classrooms.push(s.code(), teacher, "Under 0.1", viewState, null, lossChallenge(0.1), null);
        List<ClassEvent> heard = listen(s);

        Result first = classrooms.record(p.id(), ana.id(), 0.4, 30, 10, "x=first").orElseThrow();
        assertEquals(0.4, first.best());
        assertEquals("Ana", first.displayName());
        assertFalse(first.reached());
        assertEquals("x=first", first.viewState());
        Result worse = classrooms.record(p.id(), ana.id(), 0.5, 30, 11, "x=worse").orElseThrow();
        assertEquals(first, worse, "a worse score changes nothing");
        assertEquals(1, heard.size());

        Result reached = classrooms.record(p.id(), ana.id(), 0.08, 30, 40, "x=goal").orElseThrow();
        assertTrue(reached.reached());
        assertNotNull(reached.timeToGoal());
        assertFalse(reached.timeToGoal().isNegative());
        assertEquals("x=goal", reached.viewState());
        assertEquals(40, reached.epoch());

        Result better = classrooms.record(p.id(), ana.id(), 0.05, 25, 90, "x=later").orElseThrow();
        assertEquals(0.05, better.best());
        assertEquals(25, better.params());
        assertEquals(reached.reachedAt(), better.reachedAt(), "reached once, at the first time");
        assertEquals(reached.timeToGoal(), better.timeToGoal());
        assertEquals("x=goal", better.viewState(), "the experiment that reached the goal");
        assertEquals(Optional.of(better), classrooms.result(p.id(), ana.id()));
        assertEquals(better, classrooms.results(p.id()).get(ana.id()));
        assertEquals(3, heard.size());
        assertTrue(heard.stream().allMatch(e -> e instanceof ClassEvent.Scored));
        assertEquals(better, ((ClassEvent.Scored) heard.get(2)).result());
        assertEquals(Optional.of(better), classrooms.record(p.id(), ana.id(), Double.NaN, 25, 91, "x=nan"));
    }

    @Test
    void anAccuracyResultIsBetterHigherAndTheGoalCountsItsLimits() {
        ClassSession s = classrooms.create(teacher, "Lesson");
        Seat ana = classrooms.join(s.code(), "Ana", student(), address());
        Push p = classrooms.push(s.code(), teacher, "90 %", viewState, null, new Challenge(Set.of(),
                new Challenge.Goal(Challenge.Metric.TEST_ACCURACY, 0.9, 300, 50)), null);
        assertEquals(0.8, classrooms.record(p.id(), ana.id(), 0.8, 40, 10, viewState).orElseThrow().best());
        assertEquals(0.8, classrooms.record(p.id(), ana.id(), 0.7, 40, 11, viewState).orElseThrow().best());
        Result tooBig = classrooms.record(p.id(), ana.id(), 0.95, 60, 20, viewState).orElseThrow();
        assertEquals(0.95, tooBig.best());
        assertFalse(tooBig.reached(), "60 parameters are more than 50");
        Result tooLate = classrooms.record(p.id(), ana.id(), 0.92, 40, 301, viewState).orElseThrow();
        assertFalse(tooLate.reached(), "after epoch 300");
        Result reached = classrooms.record(p.id(), ana.id(), 0.91, 40, 200, "x=small").orElseThrow();
        assertTrue(reached.reached(), "reached, though not the best score");
        assertEquals(0.95, reached.best());
        assertEquals("x=small", reached.viewState());
        // another session's seat or a removed one records nothing
        ClassSession other = classrooms.create(teacher, "Other");
        Seat stranger = classrooms.join(other.code(), "Eve", student(), address());
        assertEquals(Optional.empty(), classrooms.record(p.id(), stranger.id(), 1.0, 1, 1, viewState));
        classrooms.remove(s.code(), teacher, ana.id());
        assertEquals(Optional.empty(), classrooms.record(p.id(), ana.id(), 1.0, 1, 1, viewState));
    }

    @Test
    void theLeaderboardPutsReachedFirstByTimeThenTheBestScores() throws Exception {
        ClassSession s = classrooms.create(teacher, "Lesson");
        Seat ana = classrooms.join(s.code(), "Ana", student(), address());
        Seat ben = classrooms.join(s.code(), "Ben", student(), address());
        Seat cid = classrooms.join(s.code(), "Cid", student(), address());
        Seat dan = classrooms.join(s.code(), "Dan", student(), address());
        Seat eve = classrooms.join(s.code(), "Eve", student(), address());
        classrooms.join(s.code(), "Fay, no result", student(), address());
        Push p = classrooms.push(s.code(), teacher, "Under 0.1", viewState, null, lossChallenge(0.1), null);
        classrooms.record(p.id(), cid.id(), 0.3, 10, 5, viewState);
        classrooms.record(p.id(), ben.id(), 0.09, 10, 5, viewState);
        Thread.sleep(5);
        classrooms.record(p.id(), ana.id(), 0.02, 10, 5, viewState);
        classrooms.record(p.id(), dan.id(), 0.2, 10, 5, viewState);
        classrooms.record(p.id(), eve.id(), 0.01, 10, 5, viewState);
        classrooms.remove(s.code(), teacher, eve.id());
        // a later plain push does not hide the challenge's board
        classrooms.push(s.code(), teacher, "Look", viewState, null, null, null);
        List<String> order = classrooms.leaderboard(s.code(), teacher).stream().map(Result::displayName).toList();
        assertEquals(List.of("Ben", "Ana", "Dan", "Cid"), order);
    }

    @Test
    void theCsvHasAHeaderAndOneEscapedRowPerStudentAndChallenge() {
        ClassSession s = classrooms.create(teacher, "Lesson");
        Seat tricky = classrooms.join(s.code(), "Ana, \"the\" best", student(), address());
        Seat plain = classrooms.join(s.code(), "Ben", student(), address());
        Seat formula = classrooms.join(s.code(), "=HYPERLINK(1)", student(), address());
        Push first = classrooms.push(s.code(), teacher, "Under 0.1", viewState, null, lossChallenge(0.1), null);
        classrooms.record(first.id(), tricky.id(), 0.05, 17, 12, viewState);
        classrooms.push(s.code(), teacher, "Look", viewState, null, null, null);
        Push second = classrooms.push(s.code(), teacher, "90 %", viewState, null, new Challenge(Set.of(),
                new Challenge.Goal(Challenge.Metric.TEST_ACCURACY, 0.9, 0, 0)), null);
        classrooms.record(second.id(), plain.id(), 0.5, 17, 3, viewState);

        String csv = classrooms.csv(s.code(), teacher, "https://lab.example.org/");
        assertTrue(csv.endsWith("\r\n"));
        String[] lines = csv.split("\r\n");
        assertEquals("student,challenge,goal,experiment,metric,best,parameters,epoch,goal reached,time to goal (s)", lines[0]);
        assertEquals(1 + 2 * 3, lines.length, csv);
        assertTrue(lines[1].startsWith("\"Ana, \"\"the\"\" best\",Under 0.1,test loss at most 0.1,https://lab.example.org/?"
                + viewState + ",test loss,0.05,17,12,"), lines[1]);
        assertTrue(lines[2].startsWith("Ben,Under 0.1,test loss at most 0.1,,test loss,,,,,"), lines[2]);
        assertTrue(lines[3].startsWith("'=HYPERLINK(1),"), lines[3]);
        assertTrue(lines[5].startsWith("Ben,90 %,test accuracy at least 90.0 %,https://lab.example.org/?" + viewState
                + ",test accuracy,0.5,17,3,,"), lines[5]);
        assertTrue(classrooms.csv(s.code(), teacher).contains(",/?" + viewState + ","), "relative links without a base");

        // a CNN lab challenge's experiments open in the CNN lab
        String cnn = cnnState(LENET.withEpochs(3));
        Push third = classrooms.push(s.code(), teacher, "CNN 90 %", Page.CNN, cnnState(LENET), null, new Challenge(Set.of(),
                new Challenge.Goal(Challenge.Metric.TEST_ACCURACY, 0.9, 0, 0)), null);
        classrooms.record(third.id(), plain.id(), 0.93, 61_706, 3, cnn);
        String withCnn = classrooms.csv(s.code(), teacher, "https://lab.example.org");
        assertTrue(withCnn.contains("\r\nBen,CNN 90 %,test accuracy at least 90.0 %,https://lab.example.org/cnn?" + cnn
                + ",test accuracy,0.93,61706,3,"), withCnn);
        assertTrue(classrooms.csv(s.code(), teacher).contains(",/cnn?" + cnn + ","), "relative links without a base");

        Seat newline = classrooms.join(s.code(), "Cid", student(), address());
        assertNotEquals(newline.id(), plain.id());
        assertEquals("\"a\nb\"", Classrooms.csvField("a\nb"));
        assertEquals("-0.5", Classrooms.csvField("-0.5"));
    }

    @Test
    void aVisitorWhoSignsUpKeepsTheirSeat() {
        ClassSession s = classrooms.create(teacher, "Lesson");
        String visitor = student();
        Seat seat = classrooms.join(s.code(), "Ana", visitor, address());
        String name = "v" + tag;
        accounts.register(name, PASSWORD, Optional.of(visitor));
        assertEquals(seat.id(), classrooms.seatOf(Accounts.ownerKey(name)).orElseThrow().id());
        assertEquals(Optional.empty(), classrooms.seatOf(visitor));
    }
}
