package com.layerlab.app.training;

import com.layerlab.engine.experiment.Safetensors;
import com.layerlab.engine.train.EpochStats;
import com.layerlab.engine.train.LogSchedule;
import com.layerlab.engine.train.Trainer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the playground's and the CNN lab's trainings share: one background thread that alone touches
 * its {@link Trainer}s, frames handed to the page one at a time (while one waits for the page no
 * newer one is made, so a slow browser never piles frames up on the server), a signal to wake the
 * thread, requests for a run's weights served between steps, its TensorBoard folder, its claim on a
 * training slot ({@link TrainingSlots}: held only while it computes), and an end that runs once
 * whatever happens. {@link #close()} (the app calls it when the page detaches or goes silent) ends
 * the thread; nothing else keeps it.
 *
 * @param <F> what a frame carries
 */
public abstract class TrainingThread<F> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingThread.class);
    private static final AtomicLong IDS = new AtomicLong();

    /** How frames reach the page: in the app {@code UI.access}. */
    @FunctionalInterface
    public interface Delivery {
        /** Runs the task where the page may be changed; returns false when the page is gone. */
        boolean deliver(Runnable task);
    }

    /**
     * A run's weights, as a safetensors file, the epoch they are from, and the run's metrics up to then
     * (one entry per finished epoch: what a saved experiment keeps to draw its curves).
     */
    public record Weights(int run, int epoch, byte[] safetensors, List<EpochStats> metrics) {
    }

    private record WeightsRequest(int run, CompletableFuture<Weights> answer) {
    }

    private final long id = IDS.incrementAndGet();
    private final Consumer<F> onFrame;
    private final Delivery delivery;
    private final Runnable onEnd;
    private final RunLogs.Folder logs;
    private final TrainingSlots.Claim slot;
    private final Thread thread;
    private final Object signal = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String endReason;
    private final AtomicBoolean frameInFlight = new AtomicBoolean();
    private final ConcurrentLinkedQueue<WeightsRequest> weightRequests = new ConcurrentLinkedQueue<>();

    /**
     * @param logs  where the runs write TensorBoard event files (null: no logging)
     * @param slot  its place among the trainings that may compute ({@link TrainingSlots})
     * @param onEnd called once on the training thread when it ends (the service's bookkeeping)
     */
    protected TrainingThread(String name, Consumer<F> onFrame, Delivery delivery, RunLogs.Folder logs,
                             TrainingSlots.Claim slot, Runnable onEnd) {
        this.onFrame = Objects.requireNonNull(onFrame);
        this.delivery = Objects.requireNonNull(delivery);
        this.logs = logs;
        this.slot = Objects.requireNonNull(slot);
        this.onEnd = onEnd == null ? () -> { } : onEnd;
        this.thread = new Thread(this::main, name + "-" + id);
        this.thread.setDaemon(true);
    }

    /**
     * Starts the thread. Whoever makes a training ties it to its page first and starts it then, so that
     * its end always finds the ties made.
     */
    public final void start() {
        thread.start();
    }

    public long id() {
        return id;
    }

    public boolean isAlive() {
        return thread.isAlive();
    }

    /** Ends the thread because its page closed, without waiting for it (safe while holding the page's lock). */
    @Override
    public void close() {
        close("page closed");
    }

    /** Ends the thread without waiting for it; {@code why} goes into the log's stop line. */
    public void close(String why) {
        if (closed.compareAndSet(false, true)) {
            endReason = why;
            thread.interrupt();
        }
    }

    /** Waits until the thread has ended; true if it has. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    /** The folder of this training's TensorBoard event files (every run it trained), null when not logging. */
    public Path logDir() {
        return logs == null ? null : logs.dir();
    }

    /** Writes the runs' queued events to their files, for a download while training; any thread. */
    public void flushLogs() {
        for (Trainer r : liveRuns()) {
            r.flushLog();
        }
    }

    /**
     * The current weights of run {@code run} (0-based), taken by the training thread between two steps;
     * completes exceptionally when the training ends first or there is no such run.
     */
    public CompletableFuture<Weights> weights(int run) {
        CompletableFuture<Weights> answer = new CompletableFuture<>();
        if (closed.get() || !thread.isAlive()) {
            answer.completeExceptionally(new IllegalStateException("the training has ended"));
            return answer;
        }
        weightRequests.add(new WeightsRequest(run, answer));
        wake();
        // the thread may have failed the waiting requests just before this one came: it sets closed first
        if (closed.get() || !thread.isAlive()) {
            failRequests();
        }
        return answer;
    }

    // ---- for the subclass: runs on the training thread --------------------------------------------

    /** The thread's work; returns or throws {@link InterruptedException} when closed. */
    protected abstract void body() throws InterruptedException;

    /** The runs, as the training thread last published them (any thread may read, only it may touch them). */
    protected abstract List<Trainer> liveRuns();

    /** The metrics of run {@code run} so far, one entry per finished epoch (training thread only). */
    protected abstract List<EpochStats> history(int run);

    /** The thread failed (not by being closed): tell the page, e.g. with {@link #deliverFinal}. */
    protected abstract void failed(String message);

    /** Cleans up after the thread, whatever way it ended (before {@code onEnd}). */
    protected void ended() {
    }

    protected final boolean isClosed() {
        return closed.get();
    }

    protected final RunLogs.Folder logs() {
        return logs;
    }

    /** Why the training ended ("page closed", "failed"...), for its stop line in the log. */
    protected final String endReason() {
        String why = endReason;
        return why == null ? "ended" : why;
    }

    /**
     * Takes a training slot before computing, or keeps this training's place in the queue: null when it
     * may compute now, else why it waits and what the learner can do.
     */
    protected final String takeSlot() {
        return slot.take();
    }

    /** Gives the training slot back (or leaves the queue): call it when the training stops computing. */
    protected final void releaseSlot() {
        slot.release();
    }

    /** Has {@code run} log into a new sub-folder named after {@code name}, if this training logs and has room. */
    protected final void startLog(Trainer run, String name, LogSchedule schedule) {
        Path dir = logs == null ? null : logs.runDir(name);
        if (dir != null) {
            run.logTo(dir, schedule);
        }
    }

    /** Stops every run's logging once the training's folder is over its size cap; call it after an epoch. */
    protected final void capLogs(List<Trainer> runs) {
        if (logs != null && logs.overCap()) {
            for (Trainer r : runs) {
                r.logTo(null);
            }
        }
    }

    /** Wakes the thread from {@link #await}. */
    protected final void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /**
     * Sleeps up to {@code millis} or until woken, unless {@code skip} already says there is work.
     *
     * @throws InterruptedException when the training is closed
     */
    protected final void await(long millis, java.util.function.BooleanSupplier skip) throws InterruptedException {
        synchronized (signal) {
            if (!closed.get() && weightRequests.isEmpty() && !skip.getAsBoolean()) {
                signal.wait(millis);
            }
        }
        if (closed.get()) {
            throw new InterruptedException("closed");
        }
    }

    /**
     * Makes a frame and hands it to the page, unless the previous one is still waiting for the page
     * (then none is made and this returns false).
     */
    protected final boolean deliver(Supplier<F> make) {
        if (!frameInFlight.compareAndSet(false, true)) {
            return false;
        }
        F frame;
        try {
            frame = make.get();
        } catch (RuntimeException | Error e) {
            frameInFlight.set(false);
            throw e;
        }
        boolean accepted = delivery.deliver(() -> {
            try {
                onFrame.accept(frame);
            } finally {
                frameInFlight.set(false);
                wake();
            }
        });
        if (!accepted) {
            frameInFlight.set(false);
            close();
        }
        return true;
    }

    /** Delivers a last frame (a failure) even if the previous one is still on its way: it then follows it. */
    protected final void deliverFinal(Supplier<F> make) {
        frameInFlight.set(false);
        deliver(make);
    }

    /** Answers the weight requests waiting, from {@code runs}; call it between steps. */
    protected final void serveWeights(List<Trainer> runs) {
        WeightsRequest r;
        while ((r = weightRequests.poll()) != null) {
            if (r.run() < 0 || r.run() >= runs.size()) {
                r.answer().completeExceptionally(new IllegalArgumentException("there is no run " + r.run()));
                continue;
            }
            try {
                Trainer run = runs.get(r.run());
                byte[] bytes = Safetensors.toBytes(run.model().stateDict(), weightsMetadata(run));
                r.answer().complete(new Weights(r.run(), run.epoch(), bytes, List.copyOf(history(r.run()))));
            } catch (RuntimeException e) {
                r.answer().completeExceptionally(e);
            }
        }
    }

    private static Map<String, String> weightsMetadata(Trainer run) {
        String name = run.experiment().name();
        return name == null ? Map.of("format", "pt", "epoch", String.valueOf(run.epoch()))
                : Map.of("format", "pt", "epoch", String.valueOf(run.epoch()), "name", name);
    }

    private void failRequests() {
        WeightsRequest r;
        while ((r = weightRequests.poll()) != null) {
            r.answer().completeExceptionally(new IllegalStateException("the training has ended"));
        }
    }

    private void main() {
        try {
            body();
        } catch (InterruptedException e) {
            // closed: the page went away
        } catch (RuntimeException | Error e) {
            if (!closed.get()) {
                endReason = "failed";
                LOG.warn("{} failed", thread.getName(), e);
                failed("Training stopped: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
        } finally {
            closed.set(true);
            slot.release();
            try {
                ended();
            } catch (RuntimeException e) {
                LOG.debug("cleaning up after {} failed", thread.getName(), e);
            } finally {
                failRequests();
                List<Trainer> left = new ArrayList<>(liveRuns());
                for (Trainer r : left) {
                    try {
                        r.close(); // writes the end of its log, stops its data loaders' threads
                    } catch (RuntimeException e) {
                        LOG.debug("closing a run of {} failed", thread.getName(), e);
                    }
                }
                if (logs != null) {
                    logs.close();
                }
                onEnd.run();
            }
        }
    }
}
