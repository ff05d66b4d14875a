package com.layerlab.app.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.training.RunJournal;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.TestRuns;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fair hand-off, on an in-memory table: who goes to JobRunr, in which order, and how many at once. */
class RunDispatcherTest {

    /** The table as the hand-off sees it: waiting runs, oldest first; handed ones per owner. */
    static final class Table extends ClusterStore {
        final List<ClusterStore.Shared> waiting = new ArrayList<>();
        final Map<String, Integer> handed = new HashMap<>();
        final Set<String> takenByAnotherNode = new HashSet<>();
        private long clock;

        Table() {
            super(null);
        }

        void submit(String owner, String id) {
            Instant at = Instant.ofEpochSecond(++clock);
            waiting.add(new Shared(new RunJournal.Entry(id, owner, "api", null, List.of(TestRuns.POINTS), RunState.QUEUED,
                    5, -1, null, "auto", "", null, at, at), true, Placement.WAITING, 0, null, null, 0, 0, 0, Double.NaN, null, null));
        }

        @Override
        public List<Shared> waiting() {
            return List.copyOf(waiting);
        }

        @Override
        public int handed(String owner) {
            return handed.getOrDefault(owner, 0);
        }

        @Override
        public Optional<Integer> hand(String id) {
            Shared s = waiting.stream().filter(w -> w.id().equals(id)).findFirst().orElse(null);
            if (s == null || takenByAnotherNode.contains(id)) {
                return Optional.empty();
            }
            waiting.remove(s);
            handed.merge(s.entry().owner(), 1, Integer::sum);
            return Optional.of(1);
        }
    }

    private final Table table = new Table();
    private final List<TrainRun> enqueued = new ArrayList<>();

    private List<String> ids(List<TrainRun> jobs) {
        return jobs.stream().map(TrainRun::runId).toList();
    }

    @Test
    void usersTakeTurnsAndNoneHasMoreThanTheirShareInJobRunr() {
        for (int i = 1; i <= 5; i++) {
            table.submit("user:ana", "ana-" + i);
        }
        table.submit("user:bob", "bob-1");
        table.submit("user:cy", "cy-1");
        table.submit("user:bob", "bob-2");
        RunDispatcher d = new RunDispatcher(table, 2, enqueued::add);

        // round 1: each user's oldest, the user waiting longest first; round 2: each user's next
        assertEquals(List.of("ana-1", "bob-1", "cy-1", "ana-2", "bob-2"), ids(d.dispatch()));
        assertEquals(ids(enqueued), List.of("ana-1", "bob-1", "cy-1", "ana-2", "bob-2"), "every run handed is enqueued");
        // ana has 2 in JobRunr: her 3 others wait, whoever comes next
        table.submit("user:dan", "dan-1");
        assertEquals(List.of("dan-1"), ids(d.dispatch()));
        assertEquals(List.of(), d.dispatch());
        // one of ana's ends: her next goes
        table.handed.merge("user:ana", -1, Integer::sum);
        assertEquals(List.of("ana-3"), ids(d.dispatch()));
    }

    @Test
    void aRunAnotherNodeHandedFirstIsNotEnqueuedTwice() {
        table.submit("user:ana", "ana-1");
        table.submit("user:bob", "bob-1");
        table.takenByAnotherNode.add("ana-1");
        List<TrainRun> handed = new RunDispatcher(table, 1, enqueued::add).dispatch();
        assertEquals(List.of("bob-1"), ids(handed));
        assertEquals(List.of("bob-1"), ids(enqueued));
    }

    @Test
    void theJobOfAHandOffHasOneIdWhoeverEnqueuesIt() {
        assertEquals(new TrainRun("r", 2).jobId(), new TrainRun("r", 2).jobId());
        assertTrue(!new TrainRun("r", 2).jobId().equals(new TrainRun("r", 3).jobId()), "a resume is a new job");
        assertThrows(IllegalArgumentException.class, () -> new RunDispatcher(table, 0, enqueued::add));
    }
}
