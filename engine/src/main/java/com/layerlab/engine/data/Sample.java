package com.layerlab.engine.data;

import com.layerlab.engine.tensor.Tensor;
import java.util.Arrays;

/**
 * One item of a {@link Dataset}: an input and its label. The input is either an image as unsigned bytes
 * (0..255, channels-first, what a PIL image is before {@code ToTensor} in PyTorch) or a tensor's values
 * (floats, row-major). The label is a class index (as a float, as {@code CrossEntropyLoss} takes it) or
 * a real value for regression.
 *
 * <p>A sample owns its arrays: datasets make new ones on every {@code get}, so transforms may change
 * them in place.
 */
public final class Sample {

    private final byte[] pixels;
    private final float[] values;
    private final int[] shape;
    private final float label;

    private Sample(byte[] pixels, float[] values, int[] shape, float label) {
        long n = 1;
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("sample shape must be positive, got " + Arrays.toString(shape));
            }
            n *= d;
        }
        int have = pixels != null ? pixels.length : values.length;
        if (n != have) {
            throw new IllegalArgumentException(have + " values do not fill sample shape " + Arrays.toString(shape));
        }
        this.pixels = pixels;
        this.values = values;
        this.shape = shape.clone();
        this.label = label;
    }

    /** An image: bytes 0..255, {@code shape} = [channels, height, width]. */
    public static Sample image(byte[] pixels, int[] shape, float label) {
        if (shape.length != 3) {
            throw new IllegalArgumentException("an image sample has shape [channels, height, width], got "
                    + Arrays.toString(shape));
        }
        return new Sample(pixels, null, shape, label);
    }

    /** Tensor values (floats), any shape. */
    public static Sample tensor(float[] values, int[] shape, float label) {
        return new Sample(null, values, shape, label);
    }

    /** Whether the input is still image bytes (no {@code ToTensor} yet). */
    public boolean isImage() {
        return pixels != null;
    }

    /** The image bytes (owned by this sample); only for {@link #isImage()}. */
    public byte[] pixels() {
        if (pixels == null) {
            throw new IllegalStateException("this sample is a tensor, not image bytes");
        }
        return pixels;
    }

    /** The tensor values (owned by this sample); only when not {@link #isImage()}. */
    public float[] values() {
        if (values == null) {
            throw new IllegalStateException("this sample is image bytes: add ToTensor to the transforms to get floats");
        }
        return values;
    }

    public int[] shape() {
        return shape.clone();
    }

    /** Size of axis {@code d}. */
    public int size(int d) {
        return shape[d];
    }

    public int dim() {
        return shape.length;
    }

    public int numel() {
        return pixels != null ? pixels.length : values.length;
    }

    public float label() {
        return label;
    }

    /** The values as a tensor of the sample's shape (a copy, so the tensor owns its data). */
    public Tensor toTensor() {
        return Tensor.of(values().clone(), shape);
    }

    /** The same label with other image bytes. */
    public Sample withPixels(byte[] newPixels, int[] newShape) {
        return image(newPixels, newShape, label);
    }

    /** The same label with other tensor values. */
    public Sample withValues(float[] newValues, int[] newShape) {
        return tensor(newValues, newShape, label);
    }

    @Override
    public String toString() {
        return (isImage() ? "image " : "tensor ") + Arrays.toString(shape) + ", label " + label;
    }
}
