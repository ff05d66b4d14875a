package com.layerlab.app.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.engine.experiment.ExperimentException;
import com.layerlab.engine.train.Checkpoint;
import com.layerlab.engine.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints as files: a round trip, a replacement, a broken file named with its line, and the folder's size cap. */
class RunCheckpointsTest {

    @TempDir
    Path dir;

    @Test
    void aCheckpointGoesToFilesAndComesBackWhole() {
        try (Trainer t = new Trainer(PlaygroundSettings.DEFAULTS.toExperiment())) {
            t.trainEpoch();
            Path c = dir.resolve("000");
            RunCheckpoints.write(c, t.checkpoint());
            t.trainEpoch();
            // the next replaces it whole
            Checkpoint written = t.checkpoint();
            RunCheckpoints.write(c, written);
            Checkpoint read = RunCheckpoints.read(c);
            assertEquals(2, read.epoch());
            assertEquals(written.history(), read.history());
            assertArrayEquals(written.weights(), read.weights());
            assertArrayEquals(written.optimizerState(), read.optimizerState());
            assertEquals(written.experiment().optimizer().lr(), read.experiment().optimizer().lr());
            assertFalse(Files.exists(dir.resolve("000.writing")) || Files.exists(dir.resolve("000.old")));
        }
    }

    @Test
    void aBrokenHistoryIsNamedWithItsLine() throws Exception {
        try (Trainer t = new Trainer(PlaygroundSettings.DEFAULTS.toExperiment())) {
            Path c = dir.resolve("000");
            RunCheckpoints.write(c, t.checkpoint());
            Files.writeString(c.resolve(RunCheckpoints.HISTORY), "epoch,train_loss,test_loss,train_accuracy,test_accuracy\n0,x,1,,\n");
            ExperimentException e = assertThrows(ExperimentException.class, () -> RunCheckpoints.read(c));
            assertTrue(e.getMessage().contains("history.csv line 2: not a number"), e.getMessage());
            Files.delete(c.resolve(RunCheckpoints.WEIGHTS));
            e = assertThrows(ExperimentException.class, () -> RunCheckpoints.read(c));
            assertTrue(e.getMessage().startsWith("cannot read the checkpoint in "), e.getMessage());
        }
    }

    @Test
    void checkpointsDoNotCountInTheEventFilesSizeCap() throws Exception {
        RunLogs.Folder folder = new RunLogs(dir.resolve("runs"), 5, 1000).open("cnn");
        Path c = folder.checkpointDir(0);
        Files.createDirectories(c);
        Files.write(c.resolve("weights.safetensors"), new byte[5000]);
        assertFalse(folder.overCap(), "5,000 bytes of checkpoint, no event files");
        assertTrue(c.startsWith(folder.dir()));
    }
}
