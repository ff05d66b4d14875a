package com.layerlab.engine.experiment;

import com.layerlab.engine.nn.AvgPool2d;
import com.layerlab.engine.nn.BatchNorm1d;
import com.layerlab.engine.nn.BatchNorm2d;
import com.layerlab.engine.nn.Conv1d;
import com.layerlab.engine.nn.Conv2d;
import com.layerlab.engine.nn.Conv3d;
import com.layerlab.engine.nn.ConvTranspose2d;
import com.layerlab.engine.nn.Dropout;
import com.layerlab.engine.nn.Flatten;
import com.layerlab.engine.nn.Identity;
import com.layerlab.engine.nn.LeakyReLU;
import com.layerlab.engine.nn.Linear;
import com.layerlab.engine.nn.MaxPool2d;
import com.layerlab.engine.nn.Module;
import com.layerlab.engine.nn.ReLU;
import com.layerlab.engine.nn.Sequential;
import com.layerlab.engine.nn.Sigmoid;
import com.layerlab.engine.nn.Softmax;
import com.layerlab.engine.nn.Tanh;
import com.layerlab.engine.tensor.TensorTooLargeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/** Shape inference, parameter counts and model building for an experiment's {@code model} list. */
public final class Models {

    private Models() {
    }

    /**
     * The per-sample input shape: {@code input_shape} when given (it must agree with a 2D data set's
     * feature count), else the one the data set fixes.
     */
    public static int[] inputShape(Experiment e) {
        List<Integer> given = e.inputShape();
        List<Integer> fromData = e.data() == null || e.data().dataset() == null || !DataSets.isKnown(e.data().dataset())
                ? null : DataSets.inputShape(e.data());
        if (given == null) {
            if (fromData == null) {
                throw new ExperimentException(e.data() == null
                        ? "input_shape is missing (a model-only file needs format, input_shape and model)"
                        : "input_shape is missing: data set \"" + e.data().dataset() + "\" does not fix it");
            }
            return toArray(fromData);
        }
        if (given.isEmpty() || given.size() > 4) {
            throw new ExperimentException("input_shape must list 1 to 4 positive integers (the shape of one sample, "
                    + "without the batch axis), got " + Layers.json(given));
        }
        for (int i = 0; i < given.size(); i++) {
            Integer v = given.get(i);
            if (v == null || v < 1) {
                throw new ExperimentException("input_shape[" + i + "] must be a positive integer, got " + Layers.json(v));
            }
        }
        if (fromData != null && e.data().is2D() && !fromData.equals(given)) {
            throw new ExperimentException("input_shape " + given + " does not agree with data set \"" + e.data().dataset()
                    + "\": its features " + e.data().featuresOrDefault() + " give " + fromData);
        }
        return toArray(given);
    }

    /** Output shape and parameter count of every layer; throws naming the first layer that does not fit. */
    public static ModelSummary inspect(Experiment e) {
        List<LayerSpec> model = e.model();
        if (model == null) {
            throw new ExperimentException("model is missing (a list of layers such as {\"type\": \"Linear\", \"out_features\": 1})");
        }
        if (model.isEmpty()) {
            throw new ExperimentException("model must list at least one layer");
        }
        int[] shape = inputShape(e);
        List<LayerInfo> infos = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < model.size(); i++) {
            Layers.Checked c = Layers.check(i, model.get(i));
            Layers.Inferred r = Layers.infer(c, shape);
            infos.add(new LayerInfo(i, c.type, r.outputShape(), r.params()));
            total = Layers.add(total, r.params());
            shape = r.outputShape();
        }
        return new ModelSummary(infos, total);
    }

    /** Image sets are evaluated (without gradients) in batches of this many images. */
    public static final int IMAGE_EVAL_BATCH = 250;

    /**
     * Estimates the memory training the experiment takes, from its shapes and batch size, before
     * anything is allocated; refuses, naming the layer, a model one of whose tensors would hold more
     * values than an array can (sizes are ints). The data block must give the batch size.
     */
    public static MemoryEstimate memoryEstimate(Experiment e) {
        DataSpec d = e.data();
        if (d == null || d.batchSize() == null) {
            throw new ExperimentException("data.batch_size is missing: the memory a training takes depends on it");
        }
        ModelSummary summary = inspect(e);
        // a 2D set is evaluated whole: the train split (the larger) in one batch; a limited image set's
        // batches hold at most its images
        Object limit = d.options().get("limit");
        int images = limit instanceof Integer n ? n : Integer.MAX_VALUE;
        int points = d.is2D() ? DataSets.samplesBound(d) : 0;
        int evalBatch = d.is2D() ? points : Math.min(IMAGE_EVAL_BATCH, images);
        int batch = Math.min(d.batchSize(), d.is2D() ? points : images);
        int largest = Math.max(batch, evalBatch);
        int[] in = inputShape(e);
        long inCount = Layers.count(in, 0);
        long kept = inCount;
        long evalPeak = 0;
        LayerInfo biggest = null;
        long biggestCount = -1;
        for (LayerInfo l : summary.layers()) {
            long out = Layers.count(l.outputShape(), 0);
            int[] batched = new int[l.outputShape().length + 1];
            batched[0] = largest;
            System.arraycopy(l.outputShape(), 0, batched, 1, l.outputShape().length);
            try {
                TensorTooLargeException.checkedProduct("its output for a batch of " + largest + ", a tensor of shape "
                        + Layers.shape(batched) + ",", largest, out);
            } catch (TensorTooLargeException x) {
                throw new ExperimentException("model[" + l.index() + "] (" + l.type() + "): " + x.getMessage()
                        + "; use fewer channels or features, or a smaller batch");
            }
            kept += out;
            evalPeak = Math.max(evalPeak, inCount + out);
            if (out > biggestCount) {
                biggest = l;
                biggestCount = out;
            }
            inCount = out;
        }
        long activations = 2 * 4 * kept * batch;
        long evaluation = 4 * evalPeak * evalBatch;
        long state;
        try {
            state = Math.multiplyExact(summary.totalParams(), 4L * (2 + optimizerSlots(e.optimizer())));
        } catch (ArithmeticException x) {
            state = Long.MAX_VALUE - activations - evaluation; // far over any bound, and bytes() cannot overflow
        }
        return new MemoryEstimate(batch, evalBatch, activations, evaluation, state, biggest, biggestCount);
    }

    /** Values the optimizer keeps per parameter: SGD's momentum buffer, Adam's two moments. */
    private static int optimizerSlots(OptimizerSpec o) {
        if (o == null) {
            return 0;
        }
        return OptimizerSpec.ADAM.equals(o.type()) ? 2 : o.momentum() > 0 ? 1 : 0;
    }

    static int[] toArray(List<Integer> l) {
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    /**
     * Builds the model with PyTorch's default initialisation, drawn in layer order from
     * {@code new Random(seed)} (0 when the file has no seed): the same file gives the same weights.
     */
    public static Sequential build(Experiment e) {
        return build(e, new Random(e.seedOrZero()));
    }

    /**
     * As {@link #build(Experiment)}, drawing the starting weights from {@code rng}: layer by layer, each
     * layer's weight then its bias. Dropout layers get generators seeded from {@code rng} after all the
     * weights are drawn, so adding or removing a Dropout layer does not change any weight.
     */
    public static Sequential build(Experiment e, Random rng) {
        requireBuildable(inspect(e));
        int[] shape = inputShape(e);
        List<Module> modules = new ArrayList<>();
        List<Integer> dropouts = new ArrayList<>();
        for (int i = 0; i < e.model().size(); i++) {
            Layers.Checked c = Layers.check(i, e.model().get(i));
            modules.add(switch (c.type) {
                case "Linear" -> new Linear(shape[shape.length - 1], c.integer("out_features"), c.bool("bias"), rng);
                case "Conv1d" -> new Conv1d(shape[0], c.integer("out_channels"), c.size("kernel_size"), c.size("stride"),
                        c.size("padding"), c.size("dilation"), c.integer("groups"), c.bool("bias"), rng);
                case "Conv2d" -> new Conv2d(shape[0], c.integer("out_channels"), c.size("kernel_size"), c.size("stride"),
                        c.size("padding"), c.size("dilation"), c.integer("groups"), c.bool("bias"), rng);
                case "Conv3d" -> new Conv3d(shape[0], c.integer("out_channels"), c.size("kernel_size"), c.size("stride"),
                        c.size("padding"), c.size("dilation"), c.integer("groups"), c.bool("bias"), rng);
                case "ConvTranspose2d" -> new ConvTranspose2d(shape[0], c.integer("out_channels"), c.size("kernel_size"),
                        c.size("stride"), c.size("padding"), c.size("output_padding"), c.size("dilation"), c.integer("groups"),
                        c.bool("bias"), rng);
                case "MaxPool2d" -> new MaxPool2d(c.size("kernel_size"), c.size("stride"), c.size("padding"),
                        c.size("dilation"), c.bool("ceil_mode"));
                case "AvgPool2d" -> new AvgPool2d(c.size("kernel_size"), c.size("stride"), c.size("padding"), c.bool("ceil_mode"));
                case "ReLU" -> new ReLU();
                case "Tanh" -> new Tanh();
                case "Sigmoid" -> new Sigmoid();
                case "LeakyReLU" -> new LeakyReLU((float) c.number("negative_slope"));
                case "Identity" -> new Identity();
                case "Flatten" -> new Flatten(c.integer("start_dim"));
                case "Dropout" -> {
                    dropouts.add(i);
                    yield null;
                }
                case "BatchNorm1d" -> new BatchNorm1d(shape[0], c.number("eps"), c.number("momentum"));
                case "BatchNorm2d" -> new BatchNorm2d(shape[0], c.number("eps"), c.number("momentum"));
                case "Softmax" -> new Softmax(c.integer("dim"));
                default -> throw new IllegalStateException(c.where() + "no module for this layer type");
            });
            shape = Layers.infer(c, shape).outputShape();
        }
        for (int i : dropouts) {
            Layers.Checked c = Layers.check(i, e.model().get(i));
            modules.set(i, new Dropout(c.number("p"), new Random(rng.nextLong())));
        }
        return new Sequential(modules);
    }

    /** Refuses, with a message, a model whose weights cannot be held, instead of failing on the allocation. */
    private static void requireBuildable(ModelSummary summary) {
        for (LayerInfo l : summary.layers()) {
            if (l.params() > Integer.MAX_VALUE) {
                throw new ExperimentException(String.format(Locale.ROOT, "model[%d] (%s): %,d parameters are more than "
                        + "one layer can hold (%,d)", l.index(), l.type(), l.params(), Integer.MAX_VALUE));
            }
        }
        long maxBytes = Runtime.getRuntime().maxMemory();
        long weightBytes = 4L * summary.totalParams();
        if (maxBytes != Long.MAX_VALUE && weightBytes > maxBytes) {
            throw new ExperimentException(String.format(Locale.ROOT, "the model has %,d parameters: its float32 weights "
                    + "alone need %,d MiB, more than the %,d MiB this Java VM may use (a smaller model, or a larger -Xmx)",
                    summary.totalParams(), weightBytes >> 20, maxBytes >> 20));
        }
    }
}
