package com.layerlab.app.training;

import static com.layerlab.app.training.TestRuns.POINTS;
import static com.layerlab.app.training.TestRuns.STATUS;
import static com.layerlab.app.training.TestRuns.anonymous;
import static com.layerlab.app.training.TestRuns.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.engine.tensor.BackendProvider;
import com.layerlab.engine.tensor.Backends;
import com.layerlab.engine.tensor.CpuProvider;
import com.layerlab.engine.tensor.Device;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run trains on the device its experiment's backend field asks for, from the runtime's registry; an unavailable one is refused. */
class RunDeviceTest {

    /** A backend this machine lacks, as a provider whose probe found no driver reports it. */
    private static final BackendProvider MISSING = new BackendProvider() {
        @Override
        public String name() {
            return "fakegpu";
        }

        @Override
        public Availability availability() {
            return Availability.missing("no fakegpu driver (libfake.so not found)");
        }

        @Override
        public Device device(int index) {
            throw new AssertionError("a backend that is not available is never asked for a device");
        }
    };

    private final Backends backends = new Backends(List.of(new CpuProvider(), MISSING), (level, line) -> { });
    private TrainingRuntime runtime;

    @TempDir
    Path root;

    @BeforeEach
    void startRuntime() {
        runtime = new TrainingRuntime(backends, new RunLogs(root, 50, 20L << 20), null,
                new TrainingRuntime.Pool(4, 4, Duration.ofMillis(5), "networks"),
                new TrainingRuntime.Pool(1, 1, Duration.ofMillis(5), "image networks"), Duration.ofSeconds(30),
                TrainingRuntime.SignedInRuns.DEFAULTS, Duration.ZERO);
    }

    @AfterEach
    void closeRuntime() {
        runtime.close();
    }

    @Test
    void aBackendNotAvailableHereIsRefusedWithTheRegistrysMessage() throws Exception {
        String expected = assertThrows(Backends.UnavailableException.class, () -> backends.device("fakegpu")).getMessage();

        Run<RunStatus> run = runtime.submit(List.of(POINTS.withBackend("fakegpu")), anonymous(false, 2), STATUS);

        RunStatus s = await(run, st -> st.state() == RunState.FAILED, "refused");
        assertEquals(expected, s.message());
        assertTrue(s.message().contains("no fakegpu driver"), s.message());
        assertTrue(run.device().refused());
        assertNull(run.folder(), "a refused run opens no folder");
        assertTrue(run.history().isEmpty(), "a refused run builds no trainer");
        assertEquals(0, runtime.computingCount(), "a refused run takes no slot");
        assertEquals(Map.of(), runtime.activeRunsPerDevice(), "a refused run is on no device");
    }

    @Test
    void cpuTrainsOnTheCpuDevice() throws Exception {
        Run<RunStatus> run = runtime.submit(List.of(POINTS.withBackend("cpu")), anonymous(false, 2), STATUS);

        await(run, st -> st.state() == RunState.FINISHED, "finished");
        assertEquals(Device.cpu(), run.device().device());
        assertEquals("cpu", run.device().backend());
        assertEquals(backends.providers().get(0).availability().devices().get(0), run.device().name());
        assertEquals(Map.of("cpu:0", 1L), runtime.activeRunsPerDevice());
    }

    @Test
    void autoTakesWhatTheRegistryChooses() throws Exception {
        Run<RunStatus> run = runtime.submit(List.of(POINTS.withBackend(Backends.AUTO)), anonymous(false, 2), STATUS);

        await(run, st -> st.state() == RunState.FINISHED, "finished");
        assertEquals(backends.auto(), run.device().device());
        assertEquals(2, run.history().get(0).size() - 1, "two epochs trained");
    }

    @Test
    void experimentsInLockStepMustAskForOneBackend() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> runtime.submit(
                List.of(POINTS.withBackend("cpu"), POINTS.withBackend("auto")), anonymous(false, 2), STATUS));
        assertTrue(e.getMessage().contains("backends cpu and auto"), e.getMessage());
    }
}
