package com.layerlab.app.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.TestRuns;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.EpochStats;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * A page's run left training on a node of a cluster that serves pages (docs/cluster.md), here web and worker at
 * once over H2: a signed-in user's run that no page watches ends interrupted at its checkpoint, its row becomes a
 * background run, and a worker (this node's JobRunr server) goes on with it from that checkpoint, every epoch's
 * metrics once; an anonymous visitor's stops as on a single server.
 */
@SpringBootTest(properties = {
        "layerlab.node.cluster=true",
        "layerlab.node.name=left-running-node",
        "layerlab.runs.checkpoint-seconds=0",
        "layerlab.runs.unwatched-seconds=1",
        "layerlab.live.max-epochs-per-second=10"})
// its runs and JobRunr's threads end with its context
@DirtiesContext
class PageRunsLeftRunningTest {

    @Autowired
    TrainingRuntime runtime;
    @Autowired
    ClusterStore cluster;
    @Autowired
    NodeSettings node;

    @Test
    void aSignedInUsersPageRunLeftTrainingGoesOnOnAWorkerFromItsCheckpoint() throws Exception {
        String owner = "user:left-" + UUID.randomUUID().toString().substring(0, 8);
        Run<?> page = runtime.submit(List.of(TestRuns.POINTS), new RunOptions(owner, true, "playground", false, 0),
                TestRuns.STATUS);
        String id = page.id();
        try {
            // a page watches it for 3 epochs, then goes: a second later the run goes to the workers
            watchUntil(page, 3);
            ClusterStore.Shared taken = awaitRow(id, r -> r.background() && r.node() != null && r.epoch() > 0,
                    "taken by a worker, which wrote where it is");
            assertEquals(node.name(), taken.node(), "this node's JobRunr server took it");
            assertEquals("playground", taken.entry().page());
            assertFalse(page.isAlive(), "the page's run let its thread go");
            assertEquals(RunState.INTERRUPTED, page.state());
            assertTrue(runtime.handedAway(id, owner), "the runtime knows it went, for its page coming back");
            assertFalse(runtime.handedAway(id, "user:someone-else"));

            Run<?> worker = awaitTraining(id, owner);
            assertNotSame(page, worker, "the runtime lists the worker's run, not the page's");
            assertTrue(runtime.runsOfPage("playground").stream().noneMatch(r -> r == page), "the page's run is forgotten");
            List<Integer> from = worker.options().resumeFrom().stream().map(c -> c.epoch()).toList();
            assertEquals(1, from.size(), "it went on from its checkpoint: " + worker.status());
            assertTrue(from.get(0) >= 3, "from the checkpoint of the epochs trained on the page's node: " + from);
            assertNotNull(page.folder());
            assertEquals(page.folder(), worker.folder(), "in the same folder, which the hand-over kept");
            int at = worker.status().epoch();
            TestRuns.await(worker, s -> s.epoch() >= at + 2, "training on the worker");

            cluster.want(id, ClusterStore.STOP);
            awaitRow(id, r -> r.state() == RunState.STOPPED, "stopped by its owner");
            List<Integer> epochs = cluster.epochs(id, 0).stream().map(EpochStats::epoch).toList();
            assertEquals(IntStream.rangeClosed(0, epochs.get(epochs.size() - 1)).boxed().toList(), epochs,
                    "every epoch once, across the hand-over");
            assertTrue(epochs.size() > at, epochs.toString());
        } finally {
            cluster.want(id, ClusterStore.STOP);
        }
        awaitThreads(id, 0);
    }

    /** A comparison (two networks in lock step) goes too: the worker resumes both from their checkpoints. */
    @Test
    void aComparisonGoesWithEveryNetwork() throws Exception {
        String owner = "user:left-cmp-" + UUID.randomUUID().toString().substring(0, 8);
        Experiment second = TestRuns.POINTS.withName("other").withSeed(7);
        Run<?> page = runtime.submit(List.of(TestRuns.POINTS, second), new RunOptions(owner, true, "compare", false, 0),
                TestRuns.STATUS);
        String id = page.id();
        try {
            watchUntil(page, 2);
            awaitRow(id, r -> r.background() && r.node() != null && r.epoch() > 0, "taken by a worker");
            Run<?> worker = awaitTraining(id, owner);
            assertEquals(2, worker.experiments().size());
            assertEquals(2, worker.options().resumeFrom().size(), "a checkpoint per network");
            int at = worker.status().epoch();
            TestRuns.await(worker, s -> s.epoch() >= at + 1, "training on the worker");
            awaitRow(id, r -> !cluster.epochs(id, 1).isEmpty(), "the second network's metrics written");
        } finally {
            cluster.want(id, ClusterStore.STOP);
        }
        awaitRow(id, r -> r.state() == RunState.STOPPED, "stopped");
        awaitThreads(id, 0);
    }

    @Test
    void anAnonymousVisitorsRunStopsAsOnASingleServer() throws Exception {
        String owner = "visitor:left-" + UUID.randomUUID().toString().substring(0, 8);
        Run<?> page = runtime.submit(List.of(TestRuns.POINTS), new RunOptions(owner, false, "playground", false, 0),
                TestRuns.STATUS);
        TestRuns.await(page, s -> s.state() == RunState.STOPPED, "stopped, unwatched");
        assertTrue(page.status().message().contains("no page watched it"), page.status().message());
        assertFalse(runtime.handedAway(page.id(), owner));
        assertTrue(cluster.find(page.id()).isEmpty(), "no row: nothing for the workers");
        assertTrue(runtime.find(page.id(), owner).isPresent(), "still listed here, as it ended");
        awaitThreads(page.id(), 0);
    }

    /** As a page does: watches {@code run} until it has trained {@code epochs} epochs, then leaves it. */
    private static void watchUntil(Run<?> run, int epochs) throws InterruptedException {
        try (Run<?>.Subscription page = run.subscribe(frame -> { }, task -> {
            task.run();
            return true;
        })) {
            TestRuns.await(run, s -> s.epoch() >= epochs, epochs + " epochs on the page's node");
            assertEquals(RunState.RUNNING, run.state(), "not handed over while a page watches it");
        }
    }

    private ClusterStore.Shared awaitRow(String id, Predicate<ClusterStore.Shared> p, String what) throws InterruptedException {
        // JobRunr looks for jobs every 5 s
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Optional<ClusterStore.Shared> row = Optional.empty();
        while (System.nanoTime() < end) {
            row = cluster.find(id);
            if (row.isPresent() && p.test(row.get())) {
                return row.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("run " + id + " never " + what + "; last: " + row);
    }

    private Run<?> awaitTraining(String id, String owner) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            Optional<Run<?>> found = runtime.find(id, owner).filter(r -> r.isAlive() && !r.state().ended());
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("run " + id + " never trained on the worker");
    }

    /** At most {@code most} threads of run {@code id} alive, within 20 s (a stopped run rests until swept). */
    private static void awaitThreads(String id, int most) throws InterruptedException {
        String name = "run-" + id.substring(0, 8);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long alive;
        do {
            alive = Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().equals(name)).count();
            if (alive <= most) {
                return;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < end);
        throw new AssertionError(alive + " threads of run " + id + " alive");
    }
}
