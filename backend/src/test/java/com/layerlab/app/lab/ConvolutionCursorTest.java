package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.lab.ConvolutionMath.Settings;
import org.junit.jupiter.api.Test;

class ConvolutionCursorTest {

    private static final float[] KERNEL = new float[9];

    /** The output of a 3x3 kernel over a {@code size x size} input of zeros. */
    private static ConvolutionMath.Result result(int size, int stride, int padding) {
        return ConvolutionMath.convolve(new float[size * size], size, size, KERNEL, 3, new Settings(stride, padding, 1));
    }

    @Test
    void stepsRowByRowAndStopsAtTheEnds() {
        ConvolutionCursor c = new ConvolutionCursor();
        assertFalse(c.hasResult());
        c.show(result(4, 1, 0), KERNEL); // 2x2 output
        assertTrue(c.atFirst());
        c.move(-1);
        assertEquals(0, c.position(), "no cell before the first");
        c.move(1);
        assertEquals(0, c.row());
        assertEquals(1, c.col());
        c.move(1);
        assertEquals(1, c.row());
        assertEquals(0, c.col(), "the next row after the row's last cell");
        c.move(5);
        assertTrue(c.atLast());
        assertEquals(3, c.position());
        c.first();
        assertEquals(0, c.position());
        c.last();
        assertEquals(4, c.positions());
        assertEquals(3, c.position());
        c.moveTo(0, 1);
        assertEquals(1, c.position());
        assertThrows(IndexOutOfBoundsException.class, () -> c.moveTo(2, 0));
    }

    @Test
    void aNewResultKeepsTheSameOutputCellWhereItStillExists() {
        ConvolutionCursor c = new ConvolutionCursor();
        c.show(result(8, 1, 1), KERNEL); // 8x8
        c.moveTo(2, 3);
        c.show(result(10, 1, 1), KERNEL); // 10x10: cell (2, 3) is position 23
        assertEquals(2, c.row());
        assertEquals(3, c.col());
        assertEquals(23, c.position());
        c.show(result(8, 3, 1), KERNEL); // 3x3: column 3 is gone
        assertEquals(0, c.position(), "back to the first cell");

        c.moveTo(2, 2);
        c.clear();
        assertFalse(c.hasResult());
        c.show(result(4, 1, 0), KERNEL); // 2x2 after settings that gave none: the last cell at the most
        assertEquals(3, c.position());

        c.rewind();
        c.show(result(8, 1, 1), KERNEL);
        assertEquals(0, c.position(), "a new image starts on the first cell");
    }

    @Test
    void theWindowIsTheOneOfTheCurrentCell() {
        float[] in = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] sumAll = {1, 1, 1, 1};
        ConvolutionCursor c = new ConvolutionCursor();
        c.show(ConvolutionMath.convolve(in, 3, 3, sumAll, 2, new Settings(1, 0, 1)), sumAll);
        c.moveTo(1, 1);
        ConvolutionMath.Window w = c.window();
        assertEquals(1, w.row());
        assertEquals(1, w.col());
        assertEquals(5 + 6 + 8 + 9, w.sum());
    }
}
