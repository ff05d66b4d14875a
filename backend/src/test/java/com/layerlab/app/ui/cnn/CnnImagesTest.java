package com.layerlab.app.ui.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.training.CnnFrames;
import com.layerlab.app.ui.components.ImageGrid.Tile;
import java.util.List;
import org.junit.jupiter.api.Test;

class CnnImagesTest {

    @Test
    void featureMapTilesCarryTheirValues() {
        // two channels of 2x2
        List<Tile> maps = CnnImages.featureMaps(new CnnFrames.Planes(new int[] {2, 2, 2},
                new float[] {0, 1, 2, 3, -4, 0, 0, 8}));
        assertEquals(2, maps.size());
        assertEquals("channel 0: min 0.00, mean 1.50, max 3.00", maps.get(0).tooltip());
        assertEquals("channel 1: min -4.00, mean 1.00, max 8.00", maps.get(1).tooltip());
        assertNull(maps.get(0).caption());

        // a short vector shows its numbers, five to a line
        Tile logits = CnnImages.featureMaps(new CnnFrames.Planes(new int[] {6},
                new float[] {0.5f, -1.25f, 2, 0, 0, 3.456f})).get(0);
        assertEquals("0.50 -1.25 2.00 0.00 0.00\n3.46", logits.caption());
        assertEquals("6 values: min -1.25, mean 0.784, max 3.46", logits.tooltip());

        Tile longer = CnnImages.featureMaps(new CnnFrames.Planes(new int[] {11}, new float[11])).get(0);
        assertNull(longer.caption());
        assertEquals("11 values: min 0.00, mean 0.00, max 0.00", longer.tooltip());
    }

    @Test
    void theWrongOnlyFilterKeepsTheImagesWhoseFirstGuessIsNotTheirClass() {
        List<CnnFrames.Guess> guesses = List.of(
                new CnnFrames.Guess(10, 3, new int[] {3, 1, 2}, new float[] {0.7f, 0.2f, 0.1f}),
                new CnnFrames.Guess(11, 3, new int[] {1, 3, 2}, new float[] {0.5f, 0.4f, 0.1f}),
                new CnnFrames.Guess(12, 0, new int[] {2, 0, 1}, new float[] {0.4f, 0.3f, 0.3f}),
                new CnnFrames.Guess(13, 0, new int[] {0, 2, 1}, new float[] {0.9f, 0.05f, 0.05f}));
        assertFalse(CnnImages.wrong(guesses.get(0)));
        assertTrue(CnnImages.wrong(guesses.get(1)), "right only in second place is wrong");
        assertEquals(List.of(0, 1, 2, 3), CnnImages.shown(guesses, false));
        assertEquals(List.of(1, 2), CnnImages.shown(guesses, true));
        assertEquals(List.of(), CnnImages.shown(List.of(guesses.get(0)), true));
    }
}
