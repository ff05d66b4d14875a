package com.layerlab.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.LossSpec;
import com.layerlab.engine.experiment.OptimizerSpec;
import com.layerlab.engine.experiment.RegularizationSpec;
import com.layerlab.engine.train.EventFiles.Kind;
import com.layerlab.engine.train.EventFiles.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLogTest {

    private static List<Value> find(List<Value> values, String tag) {
        return values.stream().filter(v -> tag.equals(v.tag())).toList();
    }

    private static Set<Long> steps(List<Value> values, String tag) {
        return find(values, tag).stream().map(Value::step).collect(Collectors.toSet());
    }

    @Test
    void anImageRunLogsScalarsImagesHistogramsAndHparams(@TempDir Path tmp) {
        Path dir = tmp.resolve("events");
        Experiment e = ImageExperiments.mnist(200, 4, ImageExperiments.TINY_CNN);
        EpochStats start;
        EpochStats end;
        try (Trainer run = new Trainer(e, null)) {
            start = run.stats();
            assertTrue(run.logTo(dir) == run);
            assertEquals(dir, run.logDir());
            assertTrue(run.isLogging());
            assertThrows(IllegalStateException.class, () -> run.logTo(tmp.resolve("other")));
            end = run.trainEpoch();
            run.flushLog();
        }
        List<Path> files = EventFiles.files(dir);
        assertEquals(2, files.size(), "the run's file and the hparams sub-run's: " + files);
        Path main = files.stream().filter(f -> f.getParent().equals(dir)).findFirst().orElseThrow();
        List<Value> v = EventFiles.values(main);

        for (String tag : List.of(RunLog.LOSS_TRAIN, RunLog.LOSS_TEST, RunLog.ACCURACY_TRAIN, RunLog.ACCURACY_TEST,
                RunLog.LEARNING_RATE)) {
            assertEquals(Set.of(0L, 1L), steps(v, tag), tag);
            assertTrue(find(v, tag).stream().allMatch(x -> x.kind() == Kind.SCALAR), tag);
        }
        assertEquals((float) start.testLoss(), find(v, RunLog.LOSS_TEST).get(0).scalar());
        assertEquals((float) end.testLoss(), find(v, RunLog.LOSS_TEST).get(1).scalar());
        assertEquals((float) end.trainAccuracy().doubleValue(), find(v, RunLog.ACCURACY_TRAIN).get(1).scalar());
        assertEquals(0.005f, find(v, RunLog.LEARNING_RATE).get(1).scalar());
        assertEquals(Set.of(1L), steps(v, "gradient/0.Conv2d"), "gradient sizes once there are gradients");
        assertEquals(Set.of(1L), steps(v, "gradient/4.Linear"));
        for (String key : List.of("0.weight", "0.bias", "4.weight", "4.bias")) {
            assertEquals(Set.of(0L, 1L), steps(v, key), key);
            assertTrue(find(v, key).stream().allMatch(x -> x.kind() == Kind.HISTOGRAM), key);
        }
        List<Value> inputs = find(v, RunLog.INPUTS);
        assertEquals(1, inputs.size());
        Value grid = inputs.get(0);
        assertEquals(Kind.IMAGE, grid.kind());
        assertEquals(0, grid.step());
        assertEquals(4 * 28, grid.height(), "16 digits in a 4 x 4 grid");
        assertEquals(4 * 28, grid.width());
        assertEquals(1, grid.channels());
        List<Value> filters = find(v, RunLog.FILTERS);
        assertEquals(2, filters.size(), "the first layer's filters each epoch");
        assertEquals(10, filters.get(1).height(), "four 5 x 5 filters in a 2 x 2 grid");
        assertEquals(10, filters.get(1).width());

        Path hp = files.stream().filter(f -> !f.getParent().equals(dir)).findFirst().orElseThrow();
        List<Value> h = EventFiles.values(hp);
        assertFalse(find(h, "_hparams_/experiment").isEmpty());
        assertFalse(find(h, "_hparams_/session_start_info").isEmpty());
        assertEquals((float) end.testAccuracy().doubleValue(), find(h, "hparam/accuracy_test").get(0).scalar());
        assertEquals((float) end.testLoss(), find(h, "hparam/loss_test").get(0).scalar());
    }

    @Test
    void a2DRunLogsOnlyWhenAskedAndWithoutImages(@TempDir Path tmp) throws Exception {
        Experiment e = Experiment.of("xor", 3, "classification", DataSpec.of2D("xor", 100, 0, null, 0.5, 10),
                List.of(LayerSpec.linear(4), LayerSpec.of("Tanh"), LayerSpec.linear(1)), LossSpec.of("BCEWithLogitsLoss"),
                OptimizerSpec.sgd(0.1), RegularizationSpec.NONE, 2);
        try (Trainer quiet = new Trainer(e)) {
            quiet.trainEpoch();
            assertNull(quiet.logDir());
            assertFalse(quiet.isLogging());
        }
        Path dir = tmp.resolve("xor");
        Trainer run = new Trainer(e);
        run.trainEpoch();
        run.logTo(dir);
        run.trainEpoch();
        run.logTo(null);
        assertFalse(run.isLogging());
        assertEquals(dir, run.logDir(), "still known after logging ended, for a download");
        run.trainEpoch();
        List<Path> files = EventFiles.files(dir);
        assertEquals(2, files.size());
        List<Value> v = EventFiles.values(files.stream().filter(f -> f.getParent().equals(dir)).findFirst().orElseThrow());
        assertEquals(Set.of(1L, 2L), steps(v, RunLog.LOSS_TEST), "from the epoch it started at until it stopped");
        assertEquals(Set.of(1L, 2L), steps(v, RunLog.ACCURACY_TEST));
        assertEquals(Set.of(1L, 2L), steps(v, "gradient/0.Linear"));
        // the only images of a 2D run: its decision boundary with the training points, in colour
        List<Value> images = v.stream().filter(x -> x.kind() == Kind.IMAGE).toList();
        assertEquals(Set.of(RunLog.BOUNDARY), images.stream().map(Value::tag).collect(Collectors.toSet()));
        assertEquals(Set.of(1L, 2L), steps(v, RunLog.BOUNDARY));
        assertEquals(3, images.get(0).channels());
        assertEquals(BoundaryImage.SIZE, images.get(0).height());
        assertEquals(BoundaryImage.SIZE, images.get(0).width());
        assertTrue(Files.size(files.get(0)) > 0);
        run.close();
        assertThrows(IllegalStateException.class, run::trainEpoch);
    }

    @Test
    void aThinnedLogKeepsAFewRecordsPerDecadeAndTheLastEpoch(@TempDir Path tmp) throws Exception {
        Experiment e = Experiment.of("circle", 5, "classification", DataSpec.of2D("circle", 60, 0, null, 0.5, 30),
                List.of(LayerSpec.linear(3), LayerSpec.of("Tanh"), LayerSpec.linear(1)), LossSpec.of("BCEWithLogitsLoss"),
                OptimizerSpec.sgd(0.1), RegularizationSpec.NONE, 100);
        Path dir = tmp.resolve("circle");
        try (Trainer run = new Trainer(e)) {
            run.logTo(dir, LogSchedule.THINNED);
            for (int i = 0; i < 25; i++) {
                run.trainEpoch();
            }
        }
        List<Value> v = EventFiles.values(EventFiles.files(dir).stream().filter(f -> f.getParent().equals(dir))
                .findFirst().orElseThrow());
        Set<Long> all = java.util.stream.LongStream.rangeClosed(0, 25).boxed().collect(Collectors.toSet());
        assertEquals(all, steps(v, RunLog.LOSS_TEST), "scalars at every epoch below 1,000");
        Set<Long> details = Set.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 20L, 25L);
        assertEquals(details, steps(v, RunLog.BOUNDARY), "0 to 10, every 10th, and the last");
        assertEquals(details, steps(v, "0.weight"));
    }

    @Test
    void theScheduleThinsOutByDecades() {
        for (long e = 0; e <= 10; e++) {
            assertTrue(LogSchedule.THINNED.detailsAt(e));
        }
        assertFalse(LogSchedule.THINNED.detailsAt(11));
        assertTrue(LogSchedule.THINNED.detailsAt(90));
        assertTrue(LogSchedule.THINNED.detailsAt(100));
        assertFalse(LogSchedule.THINNED.detailsAt(150));
        assertTrue(LogSchedule.THINNED.detailsAt(200));
        assertTrue(LogSchedule.THINNED.scalarsAt(999));
        assertFalse(LogSchedule.THINNED.scalarsAt(1001));
        assertTrue(LogSchedule.THINNED.scalarsAt(1010));
        assertFalse(LogSchedule.THINNED.scalarsAt(10_010));
        assertTrue(LogSchedule.THINNED.scalarsAt(10_100));
        assertTrue(LogSchedule.EVERY_EPOCH.detailsAt(12_345));
        long recorded = java.util.stream.LongStream.rangeClosed(0, 100_000).filter(LogSchedule.THINNED::scalarsAt).count();
        assertTrue(recorded < 3_500, "about 1,000 per decade after the first 1,000: " + recorded);
    }
}
