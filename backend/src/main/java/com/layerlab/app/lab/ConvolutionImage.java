package com.layerlab.app.lab;

import java.util.List;

/**
 * An image for the convolution explainer, already small enough to step through: 1 (grey) or 3 (RGB)
 * channels of {@code height x width} values in [0, 1], channel-major. The convolution runs on one
 * plane of it ({@link #plane}).
 *
 * @param label  what the page calls it ("MNIST image 3 (label 5)", "your upload cat.png")
 * @param values {@code channels * height * width} values, CHW (not copied)
 */
public record ConvolutionImage(String label, int channels, int height, int width, float[] values) {

    /** The planes one can convolve: grey (the luma of a colour image) or one colour channel. */
    public static final String GRAY = "Grey (luma)";
    public static final String RED = "Red channel";
    public static final String GREEN = "Green channel";
    public static final String BLUE = "Blue channel";
    public static final List<String> PLANES = List.of(GRAY, RED, GREEN, BLUE);

    public ConvolutionImage {
        if ((channels != 1 && channels != 3) || height < 1 || width < 1 || values == null
                || values.length != channels * height * width) {
            throw new IllegalArgumentException("an image needs 1 or 3 channels of height*width values, got " + channels
                    + " channels, " + height + "x" + width + ", " + (values == null ? 0 : values.length) + " values");
        }
    }

    public boolean colour() {
        return channels == 3;
    }

    /**
     * One {@code height x width} plane: a grey image's only channel whatever is asked; for a colour
     * image the luma (ITU-R BT.601 weights, as PIL's {@code convert("L")}) or the named channel.
     */
    public float[] plane(String which) {
        int n = height * width;
        float[] out = new float[n];
        if (channels == 1) {
            System.arraycopy(values, 0, out, 0, n);
            return out;
        }
        int channel = switch (which == null ? GRAY : which) {
            case RED -> 0;
            case GREEN -> 1;
            case BLUE -> 2;
            default -> -1;
        };
        if (channel >= 0) {
            System.arraycopy(values, channel * n, out, 0, n);
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = (float) (0.299 * values[i] + 0.587 * values[n + i] + 0.114 * values[2 * n + i]);
            }
        }
        return out;
    }
}
