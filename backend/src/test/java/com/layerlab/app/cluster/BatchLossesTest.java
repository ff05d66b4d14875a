package com.layerlab.app.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.training.CnnFrames;
import com.layerlab.engine.train.EpochStats;
import com.layerlab.engine.train.StepResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link BatchLosses}: a worker's run's points within its epochs, as the CNN lab's curve has them, a take bounded. */
class BatchLossesTest {

    @Test
    void aPointIsTheMeanLossOfTheBatchesSinceTheLastAboutTwentyFiveAnEpochPerNetwork() {
        BatchLosses losses = new BatchLosses();
        int batches = 100;
        int every = batches / CnnFrames.BATCH_POINTS_PER_EPOCH;
        for (int b = 1; b <= batches; b++) {
            EpochStats end = b == batches ? new EpochStats(1, 0.5, 0.5, null, null) : null;
            losses.stepped(List.of(), List.of(new StepResult(1, b, batches, b, end), new StepResult(1, b, batches, 2 * b, end)));
        }
        List<RunPoints.Point> points = losses.take();
        assertEquals(2 * CnnFrames.BATCH_POINTS_PER_EPOCH, points.size());
        RunPoints.Point first = points.stream().filter(p -> p.network() == 0).findFirst().orElseThrow();
        assertEquals(every, first.batch());
        assertEquals((1 + every) / 2.0, first.trainLoss(), 1e-9, "the mean of batches 1 to " + every);
        RunPoints.Point second = points.stream().filter(p -> p.network() == 1).findFirst().orElseThrow();
        assertEquals(1 + every, second.trainLoss(), 1e-9, "the second network's own");
        assertEquals(List.of(), losses.take(), "taken once");
    }

    @Test
    void aTakeGivesAtMostAHundredPointsMergingNeighbours() {
        List<RunPoints.Point> many = new ArrayList<>();
        for (int i = 1; i <= 1_000; i++) {
            many.add(new RunPoints.Point(0, 0, 1 + (i - 1) / 25, 1 + (i - 1) % 25, 25, i));
        }
        List<RunPoints.Point> merged = BatchLosses.merged(many, BatchLosses.MOST_PER_TAKE);
        assertTrue(merged.size() <= BatchLosses.MOST_PER_TAKE, merged.size() + " points");
        assertEquals(5.5, merged.get(0).trainLoss(), 1e-9, "the first ten's mean");
        assertEquals(many.get(9).x(), merged.get(0).x(), 1e-9, "where the last of them is");
        assertEquals(many.get(999).x(), merged.get(merged.size() - 1).x(), 1e-9);
    }
}
