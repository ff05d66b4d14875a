package com.layerlab.app.training;

import com.layerlab.engine.tensor.Device;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The one scheduler of every training on the server (pages and API alike): who may compute now. A
 * training holds a slot only while it computes (loads its data, trains a batch); paused, finished, or
 * sleeping until its next epoch is due it need not hold one. At most {@code maxTotal} trainings hold a
 * slot of the CPU at once (by default as many as the machine has cores), and within that each {@link Kind}
 * keeps its own caps (so many image trainings at once, so many per owner).
 *
 * <p>Fairness: a free slot goes to the waiting training whose owner holds the fewest slots, and among
 * owners holding as many, to the owner that has waited longest: since it last held a slot, or since its
 * oldest training began to wait, whichever is later (an owner's own trainings go in the order they began
 * to wait). So one user's many runs cannot starve another's one: the other's run gets the next slot that
 * comes free, at the latest when a run of the many gives its turn back. The slot also rotates: a training
 * that holds one while others wait gives it back (and queues again) at the end of a batch once it has held it for a turn ({@code turn}), and at once
 * when it would only sleep with it (a 2D run waiting for its next epoch under its epochs-a-second cap).
 * A user's own runs rotate the same way. Why a turn and not every batch or every epoch: a 2D run's
 * batch is a fraction of a millisecond (switching every batch costs more than it trains) and an image
 * run's epoch may take minutes (switching every epoch starves its neighbours' pages); a turn of about a
 * second lets each page that holds a slot draw several frames in a row, and every page gets its turn
 * within a few seconds while a class trains at once. Runs that give their turn back do not say so on
 * their pages unless their wait is long ({@link Run}); a run that waits to start says its place in the
 * queue and an estimate of its wait.
 *
 * <p>Devices: each accelerator (an opencl or cuda device that is not the CPU) has slots of its own
 * ({@code perDevice}, {@code layerlab.limits.slots-per-device}) and its own queue; the runs on any CPU
 * device share the {@code maxTotal} slots of the CPU. The rules above, the kinds' caps included, hold within each
 * queue: a run on an accelerator neither waits for the CPU's slots nor takes one, so runs on two devices
 * train at the same time however busy the CPU is. A training's place in the queue and its estimate are
 * those of its device's queue.
 *
 * <p>Thread-safe; the clock is injectable so that tests can measure waits without sleeping.
 */
public final class TrainingSlots {

    /**
     * A kind of training and its caps within the slots.
     *
     * @param what         what the trainings train, for the learner ("networks", "image networks")
     * @param maxComputing trainings of this kind computing at once on one device (the CPU, an accelerator)
     * @param maxPerOwner  trainings of this kind one owner may have computing at once on one device
     */
    public record Kind(String what, int maxComputing, int maxPerOwner) {
        public Kind {
            Objects.requireNonNull(what);
            if (maxComputing < 1 || maxPerOwner < 1) {
                throw new IllegalArgumentException("the training slots of " + what + " must be at least 1 in all and 1 "
                        + "per visitor, got " + maxComputing + " and " + maxPerOwner);
            }
        }
    }

    /** The queue of the CPU's slots, which every run on a CPU device takes ({@link #queueOf}): the CPU backend's name. */
    public static final String CPU = "cpu";

    private final int maxTotal;
    private final int perDevice;
    private final long turnNanos;
    private final LongSupplier clock;
    /** Each device's queue by its name ({@link #queueOf}), the CPU's first; an accelerator's from its first claim. Guarded by this. */
    private final Map<String, Queue> queues = new LinkedHashMap<>();

    /**
     * @param maxTotal  trainings computing at once on the CPU, whatever their kind
     * @param perDevice trainings computing at once on each accelerator
     * @param turn      how long a training may keep a slot while others wait, at least
     * @param clock     nanoseconds, as {@link System#nanoTime}
     */
    public TrainingSlots(int maxTotal, int perDevice, Duration turn, LongSupplier clock) {
        if (maxTotal < 1) {
            throw new IllegalArgumentException("layerlab.limits.computing must be at least 1 (or 0: as many as the "
                    + "machine has cores), got " + maxTotal);
        }
        if (perDevice < 1) {
            throw new IllegalArgumentException("layerlab.limits.slots-per-device must be at least 1, got " + perDevice);
        }
        if (turn.isNegative()) {
            throw new IllegalArgumentException("layerlab.limits.turn-ms must be 0 or more, got " + turn.toMillis());
        }
        this.maxTotal = maxTotal;
        this.perDevice = perDevice;
        this.turnNanos = turn.toNanos();
        this.clock = Objects.requireNonNull(clock);
        queues.put(CPU, new Queue(CPU, maxTotal));
    }

    public TrainingSlots(int maxTotal, int perDevice, Duration turn) {
        this(maxTotal, perDevice, turn, System::nanoTime);
    }

    public int maxTotal() {
        return maxTotal;
    }

    /**
     * The queue whose slots a run on {@code device} takes: {@link #CPU} for every CPU device, else the
     * device's own name ("opencl:0", "cuda:1").
     */
    public static String queueOf(Device device) {
        return queueOf(device.backend().name(), device.index());
    }

    /** The queue of device {@code index} of backend {@code backend}, as {@link #queueOf(Device)}. */
    public static String queueOf(String backend, int index) {
        return backend.equals(CPU) ? CPU : backend + ":" + index;
    }

    /** A new training's claim on the CPU's slots, holding nothing yet; {@code owner} is whose training it is (user or visitor). */
    public Claim claim(Object owner, Kind kind) {
        return claim(owner, kind, CPU);
    }

    /** A new training's claim on the slots of {@code device} (a {@link #queueOf} name), holding nothing yet. */
    public Claim claim(Object owner, Kind kind, String device) {
        Objects.requireNonNull(owner);
        Objects.requireNonNull(kind);
        synchronized (this) {
            return new Claim(owner, kind, queue(device));
        }
    }

    private Queue queue(String device) {
        return queues.computeIfAbsent(Objects.requireNonNull(device), d -> new Queue(d, perDevice));
    }

    /** Trainings computing now, on every device. */
    public synchronized int computing() {
        return queues.values().stream().mapToInt(q -> q.holding.size()).sum();
    }

    /** Trainings of this kind computing now, on every device. */
    public synchronized int computing(Kind kind) {
        return queues.values().stream().mapToInt(q -> q.computingOf(kind)).sum();
    }

    /** Trainings of this owner computing now, on every device. */
    public synchronized int computing(Object owner) {
        return queues.values().stream().mapToInt(q -> q.held(owner)).sum();
    }

    /** Trainings waiting for a slot now, on every device (those that gave their turn back included). */
    public synchronized int waiting() {
        return queues.values().stream().mapToInt(q -> q.waiting.size()).sum();
    }

    /** Trainings computing now on {@code device} (a {@link #queueOf} name). */
    public synchronized int computingOn(String device) {
        Queue q = queues.get(device);
        return q == null ? 0 : q.holding.size();
    }

    /** Trainings waiting now for a slot of {@code device} (a {@link #queueOf} name). */
    public synchronized int waitingOn(String device) {
        Queue q = queues.get(device);
        return q == null ? 0 : q.waiting.size();
    }

    /** How many trainings compute at once on {@code device} (a {@link #queueOf} name). */
    public int slotsOn(String device) {
        return CPU.equals(device) ? maxTotal : perDevice;
    }

    /** Where a waiting claim stands: its place in line (1: next), and whether a free slot is its now. */
    private record Place(int position, boolean now) {
    }

    /** One device's slots and the trainings that hold or wait for them. Guarded by TrainingSlots.this. */
    private final class Queue {

        private final String device;
        private final int slots;
        private final Set<Claim> holding = new LinkedHashSet<>();
        /** In the order they began to wait. */
        private final Set<Claim> waiting = new LinkedHashSet<>();
        /** The mean time between two slots given to waiting trainings (nanoseconds, a moving average); NaN before the first. */
        private double nanosPerGrant = Double.NaN;
        /** When a waiting training was last given a slot (or the queue last began), while some wait; -1 when none waits. */
        private long lastGrant = -1;
        /** When each owner with a training that holds or waits last held a slot (took or gave one back). */
        private final Map<Object, Long> lastHeld = new HashMap<>();

        private Queue(String device, int slots) {
            this.device = device;
            this.slots = slots;
        }

        private int held(Object owner) {
            return holdingWhere(c -> c.owner.equals(owner));
        }

        private int held(Object owner, Kind kind) {
            return holdingWhere(c -> c.owner.equals(owner) && c.kind.equals(kind));
        }

        private int computingOf(Kind kind) {
            return holdingWhere(c -> c.kind.equals(kind));
        }

        private int holdingWhere(Predicate<Claim> which) {
            int n = 0;
            for (Claim c : holding) {
                if (which.test(c)) {
                    n++;
                }
            }
            return n;
        }

        /**
         * Its place: how many trainings get a slot before it, plus one, by {@link #line}; it may take a slot
         * now when that place is among the free slots. One its kind's caps hold back whatever the others do
         * comes after every one that can go.
         */
        private Place place(Claim claim) {
            List<Claim> line = line(Integer.MAX_VALUE, claim);
            int position = line.indexOf(claim) + 1;
            if (position == 0) {
                return new Place(line.size() + 1, false);
            }
            return new Place(position, position <= slots - holding.size());
        }

        /**
         * Plays the queue forward, giving slots one at a time by the fair rule (fewest held, then longest
         * waited, within each kind's caps): the first {@code upTo} waiting trainings in the order they would
         * get one, fewer when the caps hold the rest back, and none after {@code until} (null: no such stop).
         */
        private List<Claim> line(int upTo, Claim until) {
            Map<Object, Integer> owners = new HashMap<>();
            Map<Object, Long> ownersSince = new HashMap<>();
            Map<Kind, Integer> kinds = new HashMap<>();
            Map<List<Object>, Integer> ownerKinds = new HashMap<>();
            // the waiting set is in the order they began to wait: an owner's first waiter is its oldest
            for (Claim w : waiting) {
                ownersSince.putIfAbsent(w.owner, Math.max(w.waitingSince, lastHeld.getOrDefault(w.owner, Long.MIN_VALUE)));
            }
            List<Claim> left = new ArrayList<>(waiting);
            List<Claim> line = new ArrayList<>();
            while (!left.isEmpty() && line.size() < upTo) {
                Claim next = null;
                int nextHeld = Integer.MAX_VALUE;
                long nextSince = Long.MAX_VALUE;
                for (Claim w : left) {
                    int kindHeld = kinds.computeIfAbsent(w.kind, this::computingOf);
                    int ownerKindHeld = ownerKinds.computeIfAbsent(List.of(w.owner, w.kind), k -> held(w.owner, w.kind));
                    if (kindHeld >= w.kind.maxComputing() || ownerKindHeld >= w.kind.maxPerOwner()) {
                        continue;
                    }
                    int ownerHeld = owners.computeIfAbsent(w.owner, this::held);
                    long since = ownersSince.get(w.owner);
                    // strictly before: of one owner's waiters, the one that began to wait first
                    if (ownerHeld < nextHeld || (ownerHeld == nextHeld && since < nextSince)) {
                        next = w;
                        nextHeld = ownerHeld;
                        nextSince = since;
                    }
                }
                if (next == null) {
                    break;
                }
                line.add(next);
                if (next == until) {
                    break;
                }
                left.remove(next);
                Claim given = next;
                owners.merge(given.owner, 1, Integer::sum);
                // just served: behind the owners holding as many
                ownersSince.put(given.owner, Long.MAX_VALUE);
                kinds.merge(given.kind, 1, Integer::sum);
                ownerKinds.merge(List.of(given.owner, given.kind), 1, Integer::sum);
            }
            return line;
        }

        /** Takes note that a waiting training got a slot: how often slots come free for those who wait. */
        private void granted(long now) {
            if (lastGrant >= 0) {
                double gap = now - lastGrant;
                nanosPerGrant = Double.isNaN(nanosPerGrant) ? gap : 0.7 * nanosPerGrant + 0.3 * gap;
            }
            lastGrant = waiting.isEmpty() ? -1 : now;
        }

        /** The wakers of the trainings the free slots go to now (by the fair rule): each takes its own. */
        private List<Runnable> waitersToWake() {
            if (waiting.isEmpty()) {
                lastGrant = -1;
            }
            // only those the free slots go to: with thirty waiting and a slot freed at every 2D epoch, waking
            // them all had each play the queue forward for nothing (the others look again in a moment anyway)
            List<Runnable> wakers = new ArrayList<>();
            for (Claim w : line(slots - holding.size(), null)) {
                if (w.waker != null) {
                    wakers.add(w.waker);
                }
            }
            return wakers;
        }
    }

    private static void wake(List<Runnable> wakers) {
        for (Runnable w : wakers) {
            w.run();
        }
    }

    /** One training's place: a slot it holds, a place in the queue, or neither. */
    public final class Claim {

        private final Object owner;
        private final Kind kind;
        private volatile Runnable waker;
        // guarded by TrainingSlots.this
        private Queue queue;
        private long heldSince;
        private long waitingSince;

        private Claim(Object owner, Kind kind, Queue queue) {
            this.owner = owner;
            this.kind = kind;
            this.queue = queue;
        }

        /** What to call when a slot comes free while this training waits (it wakes its thread to take it). */
        public void wakeWith(Runnable waker) {
            this.waker = waker;
        }

        /** The device whose slots it takes (a {@link #queueOf} name). */
        public String device() {
            synchronized (TrainingSlots.this) {
                return queue.device;
            }
        }

        /**
         * Takes a slot for this training, or keeps its place in the queue: null when it may compute now,
         * else why it may not and what the learner can do (a sentence to show while it waits).
         */
        public String take() {
            synchronized (TrainingSlots.this) {
                Queue q = queue;
                if (q.holding.contains(this)) {
                    return null;
                }
                long now = clock.getAsLong();
                boolean queueBegins = q.waiting.isEmpty();
                if (q.waiting.add(this)) {
                    waitingSince = now;
                }
                Place p = q.place(this);
                if (p.now()) {
                    q.waiting.remove(this);
                    q.holding.add(this);
                    heldSince = now;
                    q.lastHeld.put(owner, now);
                    q.granted(now);
                    return null;
                }
                if (queueBegins) {
                    // a wait begins: the time until a slot comes free counts as the first gap
                    q.lastGrant = now;
                }
                return why(p.position(), now);
            }
        }

        /** Why it waits, with its place and an estimate of the wait; called holding the lock. */
        private String why(int place, long now) {
            Queue q = queue;
            int mine = q.held(owner, kind);
            if (mine >= kind.maxPerOwner()) {
                return "Waiting: your other pages are training " + count(mine, kind.what()) + " right now"
                        + on(q) + ", as many as one visitor may train at once here. This one starts by itself as soon "
                        + "as one of them finishes or is paused; pause or close one of them to start it now.";
            }
            int ofKind = q.computingOf(kind);
            String busy = ofKind >= kind.maxComputing() ? count(ofKind, kind.what())
                    : count(q.holding.size(), "networks");
            // no slot has come free for longer than they used to: the wait is longer than the average says
            double perGrant = q.lastGrant >= 0 ? Math.max(q.nanosPerGrant, now - q.lastGrant) : q.nanosPerGrant;
            double nanos = perGrant * place;
            String estimate = Double.isNaN(nanos) ? "" : ", about " + seconds(nanos);
            return "Waiting: the server is training " + busy + " right now" + on(q) + ", as many as it trains at once"
                    + (q.device.equals(CPU) ? "" : " there") + "; this one is " + ordinal(place) + " in line" + estimate
                    + " (whoever has the fewest trainings running goes first). It starts by itself: keep this page open.";
        }

        /** Its place in its device's queue now (1: next); 0 while it holds a slot or does not wait. */
        public int position() {
            synchronized (TrainingSlots.this) {
                return queue.waiting.contains(this) ? queue.place(this).position() : 0;
            }
        }

        /**
         * At the end of a batch: gives the slot back and queues again when another training waits that the
         * fair rule puts first, once this one has held it for a turn, or at once when {@code idleNext} (it
         * would only sleep with it). True when it gave the slot back (then it takes one again before it
         * computes); false when it keeps it.
         */
        public boolean turnOver(boolean idleNext) {
            List<Runnable> wakers;
            synchronized (TrainingSlots.this) {
                Queue q = queue;
                if (q.waiting.isEmpty() || !q.holding.contains(this)) {
                    return false;
                }
                long now = clock.getAsLong();
                if (!idleNext && now - heldSince < turnNanos) {
                    return false;
                }
                q.lastHeld.put(owner, now);
                q.holding.remove(this);
                q.waiting.add(this);
                waitingSince = now;
                Place p = q.place(this);
                if (p.now()) {
                    // nobody that waits comes first: it keeps the slot for another turn
                    q.waiting.remove(this);
                    q.holding.add(this);
                    heldSince = now;
                    return false;
                }
                wakers = q.waitersToWake();
            }
            wake(wakers);
            return true;
        }

        /** Gives the slot back, or leaves the queue: the training does not compute now. */
        public void release() {
            List<Runnable> wakers;
            synchronized (TrainingSlots.this) {
                wakers = leave();
            }
            wake(wakers);
        }

        /** Leaves its queue (holding or waiting): the wakers of those that wait there when it gave a slot back. */
        private List<Runnable> leave() {
            Queue q = queue;
            boolean held = q.holding.remove(this);
            q.waiting.remove(this);
            if (held) {
                q.lastHeld.put(owner, clock.getAsLong());
            }
            if (q.holding.stream().noneMatch(c -> c.owner.equals(owner))
                    && q.waiting.stream().noneMatch(c -> c.owner.equals(owner))) {
                q.lastHeld.remove(owner);
            }
            List<Runnable> wakers = held ? q.waitersToWake() : List.of();
            if (q.waiting.isEmpty()) {
                q.lastGrant = -1;
            }
            return wakers;
        }

        /**
         * From now on takes the slots of {@code device} (a {@link #queueOf} name): the training moved there
         * (its device failed and it goes on on the CPU). Gives back what it held or leaves its place in the
         * old queue; it takes a slot of the new one before it computes again.
         */
        public void moveTo(String device) {
            List<Runnable> wakers;
            synchronized (TrainingSlots.this) {
                wakers = leave();
                queue = queue(device);
            }
            wake(wakers);
        }

        /** Whether this training holds a slot. */
        public boolean holds() {
            synchronized (TrainingSlots.this) {
                return queue.holding.contains(this);
            }
        }
    }

    /** " on opencl:0" for an accelerator's queue; nothing for the CPU's, where most runs train. */
    private static String on(Queue q) {
        return q.device.equals(CPU) ? "" : " on " + q.device;
    }

    private static String count(int n, String what) {
        return n + " " + (n == 1 ? what.replaceAll("s$", "") : what);
    }

    private static String ordinal(int n) {
        int lastTwo = n % 100;
        String suffix = lastTwo >= 11 && lastTwo <= 13 ? "th"
                : switch (n % 10) {
                    case 1 -> "st";
                    case 2 -> "nd";
                    case 3 -> "rd";
                    default -> "th";
                };
        return n + suffix;
    }

    private static String seconds(double nanos) {
        long s = (long) Math.ceil(nanos / 1e9);
        return s < 60 ? s + " s" : String.format(Locale.ROOT, "%d min", (s + 59) / 60);
    }
}
