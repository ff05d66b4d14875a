package com.layerlab.app.ui.classroom;

import com.layerlab.app.lab.CnnLayerTypes;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.Models;
import com.layerlab.engine.experiment.OptimizerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A student's network in words, for a teacher reading over their shoulder (StudentRunView): the playground's and the CNN lab's. */
final class RunWords {

    private RunWords() {
    }

    /** A playground network's settings. */
    static String describe(PlaygroundSettings s) {
        String data = s.isPointSet() ? "the student's own point set" : s.dataset();
        StringBuilder t = new StringBuilder();
        t.append("Data: ").append(data);
        if (!s.isRegression()) {
            t.append(" (").append(s.classes()).append(" classes)");
        }
        t.append(", noise ").append(s.noise()).append(" %, ").append(s.trainPercent()).append(" % for training, batch ")
                .append(s.batchSize()).append(". Features: ").append(String.join(", ", s.features())).append(". ");
        if (s.hiddenLayers().isEmpty()) {
            t.append("No hidden layer");
        } else {
            t.append("Hidden layers: ");
            for (int i = 0; i < s.hiddenLayers().size(); i++) {
                t.append(i > 0 ? ", " : "").append(s.hiddenLayers().get(i)).append(' ').append(s.activations().get(i));
            }
        }
        t.append(". Learning rate ").append(PlaygroundSettings.formatRate(s.learningRate())).append(", regularisation ")
                .append(s.regularization().equals("none") ? "none"
                        : s.regularization() + " " + PlaygroundSettings.formatRate(s.regularizationRate()))
                .append(", ").append(s.epochs()).append(" epochs.");
        return t.toString();
    }

    /** A CNN lab experiment's data, input, optimizer, epochs and size (its layers: {@link #layers}). */
    static String describe(Experiment e) {
        StringBuilder t = new StringBuilder();
        DataSpec d = e.data();
        if (d != null) {
            t.append("Data: ").append(d.dataset());
            List<String> options = new ArrayList<>();
            for (Map.Entry<String, Object> o : d.options().entrySet()) {
                options.add(o.getKey() + " " + CnnLayerTypes.text(o.getValue()));
            }
            if (!options.isEmpty()) {
                t.append(" (").append(String.join(", ", options)).append(')');
            }
            if (d.trainFraction() != null) {
                t.append(", ").append(Math.round(100 * d.trainFraction())).append(" % for training");
            }
            if (d.batchSize() != null) {
                t.append(", batch ").append(d.batchSize());
            }
            t.append(". ");
        }
        if (e.inputShape() != null && !e.inputShape().isEmpty()) {
            t.append("Input ").append(String.join(" × ", e.inputShape().stream().map(String::valueOf).toList())).append(". ");
        }
        OptimizerSpec o = e.optimizer();
        if (o != null) {
            t.append("Optimizer ").append(o.type()).append(", learning rate ").append(CnnLayerTypes.text(o.lr()));
            if (OptimizerSpec.SGD.equals(o.type()) && o.momentum() != 0) {
                t.append(", momentum ").append(CnnLayerTypes.text(o.momentum()));
            }
            if (o.weightDecay() != 0) {
                t.append(", weight decay ").append(CnnLayerTypes.text(o.weightDecay()));
            }
            t.append(". ");
        }
        if (e.epochs() != null) {
            t.append(e.epochs()).append(" epochs");
        }
        try {
            t.append(e.epochs() != null ? ", " : "").append(String.format(Locale.ROOT, "%,d parameters",
                    Models.inspect(e).totalParams()));
        } catch (RuntimeException notBuilt) {
            // a model the engine cannot shape: its size unsaid (the student's lab says why)
        }
        String text = t.toString().strip();
        return text.isEmpty() || text.endsWith(".") ? text : text + ".";
    }

    /** The model's layers, one line each: "Conv2d: out_channels 8, kernel_size 3". */
    static List<String> layers(Experiment e) {
        List<String> out = new ArrayList<>();
        for (LayerSpec l : e.model() == null ? List.<LayerSpec>of() : e.model()) {
            List<String> args = new ArrayList<>();
            l.args().forEach((k, v) -> args.add(k + " " + CnnLayerTypes.text(v)));
            out.add(args.isEmpty() ? l.type() : l.type() + ": " + String.join(", ", args));
        }
        return out;
    }
}
