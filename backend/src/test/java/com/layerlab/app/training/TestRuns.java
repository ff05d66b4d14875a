package com.layerlab.app.training;

import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.engine.experiment.Experiment;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** What the runtime's tests submit and how they wait: the playground's default data, status frames, polling a run. */
public final class TestRuns {

    /** The playground's default: 250 training points in batches of 10, 25 batches an epoch. */
    public static final Experiment POINTS = PlaygroundSettings.DEFAULTS.toExperiment();

    /** Frames that are the run's status. */
    public static final FrameMaker<RunStatus> STATUS = (status, trainers, seen) -> status;

    private TestRuns() {
    }

    /** An anonymous visitor's playground run, paused at first or not, for {@code epochs} epochs (0: until stopped). */
    public static RunOptions anonymous(boolean paused, int epochs) {
        return new RunOptions("visitor:abc", false, "playground", paused, epochs);
    }

    /** Polls the run until its status passes {@code p} (at most a minute) and returns that status. */
    public static RunStatus await(Run<?> run, Predicate<RunStatus> p, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            RunStatus s = run.status();
            if (p.test(s)) {
                return s;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("never " + what + "; last: " + run.status());
    }

    /**
     * Stops every run of {@code runtime} and fails unless all their threads have ended within {@code bound}:
     * a test's runs must not outlive it (TrainingLifecycleTest counts run threads JVM-wide).
     */
    public static void stopAll(TrainingRuntime runtime, Duration bound) throws InterruptedException {
        for (Run<?> r : runtime.activeRuns()) {
            r.stop();
        }
        long end = System.nanoTime() + bound.toNanos();
        while (runtime.activeCount() > 0 && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        if (runtime.activeCount() > 0) {
            throw new AssertionError("runs still alive after the test: " + runtime.activeRuns().stream()
                    .map(r -> r.status().state() + " watched by " + r.subscriberCount() + ", unwatched for "
                            + r.unwatchedFor().toMillis() + " ms").toList());
        }
    }
}
