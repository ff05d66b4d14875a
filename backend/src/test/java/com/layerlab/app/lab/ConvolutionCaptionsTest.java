package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.layerlab.app.lab.ConvolutionMath.Settings;
import com.layerlab.app.lab.ConvolutionMath.Tap;
import org.junit.jupiter.api.Test;

class ConvolutionCaptionsTest {

    @Test
    void theImageItsSizeAndWhetherItHasColour() {
        assertEquals("Plus sign, 7x7: 7 rows x 7 columns", ConvolutionCaptions.image(ConvolutionImages.sample(ConvolutionImages.PLUS)));
        ConvolutionImage colour = new ConvolutionImage("your upload a.png", 3, 2, 4, new float[24]);
        assertEquals("your upload a.png: 2 rows x 4 columns, colour", ConvolutionCaptions.image(colour));
    }

    @Test
    void theMapsCaptionsGiveTheSizesWithAndWithoutPadding() {
        assertEquals("Input, 16x16", ConvolutionCaptions.input(16, 16, 0));
        assertEquals("Input 20x32 with padding 2 (24x36)", ConvolutionCaptions.input(20, 32, 2));
        ConvolutionMath.Result r = ConvolutionMath.convolve(new float[20 * 32], 20, 32, new float[9], 3, new Settings(2, 1, 1));
        assertEquals("Output feature map, 10x16", ConvolutionCaptions.output(r));
    }

    @Test
    void theShapesLineNamesTheDilatedSpanAndThePositionsWhereTheKernelFits() {
        assertEquals("in 16x16, kernel 3x3, stride 2, padding 1 -> out 8x8 (64 positions)",
                ConvolutionCaptions.shapes(16, 16, 3, new Settings(2, 1, 1)));
        assertEquals("in 16x16, kernel 5x5 (spans 9x9 with dilation 2), stride 1, padding 1 -> out 10x10 (100 positions)",
                ConvolutionCaptions.shapes(16, 16, 5, new Settings(1, 1, 2)));
        // the kernel does not fit: no output to speak of
        assertEquals("in 16x16, kernel 3x3 (spans 17x17 with dilation 8), stride 1, padding 0",
                ConvolutionCaptions.shapes(16, 16, 3, new Settings(1, 0, 8)));
    }

    @Test
    void theWindowsPositionProductsAndSum() {
        float[] in = {1, 2, 3, 4};
        float[] weights = {-1, 0.5f, 8, 1};
        ConvolutionMath.Result r = ConvolutionMath.convolve(in, 2, 2, weights, 2, new Settings(1, 1, 1));
        ConvolutionCursor cursor = new ConvolutionCursor();
        cursor.show(r, weights);
        cursor.moveTo(1, 2);
        assertEquals("Output row 1, column 2 (position 6 of 9)", ConvolutionCaptions.position(cursor));
        ConvolutionMath.Window w = cursor.window();
        assertEquals("2 \u00d7 (-1) = -2", ConvolutionCaptions.product(w.taps().get(0)));
        assertEquals("0 \u00d7 0.5 = 0", ConvolutionCaptions.product(w.taps().get(1)));
        assertEquals("4 \u00d7 8 = 32", ConvolutionCaptions.product(w.taps().get(2)));
        assertEquals("sum of the 4 products = 30 = output[1, 2]", ConvolutionCaptions.sum(w));
        assertEquals("0.333 \u00d7 (-0.25) = -0.083",
                ConvolutionCaptions.product(new Tap(0, 0, 0, 0, false, 1 / 3.0, -0.25, -1 / 12.0)));
    }
}
