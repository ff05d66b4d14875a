package com.layerlab.app;

import com.layerlab.app.lab.CnnDataService;
import com.layerlab.app.lab.CnnLimits;
import com.layerlab.app.training.BackendChoices;
import com.layerlab.app.training.CnnFrames;
import com.layerlab.app.training.FrameMaker;
import com.layerlab.app.training.PointFrames;
import com.layerlab.app.training.RunJournal;
import com.layerlab.app.training.RunLogs;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.app.ui.runs.RunPages;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.tensor.Backends;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Builds the app's {@link TrainingRuntime} from the configuration: the {@code layerlab.limits.*} of every
 * run (how many compute at once, runs per user and in all, parameters, training time), the {@code layerlab.live.*} limits of
 * 2D runs (the playground's and the comparison's; read here only), the CNN lab's limits (read in one
 * place, {@link CnnDataService}) for image runs, and the {@code layerlab.runs.*} rules for runs nobody
 * watches (a signed-in user's included) and their checkpoints; and the {@link Backends} its runs train on.
 */
@Configuration
public class TrainingConfig {

    /** Every backend of this build, probed once: where runs train, and what the Devices page lists. */
    @Bean
    public Backends backends() {
        return Backends.standard();
    }

    /**
     * The pages' menu of backends, made once as the app starts: labelling it starts each available
     * backend's device (OpenCL compiles its kernels, about a second on PoCL), which the first pages opened
     * would otherwise wait for, and every page then shares it.
     */
    @Bean
    public BackendChoices backendChoices(Backends backends) {
        return BackendChoices.of(backends);
    }

    /** What becomes of the runs a restart interrupted: their owners resume them, or the server does as it starts. */
    static final String RESUME_KEY = "layerlab.runs.resume-after-restart";
    /** How long an interrupted run nobody resumes is kept (its row and its folder); zero or empty: for ever. */
    static final String EXPIRY_KEY = "layerlab.runs.interrupted-expiry";

    @Bean(destroyMethod = "close")
    public TrainingRuntime trainingRuntime(Backends backends, RunLogs logs, CnnDataService data, RunJournal journal,
                                           @Value("${" + RESUME_KEY + ":manual}") String resumeAfterRestart,
                                           @Value("${" + EXPIRY_KEY + ":7d}") String interruptedExpiry,
                                           @Value("${layerlab.live.max-sessions:32}") int liveSessions,
                                           @Value("${layerlab.live.max-per-visitor:4}") int livePerVisitor,
                                           @Value("${layerlab.live.frame-interval-ms:100}") int liveFrameMs,
                                           @Value("${layerlab.live.max-epochs:10000}") int liveMaxEpochs,
                                           @Value("${layerlab.live.max-epochs-per-second:120}") int liveEpochsPerSecond,
                                           @Value("${layerlab.runs.unwatched-seconds:60}") int unwatchedSeconds,
                                           @Value("${layerlab.runs.checkpoint-seconds:2}") int checkpointSeconds,
                                           @Value("${layerlab.runs.max-unwatched-per-user:2}") int maxUnwatchedPerUser,
                                           @Value("${layerlab.runs.idle-minutes:30}") double idleMinutes,
                                           @Value("${layerlab.limits.computing:0}") int computing,
                                           @Value("${layerlab.limits.slots-per-device:1}") int slotsPerDevice,
                                           @Value("${layerlab.limits.turn-ms:1000}") int turnMs,
                                           @Value("${layerlab.limits.runs-per-user:8}") int runsPerUser,
                                           @Value("${layerlab.limits.runs-total:64}") int runsTotal,
                                           @Value("${layerlab.limits.run-minutes:60}") double runMinutes) {
        if (unwatchedSeconds < 1) {
            throw new IllegalArgumentException("layerlab.runs.unwatched-seconds must be at least 1, got " + unwatchedSeconds);
        }
        if (checkpointSeconds < 0) {
            throw new IllegalArgumentException("layerlab.runs.checkpoint-seconds must be 0 or more, got " + checkpointSeconds);
        }
        if (liveMaxEpochs < 1) {
            throw new IllegalArgumentException("layerlab.live.max-epochs must be at least 1, got " + liveMaxEpochs);
        }
        if (liveEpochsPerSecond < 0) {
            throw new IllegalArgumentException("layerlab.live.max-epochs-per-second must be 0 (no cap) or more, got "
                    + liveEpochsPerSecond);
        }
        if (computing < 0) {
            throw new IllegalArgumentException("layerlab.limits.computing must be 0 (as many as the machine has cores) "
                    + "or more, got " + computing);
        }
        if (!(runMinutes >= 0)) {
            throw new IllegalArgumentException("layerlab.limits.run-minutes must be 0 (no limit) or more, got " + runMinutes);
        }
        if (!resumeAfterRestart.equals("manual") && !resumeAfterRestart.equals("auto")) {
            throw new IllegalArgumentException(RESUME_KEY + " must be manual or auto, got \"" + resumeAfterRestart + "\"");
        }
        CnnLimits cnn = data.limits();
        // one rule in one place: the parameters and epochs the CNN lab's form checks are the runtime's limits too
        TrainingRuntime.Limits limits = new TrainingRuntime.Limits(
                computing == 0 ? Runtime.getRuntime().availableProcessors() : computing, slotsPerDevice,
                Duration.ofMillis(turnMs), runsPerUser, runsTotal, cnn.maxParams(),
                // minutes, a fraction allowed (a test's 0.05 is 3 s)
                Duration.ofMillis(Math.round(runMinutes * 60_000)));
        TrainingRuntime runtime = new TrainingRuntime(backends, logs, data.dataDir(),
                new TrainingRuntime.Pool(liveSessions, livePerVisitor, Duration.ofMillis(liveFrameMs), "networks",
                        liveMaxEpochs, liveEpochsPerSecond),
                new TrainingRuntime.Pool(cnn.maxSessions(), cnn.maxPerVisitor(), cnn.frameInterval(), "image networks",
                        cnn.maxEpochs(), 0),
                limits, Duration.ofSeconds(unwatchedSeconds),
                // minutes, a fraction allowed (a test's 0.05 is 3 s)
                new TrainingRuntime.SignedInRuns(maxUnwatchedPerUser, Duration.ofMillis(Math.round(idleMinutes * 60_000))),
                Duration.ofSeconds(checkpointSeconds), journal, TrainingConfig::pageFrames);
        runtime.restoreInterrupted(resumeAfterRestart.equals("auto"), duration(EXPIRY_KEY, interruptedExpiry));
        return runtime;
    }

    /** A duration as Spring Boot writes them ("7d", "12h", "PT30M"; a bare number is milliseconds); empty: zero. */
    static Duration duration(String key, String value) {
        if (value.isBlank()) {
            return Duration.ZERO;
        }
        Duration d;
        try {
            d = DurationStyle.detectAndParse(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " must be a duration such as 7d, 12h or 0 (never), got \"" + value + "\"");
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException(key + " must be 0 (never) or more, got " + value);
        }
        return d;
    }

    /** How each page draws its runs: a run resumed without its page (after a restart) is drawn so when the page opens it. */
    static FrameMaker<?> pageFrames(String page, List<Experiment> experiments) {
        return switch (page) {
            case RunPages.PLAYGROUND -> PointFrames.playground();
            case RunPages.COMPARE -> PointFrames.comparison();
            case RunPages.CNN -> new CnnFrames(experiments.stream().map(Experiment::name).toList());
            default -> TrainingRuntime.STATUS_FRAMES;
        };
    }
}
