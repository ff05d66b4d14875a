package com.layerlab.app.ui.playground;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.PointSets;
import com.layerlab.app.training.BackendChoices;
import com.layerlab.engine.tensor.Backends;
import com.layerlab.app.training.PointFrames;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.RunStatus;
import com.layerlab.engine.train.Trainer;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.internal.ConstantPool;
import com.vaadin.flow.internal.JsonCodec;
import com.vaadin.flow.server.VaadinSession;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one pushed frame of a playground run costs the server, measured in one thread: making it
 * ({@link PointFrames#frame}), showing it in the page's components (the calls of
 * {@code PlaygroundView.showFrame}) and encoding the page's changes as the JSON Vaadin pushes
 * ({@code NodeChange.toJson}, as {@code UidlWriter} does). CPU time and allocation per frame, and the
 * JSON's size, over a run of the default network at about 12 epochs a frame (120 epochs a second, 10
 * frames a second); first the same for a page open ({@link #pages}). Not a test: a measurement to compare
 * before and after a change, in one JVM (README "Load test"). {@code -Dframes.dump} and {@code -Dpages.dump}
 * print the last frame's or page's changes, one line each.
 *
 * <pre>java -cp ... com.layerlab.app.ui.playground.FrameCost [frames and pages, e.g. 600]</pre>
 */
public final class FrameCost {

    private static final int EPOCHS_PER_FRAME = 12;

    public static void main(String[] args) {
        int frames = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        pages(threads, frames);
        UI ui = new UI();
        ui.getInternals().setSession(new OneThreadSession());
        UI.setCurrent(ui);
        PlaygroundSettings s = PlaygroundSettings.DEFAULTS;
        PlayerControls player = new PlayerControls(() -> { }, () -> { }, () -> { }, () -> { }, () -> { });
        NetworkPanel network = new NetworkPanel(change -> { });
        OutputPanel output = new OutputPanel(new DrawingBoard(), change -> { }, () -> { });
        ui.add(player, network, output);
        network.show(s, Set.of());
        output.show(s, Optional.empty());
        ConstantPool pool = new ConstantPool();
        long pageBytes = encode(ui, pool, false)[1];

        Trainer trainer = new Trainer(s.toExperiment()).reportSteps(true);
        PointFrames maker = PointFrames.playground();
        maker.started(List.of(trainer));
        long seen = 0;
        long make = 0, show = 0, json = 0, bytes = 0, changes = 0, calls = 0, alloc = 0, allocMake = 0, allocShow = 0;
        int measured = 0;
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < EPOCHS_PER_FRAME * trainer.batchesPerEpoch(); i++) {
                trainer.step();
            }
            RunStatus status = new RunStatus(RunState.RUNNING, false, null, trainer.epoch(), trainer.batchInEpoch(),
                    trainer.batchesPerEpoch(), 100_000, 0, 0, 0, s.learningRate());
            long a0 = threads.getCurrentThreadAllocatedBytes();
            long t0 = threads.getCurrentThreadCpuTime();
            PointFrames.Frame frame = maker.frame(status, List.of(trainer), seen);
            seen = maker.version();
            long t1 = threads.getCurrentThreadCpuTime();
            long aMade = threads.getCurrentThreadAllocatedBytes();
            // PlaygroundView.showFrame's calls, in its order
            player.showPlaying(true);
            player.showProgress(status);
            output.showWhere("on cpu backend, this machine");
            if (frame.points() != null) {
                output.showPoints(frame.points().get(0), s.isRegression());
            }
            output.showSnapshot(frame.items().get(0).snapshot(), trainer.history());
            network.showSnapshot(frame.items().get(0).snapshot());
            long t2 = threads.getCurrentThreadCpuTime();
            long aShown = threads.getCurrentThreadAllocatedBytes();
            long[] encoded = encode(ui, pool, f == frames - 1 && System.getProperty("frames.dump") != null);
            long t3 = threads.getCurrentThreadCpuTime();
            long a1 = threads.getCurrentThreadAllocatedBytes();
            if (f >= frames / 3) { // the first third warms the JIT up
                measured++;
                make += t1 - t0;
                show += t2 - t1;
                json += t3 - t2;
                changes += encoded[0];
                calls += encoded[2];
                bytes += encoded[1];
                alloc += a1 - a0;
                allocMake += aMade - a0;
                allocShow += aShown - aMade;
            }
        }
        System.out.printf("FrameCost: %d frames measured (epoch %d at the end), initial page JSON %,d bytes%n",
                measured, trainer.epoch(), pageBytes);
        System.out.printf("  per frame: make %.3f ms, show %.3f ms, encode %.3f ms (CPU); %.1f changes, %.1f JavaScript calls, %,d JSON bytes, %,d bytes allocated%n",
                make / 1e6 / measured, show / 1e6 / measured, json / 1e6 / measured,
                (double) changes / measured, (double) calls / measured, bytes / measured, alloc / measured);
        System.out.printf("  allocated per frame: make %,d, show %,d, encode %,d bytes%n", allocMake / measured,
                allocShow / measured, (alloc - allocMake - allocShow) / measured);
        trainer.close();
    }

    /**
     * The playground's view built and encoded as on a page open: its parts as {@code PlaygroundView}'s
     * constructor and {@code syncControls} make them (not the run it starts), then the page's first JSON.
     */
    private static void pages(com.sun.management.ThreadMXBean threads, int pages) {
        PointSets pointSets = new PointSets(Path.of(System.getProperty("java.io.tmpdir"), "framecost-points"), null);
        BackendChoices backends = BackendChoices.of(Backends.standard());
        long cpu = 0, alloc = 0, bytes = 0, changes = 0;
        int measured = 0;
        for (int p = 0; p < pages; p++) {
            long a0 = threads.getCurrentThreadAllocatedBytes();
            long t0 = threads.getCurrentThreadCpuTime();
            UI ui = new UI();
            ui.getInternals().setSession(new OneThreadSession());
            UI.setCurrent(ui);
            PlaygroundSettings s = PlaygroundSettings.DEFAULTS;
            PlayerControls player = new PlayerControls(() -> { }, () -> { }, () -> { }, () -> { }, () -> { });
            SettingsSelects selects = new SettingsSelects(change -> { }, backends);
            PointSetControls ownData = new PointSetControls(pointSets, () -> "nobody", set -> { }, () -> { });
            DataPanel data = new DataPanel(ownData, change -> { });
            NetworkPanel network = new NetworkPanel(change -> { });
            OutputPanel output = new OutputPanel(new DrawingBoard(), change -> { }, () -> { });
            ui.add(player, selects, data, network, output);
            selects.show(s, Set.of());
            data.show(s, Set.of());
            network.show(s, Set.of());
            output.show(s, Optional.empty());
            long[] encoded = encode(ui, new ConstantPool(), p == pages - 1 && System.getProperty("pages.dump") != null);
            long t1 = threads.getCurrentThreadCpuTime();
            long a1 = threads.getCurrentThreadAllocatedBytes();
            if (p >= pages / 3) {
                measured++;
                cpu += t1 - t0;
                alloc += a1 - a0;
                changes += encoded[0];
                bytes += encoded[1];
            }
        }
        System.out.printf("FrameCost: %d page opens measured%n  per page: %.3f ms CPU; %.1f changes, %,d JSON bytes, %,d bytes allocated%n",
                measured, cpu / 1e6 / measured, (double) changes / measured, bytes / measured, alloc / measured);
    }

    /** A session for one thread that holds it: what the page's components need to queue their JavaScript calls. */
    private static final class OneThreadSession extends VaadinSession {
        OneThreadSession() {
            super(null);
        }

        @Override
        public boolean hasLock() {
            return true;
        }

        @Override
        public void checkHasLock(String message) {
        }
    }

    /** The page's pending changes and JavaScript calls as Vaadin encodes them for the client: {changes, JSON characters, calls}. */
    private static long[] encode(UI ui, ConstantPool pool, boolean print) {
        long[] counts = new long[3];
        ui.getInternals().getStateTree().runExecutionsBeforeClientResponse();
        ui.getInternals().getStateTree().collectChanges(change -> {
            ObjectNode json = change.toJson(pool);
            counts[0]++;
            counts[1] += json.toString().length();
            if (print) {
                String text = json.toString();
                System.out.println("  change " + text.length() + ": " + text.substring(0, Math.min(160, text.length())));
            }
        });
        // the JavaScript calls queued for the page, with their arguments
        for (var call : ui.getInternals().dumpPendingJavaScriptInvocations()) {
            counts[2]++;
            counts[1] += call.getInvocation().getExpression().length();
            for (Object parameter : call.getInvocation().getParameters()) {
                counts[1] += JsonCodec.encodeWithTypeInfo(parameter).toString().length();
            }
        }
        if (pool.hasNewConstants()) {
            counts[1] += pool.dumpConstants().toString().length();
        }
        return counts;
    }
}
