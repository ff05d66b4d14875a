package com.layerlab.app.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.summary.EventArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app's TensorBoard folders: one per training, the newest kept, each capped in size. */
class RunLogsTest {

    @TempDir
    Path root;

    private Set<String> folders() throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    /** A folder as a finished training leaves it: one run's file in a sub-folder. */
    private RunLogs.Folder finished(RunLogs logs, String page) throws IOException {
        RunLogs.Folder f = logs.open(page);
        Path run = f.runDir("a run");
        Files.createDirectories(run);
        Files.write(run.resolve("events.out.tfevents.1.host.1.0"), new byte[100]);
        f.close();
        return f;
    }

    @Test
    void keepsTheNewestFoldersAndNeverOneInUse() throws IOException {
        RunLogs logs = new RunLogs(root, 3, 1 << 20);
        RunLogs.Folder inUse = logs.open("playground");
        Files.createDirectories(inUse.runDir("x"));
        List<Path> done = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            done.add(finished(logs, "cnn").dir());
        }
        // opening the 6th: of the finished ones only the newest stay beside the one in use (3 in all)
        RunLogs.Folder newest = logs.open("compare");
        Set<String> left = folders();
        assertEquals(Set.of(inUse.dir().getFileName().toString(), done.get(3).getFileName().toString(),
                newest.dir().getFileName().toString()), left);
        assertTrue(newest.dir().getFileName().toString().matches("\\d{8}-\\d{6}-\\d{3}-compare-\\d+"));
        assertEquals(2, logs.activeCount());

        // what this class did not make is never deleted
        Files.createDirectories(root.resolve("my-notes"));
        Files.writeString(root.resolve("README.txt"), "mine");
        inUse.close();
        newest.close();
        for (int i = 0; i < 5; i++) {
            finished(logs, "playground");
        }
        assertTrue(folders().contains("my-notes"));
        assertTrue(folders().contains("README.txt"));
        assertEquals(3, folders().stream().filter(n -> RunLogs.FOLDER.matcher(n).matches()).count());
    }

    @Test
    void aFolderAnotherNodeTrainsInIsKeptAndAPruneThatCannotAskDeletesNothing() throws IOException {
        RunLogs logs = new RunLogs(root, 2, 1 << 20);
        // a worker's run: its folder in the shared root, made there, in use on another node
        Path elsewhere = finished(logs, "api").dir();
        Set<Path> used = new java.util.HashSet<>(Set.of(elsewhere));
        logs.keepAlso(() -> used);
        for (int i = 0; i < 4; i++) {
            finished(logs, "cnn");
        }
        assertTrue(Files.isDirectory(elsewhere), "the other node's run goes on in it");
        assertEquals(2, folders().stream().filter(n -> RunLogs.FOLDER.matcher(n).matches()).count(),
                "it takes its share of the room");

        // the database down: which folders the other nodes use is unknown, so none goes
        logs.keepAlso(() -> {
            throw new RunJournal.Unreachable("down", null);
        });
        Set<String> before = folders();
        finished(logs, "cnn");
        assertTrue(folders().containsAll(before), "nothing deleted while it cannot tell");

        // its run ended: the next prune may delete it as any old folder
        used.clear();
        logs.keepAlso(() -> used);
        finished(logs, "cnn");
        assertFalse(Files.exists(elsewhere));
    }

    @Test
    void anEmptyFolderGoesWhenItsTrainingEnds() throws IOException {
        RunLogs logs = new RunLogs(root, 10, 1 << 20);
        RunLogs.Folder f = logs.open("playground");
        Path run = f.runDir("never trained");
        Files.createDirectories(run);
        Files.write(run.resolve("events.out.tfevents.1.host.1.0"), new byte[10]);
        f.discard(run);
        assertFalse(Files.exists(run));
        f.discard(root); // outside the folder: ignored
        assertTrue(Files.isDirectory(root));
        f.close();
        assertFalse(Files.exists(f.dir()), "nothing trained, nothing kept");
        assertEquals(0, logs.activeCount());
    }

    @Test
    void aFolderOverItsCapGivesNoMoreRunFolders() throws IOException {
        RunLogs logs = new RunLogs(root, 10, 1000);
        RunLogs.Folder f = logs.open("cnn");
        Path first = f.runDir("ReLU: a net");
        assertEquals("000-ReLU-a-net", first.getFileName().toString());
        assertEquals("001-run", f.runDir(null).getFileName().toString());
        Files.createDirectories(first);
        Files.write(first.resolve("events.out.tfevents.1.host.1.0"), new byte[999]);
        assertFalse(f.overCap());
        Files.write(first.resolve("events.out.tfevents.1.host.1.1"), new byte[2]);
        // measured at most once a second
        long end = System.nanoTime() + 3_000_000_000L;
        while (!f.overCap() && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        assertTrue(f.overCap());
        assertTrue(f.isCapped());
        assertNull(f.runDir("more"));
    }

    @Test
    void badSettingsAreRefusedWithTheirNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RunLogs(root, 0, 10));
        assertTrue(e.getMessage().contains("layerlab.runs.keep"), e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RunLogs("", 5, 0)).getMessage()
                .contains("layerlab.runs.max-run-mb"));
        assertEquals(50, new RunLogs("", 50, 20).keep());
    }
}
