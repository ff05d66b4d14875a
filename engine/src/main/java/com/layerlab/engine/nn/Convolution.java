package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Tensor;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * What {@link Conv1d}, {@link Conv2d}, {@link Conv3d} and {@link ConvTranspose2d} share (PyTorch's
 * _ConvNd): the arguments, the weight and bias, and PyTorch's default initialisation.
 *
 * <p>Weight layout as PyTorch: {@code [out, in/groups, *kernel]}, or {@code [in, out/groups, *kernel]}
 * for the transposed convolution. Initialisation as PyTorch's reset_parameters: kaiming_uniform_ with
 * a = sqrt(5), which is uniform in [-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = weight.size(1) times
 * the kernel volume, then the bias uniform with the same bound; the weight is drawn first (row-major),
 * then the bias, from the given generator.
 */
public abstract class Convolution extends Module {

    private final String name;
    private final int dims;
    private final boolean transposed;
    private final int inChannels;
    private final int outChannels;
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final int[] outputPadding;
    private final int[] dilation;
    private final int groups;
    private final Tensor weight;
    private final Tensor bias;

    Convolution(String name, int dims, boolean transposed, int in, int out, int[] kernel, int[] stride, int[] padding,
                int[] outputPadding, int[] dilation, int groups, boolean bias, Random rng) {
        this.name = name;
        this.dims = dims;
        this.transposed = transposed;
        if (in <= 0) {
            throw new IllegalArgumentException(name + ": in_channels must be a positive integer, got " + in);
        }
        if (out <= 0) {
            throw new IllegalArgumentException(name + ": out_channels must be a positive integer, got " + out);
        }
        if (groups <= 0) {
            throw new IllegalArgumentException(name + ": groups must be a positive integer, got " + groups);
        }
        if (in % groups != 0) {
            throw new IllegalArgumentException(name + ": in_channels " + in + " is not divisible by groups " + groups);
        }
        if (out % groups != 0) {
            throw new IllegalArgumentException(name + ": out_channels " + out + " is not divisible by groups " + groups);
        }
        if (rng == null) {
            throw new IllegalArgumentException(name + ": the random number generator is null");
        }
        this.inChannels = in;
        this.outChannels = out;
        this.groups = groups;
        this.kernel = sizes(name, "kernel_size", kernel, dims, 1);
        this.stride = sizes(name, "stride", stride, dims, 1);
        this.padding = sizes(name, "padding", padding, dims, 0);
        this.dilation = sizes(name, "dilation", dilation, dims, 1);
        this.outputPadding = transposed ? sizes(name, "output_padding", outputPadding, dims, 0) : null;
        if (transposed) {
            for (int a = 0; a < dims; a++) {
                if (this.outputPadding[a] >= Math.max(this.stride[a], this.dilation[a])) {
                    throw new IllegalArgumentException(name + ": output_padding " + Arrays.toString(this.outputPadding)
                            + " must be smaller than stride " + Arrays.toString(this.stride) + " or dilation "
                            + Arrays.toString(this.dilation));
                }
            }
        }
        int[] shape = new int[dims + 2];
        shape[0] = transposed ? in : out;
        shape[1] = transposed ? out / groups : in / groups;
        long count = (long) shape[0] * shape[1];
        long volume = 1;
        for (int a = 0; a < dims; a++) {
            shape[a + 2] = this.kernel[a];
            volume *= this.kernel[a];
            count *= this.kernel[a];
            if (count > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + ": the weight " + Arrays.toString(shape) + " is larger than one "
                        + "tensor can hold (" + Integer.MAX_VALUE + " values)");
            }
        }
        double bound = 1.0 / Math.sqrt((double) shape[1] * volume);
        this.weight = Tensor.of(Init.uniform(rng, (int) count, bound), shape).requiresGrad(true);
        this.bias = bias ? Tensor.of(Init.uniform(rng, out, bound), out).requiresGrad(true) : null;
    }

    private static int[] sizes(String name, String arg, int[] v, int dims, int min) {
        if (v == null || v.length != dims) {
            throw new IllegalArgumentException(name + ": " + arg + " needs " + dims + (dims == 1 ? " value" : " values")
                    + ", got " + (v == null ? "none" : Arrays.toString(v)));
        }
        for (int x : v) {
            if (x < min) {
                throw new IllegalArgumentException(name + ": " + arg + " must be " + (min == 0 ? "non-negative" : "positive")
                        + ", got " + Arrays.toString(v));
            }
        }
        return v.clone();
    }

    /** x: {@code [N, in, *spatial]}, or {@code [in, *spatial]} for one sample (as PyTorch). */
    @Override
    public Tensor forward(Tensor x) {
        int[] shape = x.shape();
        boolean single = shape.length == dims + 1;
        if ((!single && shape.length != dims + 2) || shape[single ? 0 : 1] != inChannels) {
            String axes = dims == 1 ? "L" : dims == 2 ? "H, W" : "D, H, W";
            throw new IllegalArgumentException(this + ": expects input [N, " + inChannels + ", " + axes + "] (or ["
                    + inChannels + ", " + axes + "]), got " + Arrays.toString(shape));
        }
        Tensor in = single ? x.reshape(prepend(1, shape)) : x;
        Tensor y = transposed
                ? in.convTranspose(weight, bias, stride, padding, outputPadding, dilation, groups)
                : in.conv(weight, bias, stride, padding, dilation, groups);
        if (!single) {
            return y;
        }
        int[] ys = y.shape();
        return y.reshape(Arrays.copyOfRange(ys, 1, ys.length));
    }

    private static int[] prepend(int first, int[] rest) {
        int[] s = new int[rest.length + 1];
        s[0] = first;
        System.arraycopy(rest, 0, s, 1, rest.length);
        return s;
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or null when the layer has none. */
    public Tensor bias() {
        return bias;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    public int[] kernelSize() {
        return kernel.clone();
    }

    public int[] stride() {
        return stride.clone();
    }

    public int[] padding() {
        return padding.clone();
    }

    public int[] dilation() {
        return dilation.clone();
    }

    public int groups() {
        return groups;
    }

    @Override
    public Map<String, Tensor> stateDict() {
        return weightAndBias(weight, bias);
    }

    /** As PyTorch prints it: {@code Conv2d(3, 32, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append('(').append(inChannels).append(", ").append(outChannels)
                .append(", kernel_size=").append(tuple(kernel)).append(", stride=").append(tuple(stride));
        if (Arrays.stream(padding).anyMatch(p -> p != 0)) sb.append(", padding=").append(tuple(padding));
        if (outputPadding != null && Arrays.stream(outputPadding).anyMatch(p -> p != 0)) {
            sb.append(", output_padding=").append(tuple(outputPadding));
        }
        if (Arrays.stream(dilation).anyMatch(d -> d != 1)) sb.append(", dilation=").append(tuple(dilation));
        if (groups != 1) sb.append(", groups=").append(groups);
        if (bias == null) sb.append(", bias=False");
        return sb.append(')').toString();
    }

    static String tuple(int[] v) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < v.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(v[i]);
        }
        return sb.append(v.length == 1 ? ",)" : ")").toString();
    }
}
