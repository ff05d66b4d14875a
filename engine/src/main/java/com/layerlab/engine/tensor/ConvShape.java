package com.layerlab.engine.tensor;

import java.util.Arrays;

/**
 * The geometry of one batched convolution with 1 to 3 spatial axes, as torch.nn.functional.conv1d/2d/3d:
 * input {@code [N, C_in, *in]}, weight {@code [C_out, C_in/groups, *kernel]}, output {@code [N, C_out, *out]}.
 *
 * <p>Internally every convolution is three-dimensional: a convolution with fewer spatial axes gets
 * leading axes of size 1 (kernel 1, stride 1, no padding), so the kernels need only one loop nest.
 * The transposed convolution is this convolution's adjoint: it uses the shape of the convolution that
 * maps its output back to its input ({@link #withOutput}).
 */
public final class ConvShape {

    private final int batch;
    private final int inChannels;
    private final int outChannels;
    private final int groups;
    private final int dims;
    // per axis, always 3 long: depth, height, width
    private final int[] in;
    private final int[] out;
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;

    private ConvShape(int batch, int inChannels, int outChannels, int groups, int dims, int[] in, int[] out,
                      int[] kernel, int[] stride, int[] padding, int[] dilation) {
        this.batch = batch;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.groups = groups;
        this.dims = dims;
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
    }

    /**
     * Checks the arguments and computes the output size of each spatial axis,
     * {@code (in + 2 padding - dilation (kernel - 1) - 1) / stride + 1} rounded down, as PyTorch.
     * The size arrays have one entry per spatial axis (1 to 3).
     */
    public static ConvShape of(int batch, int inChannels, int[] inSize, int outChannels, int[] kernel, int[] stride,
                               int[] padding, int[] dilation, int groups) {
        int dims = inSize.length;
        if (dims < 1 || dims > 3) {
            throw new IllegalArgumentException("convolution: 1 to 3 spatial axes are supported, got " + dims);
        }
        require(batch >= 0, "the batch size must not be negative, got " + batch);
        require(groups >= 1, "groups must be a positive integer, got " + groups);
        require(inChannels >= 1 && inChannels % groups == 0,
                "in_channels " + inChannels + " must be a positive multiple of groups " + groups);
        require(outChannels >= 1 && outChannels % groups == 0,
                "out_channels " + outChannels + " must be a positive multiple of groups " + groups);
        checkLength("kernel_size", kernel, dims, 1);
        checkLength("stride", stride, dims, 1);
        checkLength("padding", padding, dims, 0);
        checkLength("dilation", dilation, dims, 1);
        int[] natural = new int[dims];
        for (int a = 0; a < dims; a++) {
            require(inSize[a] >= 1, "input size " + Arrays.toString(inSize) + " must be positive");
            long span = (long) inSize[a] + 2L * padding[a] - (long) dilation[a] * (kernel[a] - 1) - 1;
            if (span < 0) {
                throw new IllegalArgumentException("convolution: input size " + Arrays.toString(inSize)
                        + " (padded by " + Arrays.toString(padding) + ") is smaller than the kernel "
                        + Arrays.toString(kernel) + " with dilation " + Arrays.toString(dilation));
            }
            long o = span / stride[a] + 1;
            if (o > Integer.MAX_VALUE) {
                throw new TensorTooLargeException("convolution: input size " + Arrays.toString(inSize) + " padded by "
                        + Arrays.toString(padding) + " gives an output size of " + o + ", more than a size can be");
            }
            natural[a] = (int) o;
        }
        // the kernels compute these as ints: per channel plane, kernel volume, a group's unfolded rows
        TensorTooLargeException.checkedProduct("one input channel " + Arrays.toString(inSize), toLongs(inSize));
        TensorTooLargeException.checkedProduct("one output channel " + Arrays.toString(natural), toLongs(natural));
        TensorTooLargeException.checkedProduct("the kernel's unfolded rows (in_channels / groups x kernel_size "
                + Arrays.toString(kernel) + ")", inChannels / groups, TensorTooLargeException.checkedProduct(
                "kernel_size " + Arrays.toString(kernel), toLongs(kernel)));
        return new ConvShape(batch, inChannels, outChannels, groups, dims, pad3(inSize, 1), pad3(natural, 1),
                pad3(kernel, 1), pad3(stride, 1), pad3(padding, 0), pad3(dilation, 1));
    }

    /**
     * The same convolution computing only the first {@code outSize} positions of each axis (at most the
     * natural output size): the adjoint of a transposed convolution whose output_padding leaves some
     * of the natural positions out of its input.
     */
    public ConvShape withOutput(int[] outSize) {
        checkLength("output size", outSize, dims, 1);
        int[] o = pad3(outSize, 1);
        for (int a = 0; a < 3; a++) {
            require(o[a] <= out[a], "output size " + Arrays.toString(outSize) + " exceeds the natural output size "
                    + Arrays.toString(spatial(out)));
        }
        return new ConvShape(batch, inChannels, outChannels, groups, dims, in, o, kernel, stride, padding, dilation);
    }

    private static long[] toLongs(int[] v) {
        return Arrays.stream(v).asLongStream().toArray();
    }

    private static void checkLength(String name, int[] v, int dims, int min) {
        if (v == null || v.length != dims) {
            throw new IllegalArgumentException("convolution: " + name + " needs " + dims + " values, got "
                    + (v == null ? "none" : Arrays.toString(v)));
        }
        for (int x : v) {
            if (x < min) {
                throw new IllegalArgumentException("convolution: " + name + " " + Arrays.toString(v) + " must be "
                        + (min == 0 ? "non-negative" : "positive"));
            }
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("convolution: " + message);
        }
    }

    private static int[] pad3(int[] v, int fill) {
        int[] r = new int[3];
        Arrays.fill(r, fill);
        System.arraycopy(v, 0, r, 3 - v.length, v.length);
        return r;
    }

    private int[] spatial(int[] v3) {
        return Arrays.copyOfRange(v3, 3 - dims, 3);
    }

    public int batch() {
        return batch;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    public int groups() {
        return groups;
    }

    /** The number of spatial axes (1 to 3). */
    public int dims() {
        return dims;
    }

    /** {@code [N, C_in, *in]}. */
    public int[] inputShape() {
        return withLead(batch, inChannels, spatial(in));
    }

    /** {@code [N, C_out, *out]}. */
    public int[] outputShape() {
        return withLead(batch, outChannels, spatial(out));
    }

    /** {@code [C_out, C_in/groups, *kernel]}. */
    public int[] weightShape() {
        return withLead(outChannels, inChannels / groups, spatial(kernel));
    }

    private static int[] withLead(int a, int b, int[] rest) {
        int[] s = new int[rest.length + 2];
        s[0] = a;
        s[1] = b;
        System.arraycopy(rest, 0, s, 2, rest.length);
        return s;
    }

    // ---- sizes the kernels use (public for the backends outside this package); axis 0 = depth, 1 = height, 2 = width

    public int in(int axis) {
        return in[axis];
    }

    public int out(int axis) {
        return out[axis];
    }

    public int kernel(int axis) {
        return kernel[axis];
    }

    public int stride(int axis) {
        return stride[axis];
    }

    public int padding(int axis) {
        return padding[axis];
    }

    public int dilation(int axis) {
        return dilation[axis];
    }

    /** Values in one input channel. */
    public int inPlane() {
        return in[0] * in[1] * in[2];
    }

    /** Output positions per channel: the columns of the unfolded input. */
    public int outPlane() {
        return out[0] * out[1] * out[2];
    }

    public int kernelVolume() {
        return kernel[0] * kernel[1] * kernel[2];
    }

    /** Rows of the unfolded input of one group: (C_in / groups) * kernel volume. */
    public int groupRows() {
        return inChannels / groups * kernelVolume();
    }

    /** A 1x1 kernel with stride 1 and no padding: the input already is its own unfolding. */
    boolean pointwise() {
        for (int a = 0; a < 3; a++) {
            if (kernel[a] != 1 || stride[a] != 1 || padding[a] != 0 || out[a] != in[a]) {
                return false;
            }
        }
        return true;
    }

    /**
     * For a stride-1 convolution with padding at most dilation * (kernel - 1) on every axis, the
     * convolution that computes its input gradient: the output gradient (as input, C_out channels)
     * padded by dilation * (kernel - 1) - padding, with the weight flipped in space and in/out swapped
     * per group ({@link #flipForInputGradient}); null for other convolutions.
     */
    ConvShape inputGradientShape() {
        int[] pad = new int[dims];
        int[] ones = new int[dims];
        for (int a = 0; a < dims; a++) {
            int axis = 3 - dims + a;
            pad[a] = dilation[axis] * (kernel[axis] - 1) - padding[axis];
            ones[a] = 1;
            if (stride[axis] != 1 || pad[a] < 0) {
                return null;
            }
        }
        ConvShape t = of(batch, outChannels, spatial(out), inChannels, spatial(kernel), ones, pad, spatial(dilation), groups);
        return Arrays.equals(t.out, in) ? t : null;
    }

    /** This convolution's weight [C_out, C_in/g, *k] as {@link #inputGradientShape()}'s: [C_in, C_out/g, *k], flipped. */
    float[] flipForInputGradient(float[] w) {
        int coutG = outChannels / groups;
        int cinG = inChannels / groups;
        int k = kernelVolume();
        float[] f = new float[w.length];
        for (int g = 0; g < groups; g++) {
            for (int co = 0; co < coutG; co++) {
                for (int ci = 0; ci < cinG; ci++) {
                    int src = ((g * coutG + co) * cinG + ci) * k;
                    int dst = ((g * cinG + ci) * coutG + co) * k + k - 1;
                    for (int t = 0; t < k; t++) {
                        f[dst - t] = w[src + t];
                    }
                }
            }
        }
        return f;
    }

    @Override
    public String toString() {
        return "ConvShape(input " + Arrays.toString(inputShape()) + ", weight " + Arrays.toString(weightShape())
                + ", output " + Arrays.toString(outputShape()) + ", stride " + Arrays.toString(spatial(stride))
                + ", padding " + Arrays.toString(spatial(padding)) + ", dilation " + Arrays.toString(spatial(dilation))
                + ", groups " + groups + ")";
    }
}
