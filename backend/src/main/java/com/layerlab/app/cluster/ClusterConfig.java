package com.layerlab.app.cluster;

import com.layerlab.app.training.TrainingRuntime;
import javax.sql.DataSource;
import org.jobrunr.jobs.filters.RetryFilter;
import org.jobrunr.jobs.mappers.JobMapper;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.server.JobActivator;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.common.SqlStorageProviderFactory;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * JobRunr on a node of a cluster (docs/cluster.md), built here rather than by JobRunr's Spring Boot
 * starter so that a single server (the default) starts nothing of it: its job storage in the app's own
 * database (JobRunr makes its {@code jobrunr_*} tables there), a scheduler on every node (the hand-off
 * enqueues with it), and on a worker a background job server that takes {@link TrainRun} jobs.
 *
 * <p>{@code layerlab.node.poll-seconds} (5, JobRunr's least for a database): how often a worker looks for
 * jobs; a worker that stops answering is found dead after 4 times that, and its jobs retried elsewhere.
 * {@code layerlab.node.worker-runs} (0: as many as {@code layerlab.limits.computing} allows): background
 * runs one worker trains at once.
 */
@Configuration
@Conditional(NodeSettings.Clustered.class)
public class ClusterConfig {

    /**
     * JobRunr retries a job this many times (a dead worker's, a node without the run's backend) before it
     * gives up, waiting longer each time (3^n seconds: the tenth try comes after about a day).
     */
    static final int RETRIES = 10;

    @Bean(destroyMethod = "close")
    public StorageProvider jobStorage(DataSource dataSource) {
        StorageProvider storage = SqlStorageProviderFactory.using(dataSource);
        storage.setJobMapper(new JobMapper(new JacksonJsonMapper()));
        return storage;
    }

    @Bean
    public JobRequestScheduler jobScheduler(StorageProvider jobStorage) {
        return new JobRequestScheduler(jobStorage, java.util.List.of(new RetryFilter(RETRIES)));
    }

    /** The worker's job server; null where this node does not train (a web node). Started once the app is up ({@link ClusterNode}). */
    @Bean(destroyMethod = "")
    public JobServerHolder jobServer(NodeSettings node, StorageProvider jobStorage, ApplicationContext context,
                                     TrainingRuntime runtime,
                                     @Value("${layerlab.node.poll-seconds:5}") int pollSeconds,
                                     @Value("${layerlab.node.worker-runs:0}") int workerRuns) {
        if (!node.role().trains()) {
            return new JobServerHolder(null);
        }
        if (pollSeconds < 5) {
            throw new IllegalArgumentException("layerlab.node.poll-seconds must be at least 5 (JobRunr's least for a "
                    + "database), got " + pollSeconds);
        }
        if (workerRuns < 0) {
            throw new IllegalArgumentException("layerlab.node.worker-runs must be 0 (as many as layerlab.limits.computing) "
                    + "or more, got " + workerRuns);
        }
        JobActivator activator = new JobActivator() {
            @Override
            public <T> T activateJob(Class<T> type) {
                return context.getBean(type);
            }
        };
        BackgroundJobServer server = new BackgroundJobServer(jobStorage, new JacksonJsonMapper(), activator,
                BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
                        .andName(node.name())
                        .andPollIntervalInSeconds(pollSeconds)
                        .andWorkerCount(workerRuns == 0 ? runtime.limits().computing() : workerRuns));
        server.setJobFilters(java.util.List.of(new RetryFilter(RETRIES)));
        return new JobServerHolder(server);
    }

    /** The worker's JobRunr server, if this node has one (a bean cannot be null). */
    public record JobServerHolder(BackgroundJobServer server) {
    }

    @Bean
    public RunDispatcher runDispatcher(ClusterStore cluster, TrainingRuntime runtime, JobRequestScheduler jobs) {
        return new RunDispatcher(cluster, Math.max(1, runtime.signedIn().maxTraining()),
                job -> jobs.enqueue(job.jobId(), job));
    }
}
