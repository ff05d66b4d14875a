package com.layerlab.app.ui.cnn;

import com.layerlab.app.training.CnnFrames;
import com.layerlab.app.ui.components.ImageGrid.Mode;
import com.layerlab.app.ui.components.ImageGrid.Tile;
import com.layerlab.app.training.PlotData;
import com.layerlab.datasets.ImageSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CNN lab's pictures as {@link ImageGrid} tiles: data set images, test images with their top-3
 * predictions, feature maps and filters. Colours: images as they are (grey or RGB); maps with
 * negative values on the orange-grey-blue scale around 0, non-negative maps (after ReLU or pooling)
 * in grey from 0 to the layer's largest value, so that the channels of one layer compare.
 */
public final class CnnImages {

    /** Channels of one layer shown at most (a wide layer shows its first ones). */
    public static final int MAX_CHANNELS = 64;

    private CnnImages() {
    }

    /** Image {@code index} of a data set, titled with its class. */
    public static Tile dataImage(ImageSet set, int index) {
        String cls = className(set.classNames(), set.label(index));
        return new Tile(set.shape(), set.imageBytes(index), mode(set.channels()), cls, null,
                "image " + index + ": " + cls, false, false);
    }

    private static Mode mode(int channels) {
        return channels >= 3 ? Mode.RGB : Mode.GRAY;
    }

    /** Floats in [0, 1] (clamped) as bytes. */
    public static byte[] unitBytes(float[] v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = PlotData.probabilityByte(v[i]);
        }
        return b;
    }

    /** Whether the model's first guess for a test image is not the image's class. */
    public static boolean wrong(CnnFrames.Guess g) {
        return g.top().length > 0 && g.top()[0] != g.label();
    }

    /** The positions in {@code guesses} of the test images to show: all, or only those guessed wrong. */
    public static List<Integer> shown(List<CnnFrames.Guess> guesses, boolean wrongOnly) {
        List<Integer> shown = new ArrayList<>();
        for (int i = 0; i < guesses.size(); i++) {
            if (!wrongOnly || wrong(guesses.get(i))) {
                shown.add(i);
            }
        }
        return shown;
    }

    /** A test image with the model's top-3 guesses; marked wrong when the first guess is not its class. */
    public static Tile guess(CnnFrames.Planes image, CnnFrames.Guess g, List<String> classes, boolean selected) {
        StringBuilder caption = new StringBuilder();
        for (int k = 0; k < g.top().length; k++) {
            if (k > 0) {
                caption.append('\n');
            }
            caption.append(String.format(Locale.ROOT, "%s %.0f%%", shortName(className(classes, g.top()[k])),
                    g.probabilities()[k] * 100));
        }
        boolean wrong = wrong(g);
        String truth = className(classes, g.label());
        return new Tile(image.shape(), unitBytes(image.values()), mode(image.shape()[0]), truth, caption.toString(),
                "test image " + g.index() + ", class " + truth + (wrong ? " (predicted wrongly)" : ""), wrong, selected);
    }

    /** One tile per channel of a layer's output (at most {@link #MAX_CHANNELS}); one tile for a flat output. */
    public static List<Tile> featureMaps(CnnFrames.Planes out) {
        int[] s = out.shape();
        float[] v = out.values();
        double max = 0;
        boolean negative = false;
        for (float f : v) {
            if (Float.isFinite(f)) {
                max = Math.max(max, Math.abs(f));
                negative |= f < 0;
            }
        }
        List<Tile> tiles = new ArrayList<>();
        if (s.length == 3) {
            int plane = s[1] * s[2];
            for (int c = 0; c < Math.min(s[0], MAX_CHANNELS); c++) {
                tiles.add(new Tile(new int[] {1, s[1], s[2]}, scaled(v, c * plane, plane, max, negative),
                        negative ? Mode.DIVERGING : Mode.GRAY, null, null, "channel " + c + ": " + stats(v, c * plane, plane),
                        false, false));
            }
        } else {
            // a short vector (the logits, say) is read as numbers, not as a strip of colours
            tiles.add(new Tile(new int[] {v.length}, scaled(v, 0, v.length, max, negative),
                    negative ? Mode.DIVERGING : Mode.GRAY, null, v.length <= SHOWN_VALUES ? values(v) : null,
                    v.length + " values: " + stats(v, 0, v.length), false, false));
        }
        return tiles;
    }

    /** Vectors up to this long show their values under the picture. */
    static final int SHOWN_VALUES = 10;

    /** min, mean and max of {@code n} values from {@code from}, for a tile's tooltip. */
    static String stats(float[] v, int from, int n) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (int i = from; i < from + n; i++) {
            min = Math.min(min, v[i]);
            max = Math.max(max, v[i]);
            sum += v[i];
        }
        return n == 0 ? "empty" : String.format(Locale.ROOT, "min %.3g, mean %.3g, max %.3g", min, sum / n, max);
    }

    /** The values, two decimals, five to a line. */
    static String values(float[] v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : i % 5 == 0 ? "\n" : " ").append(String.format(Locale.ROOT, "%.2f", v[i]));
        }
        return b.toString();
    }

    private static byte[] scaled(float[] v, int from, int n, double max, boolean signed) {
        byte[] b = new byte[n];
        double inv = max > 0 ? 1 / max : 1;
        for (int i = 0; i < n; i++) {
            float f = v[from + i];
            b[i] = signed ? PlotData.signedByte(f * inv) : PlotData.probabilityByte(f * inv);
        }
        return b;
    }

    /**
     * The first Conv2d's kernels ({@code [out, in, kh, kw]}) as pictures: colour kernels (3 input
     * channels) in RGB, stretched per kernel from its smallest to its largest weight; others per input
     * channel mean, orange (negative) to blue (positive).
     */
    public static List<Tile> filters(CnnFrames.Planes w) {
        int[] s = w.shape();
        if (s.length != 4) {
            return List.of();
        }
        int out = s[0];
        int in = s[1];
        int kh = s[2];
        int kw = s[3];
        int plane = kh * kw;
        float[] v = w.values();
        List<Tile> tiles = new ArrayList<>();
        for (int o = 0; o < Math.min(out, MAX_CHANNELS); o++) {
            int base = o * in * plane;
            if (in == 3) {
                float lo = Float.POSITIVE_INFINITY;
                float hi = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < 3 * plane; i++) {
                    lo = Math.min(lo, v[base + i]);
                    hi = Math.max(hi, v[base + i]);
                }
                double range = hi > lo ? hi - lo : 1;
                byte[] b = new byte[3 * plane];
                for (int i = 0; i < b.length; i++) {
                    b[i] = PlotData.probabilityByte((v[base + i] - lo) / range);
                }
                tiles.add(new Tile(new int[] {3, kh, kw}, b, Mode.RGB, String.valueOf(o), null, "filter " + o, false, false));
            } else {
                float[] mean = new float[plane];
                double max = 0;
                for (int i = 0; i < plane; i++) {
                    float sum = 0;
                    for (int c = 0; c < in; c++) {
                        sum += v[base + c * plane + i];
                    }
                    mean[i] = sum / in;
                    max = Math.max(max, Math.abs(mean[i]));
                }
                tiles.add(new Tile(new int[] {1, kh, kw}, scaled(mean, 0, plane, max, true), Mode.DIVERGING,
                        String.valueOf(o), null, "filter " + o, false, false));
            }
        }
        return tiles;
    }

    static String className(List<String> classes, int k) {
        return classes != null && k >= 0 && k < classes.size() ? classes.get(k) : String.valueOf(k);
    }

    private static String shortName(String s) {
        return s.length() > 10 ? s.substring(0, 9) + "\u2026" : s;
    }
}
