package com.layerlab.app.cluster;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.jobrunr.jobs.lambdas.JobRequest;

/**
 * The JobRunr job of a background run: train run {@code runId} (its row in training_runs says what) on
 * the worker that takes the job. One job per hand-off ({@code segment}): a resumed run is handed again,
 * as a new job; JobRunr retrying a job (its worker died) gives the same job to another worker.
 *
 * @param runId   the run's id (training_runs.id)
 * @param segment which hand-off of the run this job is (training_runs.segment as it was handed)
 */
public record TrainRun(String runId, int segment) implements JobRequest {

    @Override
    public Class<TrainRunHandler> getJobRequestHandler() {
        return TrainRunHandler.class;
    }

    /** The job's id in JobRunr: the same for the same hand-off, so that enqueueing it twice makes one job. */
    public UUID jobId() {
        return UUID.nameUUIDFromBytes((runId + "/" + segment).getBytes(StandardCharsets.UTF_8));
    }
}
