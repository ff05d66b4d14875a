package com.layerlab.app.classroom;

import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * Class sessions: the rules of creating, joining and running them. Every teacher action names who acts
 * ({@code teacher}, the signed-in username) and is checked here, on the server: only the session's own
 * teacher (who has the teacher role) may act on it; anyone else gets {@link ClassRefused} (403). Every
 * change is told to the session's pages through {@link ClassEvents}.
 */
@Service
public class Classrooms {

    /** The longest display name a student may give. */
    public static final int NAME_MAX = 40;

    // ---------------------------------------------------------------- the teacher

    /** A new session of {@code teacher} (who must have the teacher role), with a fresh join code. */
    public ClassSession create(String teacher, String title) {
        throw new UnsupportedOperationException("H1");
    }

    /** The teacher's sessions, newest first (ended ones too). */
    public List<ClassSession> sessionsOf(String teacher) {
        throw new UnsupportedOperationException("H1");
    }

    /** The session of {@code code} if {@code teacher} runs it; else ClassRefused (404 no such code, 403 another's). */
    public ClassSession ofTeacher(String code, String teacher) {
        throw new UnsupportedOperationException("H1");
    }

    public ClassSession lock(String code, String teacher, boolean locked) {
        throw new UnsupportedOperationException("H1");
    }

    /** "Eyes on me": every student's training of the session is held (paused, play refused) until resumed. */
    public ClassSession pauseAll(String code, String teacher, boolean paused) {
        throw new UnsupportedOperationException("H1");
    }

    /** Removes a student: their seat is marked removed, their runs stop, their page leaves the session. */
    public void remove(String code, String teacher, long seatId) {
        throw new UnsupportedOperationException("H1");
    }

    /** Ends the session: nobody joins, students' pages leave it, its results stay read-only for the teacher. */
    public ClassSession end(String code, String teacher) {
        throw new UnsupportedOperationException("H1");
    }

    /**
     * Pushes an experiment to every student (it becomes the session's current push and opens on their
     * pages at once). {@code viewState} is checked (a playground link's query string that parses).
     */
    public Push push(String code, String teacher, String title, String viewState, String experimentId,
                     Challenge challenge, String sharedFrom) {
        throw new UnsupportedOperationException("H1");
    }

    /** The challenge's results, best first (goal reached first, by time to goal; then by best score). */
    public List<Result> leaderboard(String code, String teacher) {
        throw new UnsupportedOperationException("H1");
    }

    /**
     * The session's results as CSV (RFC 4180, a header row): student, experiment (link), best test loss
     * or accuracy, parameters, time to goal, one row per student and challenge.
     */
    public String csv(String code, String teacher) {
        throw new UnsupportedOperationException("H1");
    }

    // ---------------------------------------------------------------- students

    /**
     * Seats {@code ownerKey} in the session of {@code code} as {@code displayName}. The same owner
     * joining again gets their seat back (renamed if the name changed). Refused (ClassRefused) for a
     * wrong code (404, the same answer whether it exists or not), a locked (409) or ended (409) session,
     * a removed seat (403), a blank or too long name (400), and after too many wrong codes from
     * {@code address} (429, rate-limited per address).
     */
    public Seat join(String code, String displayName, String ownerKey, String address) {
        throw new UnsupportedOperationException("H1");
    }

    /** The seat {@code ownerKey} holds in a session that has not ended (their latest), if any. */
    public Optional<Seat> seatOf(String ownerKey) {
        throw new UnsupportedOperationException("H1");
    }

    /** The student leaves the session themself (their seat stays for the teacher's results). */
    public void leave(String ownerKey) {
        throw new UnsupportedOperationException("H1");
    }

    // ---------------------------------------------------------------- reading

    public Optional<ClassSession> session(long id) {
        throw new UnsupportedOperationException("H1");
    }

    public Optional<ClassSession> byCode(String code) {
        throw new UnsupportedOperationException("H1");
    }

    /** The session's seats in joining order, removed ones included (marked). */
    public List<Seat> seats(long sessionId) {
        throw new UnsupportedOperationException("H1");
    }

    public Optional<Seat> seat(long seatId) {
        throw new UnsupportedOperationException("H1");
    }

    /** The session's latest push, which its students' pages show. */
    public Optional<Push> currentPush(long sessionId) {
        throw new UnsupportedOperationException("H1");
    }

    /** The seat's result on the push, if it has one yet. */
    public Optional<Result> result(long pushId, long seatId) {
        throw new UnsupportedOperationException("H1");
    }

    /**
     * Records a score the server measured (the hidden split) for the seat on the push: kept if better
     * than the seat's best, the goal's time set the first time it is reached. Tells the pages
     * ({@link ClassEvent.Scored}) when it changed something.
     */
    public Optional<Result> record(long pushId, long seatId, double value, int params, int epoch, String viewState) {
        throw new UnsupportedOperationException("H1");
    }
}
