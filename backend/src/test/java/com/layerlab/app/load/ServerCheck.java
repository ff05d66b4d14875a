package com.layerlab.app.load;

import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.RunTally;
import com.layerlab.app.training.TrainingRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server's side of "no run lost", read from its runtime once the clients are done: every training the
 * scheduler started has ended (finished, stopped, failed or interrupted: what the operators' metrics count),
 * and no run is left waiting or training. Runs whose pages closed mid-run are only seen here.
 */
final class ServerCheck {

    private final TrainingRuntime runtime;
    private long started;
    private final Map<String, Long> ended = new TreeMap<>();
    private final List<String> stuck = new ArrayList<>();
    /** Runs of pages that opened but never played: counted as started, they end with their page, having trained nothing. */
    private long neverPlayed;

    ServerCheck(TrainingRuntime runtime) {
        this.runtime = runtime;
    }

    /** Waits up to {@code drain} for the runs still going to end, then counts. */
    void settle(Duration drain) throws InterruptedException {
        long deadline = System.nanoTime() + drain.toNanos();
        while (!going().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        RunTally tally = runtime.tally();
        for (String backend : tally.backends()) {
            started += tally.started(backend);
            for (RunState s : RunState.values()) {
                if (s.ended() && tally.ended(backend, s) > 0) {
                    ended.merge(s.name().toLowerCase(), tally.ended(backend, s), Long::sum);
                }
            }
        }
        neverPlayed = runtime.activeRuns().stream().filter(r -> !r.state().ended() && r.untouched()).count();
        for (Run<?> r : going()) {
            stuck.add("run " + r.id() + " of " + r.owner() + " still " + r.state() + " at epoch " + r.status().epoch()
                    + " after a drain of " + drain.toSeconds() + " s");
        }
    }

    /** Runs that were set training (not a page's run never played) and have not ended. */
    private List<Run<?>> going() {
        return runtime.activeRuns().stream().filter(r -> !r.state().ended() && !r.untouched()).toList();
    }

    /**
     * Runs lost: trainings started but not ended, or runs still going, or runs the clients started that the
     * server never started ({@code clientStarts}: a page's play or an API POST each start one training at least).
     * A page's run that was never played is not lost: opening the playground starts it, and it trains nothing.
     */
    long lost(long clientStarts) {
        long ends = ended.values().stream().mapToLong(Long::longValue).sum();
        return Math.max(Math.max(started - ends - neverPlayed, stuck.size()), clientStarts - started);
    }

    List<String> stuck() {
        return stuck;
    }

    String summary() {
        return "trainings started " + started + ", ended " + ended + ", never played (a page's run, waiting for its"
                + " page to close) " + neverPlayed;
    }
}
