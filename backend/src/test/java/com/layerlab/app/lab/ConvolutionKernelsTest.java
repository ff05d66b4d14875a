package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConvolutionKernelsTest {

    private static double total(float[] w) {
        double s = 0;
        for (float v : w) {
            s += v;
        }
        return s;
    }

    @Test
    void presetsHaveTheClassicWeights() {
        assertEquals(List.of("Identity", "Edge detection", "Sharpen", "Box blur", "Gaussian blur", "Gaussian blur 5x5",
                "Sobel x", "Sobel y"), ConvolutionKernels.presetNames());
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 0, 0, 0, 0}, ConvolutionKernels.preset("Identity").weights());
        assertArrayEquals(new float[] {-1, -1, -1, -1, 8, -1, -1, -1, -1}, ConvolutionKernels.preset("Edge detection").weights());
        assertArrayEquals(new float[] {0, -1, 0, -1, 5, -1, 0, -1, 0}, ConvolutionKernels.preset("Sharpen").weights());
        assertArrayEquals(new float[] {-1, 0, 1, -2, 0, 2, -1, 0, 1}, ConvolutionKernels.preset("Sobel x").weights());
        assertArrayEquals(new float[] {-1, -2, -1, 0, 0, 0, 1, 2, 1}, ConvolutionKernels.preset("Sobel y").weights());
        assertEquals(1 / 9f, ConvolutionKernels.preset("Box blur").weights()[4]);
        assertEquals(0.25f, ConvolutionKernels.preset("Gaussian blur").weights()[4]);
        float[] g5 = ConvolutionKernels.preset("Gaussian blur 5x5").weights();
        assertEquals(25, g5.length);
        assertEquals(36 / 256f, g5[12]);
        // blurs keep brightness, edge finders give 0 on flat areas
        for (String blur : List.of("Identity", "Sharpen", "Box blur", "Gaussian blur", "Gaussian blur 5x5")) {
            assertEquals(1, total(ConvolutionKernels.preset(blur).weights()), 1e-6, blur);
        }
        for (String edge : List.of("Edge detection", "Sobel x", "Sobel y")) {
            assertEquals(0, total(ConvolutionKernels.preset(edge).weights()), 1e-6, edge);
        }
        assertNull(ConvolutionKernels.preset("Emboss"));
    }

    @Test
    void parsesNumbersAndFractions() {
        ConvolutionKernels.Parsed p = ConvolutionKernels.parse(List.of("1/9", "-2/16", ".5", "1e-2", "+3", " 7 ", "-0.25",
                "2.", "0"), 3);
        assertTrue(p.ok(), p.errors().toString());
        assertArrayEquals(new float[] {1 / 9f, -0.125f, 0.5f, 0.01f, 3, 7, -0.25f, 2, 0}, p.weights());
        ConvolutionKernels.Parsed one = ConvolutionKernels.parse(List.of("4"), 1);
        assertArrayEquals(new float[] {4}, one.weights());
    }

    @Test
    void badCellsGetAMessageNamingTheCell() {
        List<String> cells = new ArrayList<>(Collections.nCopies(9, "0"));
        cells.set(1, "abc");
        cells.set(5, "");
        cells.set(6, "1/0");
        cells.set(8, "2000");
        ConvolutionKernels.Parsed p = ConvolutionKernels.parse(cells, 3);
        assertFalse(p.ok());
        assertNull(p.weights());
        assertEquals(List.of(
                "Kernel row 1, column 2: \"abc\" is not a number (use e.g. 2, -0.5 or 1/9).",
                "Kernel row 2, column 3 is empty: type a number such as 0, -1, 0.5 or 1/9.",
                "Kernel row 3, column 1: \"1/0\" is not a number (use e.g. 2, -0.5 or 1/9).",
                "Kernel row 3, column 3: 2000 is too large (weights from -1000 to 1000)."), p.errors());
        boolean[] ok = ConvolutionKernels.validCells(cells);
        assertArrayEquals(new boolean[] {true, false, true, true, true, false, false, true, false}, ok);
        for (String bad : List.of("NaN", "Infinity", "-Infinity", "0x10", "1.5.2", "1d", "2f", "1/2/3", "--1", "e5", "/")) {
            assertFalse(ConvolutionKernels.parse(List.of(bad), 1).ok(), bad);
        }
        assertFalse(ConvolutionKernels.parse(List.of("1", "2"), 1).ok(), "wrong cell count");
        assertFalse(ConvolutionKernels.parse(Collections.nCopies(36, "0"), 6).ok(), "size 6 is not offered");
    }

    @Test
    void resizingKeepsTheMiddle() {
        List<String> identity = ConvolutionKernels.preset("Identity").cells();
        List<String> five = ConvolutionKernels.resize(identity, 3, 5);
        assertEquals(25, five.size());
        assertEquals("1", five.get(12));
        assertEquals(24, Collections.frequency(five, "0"));
        assertEquals(identity, ConvolutionKernels.resize(five, 5, 3));
        List<String> gaussian = ConvolutionKernels.preset("Gaussian blur 5x5").cells();
        assertEquals(List.of("16/256", "24/256", "16/256", "24/256", "36/256", "24/256", "16/256", "24/256", "16/256"),
                ConvolutionKernels.resize(gaussian, 5, 3));
        assertEquals(List.of("36/256"), ConvolutionKernels.resize(gaussian, 5, 1));
    }

    @Test
    void matchesPresetsByValue() {
        assertEquals("Sobel x", ConvolutionKernels.match(new float[] {-1, 0, 1, -2, 0, 2, -1, 0, 1}, 3));
        assertEquals("Box blur", ConvolutionKernels.match(ConvolutionKernels.parse(
                Collections.nCopies(9, "1/9"), 3).weights(), 3));
        assertEquals(ConvolutionKernels.CUSTOM, ConvolutionKernels.match(new float[] {-1, 0, 1, -2, 0, 2, -1, 0, 2}, 3));
        assertEquals(ConvolutionKernels.CUSTOM, ConvolutionKernels.match(null, 3));
        assertEquals("3x3", ConvolutionKernels.label(3));
    }
}
