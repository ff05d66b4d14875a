package com.layerlab.engine.experiment;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An experiment's model as PyTorch code, in the course's style: a class whose {@code __init__} builds
 * the layers of one {@code nn.Sequential}, a {@code forward} method, the loss and optimizer, and a
 * {@code __main__} block that loads LayerLab's weights file and runs the model on a random batch.
 *
 * <p>The class subclasses {@code nn.Sequential} (an {@code nn.Module}) instead of holding one in an
 * attribute: its {@code state_dict()} keys are then {@code "0.weight"}, {@code "0.bias"}, ... exactly the
 * keys of LayerLab's safetensors weights (FORMAT.md), so {@code model.load_state_dict(load_file(path))}
 * works with no renaming. Layer arguments carry PyTorch's names; the inferred {@code in_features},
 * {@code in_channels} and {@code num_features} are written out, other arguments only where they differ
 * from PyTorch's defaults.
 */
public final class PyTorchExport {

    /** Capitalised words that are Python keywords, so not valid class names. */
    private static final Set<String> PYTHON_KEYWORDS = Set.of("True", "False", "None");

    /** Where the docstring's lines are wrapped. */
    private static final int TEXT_WIDTH = 92;
    /** The shape comments line up after the layer calls, except after one this long: it would push them all far right. */
    private static final int ALIGN_WIDTH = 76;

    private PyTorchExport() {
    }

    /** The Python module for the experiment's model; throws {@link ExperimentException} if the experiment is invalid. */
    public static String code(Experiment e) {
        ExperimentFiles.validate(e);
        ModelSummary summary = Models.inspect(e);
        int[] input = Models.inputShape(e);
        String cls = className(e.name());

        List<String> layerLines = new ArrayList<>();
        List<String> shapeComments = new ArrayList<>();
        List<Integer> weighted = new ArrayList<>();
        int[] shape = input;
        for (int i = 0; i < e.model().size(); i++) {
            Layers.Checked c = Layers.check(i, e.model().get(i));
            layerLines.add(layer(c, shape) + ",");
            int[] out = summary.layers().get(i).outputShape();
            shapeComments.add("# " + i + ": " + batched(out));
            if (c.type.equals("Linear") || c.type.startsWith("Conv")) {
                weighted.add(i);
            }
            shape = out;
        }

        StringBuilder py = new StringBuilder();
        header(py, e, cls, summary, input);
        py.append("import torch\n");
        py.append("from torch import nn\n\n");
        py.append("INPUT_SHAPE = ").append(tuple(input)).append("  # one sample, without the batch axis\n\n\n");

        py.append("class ").append(cls).append("(nn.Sequential):\n");
        py.append("    # An nn.Sequential (itself an nn.Module) rather than an nn.Module that holds one: its\n");
        py.append("    # state_dict() keys are then \"0.weight\", \"0.bias\", ..., those of LayerLab's weights file.\n");
        py.append("    def __init__(self):\n");
        py.append("        super().__init__(\n");
        int width = layerLines.stream().mapToInt(String::length).filter(n -> n <= ALIGN_WIDTH).max().orElse(0);
        for (int i = 0; i < layerLines.size(); i++) {
            String l = layerLines.get(i);
            py.append("            ").append(l).append(" ".repeat(Math.max(width - l.length(), 0) + 2))
                    .append(shapeComments.get(i)).append('\n');
        }
        py.append("        )\n\n");
        py.append("    def forward(self, x):\n");
        py.append("        for layer in self:\n");
        py.append("            x = layer(x)\n");
        py.append("        return x\n");

        boolean regularized = !e.regularization().type().equals("none") && e.regularization().rate() > 0 && !weighted.isEmpty();
        if (e.loss() != null || e.optimizer() != null) {
            py.append("\n\n");
            lossAndOptimizer(py, e, summary, regularized);
        }
        if (regularized) {
            py.append("\n\n");
            regularization(py, e.regularization(), weighted);
        }

        py.append("\n\n");
        py.append("if __name__ == \"__main__\":\n");
        py.append("    import sys\n");
        py.append("    from safetensors.torch import load_file\n\n");
        py.append("    model = ").append(cls).append("()\n");
        py.append("    # the weights LayerLab saved: python this_file.py [weights.safetensors]\n");
        py.append("    weights = sys.argv[1] if len(sys.argv) > 1 else \"weights.safetensors\"\n");
        py.append("    model.load_state_dict(load_file(weights))\n");
        boolean modes = e.model().stream().anyMatch(l -> l.type().equals("Dropout") || l.type().startsWith("BatchNorm"));
        py.append(modes ? "    model.eval()  # Dropout passes values through, BatchNorm uses its running statistics\n"
                : "    model.eval()\n");
        py.append("    x = torch.rand(4, *INPUT_SHAPE)  # a random batch of 4 samples\n");
        py.append("    with torch.no_grad():\n");
        py.append("        y = model(x)\n");
        py.append("    print(model)\n");
        py.append("    print(y.shape)  # torch.Size(").append(list(prepend(4, summary.outputShape()))).append(")\n");
        return py.toString();
    }

    /**
     * A Python class name from the experiment's name: its ASCII letters and digits, each word
     * capitalised ("CIFAR-10 tutorial model" gives {@code CIFAR10TutorialModel}); {@code Model} when
     * nothing is left, and prefixed with {@code Model} when it would start with a digit.
     */
    public static String className(String name) {
        StringBuilder b = new StringBuilder();
        if (name != null) {
            for (String word : name.split("[^A-Za-z0-9]+")) {
                if (!word.isEmpty()) {
                    b.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
                }
            }
        }
        if (b.length() == 0) {
            return "Model";
        }
        if (Character.isDigit(b.charAt(0))) {
            b.insert(0, "Model");
        }
        String s = b.toString();
        return PYTHON_KEYWORDS.contains(s) ? s + "Model" : s;
    }

    // ---- the module docstring

    private static void header(StringBuilder py, Experiment e, String cls, ModelSummary summary, int[] input) {
        String title = e.name() == null || e.name().isBlank() ? "A model" : text(e.name().strip());
        StringBuilder about = new StringBuilder();
        DataSpec d = e.data();
        if (d != null && d.is2D()) {
            List<String> f = d.featuresOrDefault();
            about.append("Input: one sample holds the ").append(f.size()).append(f.size() == 1 ? " feature " : " features ")
                    .append(text(String.join(", ", f))).append(f.size() == 1 ? "" : " (in this order)")
                    .append(", a tensor of shape ").append(list(input)).append("; ");
        } else {
            about.append("Input: one sample is a tensor of shape ").append(list(input)).append(axes(input)).append("; ");
        }
        about.append("the model takes a batch of shape ").append(batched(input)).append(" and gives ")
                .append(batched(summary.outputShape())).append(". ");
        about.append(String.format(Locale.ROOT, "%,d parameter%s.", summary.totalParams(), summary.totalParams() == 1 ? "" : "s"));
        if (d != null) {
            about.append(" Trained in LayerLab on data set ").append(text(d.dataset()));
            if (!d.options().isEmpty()) {
                List<String> opts = new ArrayList<>();
                for (Map.Entry<String, Object> o : d.options().entrySet()) {
                    opts.add(o.getKey() + " " + Layers.json(o.getValue()));
                }
                about.append(" (").append(text(String.join(", ", opts))).append(")");
            }
            about.append(", ").append(percent(d.trainFraction())).append(" % of it for training, batches of ")
                    .append(d.batchSize()).append(d.shuffle() ? ", shuffled" : ", in order")
                    .append(d.dropLast() ? ", dropping the last short batch" : "")
                    .append(e.epochs() == null ? "" : ", " + e.epochs() + (e.epochs() == 1 ? " epoch" : " epochs")).append('.');
        } else if (e.loss() == null && e.optimizer() == null) {
            about.append(" The experiment file is model-only: it names no data, loss or optimizer.");
        }
        py.append(wrap("\"\"\"" + title + ": exported from LayerLab as PyTorch code."));
        py.append('\n').append(wrap(about.toString()));
        py.append("\nLayerLab's weights file loads into this model as it is:\n\n");
        py.append("    from safetensors.torch import load_file\n");
        py.append("    model = ").append(cls).append("()\n");
        py.append("    model.load_state_dict(load_file(\"weights.safetensors\"))\n");
        py.append("\"\"\"\n");
    }

    /** A paragraph broken into lines of at most {@value #TEXT_WIDTH} characters where it has spaces to break at. */
    private static String wrap(String paragraph) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder();
        for (String word : paragraph.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > TEXT_WIDTH) {
                out.append(line).append('\n');
                line.setLength(0);
            }
            line.append(line.length() == 0 ? "" : " ").append(word);
        }
        return out.append(line).append('\n').toString();
    }

    private static String axes(int[] s) {
        return switch (s.length) {
            case 2 -> " (channels, length)";
            case 3 -> " (channels, height, width)";
            case 4 -> " (channels, depth, height, width)";
            default -> "";
        };
    }

    /** Text for inside the docstring: no backslash or quote can end it, no line break can split it. */
    private static String text(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\' || ch == '"') {
                b.append('\\').append(ch);
            } else if (Character.isISOControl(ch) || ch == '\u2028' || ch == '\u2029') {
                b.append(' ');
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }

    // ---- layers

    /** One layer's constructor call; {@code in} is the layer's per-sample input shape. */
    static String layer(Layers.Checked c, int[] in) {
        List<String> a = new ArrayList<>();
        switch (c.type) {
            case "Linear" -> {
                a.add("in_features=" + in[in.length - 1]);
                a.add("out_features=" + c.integer("out_features"));
                bias(a, c);
            }
            case "Conv1d", "Conv2d", "Conv3d", "ConvTranspose2d" -> {
                a.add("in_channels=" + in[0]);
                a.add("out_channels=" + c.integer("out_channels"));
                a.add("kernel_size=" + size(c.size("kernel_size")));
                size(a, c, "stride", 1);
                size(a, c, "padding", 0);
                if (c.type.equals("ConvTranspose2d")) {
                    size(a, c, "output_padding", 0);
                }
                size(a, c, "dilation", 1);
                if (c.integer("groups") != 1) {
                    a.add("groups=" + c.integer("groups"));
                }
                bias(a, c);
            }
            case "MaxPool2d", "AvgPool2d" -> {
                int[] k = c.size("kernel_size");
                a.add("kernel_size=" + size(k));
                if (!Arrays.equals(c.size("stride"), k)) {
                    a.add("stride=" + size(c.size("stride")));
                }
                size(a, c, "padding", 0);
                if (c.type.equals("MaxPool2d")) {
                    size(a, c, "dilation", 1);
                }
                if (c.bool("ceil_mode")) {
                    a.add("ceil_mode=True");
                }
            }
            case "LeakyReLU" -> {
                if (c.number("negative_slope") != 0.01) {
                    a.add("negative_slope=" + number(c.number("negative_slope")));
                }
            }
            case "Flatten" -> {
                if (c.integer("start_dim") != 1) {
                    a.add("start_dim=" + c.integer("start_dim"));
                }
            }
            case "Dropout" -> {
                if (c.number("p") != 0.5) {
                    a.add("p=" + number(c.number("p")));
                }
            }
            case "BatchNorm1d", "BatchNorm2d" -> {
                a.add("num_features=" + in[0]);
                if (c.number("eps") != 1e-5) {
                    a.add("eps=" + number(c.number("eps")));
                }
                if (c.number("momentum") != 0.1) {
                    a.add("momentum=" + number(c.number("momentum")));
                }
            }
            // PyTorch's own default is dim=None (an implicit, deprecated choice); FORMAT.md's is 1
            case "Softmax" -> a.add("dim=" + c.integer("dim"));
            case "ReLU", "Tanh", "Sigmoid", "Identity" -> {
            }
            default -> throw c.error("has no PyTorch export");
        }
        return "nn." + c.type + "(" + String.join(", ", a) + ")";
    }

    private static void bias(List<String> a, Layers.Checked c) {
        if (!c.bool("bias")) {
            a.add("bias=False");
        }
    }

    private static void size(List<String> a, Layers.Checked c, String name, int dflt) {
        int[] v = c.size(name);
        if (Arrays.stream(v).anyMatch(x -> x != dflt)) {
            a.add(name + "=" + size(v));
        }
    }

    /** A size as PyTorch takes it: one int when every axis agrees, else a tuple. */
    private static String size(int[] v) {
        return Arrays.stream(v).allMatch(x -> x == v[0]) ? Integer.toString(v[0]) : tuple(v);
    }

    // ---- loss, optimizer, regularization

    private static void lossAndOptimizer(StringBuilder py, Experiment e, ModelSummary summary, boolean regularized) {
        py.append("def make_loss_and_optimizer(model):\n");
        py.append("    \"\"\"The loss and optimizer LayerLab trains this model with");
        py.append(regularized ? "; add regularization(model) to the loss.\"\"\"\n" : ".\"\"\"\n");
        LossSpec loss = e.loss();
        if (loss != null) {
            String out = batched(summary.outputShape());
            String note = switch (loss.type()) {
                case LossSpec.CROSS_ENTROPY -> "output: logits " + out + "; target: class indices [N] (torch.long)";
                case LossSpec.BCE_WITH_LOGITS -> "output: logits " + out + "; target: " + out + " of 0.0 or 1.0";
                default -> "output and target: " + out;
            };
            py.append("    loss_fn = nn.").append(loss.type()).append("()  # ").append(note).append('\n');
        } else {
            py.append("    loss_fn = None  # the experiment file names no loss\n");
        }
        OptimizerSpec o = e.optimizer();
        if (o != null) {
            List<String> a = new ArrayList<>();
            a.add("model.parameters()");
            a.add("lr=" + number(o.lr()));
            if (o.type().equals(OptimizerSpec.SGD)) {
                if (o.momentum() != 0) {
                    a.add("momentum=" + number(o.momentum()));
                }
                if (o.weightDecay() != 0) {
                    a.add("weight_decay=" + number(o.weightDecay()));
                }
                if (o.nesterov()) {
                    a.add("nesterov=True");
                }
            } else {
                if (o.beta1() != OptimizerSpec.DEFAULT_BETA1 || o.beta2() != OptimizerSpec.DEFAULT_BETA2) {
                    a.add("betas=(" + number(o.beta1()) + ", " + number(o.beta2()) + ")");
                }
                if (o.eps() != OptimizerSpec.DEFAULT_EPS) {
                    a.add("eps=" + number(o.eps()));
                }
                if (o.weightDecay() != 0) {
                    a.add("weight_decay=" + number(o.weightDecay()));
                }
            }
            py.append("    optimizer = torch.optim.").append(o.type()).append("(").append(String.join(", ", a)).append(")\n");
        } else {
            py.append("    optimizer = None  # the experiment file names no optimizer\n");
        }
        py.append("    return loss_fn, optimizer\n");
    }

    /** TensorFlow Playground's penalty, as LayerLab adds it to the loss: weights of Linear and conv layers, no biases. */
    private static void regularization(StringBuilder py, RegularizationSpec r, List<Integer> weighted) {
        boolean l1 = r.type().equals("L1");
        String rate = number(r.rate());
        py.append("def regularization(model):\n");
        py.append("    \"\"\"").append(r.type()).append(" regularization as LayerLab adds it to the loss (TensorFlow Playground's\n");
        py.append("    sense): ").append(rate).append(l1 ? " * the sum of |w|" : " * 0.5 * the sum of w^2")
                .append(" over the weights, biases left out.\"\"\"\n");
        StringBuilder ws = new StringBuilder();
        for (int i : weighted) {
            ws.append(ws.length() == 0 ? "" : ", ").append("model[").append(i).append("].weight");
        }
        py.append("    weights = [").append(ws).append("]\n");
        py.append("    return ").append(rate).append(l1 ? " * sum(w.abs().sum() for w in weights)\n"
                : " * 0.5 * sum(w.pow(2).sum() for w in weights)\n");
    }

    // ---- Python literals

    /** A float as Python's repr writes it: {@code 0.01}, {@code 2.0}, {@code 1e-05}. */
    static String number(double v) {
        if (v == 0) {
            return "0.0";
        }
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        double abs = Math.abs(v);
        if (abs >= 1e-4 && abs < 1e16) {
            String s = d.toPlainString();
            return s.contains(".") ? s : s + ".0";
        }
        int exponent = d.precision() - d.scale() - 1;
        String digits = d.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (v < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                + String.format(Locale.ROOT, "%02d", Math.abs(exponent));
    }

    private static String tuple(int[] v) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return b.append(v.length == 1 ? ",)" : ")").toString();
    }

    private static String list(int[] v) {
        return Arrays.toString(v);
    }

    private static String batched(int[] v) {
        return list(v).replaceFirst("^\\[", "[N, ");
    }

    private static int[] prepend(int n, int[] v) {
        int[] r = new int[v.length + 1];
        r[0] = n;
        System.arraycopy(v, 0, r, 1, v.length);
        return r;
    }

    private static String percent(double fraction) {
        double p = fraction * 100;
        long r = Math.round(p);
        return Math.abs(p - r) < 1e-9 ? Long.toString(r) : number(p);
    }
}
