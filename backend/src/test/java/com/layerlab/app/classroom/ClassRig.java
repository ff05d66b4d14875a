package com.layerlab.app.classroom;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.lab.CnnPresets;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.store.Page;
import com.layerlab.app.training.PointFrames;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunLogs;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.datasets.ImageSets;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.OptimizerSpec;
import com.layerlab.engine.tensor.Backends;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What the classroom's unit tests of the board and the scorer share: a real training runtime (its own
 * folder; closing the rig ends every run it started), Classrooms and ClassEvents stand-ins for one open
 * session ({@link #SESSION}) with its seats and push, and small runs of either lab to train.
 */
final class ClassRig implements AutoCloseable {

    static final long SESSION = 7;

    final TrainingRuntime runtime;
    final Classrooms classrooms = mock(Classrooms.class);
    final ClassEvents events = mock(ClassEvents.class);
    /** The board's (or anyone's) listener of the session's events, null once it stopped listening. */
    final AtomicReference<Consumer<ClassEvent>> listener = new AtomicReference<>();

    /** @param root the runtime's run folders (a test's temporary folder) */
    ClassRig(Path root) {
        // image runs: four at once, one each (ana's and bob's CNN runs train side by side)
        runtime = new TrainingRuntime(Backends.standard(), new RunLogs(root, 50, 20L << 20), null,
                new TrainingRuntime.Pool(8, 8, Duration.ofMillis(20), "networks"),
                new TrainingRuntime.Pool(4, 1, Duration.ofMillis(20), "image networks"), Duration.ofSeconds(30),
                TrainingRuntime.SignedInRuns.DEFAULTS, Duration.ZERO);
        ClassSession session = new ClassSession(SESSION, "ABCDEF", "teach", "Lesson", Instant.now(), false, false, null);
        when(classrooms.openSessions()).thenReturn(List.of(session));
        when(classrooms.currentChallenge(anyLong())).thenReturn(Optional.empty());
        when(classrooms.currentPush(anyLong())).thenReturn(Optional.empty());
        when(events.listen(eq(SESSION), any())).thenAnswer(inv -> {
            listener.set(inv.getArgument(1));
            return (ClassEvents.Registration) () -> listener.set(null);
        });
    }

    static Seat seat(long id, String name, boolean removed) {
        return new Seat(id, SESSION, "visitor:" + name.toLowerCase(java.util.Locale.ROOT), name, Instant.now(), removed);
    }

    /** The session's seats, in joining order. */
    void seats(Seat... seats) {
        when(classrooms.seats(SESSION)).thenReturn(List.of(seats));
    }

    /** The session's current push from now on (and its current challenge, when it is one). */
    Push push(long id, Page lab, String viewState, Challenge challenge) {
        Push p = new Push(id, SESSION, Instant.now(), "Pushed", viewState, null, challenge, null, lab);
        when(classrooms.currentPush(SESSION)).thenReturn(Optional.of(p));
        if (challenge != null) {
            when(classrooms.currentChallenge(SESSION)).thenReturn(Optional.of(p));
        }
        return p;
    }

    /** A playground run of {@code experiment} on {@code page} (the playground's, or another to tell apart). */
    Run<PointFrames.Frame> trainPoints(String owner, String page, Experiment experiment, boolean paused) {
        return runtime.submit(List.of(experiment), new RunOptions(owner, false, page, paused, 0), PointFrames.playground());
    }

    /** A CNN lab run of {@code experiment} (its status for frames: the board reads a CNN run's status and history). */
    Run<RunStatus> trainCnn(String owner, Experiment experiment, boolean paused) {
        return runtime.submit(List.of(experiment), new RunOptions(owner, false, Page.CNN.id(), paused, 0),
                TrainingRuntime.STATUS_FRAMES);
    }

    /**
     * A small, quick CNN on the generated shapes: {@code samples} images (80 % to train), one 4-filter
     * convolution, a pool and a Linear layer; Adam 0.01, 20 epochs (within the app's CNN limit).
     */
    static Experiment smallCnn(int samples) {
        Experiment demo = CnnPresets.byKey(CnnPresets.LINEAR_DEMO, false).experiment();
        return demo.withName("Small CNN")
                .withData(CnnPresets.data(ImageSets.SHAPES, Map.of(ImageSets.SAMPLES, samples)).withBatchSize(32))
                .withModel(List.of(LayerSpec.of("Conv2d", Map.of("out_channels", 4, "kernel_size", 3)), LayerSpec.of("ReLU"),
                        LayerSpec.of("MaxPool2d", Map.of("kernel_size", 4)), LayerSpec.of("Flatten"), LayerSpec.linear(10)))
                .withOptimizer(OptimizerSpec.adam(0.01)).withEpochs(20);
    }

    /** The CNN lab link's query string (without "?") of {@code e}. */
    static String cnnViewState(Experiment e) {
        return ShareLinks.queryString(CnnLinks.query(new CnnLinks.State(e, List.of())));
    }

    static void await(BooleanSupplier p, String what) throws InterruptedException {
        await(p, what, Duration.ofSeconds(30));
    }

    static void await(BooleanSupplier p, String what, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (!p.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("never " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Ends every run the rig's runtime started. */
    @Override
    public void close() {
        runtime.close();
    }
}
