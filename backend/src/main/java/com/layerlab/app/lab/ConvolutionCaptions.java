package com.layerlab.app.lab;

import com.layerlab.app.lab.ConvolutionMath.Settings;
import com.layerlab.app.lab.ConvolutionMath.Tap;
import com.layerlab.app.lab.ConvolutionMath.Window;

/**
 * The convolution explainer's sentences with their numbers: the image and its size, the sizes in and
 * out, the captions of the two maps, where the window is, and the products it adds up.
 */
public final class ConvolutionCaptions {

    /** The output's caption when the settings give no convolution. */
    public static final String NO_OUTPUT = "no output: see the message above";

    private ConvolutionCaptions() {
    }

    /** "Checkerboard, 16x16: 16 rows x 16 columns", with ", colour" for a colour image. */
    public static String image(ConvolutionImage image) {
        return image.label() + ": " + image.height() + " rows x " + image.width() + " columns"
                + (image.colour() ? ", colour" : "");
    }

    /** The input's caption: its size, and with padding the padded size too. */
    public static String input(int height, int width, int padding) {
        return padding == 0 ? "Input, " + height + "x" + width
                : "Input " + height + "x" + width + " with padding " + padding + " (" + (height + 2 * padding) + "x"
                        + (width + 2 * padding) + ")";
    }

    /** The output feature map's caption. */
    public static String output(ConvolutionMath.Result result) {
        return "Output feature map, " + result.outHeight() + "x" + result.outWidth();
    }

    /**
     * The sizes in one line: input, kernel (and what a dilated one spans), stride, padding, and the output
     * with its number of positions where the kernel fits.
     */
    public static String shapes(int height, int width, int kernel, Settings s) {
        int oh = ConvolutionMath.outputSize(height, kernel, s.stride(), s.padding(), s.dilation());
        int ow = ConvolutionMath.outputSize(width, kernel, s.stride(), s.padding(), s.dilation());
        int span = ConvolutionMath.span(kernel, s.dilation());
        return "in " + height + "x" + width + ", kernel " + kernel + "x" + kernel
                + (s.dilation() > 1 ? " (spans " + span + "x" + span + " with dilation " + s.dilation() + ")" : "")
                + ", stride " + s.stride() + ", padding " + s.padding()
                + (oh >= 1 && ow >= 1 ? " -> out " + oh + "x" + ow + " (" + oh * ow + " positions)" : "");
    }

    /** "Output row 0, column 2 (position 3 of 64)". */
    public static String position(ConvolutionCursor cursor) {
        return "Output row " + cursor.row() + ", column " + cursor.col() + " (position " + (cursor.position() + 1)
                + " of " + cursor.positions() + ")";
    }

    /** One product of the window: "1 × (-1) = -1" (a negative weight in brackets). */
    public static String product(Tap t) {
        String weight = ConvolutionMath.format(t.weight());
        return ConvolutionMath.format(t.input()) + " \u00d7 " + (t.weight() < 0 ? "(" + weight + ")" : weight) + " = "
                + ConvolutionMath.format(t.product());
    }

    /** "sum of the 9 products = -2 = output[0, 2]". */
    public static String sum(Window w) {
        return "sum of the " + w.taps().size() + " products = " + ConvolutionMath.format(w.sum()) + " = output["
                + w.row() + ", " + w.col() + "]";
    }
}
