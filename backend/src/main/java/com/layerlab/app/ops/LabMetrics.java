package com.layerlab.app.ops;

import com.layerlab.app.store.ExperimentRepository;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.RunTally;
import com.layerlab.app.training.TrainingRuntime;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * LayerLab's own metrics, next to Spring Boot's (JVM, HTTP, Hikari): what the training runtime is doing,
 * what the store holds. Prometheus names ({@code /actuator/prometheus}):
 * <ul>
 * <li>{@code layerlab_queue_length}: runs waiting for a training slot;</li>
 * <li>{@code layerlab_runs{state}}: runs by state, for the states a run computes or waits in (queued,
 * running, paused);</li>
 * <li>{@code layerlab_runs_computing{kind}}: runs holding a training slot, 2D ({@code points}) and image runs;</li>
 * <li>{@code layerlab_training_samples_per_second{backend}}: training samples computed a second on each backend,
 * over every model of every run training now;</li>
 * <li>{@code layerlab_runs_started_total{backend}}, {@code layerlab_runs_ended_total{backend,state}}: trainings
 * started and ended since the server started ({@link RunTally});</li>
 * <li>{@code layerlab_experiments_saved}: experiments in the store;</li>
 * <li>{@code layerlab_database_size_bytes}: the database's size, by its own measure (H2: the space its tables
 * take in its file, 0 for an in-memory database; PostgreSQL: {@code pg_database_size}).</li>
 * </ul>
 * Every value is read when scraped, from the runtime's getters and the database; a database that does
 * not answer gives NaN for its two, not an error page.
 */
@Component
public class LabMetrics implements MeterBinder {

    private static final Logger LOG = LoggerFactory.getLogger(LabMetrics.class);
    /** The states a run is in while it trains or may train again (an ended run's thread only rests). */
    private static final List<RunState> LIVE_STATES = List.of(RunState.QUEUED, RunState.RUNNING, RunState.PAUSED);

    private final TrainingRuntime runtime;
    private final ExperimentRepository experiments;
    private final JdbcTemplate jdbc;

    public LabMetrics(TrainingRuntime runtime, ExperimentRepository experiments, JdbcTemplate jdbc) {
        this.runtime = runtime;
        this.experiments = experiments;
        this.jdbc = jdbc;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("layerlab.queue.length", runtime::queueLength)
                .description("Runs waiting for a training slot").register(registry);
        for (RunState state : LIVE_STATES) {
            Gauge.builder("layerlab.runs", () -> count(state)).tag("state", lower(state))
                    .description("Runs by state").register(registry);
        }
        Gauge.builder("layerlab.runs.computing", () -> runtime.computingCount(false)).tag("kind", "points")
                .description("Runs holding a training slot").register(registry);
        Gauge.builder("layerlab.runs.computing", () -> runtime.computingCount(true)).tag("kind", "images")
                .description("Runs holding a training slot").register(registry);
        RunTally tally = runtime.tally();
        for (String backend : tally.backends()) {
            Gauge.builder("layerlab.training.samples.per.second", () -> samplesPerSecond(backend)).tag("backend", backend)
                    .description("Training samples computed a second, over the models of the runs training now")
                    .register(registry);
            FunctionCounter.builder("layerlab.runs.started", tally, t -> t.started(backend)).tag("backend", backend)
                    .description("Trainings started (a finished run trained on starts again)").register(registry);
            for (RunState state : RunState.values()) {
                if (state.ended()) {
                    FunctionCounter.builder("layerlab.runs.ended", tally, t -> t.ended(backend, state))
                            .tags("backend", backend, "state", lower(state))
                            .description("Trainings ended, by how they ended").register(registry);
                }
            }
        }
        Gauge.builder("layerlab.experiments.saved", () -> fromDatabase("count the saved experiments", experiments::count))
                .description("Experiments in the store").register(registry);
        Gauge.builder("layerlab.database.size", () -> fromDatabase("measure the database", this::databaseBytes))
                .baseUnit("bytes").description("The database's size").register(registry);
    }

    private long count(RunState state) {
        return runtime.activeRuns().stream().filter(r -> r.state() == state).count();
    }

    /** A run's samples a second are its first model's; its lock-step models each train as many. */
    private double samplesPerSecond(String backend) {
        double sum = 0;
        for (Run<?> r : runtime.activeRuns()) {
            RunStatus s = r.status();
            if (s.state() == RunState.RUNNING && !s.loading() && Double.isFinite(s.samplesPerSecond())
                    && !r.device().refused() && backend.equals(r.device().backend())) {
                sum += s.samplesPerSecond() * r.experiments().size();
            }
        }
        return sum;
    }

    private long databaseBytes() {
        return jdbc.execute((ConnectionCallback<Long>) c -> {
            String product = c.getMetaData().getDatabaseProductName();
            String query = sizeQuery(product);
            if (query == null) {
                throw new IllegalStateException("no size query for a " + product + " database (H2 and PostgreSQL have one)");
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** How a database of this product measures itself, in bytes; null for one LayerLab does not run on. */
    static String sizeQuery(String product) {
        return switch (product) {
            // the tables' pages in its file (an in-memory database has none)
            case "H2" -> "SELECT COALESCE(SUM(DISK_SPACE_USED(QUOTE_IDENT(TABLE_SCHEMA) || '.' || QUOTE_IDENT(TABLE_NAME))), 0)"
                    + " FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_TYPE = 'BASE TABLE'";
            case "PostgreSQL" -> "SELECT pg_database_size(current_database())";
            default -> null;
        };
    }

    /** The value, or NaN (and a warning in the log) when the database did not give it: down, or slower than Hikari's timeout. */
    private double fromDatabase(String what, Supplier<Number> value) {
        try {
            return value.get().doubleValue();
        } catch (DataAccessException | IllegalStateException e) {
            LOG.warn("Metrics: cannot {}: {}", what, e.getMessage());
            return Double.NaN;
        }
    }

    private static String lower(RunState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
