package com.layerlab.app.classroom;

/** What changed in a session, told to its pages at once ({@link ClassEvents}): students' pages and the teacher's. */
public sealed interface ClassEvent {

    long sessionId();

    /** A new push: students' pages open it. */
    record Pushed(long sessionId, Push push) implements ClassEvent {
    }

    /** "Eyes on me" on or off. */
    record Paused(long sessionId, boolean paused) implements ClassEvent {
    }

    /** Locked (nobody new joins) or open again. */
    record Locked(long sessionId, boolean locked) implements ClassEvent {
    }

    /** A student joined (or came back). */
    record Joined(long sessionId, Seat seat) implements ClassEvent {
    }

    /** The teacher removed a student: their page leaves the session. */
    record Removed(long sessionId, long seatId, String ownerKey) implements ClassEvent {
    }

    /**
     * A student left the session themself (the class bar's "leave", or joining another class): the teacher's
     * board shows it at once. {@code seat} is as it is now ({@link Seat#left()}); joining again is a
     * {@link Joined}.
     */
    record Left(long sessionId, Seat seat) implements ClassEvent {
    }

    /** A student's challenge result improved or reached the goal. */
    record Scored(long sessionId, Result result) implements ClassEvent {
    }

    /** The session ended: students' pages leave it, the teacher's becomes read-only. */
    record Ended(long sessionId) implements ClassEvent {
    }
}
