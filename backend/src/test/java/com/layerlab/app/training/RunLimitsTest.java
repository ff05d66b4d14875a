package com.layerlab.app.training;

import static com.layerlab.app.training.TestRuns.POINTS;
import static com.layerlab.app.training.TestRuns.STATUS;
import static com.layerlab.app.training.TestRuns.anonymous;
import static com.layerlab.app.training.TestRuns.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where a run finishes (its epochs, moved while it trains, and its pool's cap) and how fast a 2D run may go. */
class RunLimitsTest {

    private TrainingRuntime runtime;

    private TrainingRuntime runtime(int maxEpochs, int maxEpochsPerSecond) {
        runtime = new TrainingRuntime(null, null,
                new TrainingRuntime.Pool(4, 4, Duration.ofMillis(5), "networks", maxEpochs, maxEpochsPerSecond),
                new TrainingRuntime.Pool(1, 1, Duration.ofMillis(5), "image networks"), Duration.ofSeconds(30), Duration.ZERO);
        return runtime;
    }

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void theEpochsMoveWhileTheRunHoldsAndThePoolCapsThem() throws Exception {
        TrainingRuntime rt = runtime(3, 0);
        OverLimit refused = assertThrows(OverLimit.class, () -> rt.submit(List.of(POINTS), anonymous(true, 100), STATUS),
                "a run that asks for more epochs than the pool's cap is refused");
        assertEquals("layerlab.live.max-epochs", refused.key());
        Run<RunStatus> run = rt.submit(List.of(POINTS), anonymous(true, 3), STATUS);
        RunStatus s = await(run, st -> st.state() == RunState.PAUSED && st.batches() > 0, "built");
        assertEquals(3, s.epochs());
        // a page that moves the stop epoch past the cap is capped
        run.setEpochs(100);
        run.setEpochs(2);
        run.play();
        s = await(run, st -> st.state() == RunState.FINISHED, "finished");
        assertEquals(2, s.epoch());
        assertEquals(0, s.batch());
        assertThrows(IllegalArgumentException.class, () -> run.setEpochs(-1));

        // until stopped: the cap ends it all the same
        Run<RunStatus> endless = runtime.submit(List.of(POINTS), anonymous(false, 0), STATUS);
        s = await(endless, st -> st.state() == RunState.FINISHED, "finished at the cap");
        assertEquals(3, s.epoch());
    }

    @Test
    void aPoolsEpochsASecondPaceItsRuns() throws Exception {
        Run<RunStatus> run = runtime(0, 20).submit(List.of(POINTS), anonymous(true, 0), STATUS);
        await(run, st -> st.state() == RunState.PAUSED && st.batches() > 0, "built");
        long start = System.nanoTime();
        run.play();
        await(run, st -> st.epoch() >= 10, "ten epochs");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // 20 a second: the first epoch at once, nine more at 50 ms each at the soonest
        assertTrue(millis >= 400, "ten epochs in " + millis + " ms");
        // a step is not held back by the pace
        run.pause();
        await(run, st -> st.state() == RunState.PAUSED, "paused");
        int batch = run.status().batch();
        run.step();
        await(run, st -> st.state() == RunState.PAUSED && st.batch() != batch, "one more batch");
        run.stop();
    }
}
