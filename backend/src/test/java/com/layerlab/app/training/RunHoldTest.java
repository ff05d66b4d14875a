package com.layerlab.app.training;

import static com.layerlab.app.training.TestRuns.POINTS;
import static com.layerlab.app.training.TestRuns.STATUS;
import static com.layerlab.app.training.TestRuns.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.engine.tensor.Backends;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A class's "eyes on me": {@link TrainingRuntime#hold} holds an owner's runs in the runtime, whatever their pages ask. */
class RunHoldTest {

    private static final String WHY = "Your teacher paused training: eyes on the front.";

    @TempDir
    Path root;

    private TrainingRuntime runtime;

    private TrainingRuntime runtime() {
        runtime = new TrainingRuntime(Backends.standard(), new RunLogs(root, 50, 20L << 20), null,
                new TrainingRuntime.Pool(8, 8, Duration.ofMillis(5), "networks"),
                new TrainingRuntime.Pool(1, 1, Duration.ofMillis(5), "image networks"), Duration.ofSeconds(30),
                TrainingRuntime.SignedInRuns.DEFAULTS, Duration.ZERO);
        return runtime;
    }

    private static RunOptions of(String owner, boolean paused) {
        return new RunOptions(owner, false, "playground", paused, 0);
    }

    @AfterEach
    void closeRuntime() {
        if (runtime != null) {
            // ends every run's thread, and waits for them
            runtime.close();
        }
    }

    @Test
    void aHeldOwnersRunsPauseAtOnceRefusePlayAndStepAndSayWhyUntilReleased() throws Exception {
        TrainingRuntime rt = runtime();
        Run<RunStatus> ana = rt.submit(List.of(POINTS), of("visitor:ana", false), STATUS);
        Run<RunStatus> bob = rt.submit(List.of(POINTS), of("visitor:bob", false), STATUS);
        await(ana, st -> st.state() == RunState.RUNNING && st.progress() > 0.5, "ana training");
        await(bob, st -> st.state() == RunState.RUNNING && st.progress() > 0.5, "bob training");

        rt.hold("visitor:ana", WHY);
        assertEquals(Optional.of(WHY), rt.heldWhy("visitor:ana"));
        assertEquals(Optional.empty(), rt.heldWhy("visitor:bob"));
        RunStatus held = await(ana, st -> st.state() == RunState.PAUSED && WHY.equals(st.message()), "ana held, saying why");
        assertEquals(WHY, ana.heldWhy());
        assertTrue(ana.isPaused());

        // her page's play and step do nothing: the runtime refuses them, not the page
        ana.play();
        ana.step();
        Thread.sleep(200);
        assertEquals(held.progress(), ana.status().progress(), "a held run trains nothing, played or stepped");
        assertEquals(RunState.PAUSED, ana.status().state());
        assertTrue(ana.isPaused());

        // another owner trains on
        double bobBefore = bob.status().progress();
        await(bob, st -> st.state() == RunState.RUNNING && st.progress() > bobBefore + 0.5, "bob training on");
        assertNull(bob.heldWhy());

        // a run she submits while held starts paused, whatever her page asked
        Run<RunStatus> late = rt.submit(List.of(POINTS), of("visitor:ana", false), STATUS);
        RunStatus lateHeld = await(late, st -> st.state() == RunState.PAUSED && st.batches() > 0 && WHY.equals(st.message()),
                "her new run held");
        assertEquals(0, lateHeld.progress());
        late.play();
        Thread.sleep(150);
        assertEquals(0, late.status().progress(), "her new run trains nothing while held");

        // released ("resume all"): the message goes, the run the hold paused while it trained trains on by
        // itself; her new run, which never trained, stays paused until she plays or steps it
        rt.release("visitor:ana");
        assertEquals(Optional.empty(), rt.heldWhy("visitor:ana"));
        await(ana, st -> st.message() == null && st.state() == RunState.RUNNING && st.progress() > held.progress() + 0.2,
                "ana training on after the release");
        await(late, st -> st.message() == null, "the new run's hold reason gone too");
        Thread.sleep(150);
        assertEquals(0, late.status().progress(), "a run that never trained does not start by itself");
        assertEquals(RunState.PAUSED, late.status().state());
        late.step();
        await(late, st -> st.batch() == 1 && st.state() == RunState.PAUSED, "a step of the new run after the release");

        // a second release, or one of an owner never held, changes nothing
        rt.release("visitor:ana");
        rt.release("visitor:nobody");
    }

    @Test
    void aHoldHoldsARunPlayedJustBeforeItAndAFinishedRunCannotTrainOn() throws Exception {
        TrainingRuntime rt = runtime();
        Run<RunStatus> paused = rt.submit(List.of(POINTS), of("visitor:cem", true), STATUS);
        await(paused, st -> st.state() == RunState.PAUSED && st.batches() > 0, "built, waiting for play");
        paused.play();
        rt.hold("visitor:cem", WHY);
        RunStatus held = await(paused, st -> st.state() == RunState.PAUSED && WHY.equals(st.message()), "held");
        Thread.sleep(150);
        assertEquals(held.progress(), paused.status().progress());

        Run<RunStatus> finished = rt.submit(List.of(POINTS), new RunOptions("visitor:dan", false, "playground", false, 2),
                STATUS);
        await(finished, st -> st.state() == RunState.FINISHED, "finished");
        rt.hold("visitor:dan", WHY);
        finished.setEpochs(5);
        finished.play();
        finished.step();
        Thread.sleep(150);
        assertEquals(2, finished.status().epoch(), "a held owner's finished run does not train on");
        assertEquals(RunState.FINISHED, finished.status().state());
        rt.release("visitor:dan");
        finished.play();
        await(finished, st -> st.state() == RunState.FINISHED && st.epoch() == 5, "trained on once released");
    }

    @Test
    void aRunItsPageHadPausedStaysPausedWhenTheHoldEnds() throws Exception {
        TrainingRuntime rt = runtime();
        Run<RunStatus> eve = rt.submit(List.of(POINTS), of("visitor:eve", false), STATUS);
        await(eve, st -> st.state() == RunState.RUNNING && st.progress() > 0.5, "eve training");
        eve.pause();
        RunStatus paused = await(eve, st -> st.state() == RunState.PAUSED, "eve paused by her page");
        rt.hold("visitor:eve", WHY);
        await(eve, st -> WHY.equals(st.message()), "held");
        rt.release("visitor:eve");
        await(eve, st -> st.message() == null, "released");
        Thread.sleep(150);
        assertEquals(RunState.PAUSED, eve.status().state(), "her own pause outlasts the hold");
        assertEquals(paused.progress(), eve.status().progress());
    }

    @Test
    void aHoldNeedsAReason() {
        TrainingRuntime rt = runtime();
        assertThrows(IllegalArgumentException.class, () -> rt.hold("visitor:ana", " "));
        assertEquals(Optional.empty(), rt.heldWhy("visitor:ana"));
    }
}
