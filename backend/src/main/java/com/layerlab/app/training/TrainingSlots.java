package com.layerlab.app.training;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who may compute now: the rule that keeps a shared server responsive. A training holds a slot only
 * while it computes (loads its data, trains); finished, paused or waiting for the next step it holds
 * none. The server gives at most {@code maxTotal} slots at once, and one visitor (one HTTP session,
 * whatever its tabs) at most {@code maxPerVisitor}, so that one visitor cannot take every slot.
 * Trainings that wait get the slots in the order they asked; a waiting training is told why it waits
 * and what its learner can do.
 */
public final class TrainingSlots {

    private final int maxTotal;
    private final int maxPerVisitor;
    private final String what;
    // guarded by this
    private final Set<Claim> holding = new LinkedHashSet<>();
    private final Set<Claim> waiting = new LinkedHashSet<>();

    /**
     * @param what what the trainings train, for the learner ("networks", "image networks")
     */
    public TrainingSlots(int maxTotal, int maxPerVisitor, String what) {
        if (maxTotal < 1 || maxPerVisitor < 1) {
            throw new IllegalArgumentException("training slots must be at least 1 in all and 1 per visitor, got "
                    + maxTotal + " and " + maxPerVisitor);
        }
        this.maxTotal = maxTotal;
        this.maxPerVisitor = maxPerVisitor;
        this.what = Objects.requireNonNull(what);
    }

    public int maxTotal() {
        return maxTotal;
    }

    public int maxPerVisitor() {
        return maxPerVisitor;
    }

    /** A new training's claim, holding nothing yet; {@code visitor} is what identifies its visitor (its session). */
    public Claim claim(Object visitor) {
        return new Claim(Objects.requireNonNull(visitor));
    }

    /** Trainings computing now. */
    public synchronized int computing() {
        return holding.size();
    }

    /** Trainings of this visitor computing now. */
    public synchronized int computing(Object visitor) {
        return holdingOf(visitor);
    }

    private int holdingOf(Object visitor) {
        int n = 0;
        for (Claim c : holding) {
            if (c.visitor.equals(visitor)) {
                n++;
            }
        }
        return n;
    }

    /** One training's place: a slot it holds, a place in the queue, or neither. */
    public final class Claim {

        private final Object visitor;

        private Claim(Object visitor) {
            this.visitor = visitor;
        }

        /**
         * Takes a slot for this training, or keeps its place in the queue: null when it may compute now,
         * else why it may not and what the learner can do (a sentence to show while it waits).
         */
        public String take() {
            synchronized (TrainingSlots.this) {
                if (holding.contains(this)) {
                    return null;
                }
                waiting.add(this);
                int mine = holdingOf(visitor);
                if (mine >= maxPerVisitor) {
                    return "Waiting: your other pages are training " + count(mine) + " right now, as many as one visitor "
                            + "may train at once here. This one starts by itself as soon as one of them finishes or is "
                            + "paused; pause or close one of them to start it now.";
                }
                // the waiters before this one that could take a slot go first
                int ahead = 0;
                Map<Object, Integer> taken = new HashMap<>();
                for (Claim w : waiting) {
                    if (w == this) {
                        break;
                    }
                    int theirs = taken.computeIfAbsent(w.visitor, TrainingSlots.this::holdingOf);
                    if (theirs < maxPerVisitor) {
                        taken.put(w.visitor, theirs + 1);
                        ahead++;
                    }
                }
                if (holding.size() + ahead >= maxTotal) {
                    return "Waiting: the server is training " + count(holding.size()) + " right now, as many as it trains "
                            + "at once" + (ahead == 0 ? "" : ", and " + ahead + " more " + (ahead == 1 ? "waits" : "wait")
                            + " before this one") + ". This one starts by itself as soon as one of them finishes or "
                            + "is paused: keep this page open.";
                }
                waiting.remove(this);
                holding.add(this);
                return null;
            }
        }

        /** Gives the slot back, or leaves the queue: the training does not compute now. */
        public void release() {
            synchronized (TrainingSlots.this) {
                holding.remove(this);
                waiting.remove(this);
            }
        }

        /** Whether this training holds a slot. */
        public boolean holds() {
            synchronized (TrainingSlots.this) {
                return holding.contains(this);
            }
        }
    }

    private String count(int n) {
        return n + " " + (n == 1 ? what.replaceAll("s$", "") : what);
    }
}
