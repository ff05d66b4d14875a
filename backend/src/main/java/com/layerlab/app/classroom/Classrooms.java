package com.layerlab.app.classroom;

import com.layerlab.app.account.AccountRules;
import com.layerlab.app.account.Accounts;
import com.layerlab.app.account.VisitorClaimed;
import com.layerlab.app.lab.ControlLocks;
import com.layerlab.app.lab.ControlLocks.Control;
import com.layerlab.app.limits.SlidingWindowLimit;
import com.layerlab.app.store.Page;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.TrainingRuntime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Class sessions: the rules of creating, joining and running them. Every teacher action names who acts
 * ({@code teacher}, the signed-in username) and is checked here, on the server: only the session's own
 * teacher (who has the teacher role) may act on it; anyone else gets {@link ClassRefused} (403). Every
 * change is told to the session's pages through {@link ClassEvents}.
 * <p>
 * Events are told after the change is committed (the writes run in their own transactions and the
 * telling follows), so that a page that reads the session on hearing one finds the change.
 */
@Service
public class Classrooms {

    /** The longest display name a student may give. */
    public static final int NAME_MAX = 40;
    /** The longest title of a session. */
    public static final int TITLE_MAX = 100;
    /** The longest title of a push. */
    public static final int PUSH_TITLE_MAX = 200;
    /** What a student's page says while their training is held. */
    public static final String PAUSED_WHY = "Your teacher paused training: eyes on the front.";
    /** A push shared without the student's name ("look what a classmate found"). */
    public static final String ANONYMOUS = "a classmate";

    private static final int CODE_TRIES = 20;
    private static final int SHARED_FROM_MAX = 80;

    private final ClassSessionRepository sessions;
    private final SeatRepository seats;
    private final PushRepository pushes;
    private final ResultRepository results;
    private final ClassEvents events;
    private final TrainingRuntime runtime;
    private final Accounts accounts;
    /** Wrong join codes per client address in a sliding minute (layerlab.class.join-attempts-per-minute). */
    private final SlidingWindowLimit limiter;
    private final TransactionTemplate tx;
    private final int maxStudents;
    private final Object[] pauseLocks = new Object[64];
    private final Clock clock;

    @Autowired
    Classrooms(ClassSessionRepository sessions, SeatRepository seats, PushRepository pushes, ResultRepository results,
            ClassEvents events, TrainingRuntime runtime, Accounts accounts,
            @Value("${layerlab.class.join-attempts-per-minute:10}") int joinAttemptsPerMinute,
            PlatformTransactionManager transactions, @Value("${layerlab.class.max-students:100}") int maxStudents) {
        this(sessions, seats, pushes, results, events, runtime, accounts,
                new SlidingWindowLimit(joinAttemptsPerMinute, Duration.ofMinutes(1), Clock.systemUTC()), transactions,
                maxStudents, Clock.systemUTC());
    }

    Classrooms(ClassSessionRepository sessions, SeatRepository seats, PushRepository pushes, ResultRepository results,
            ClassEvents events, TrainingRuntime runtime, Accounts accounts, SlidingWindowLimit limiter,
            PlatformTransactionManager transactions, int maxStudents, Clock clock) {
        this.maxStudents = maxStudents;
        for (int i = 0; i < pauseLocks.length; i++) {
            pauseLocks[i] = new Object();
        }
        this.sessions = sessions;
        this.seats = seats;
        this.pushes = pushes;
        this.results = results;
        this.events = events;
        this.runtime = runtime;
        this.accounts = accounts;
        this.limiter = limiter;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    // ---------------------------------------------------------------- the teacher

    /** A new session of {@code teacher} (who must have the teacher role), with a fresh join code. */
    public ClassSession create(String teacher, String title) {
        if (teacher == null || !accounts.isTeacher(teacher)) {
            throw new ClassRefused(403, "Only a teacher can create a class: an admin grants the teacher role.");
        }
        String name = title == null ? "" : title.strip();
        if (name.isEmpty()) {
            name = "Class of " + LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        }
        checkText("Title", name, TITLE_MAX);
        for (int i = 0; i < CODE_TRIES; i++) {
            String code = JoinCodes.generate();
            if (sessions.existsByCode(code)) {
                continue;
            }
            try {
                return sessions.saveAndFlush(new ClassSessionRow(code, teacher.strip(), name, now())).view();
            } catch (DataIntegrityViolationException raced) {
                // another session took the code between the check and the insert: draw again
            }
        }
        throw new IllegalStateException("no free join code after " + CODE_TRIES + " draws");
    }

    /** The teacher's sessions, newest first (ended ones too). */
    public List<ClassSession> sessionsOf(String teacher) {
        if (teacher == null || teacher.isBlank()) {
            return List.of();
        }
        return sessions.findByTeacherIgnoreCaseOrderByCreatedAtDescIdDesc(teacher.strip()).stream()
                .map(ClassSessionRow::view).toList();
    }

    /** Every session that has not ended, oldest first: what the challenge scorer looks at (ChallengeScorer). */
    public List<ClassSession> openSessions() {
        return sessions.findByEndedAtIsNullOrderByIdAsc().stream().map(ClassSessionRow::view).toList();
    }

    /** The session of {@code code} if {@code teacher} runs it; else ClassRefused (404 no such code, 403 another's). */
    public ClassSession ofTeacher(String code, String teacher) {
        return teacherRow(code, teacher).view();
    }

    public ClassSession lock(String code, String teacher, boolean locked) {
        ClassSessionRow row = openRow(code, teacher);
        row.locked = locked;
        ClassSession s = sessions.save(row).view();
        events.publish(new ClassEvent.Locked(s.id(), locked));
        return s;
    }

    /** "Eyes on me": every student's training of the session is held (paused, play refused) until resumed. */
    public ClassSession pauseAll(String code, String teacher, boolean paused) {
        ClassSessionRow row = openRow(code, teacher);
        ClassSession s;
        synchronized (pauseLock(row.id)) {
            row.paused = paused;
            s = sessions.save(row).view();
            for (SeatRow seat : seats.findBySessionIdOrderByIdAsc(s.id())) {
                if (!seat.removed && seat.leftAt == null) {
                    holdOrRelease(seat.ownerKey, paused);
                }
            }
        }
        events.publish(new ClassEvent.Paused(s.id(), paused));
        return s;
    }

    /** Removes a student: their seat is marked removed, their runs stop, their page leaves the session. */
    public void remove(String code, String teacher, long seatId) {
        ClassSessionRow session = openRow(code, teacher);
        SeatRow seat = seats.findById(seatId).filter(r -> r.sessionId == session.id)
                .orElseThrow(() -> new ClassRefused(404, "This class has no student " + seatId + "."));
        if (seat.removed) {
            return;
        }
        seat.removed = true;
        seats.save(seat);
        boolean current = seat.leftAt == null;
        if (current) {
            // a student who already left (or joined another class) trains for themself now: theirs to keep
            runtime.runsOf(seat.ownerKey).forEach(Run::stop);
            if (session.paused) {
                holdOrRelease(seat.ownerKey, false);
            }
        }
        events.publish(new ClassEvent.Removed(session.id, seat.id, seat.ownerKey));
    }

    /** Ends the session: nobody joins, students' pages leave it, its results stay read-only for the teacher. */
    public ClassSession end(String code, String teacher) {
        ClassSessionRow row = teacherRow(code, teacher);
        if (row.endedAt != null) {
            return row.view();
        }
        ClassSession s;
        synchronized (pauseLock(row.id)) {
            boolean wasPaused = row.paused;
            row.endedAt = now();
            row.locked = true;
            row.paused = false;
            s = sessions.save(row).view();
            if (wasPaused) {
                for (SeatRow seat : seats.findBySessionIdOrderByIdAsc(s.id())) {
                    if (!seat.removed && seat.leftAt == null) {
                        holdOrRelease(seat.ownerKey, false);
                    }
                }
            }
        }
        events.publish(new ClassEvent.Ended(s.id()));
        return s;
    }

    /**
     * Pushes an experiment to every student (it becomes the session's current push and opens on their
     * pages at once). {@code viewState} is checked (a playground link's query string that parses).
     */
    public Push push(String code, String teacher, String title, String viewState, String experimentId,
                     Challenge challenge, String sharedFrom) {
        return push(code, teacher, title, Page.PLAYGROUND, viewState, experimentId, challenge, sharedFrom);
    }

    /**
     * Pushes an experiment of {@code lab} (the playground or the CNN lab) to every student: {@code viewState}
     * is that lab's link's query string, checked (it parses), and a challenge's unlocked controls are the
     * lab's ({@link ControlLocks#PLAYGROUND}, {@link ControlLocks#CNN}): 400 naming the one that is not.
     */
    public Push push(String code, String teacher, String title, Page lab, String viewState, String experimentId,
                     Challenge challenge, String sharedFrom) {
        ClassSessionRow session = openRow(code, teacher);
        String name = title == null ? "" : title.strip();
        if (name.isEmpty()) {
            name = challenge != null ? "Challenge" : "Experiment";
        }
        checkText("Title", name, PUSH_TITLE_MAX);
        String state = checkViewState(lab, viewState);
        String experiment = experimentId == null || experimentId.isBlank() ? null : experimentId.strip();
        if (experiment != null && (experiment.length() > 32 || !experiment.matches("[A-Za-z0-9_-]+"))) {
            throw new ClassRefused(400, "Experiment: \"" + shorten(experiment) + "\" is not a saved experiment's id.");
        }
        if (challenge != null) {
            checkUnlocked(lab, challenge.unlocked());
            checkGoal(challenge.goal());
        }
        String from = sharedFrom == null || sharedFrom.isBlank() ? null : sharedFrom.strip();
        if (from != null) {
            checkText("Shared from", from, SHARED_FROM_MAX);
        }
        Push p = pushes.save(new PushRow(session.id, now(), name, lab, state, experiment, challenge, from)).view();
        events.publish(new ClassEvent.Pushed(session.id, p));
        return p;
    }

    /** The challenge's results, best first (goal reached first, by time to goal; then by best score). */
    public List<Result> leaderboard(String code, String teacher) {
        ClassSessionRow session = teacherRow(code, teacher);
        return pushes.findFirstBySessionIdAndUnlockedIsNotNullOrderByIdDesc(session.id)
                .map(p -> leaderboard(p.view())).orElse(List.of());
    }

    /** The push's results (a challenge's), best first: the order of {@link #leaderboard(String, String)}. */
    List<Result> leaderboard(Push push) {
        if (!push.isChallenge()) {
            return List.of();
        }
        Challenge.Goal goal = push.challenge().goal();
        Map<Long, SeatRow> bySeat = seatsById(push.sessionId());
        Comparator<Result> order = Comparator.comparing((Result r) -> !r.reached())
                .thenComparing(r -> r.timeToGoal() == null ? Duration.ZERO : r.timeToGoal())
                .thenComparing((a, b) -> goal.better(a.best(), b.best()) ? -1 : goal.better(b.best(), a.best()) ? 1 : 0)
                .thenComparingInt(Result::params)
                .thenComparingLong(Result::seatId);
        return results.findByPushId(push.id()).stream()
                .filter(r -> bySeat.containsKey(r.seatId) && !bySeat.get(r.seatId).removed)
                .map(r -> r.view(bySeat.get(r.seatId).displayName))
                .sorted(order).toList();
    }

    /** The push's results by seat (for the teacher's cards): every result, removed students' included. */
    public Map<Long, Result> results(long pushId) {
        Optional<PushRow> push = pushes.findById(pushId);
        if (push.isEmpty()) {
            return Map.of();
        }
        Map<Long, SeatRow> bySeat = seatsById(push.get().sessionId);
        return results.findByPushId(pushId).stream().filter(r -> bySeat.containsKey(r.seatId))
                .collect(Collectors.toMap(r -> r.seatId, r -> r.view(bySeat.get(r.seatId).displayName)));
    }

    /**
     * The session's results as CSV (RFC 4180, a header row): student, experiment (link), best test loss
     * or accuracy, parameters, time to goal, one row per student and challenge.
     */
    public String csv(String code, String teacher) {
        return csv(code, teacher, "");
    }

    /**
     * The CSV of {@link #csv(String, String)} with the experiments' links made absolute: {@code baseUrl}
     * is the server's address ("https://lab.example.org"), empty for links relative to it ("/?x=...").
     * Students' rows are in joining order (students the teacher removed left out), under each challenge
     * in the order pushed; a student without a result yet has empty columns.
     */
    public String csv(String code, String teacher, String baseUrl) {
        ClassSessionRow session = teacherRow(code, teacher);
        String base = baseUrl == null ? "" : baseUrl.replaceAll("/+$", "");
        StringBuilder out = new StringBuilder();
        row(out, "student", "challenge", "goal", "experiment", "metric", "best", "parameters", "epoch",
                "goal reached", "time to goal (s)");
        List<SeatRow> students = seats.findBySessionIdOrderByIdAsc(session.id).stream().filter(s -> !s.removed).toList();
        for (PushRow push : pushes.findBySessionIdOrderByIdAsc(session.id)) {
            Challenge challenge = push.challenge();
            if (challenge == null) {
                continue;
            }
            Map<Long, ResultRow> bySeat = results.findByPushId(push.id).stream()
                    .collect(Collectors.toMap(r -> r.seatId, Function.identity()));
            String metric = challenge.goal().metric() == Challenge.Metric.TEST_LOSS ? "test loss" : "test accuracy";
            for (SeatRow seat : students) {
                ResultRow r = bySeat.get(seat.id);
                if (r == null) {
                    row(out, seat.displayName, push.title, challenge.goal().text(), "", metric, "", "", "", "", "");
                } else {
                    row(out, seat.displayName, push.title, challenge.goal().text(),
                            r.viewState == null ? "" : base + "/" + Push.location(push.view().page(), r.viewState), metric,
                            number(r.best),
                            Integer.toString(r.params), Integer.toString(r.epoch),
                            r.reachedAt == null ? "" : r.reachedAt.toString(),
                            r.timeToGoalMs == null ? "" : String.format(Locale.ROOT, "%.1f", r.timeToGoalMs / 1000.0));
                }
            }
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- students

    /**
     * Seats {@code ownerKey} in the session of {@code code} as {@code displayName}. The same owner
     * joining again gets their seat back (renamed if the name changed). Refused (ClassRefused) for a
     * wrong code (404, the same answer whether it exists or not), a locked (409) or ended (409) session,
     * a removed seat (403), a blank or too long name (400), and after too many wrong codes from
     * {@code address} (429, rate-limited per address).
     * <p>
     * A locked session admits nobody new; a student already seated there (a second tab, a rejoin after
     * leaving) gets their seat back. A student is in one class at a time: joining one leaves the other.
     */
    public Seat join(String code, String displayName, String ownerKey, String address) {
        if (ownerKey == null || ownerKey.isBlank()) {
            throw new IllegalArgumentException("a seat needs its owner's key");
        }
        Optional<Duration> wait = limiter.waitFor(address);
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            throw new ClassRefused(429, "Too many wrong class codes from your address (" + limiter.max()
                    + " a minute): try again in " + seconds + (seconds == 1 ? " second." : " seconds."));
        }
        String name = checkName(displayName);
        String normalized = JoinCodes.normalize(code);
        Optional<ClassSessionRow> found = JoinCodes.valid(normalized) ? sessions.findByCode(normalized) : Optional.empty();
        if (found.isEmpty()) {
            // every address's wrong codes count, an unknown one's together (SlidingWindowLimit)
            limiter.add(address);
            throw noOpenClass(code);
        }
        ClassSessionRow session = found.get();
        if (session.endedAt != null) {
            throw new ClassRefused(409, "This class has ended: nobody can join it any more.");
        }
        Joined joined;
        try {
            joined = tx.execute(status -> seatIn(session, name, ownerKey));
        } catch (DataIntegrityViolationException raced) {
            // the same owner joined from two tabs at once: the other insert won, take its seat back
            joined = tx.execute(status -> seatIn(session, name, ownerKey));
        }
        for (SeatRow left : joined.left()) {
            // their hold was the other class's pause
            sessions.findById(left.sessionId).filter(s -> s.paused).ifPresent(s -> holdOrRelease(ownerKey, false));
            events.publish(new ClassEvent.Left(left.sessionId, left.view()));
        }
        synchronized (pauseLock(session.id)) {
            // read again, the seat committed: either pauseAll sees the seat or this sees its pause
            boolean paused = sessions.findById(session.id).map(s -> s.paused && s.endedAt == null).orElse(false);
            if (paused) {
                holdOrRelease(ownerKey, true);
            }
        }
        events.publish(new ClassEvent.Joined(session.id, joined.seat()));
        return joined.seat();
    }

    private record Joined(Seat seat, List<SeatRow> left) {
    }

    private Joined seatIn(ClassSessionRow session, String name, String ownerKey) {
        Optional<SeatRow> existing = seats.findBySessionIdAndOwnerKey(session.id, ownerKey);
        if (existing.isPresent() && existing.get().removed) {
            throw new ClassRefused(403, "Your teacher removed you from this class: you cannot join it again.");
        }
        if (existing.isEmpty() && session.locked) {
            throw new ClassRefused(409, "This class is locked: nobody new can join it now. Ask your teacher to open it.");
        }
        if (existing.isEmpty() && maxStudents > 0 && seats.countBySessionIdAndRemovedFalse(session.id) >= maxStudents) {
            throw new ClassRefused(409, "This class is full (" + maxStudents + " students): ask your teacher.");
        }
        // one class at a time: the others this student sits in are left (their seats stay for their teachers)
        List<SeatRow> left = new ArrayList<>();
        Instant now = now();
        for (SeatRow other : seats.current(ownerKey)) {
            if (other.sessionId != session.id) {
                other.leftAt = now;
                seats.save(other);
                left.add(other);
            }
        }
        SeatRow seat = existing.orElseGet(() -> new SeatRow(session.id, ownerKey, name, now));
        seat.displayName = name;
        seat.leftAt = null;
        return new Joined(seats.saveAndFlush(seat).view(), left);
    }

    /** The seat {@code ownerKey} holds in a session that has not ended (their latest), if any. */
    public Optional<Seat> seatOf(String ownerKey) {
        if (ownerKey == null) {
            return Optional.empty();
        }
        return seats.current(ownerKey).stream().findFirst().map(SeatRow::view);
    }

    /** The student leaves the session themself (their seat stays for the teacher's results). */
    public void leave(String ownerKey) {
        if (ownerKey == null) {
            return;
        }
        Instant now = now();
        for (SeatRow seat : seats.current(ownerKey)) {
            seat.leftAt = now;
            Seat left = seats.save(seat).view();
            sessions.findById(seat.sessionId).filter(s -> s.paused).ifPresent(s -> holdOrRelease(ownerKey, false));
            // the teacher's board shows it at once, not at its next read
            events.publish(new ClassEvent.Left(seat.sessionId, left));
        }
    }

    /**
     * A visitor who signs up or signs in becomes "user:name" (the store moves their things): their seats
     * move with them, so the class still knows them. A seat the user already has in the same session stays.
     */
    @EventListener
    public void onVisitorClaimed(VisitorClaimed claimed) {
        for (SeatRow seat : seats.findByOwnerKey(claimed.visitorKey())) {
            if (seats.findBySessionIdAndOwnerKey(seat.sessionId, claimed.userKey()).isEmpty()) {
                seat.ownerKey = claimed.userKey();
                seats.save(seat);
            }
        }
    }

    // ---------------------------------------------------------------- reading

    public Optional<ClassSession> session(long id) {
        return sessions.findById(id).map(ClassSessionRow::view);
    }

    public Optional<ClassSession> byCode(String code) {
        String normalized = JoinCodes.normalize(code);
        return JoinCodes.valid(normalized) ? sessions.findByCode(normalized).map(ClassSessionRow::view) : Optional.empty();
    }

    /** The session's seats in joining order, removed ones included (marked). */
    public List<Seat> seats(long sessionId) {
        return seats.findBySessionIdOrderByIdAsc(sessionId).stream().map(SeatRow::view).toList();
    }

    public Optional<Seat> seat(long seatId) {
        return seats.findById(seatId).map(SeatRow::view);
    }

    /** The session's latest push, which its students' pages show. */
    public Optional<Push> currentPush(long sessionId) {
        return pushes.findFirstBySessionIdOrderByIdDesc(sessionId).map(PushRow::view);
    }

    /** The session's latest challenge (the leaderboard's), which may be older than its current push. */
    public Optional<Push> currentChallenge(long sessionId) {
        return pushes.findFirstBySessionIdAndUnlockedIsNotNullOrderByIdDesc(sessionId).map(PushRow::view);
    }

    public Optional<Push> pushById(long pushId) {
        return pushes.findById(pushId).map(PushRow::view);
    }

    /** The seat's result on the push, if it has one yet. */
    public Optional<Result> result(long pushId, long seatId) {
        return results.findByPushIdAndSeatId(pushId, seatId)
                .map(r -> r.view(seats.findById(seatId).map(s -> s.displayName).orElse("")));
    }

    /**
     * Records a score the server measured (the hidden split) for the seat on the push: kept if better
     * than the seat's best, the goal's time set the first time it is reached. Tells the pages
     * ({@link ClassEvent.Scored}) when it changed something.
     * <p>
     * Nothing is recorded (empty) for a push that is not a challenge, a seat of another session or a
     * removed one, or a session that has ended (its results are final); a score that is not a number
     * leaves the result as it was.
     */
    public synchronized Optional<Result> record(long pushId, long seatId, double value, int params, int epoch,
                                                String viewState) {
        Optional<PushRow> push = pushes.findById(pushId).filter(p -> p.unlocked != null);
        Optional<SeatRow> seat = seats.findById(seatId);
        if (push.isEmpty() || seat.isEmpty() || seat.get().sessionId != push.get().sessionId || seat.get().removed
                || sessions.findById(push.get().sessionId).map(s -> s.endedAt != null).orElse(true)) {
            return Optional.empty();
        }
        String name = seat.get().displayName;
        if (Double.isNaN(value)) {
            return results.findByPushIdAndSeatId(pushId, seatId).map(r -> r.view(name));
        }
        Challenge.Goal goal = push.get().challenge().goal();
        Instant now = now();
        Optional<ResultRow> before = results.findByPushIdAndSeatId(pushId, seatId);
        ResultRow row = before.orElseGet(() -> new ResultRow(pushId, seatId));
        boolean better = before.isEmpty() || goal.better(value, row.best);
        boolean reachedNow = row.reachedAt == null && goal.reached(value, epoch, params);
        if (!better && !reachedNow) {
            return Optional.of(row.view(name));
        }
        if (better) {
            row.best = value;
            row.params = params;
            row.epoch = epoch;
            if (row.reachedAt == null) {
                row.viewState = viewState;
            }
        }
        if (reachedNow) {
            row.reachedAt = now;
            row.timeToGoalMs = Math.max(0, Duration.between(push.get().pushedAt, now).toMillis());
            // the experiment that reached the goal, which may not be the best one so far
            row.viewState = viewState;
        }
        row.updatedAt = now;
        Result result;
        try {
            result = results.saveAndFlush(row).view(name);
        } catch (DataIntegrityViolationException raced) {
            // another recorder inserted the seat's first result meanwhile: theirs stands, this one is scored again next time
            return results.findByPushIdAndSeatId(pushId, seatId).map(r -> r.view(name));
        }
        events.publish(new ClassEvent.Scored(push.get().sessionId, result));
        return Optional.of(result);
    }

    // ---------------------------------------------------------------- rules

    private ClassSessionRow teacherRow(String code, String teacher) {
        String normalized = JoinCodes.normalize(code);
        ClassSessionRow row = (JoinCodes.valid(normalized) ? sessions.findByCode(normalized) : Optional.<ClassSessionRow>empty())
                .orElseThrow(() -> new ClassRefused(404, "No class has the code " + shownCode(code) + "."));
        if (teacher == null || !AccountRules.key(teacher.strip()).equals(AccountRules.key(row.teacher))) {
            throw new ClassRefused(403, "This class is run by another teacher: only they can see or change it.");
        }
        if (!accounts.isTeacher(teacher)) {
            throw new ClassRefused(403, "You no longer have the teacher role: an admin grants it.");
        }
        return row;
    }

    /** The teacher's session, which must not have ended (an ended one is read-only). */
    private ClassSessionRow openRow(String code, String teacher) {
        ClassSessionRow row = teacherRow(code, teacher);
        if (row.endedAt != null) {
            throw new ClassRefused(409, "This class has ended: its results are read-only.");
        }
        return row;
    }

    private static ClassRefused noOpenClass(String code) {
        return new ClassRefused(404, "No open class has the code " + shownCode(code) + ". Check the code with your teacher.");
    }

    private static String shownCode(String code) {
        String formatted = JoinCodes.format(code);
        return formatted.isEmpty() ? "\"\"" : shorten(formatted);
    }

    private static String shorten(String s) {
        return s.length() > 20 ? s.substring(0, 20) + "…" : s;
    }

    /** The display name as kept: trimmed, 1 to {@link #NAME_MAX} characters, no control characters. */
    static String checkName(String displayName) {
        String name = displayName == null ? "" : displayName.strip();
        if (name.isEmpty()) {
            throw new ClassRefused(400, "Display name: enter the name your teacher will see (1 to " + NAME_MAX
                    + " characters).");
        }
        checkText("Display name", name, NAME_MAX);
        return name;
    }

    /** At most {@code max} characters (code points: an emoji is one) and no control or invisible format characters. */
    private static void checkText(String field, String text, int max) {
        int length = text.codePointCount(0, text.length());
        if (length > max) {
            throw new ClassRefused(400, field + ": at most " + max + " characters (this one has " + length + ").");
        }
        if (text.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                && c != 0x200D || Character.getType(c) == Character.LINE_SEPARATOR
                || Character.getType(c) == Character.PARAGRAPH_SEPARATOR)) {
            throw new ClassRefused(400, field + ": no control characters (line breaks, tabs) please.");
        }
    }

    /** A challenge unlocks only controls its lab has (a playground push cannot unlock the CNN lab's layer stack). */
    private static void checkUnlocked(Page lab, Set<Control> unlocked) {
        List<Control> controls = controls(lab);
        for (Control c : Control.values()) {
            // in the enum's order, so the message names the same control every time
            if (unlocked.contains(c) && !controls.contains(c)) {
                throw new ClassRefused(400, "Unlocked: " + c.label() + " is not a control of the " + labName(lab) + ".");
            }
        }
    }

    /** The controls a challenge of {@code lab} can lock, in the teacher's form's order. */
    public static List<Control> controls(Page lab) {
        return lab == Page.CNN ? ControlLocks.CNN : ControlLocks.PLAYGROUND;
    }

    private static String labName(Page lab) {
        return lab == Page.CNN ? "CNN lab" : "playground";
    }

    /** A link's query string of {@code lab} that opens: "x=..." with or without the '?', as kept (without). */
    private static String checkViewState(Page lab, String viewState) {
        ViewStates.check(lab, viewState);
        return ViewStates.strip(viewState);
    }

    private static void checkGoal(Challenge.Goal goal) {
        if (!Double.isFinite(goal.target())) {
            throw new ClassRefused(400, "Target: enter a number.");
        }
        if (goal.metric() == Challenge.Metric.TEST_ACCURACY && (goal.target() <= 0 || goal.target() > 1)) {
            throw new ClassRefused(400, "Target: an accuracy between 0 and 1 (0.9 is 90 %), not " + goal.target() + ".");
        }
        if (goal.metric() == Challenge.Metric.TEST_LOSS && goal.target() <= 0) {
            throw new ClassRefused(400, "Target: a loss above 0, not " + goal.target() + ".");
        }
        if (goal.withinEpochs() < 0 || goal.withinEpochs() > com.layerlab.app.lab.PlaygroundSettings.MAX_EPOCHS) {
            throw new ClassRefused(400, "Within epochs: 0 (any) to " + com.layerlab.app.lab.PlaygroundSettings.MAX_EPOCHS
                    + ", not " + goal.withinEpochs() + ".");
        }
        if (goal.maxParams() < 0) {
            throw new ClassRefused(400, "Parameters: 0 (any size) or more, not " + goal.maxParams() + ".");
        }
    }

    private Map<Long, SeatRow> seatsById(long sessionId) {
        return seats.findBySessionIdOrderByIdAsc(sessionId).stream()
                .collect(Collectors.toMap(s -> s.id, Function.identity()));
    }

    /**
     * The lock that orders a session's pause or resume with a student's joining it, so that a student who
     * joins while the teacher pauses or resumes ends up as the class does (striped: a few objects for
     * every session).
     */
    private Object pauseLock(long sessionId) {
        return pauseLocks[(int) Math.floorMod(sessionId, (long) pauseLocks.length)];
    }

    /** The one place the classroom holds or releases an owner's training (TrainingRuntime enforces it). */
    private void holdOrRelease(String ownerKey, boolean hold) {
        if (hold) {
            runtime.hold(ownerKey, PAUSED_WHY);
        } else {
            runtime.release(ownerKey);
        }
    }

    /** To the microsecond, as both databases keep a timestamp: what is returned is what is read back. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static void row(StringBuilder out, String... fields) {
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(csvField(fields[i]));
        }
        out.append("\r\n");
    }

    /**
     * RFC 4180: a field with a comma, a quote or a line break in quotes, its quotes doubled. A field a
     * spreadsheet would run as a formula (a name starting with =, +, - or @) gets a leading apostrophe.
     */
    static String csvField(String s) {
        if (s == null) {
            return "";
        }
        String v = s;
        if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0 && !v.matches("[-+]?[0-9.eE+-]+")) {
            v = "'" + v;
        }
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }

    private static String number(double d) {
        return Double.toString(d);
    }
}
