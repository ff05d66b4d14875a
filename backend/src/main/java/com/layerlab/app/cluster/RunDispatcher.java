package com.layerlab.app.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fair hand-off of background runs to JobRunr. JobRunr's open-source edition takes jobs in the order
 * they came (its fair queues are paid), so fairness is decided here, before a run becomes a job: a user's
 * runs enter JobRunr only while that user has fewer than {@code perUser} there not yet ended, and users
 * take turns, one run each per round, the user waiting longest first. A user who submits a hundred runs
 * then holds {@code perUser} places in JobRunr's queue, not a hundred, and everyone else's runs go in
 * between. Every node of the cluster runs it (a conditional update lets one node hand each run), so runs
 * are handed while any node is up.
 */
public class RunDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(RunDispatcher.class);

    private final ClusterStore cluster;
    private final int perUser;
    private final Consumer<TrainRun> enqueue;

    /**
     * @param perUser how many of one user's runs may be in JobRunr at once (not ended), at least 1
     * @param enqueue puts a job into JobRunr (idempotent by {@link TrainRun#jobId})
     */
    public RunDispatcher(ClusterStore cluster, int perUser, Consumer<TrainRun> enqueue) {
        if (perUser < 1) {
            throw new IllegalArgumentException("a user needs at least 1 run at once in the workers' queue, got " + perUser);
        }
        this.cluster = cluster;
        this.perUser = perUser;
        this.enqueue = enqueue;
    }

    /**
     * Hands the waiting runs that fit, fairly.
     *
     * @return the runs this call handed, in the order it handed them
     */
    public List<TrainRun> dispatch() {
        // each owner's waiting runs, oldest first; owners in the order of their oldest waiting run
        Map<String, List<ClusterStore.Shared>> byOwner = new LinkedHashMap<>();
        for (ClusterStore.Shared s : cluster.waiting()) {
            byOwner.computeIfAbsent(s.entry().owner(), o -> new ArrayList<>()).add(s);
        }
        Map<String, Integer> room = new HashMap<>();
        for (String owner : byOwner.keySet()) {
            room.put(owner, perUser - cluster.handed(owner));
        }
        List<TrainRun> handed = new ArrayList<>();
        for (int round = 0; ; round++) {
            boolean any = false;
            for (Map.Entry<String, List<ClusterStore.Shared>> mine : byOwner.entrySet()) {
                String owner = mine.getKey();
                if (round >= mine.getValue().size() || room.get(owner) <= 0) {
                    continue;
                }
                any = true;
                ClusterStore.Shared run = mine.getValue().get(round);
                Optional<Integer> segment = cluster.hand(run.id());
                if (segment.isEmpty()) {
                    // another node handed it, or its owner stopped it meanwhile
                    continue;
                }
                room.merge(owner, -1, Integer::sum);
                TrainRun job = new TrainRun(run.id(), segment.get());
                enqueue.accept(job);
                LOG.info("Run {} handed to the workers (job {}, hand-off {}): owner={} backend={}", run.id(), job.jobId(),
                        job.segment(), owner, run.entry().backend());
                handed.add(job);
            }
            if (!any) {
                return handed;
            }
        }
    }
}
