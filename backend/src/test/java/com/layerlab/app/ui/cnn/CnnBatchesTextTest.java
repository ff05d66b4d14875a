package com.layerlab.app.ui.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.layerlab.engine.experiment.DataSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CNN lab's sentence on how an epoch is cut into batches, in every case (singular, plural, drop_last). */
class CnnBatchesTextTest {

    private static String text(int train, int batch, boolean dropLast) {
        return CnnDataPanel.batchesText(train, new DataSpec("mnist", Map.of(), null, 0.8, batch, true, dropLast));
    }

    @Test
    void fewerImagesThanOneBatch() {
        assertEquals("An epoch is 1 batch of 5 images (fewer than the batch size, 64).", text(5, 64, false));
        assertEquals("An epoch is 1 batch of 1 image (fewer than the batch size, 64).", text(1, 64, false));
        assertEquals("An epoch has no batches: drop_last leaves out all 5 images, fewer than one batch of 64.",
                text(5, 64, true));
    }

    @Test
    void wholeBatches() {
        assertEquals("An epoch is 1 batch of 64.", text(64, 64, false));
        assertEquals("An epoch is 3 batches of 64.", text(192, 64, true));
        assertEquals("An epoch is 1,000 batches of 10.", text(10_000, 10, false));
    }

    @Test
    void aShortLastBatch() {
        assertEquals("An epoch is 2 batches: one of 64 and a last one of 5.", text(69, 64, false));
        assertEquals("An epoch is 4 batches: 3 of 64 and a last one of 48.", text(240, 64, false));
        assertEquals("An epoch is 1 batch of 64; drop_last leaves out the last image.", text(65, 64, true));
        assertEquals("An epoch is 3 batches of 64; drop_last leaves out the last 48 images.", text(240, 64, true));
    }

    @Test
    void noImages() {
        assertEquals("There are no images to train on.", text(0, 64, false));
    }
}
