package com.layerlab.app.api;

import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.classroom.ClassBoard;
import com.layerlab.app.classroom.ClassRefused;
import com.layerlab.app.classroom.ClassSession;
import com.layerlab.app.classroom.Classrooms;
import com.layerlab.app.classroom.JoinCodes;
import com.layerlab.app.classroom.Push;
import com.layerlab.app.classroom.Result;
import com.layerlab.app.classroom.Seat;
import com.layerlab.app.store.Page;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.TrainingRuntime;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The read side of class sessions, for their teacher (docs/classroom.md, "API"): their sessions, a
 * session's students with their current runs and results, a student's runs, the challenge's leaderboard
 * and the results as CSV. Only the session's own teacher reads it: anonymous 401, a user without the
 * teacher role 403, and a code that is not one of the caller's sessions 404, whether it is unknown or
 * another teacher's, so that the API cannot tell which codes exist (join codes must resist guessing,
 * and the API answers far more requests a minute than the join page admits wrong codes).
 */
@RestController
@RequestMapping("/api/classes")
class ClassesApi {

    private static final MediaType CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);

    private final Classrooms classrooms;
    private final ClassBoard board;
    private final TrainingRuntime runtime;
    private final CurrentOwner owner;

    ClassesApi(Classrooms classrooms, ClassBoard board, TrainingRuntime runtime, CurrentOwner owner) {
        this.classrooms = classrooms;
        this.board = board;
        this.runtime = runtime;
        this.owner = owner;
    }

    /** The caller's sessions, newest first, ended ones too. */
    @GetMapping
    List<Map<String, Object>> list() {
        String teacher = teacher();
        return classrooms.sessionsOf(teacher).stream()
                .map(s -> ClassesJson.session(s, classrooms.seats(s.id()).stream().filter(seat -> !seat.removed()).count()))
                .toList();
    }

    /**
     * The session, its current push (what students' pages show), its current challenge (the latest push
     * that is one: the leaderboard's, which a plain push since does not replace) and its students
     * (removed ones too, marked) with their current runs and their results on that challenge.
     */
    @GetMapping("/{code}")
    Map<String, Object> get(@PathVariable String code) {
        ClassSession s = session(code);
        List<Seat> seats = classrooms.seats(s.id());
        Optional<Push> challenge = classrooms.currentChallenge(s.id());
        Map<Long, Result> results = challenge.map(p -> classrooms.results(p.id())).orElse(Map.of());
        Map<String, Object> o = ClassesJson.session(s, seats.stream().filter(seat -> !seat.removed()).count());
        o.put("push", classrooms.currentPush(s.id()).map(ClassesJson::push).orElse(null));
        o.put("currentChallenge", challenge.map(ClassesJson::push).orElse(null));
        List<Map<String, Object>> students = new ArrayList<>();
        Page challengeLab = challenge.map(Push::page).orElse(Page.PLAYGROUND);
        for (Seat seat : seats) {
            students.add(ClassesJson.student(seat, currentRun(seat).orElse(null), results.get(seat.id()), challengeLab));
        }
        o.put("students", students);
        return o;
    }

    /**
     * The student's runs, newest first: their browser's runs (the playground's and any other page's) that
     * began while they sat in the session, from their joining to the session's end; what they trained
     * before or after is not the teacher's to see (nor what they discarded, which their own pages no
     * longer list).
     */
    @GetMapping("/{code}/students/{seatId}/runs")
    List<Map<String, Object>> runs(@PathVariable String code, @PathVariable String seatId) {
        ClassSession s = session(code);
        Seat seat = seat(s, seatId);
        long from = seat.joinedAt().toEpochMilli();
        long to = s.endedAt() == null ? Long.MAX_VALUE : s.endedAt().toEpochMilli();
        return runtime.runsOf(seat.ownerKey()).stream()
                .filter(r -> r.submittedAt() >= from && r.submittedAt() <= to && !r.isDiscarded())
                .map(ClassesJson::run).toList();
    }

    /**
     * The current challenge's leaderboard, best first (the goal reached first, soonest first; then by best
     * score), the students the teacher removed left out.
     */
    @GetMapping("/{code}/results")
    Map<String, Object> results(@PathVariable String code) {
        ClassSession s = session(code);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("code", s.code());
        Optional<Push> challenge = classrooms.currentChallenge(s.id());
        o.put("challenge", challenge.map(ClassesJson::push).orElse(null));
        Page lab = challenge.map(Push::page).orElse(Page.PLAYGROUND);
        List<Result> board = classrooms.leaderboard(s.code(), s.teacher());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < board.size(); i++) {
            rows.add(ClassesJson.leader(i + 1, board.get(i), lab));
        }
        o.put("results", rows);
        return o;
    }

    /**
     * The session's results as a CSV download: one row per student and challenge (Classrooms.csv), the
     * experiments' links absolute, so that they open from a spreadsheet.
     */
    @GetMapping(value = "/{code}/results.csv", produces = "text/csv")
    ResponseEntity<String> csv(@PathVariable String code) {
        ClassSession s = session(code);
        String csv = classrooms.csv(s.code(), s.teacher(), ServletUriComponentsBuilder.fromCurrentContextPath().toUriString());
        return ResponseEntity.ok().contentType(CSV)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename("class-" + s.code() + "-results.csv").build().toString())
                .body(csv);
    }

    /** A refusal of the class rules (Classrooms), as the problem document of its status. */
    @ExceptionHandler(ClassRefused.class)
    ProblemDetail refused(ClassRefused e) {
        return ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(e.status()), e.getMessage());
    }

    // ---- who asks, and for what ----------------------------------------------------------------------

    /** The signed-in teacher's name: 401 for a caller who is not signed in, 403 for one without the teacher role. */
    private String teacher() {
        String name = owner.username().orElseThrow(() -> new ApiRefused(HttpStatus.UNAUTHORIZED, "Sign in as a "
                + "teacher first: send HTTP Basic credentials or \"Authorization: Bearer <token>\". Classes are their "
                + "teacher's to read."));
        if (!owner.isTeacher()) {
            throw new ApiRefused(HttpStatus.FORBIDDEN, "Only teachers read classes, and " + name + " is not one: an "
                    + "admin grants the teacher role on the account page.");
        }
        return name;
    }

    /**
     * The caller's session of {@code code}, typed as students type it ("ABC-DEF", "abcdef", "abc def");
     * 404 alike for a code nobody has and for another teacher's session.
     */
    private ClassSession session(String code) {
        String teacher = teacher();
        try {
            return classrooms.ofTeacher(JoinCodes.normalize(code), teacher);
        } catch (ClassRefused e) {
            if (e.status() == HttpStatus.FORBIDDEN.value() || e.status() == HttpStatus.NOT_FOUND.value()) {
                throw new ApiRefused(HttpStatus.NOT_FOUND, "You have no class with the code \"" + code + "\": "
                        + "GET /api/classes lists yours.");
            }
            throw e;
        }
    }

    /** The session's seat {@code seatId}; 404 for a seat of no session or of another. */
    private Seat seat(ClassSession s, String seatId) {
        Optional<Seat> seat = Optional.empty();
        try {
            seat = classrooms.seat(Long.parseLong(seatId)).filter(x -> x.sessionId() == s.id());
        } catch (NumberFormatException e) {
            // not a number: no such seat, as for any other
        }
        return seat.orElseThrow(() -> new ApiRefused(HttpStatus.NOT_FOUND, "Class " + JoinCodes.format(s.code())
                + " has no student with the seat \"" + seatId + "\": GET /api/classes/" + s.code()
                + " lists its students with their seats."));
    }

    /** The seat's current run, as the teacher's board shows it (ClassBoard.runOf: its owner's latest on the current push's lab). */
    private Optional<Run<?>> currentRun(Seat seat) {
        return board.runOf(seat);
    }
}
