package com.layerlab.app.lab;

import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.OptimizerSpec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The rule of a challenge's locked controls, in one place: what a student's playground or CNN lab may
 * change of the experiment their teacher pushed. The page disables the locked controls and refuses a change of
 * them; the server's scoring refuses a run that changed one (a student cannot get around a lock by a
 * link of their own).
 */
public final class ControlLocks {

    /**
     * The controls a challenge can lock, in the order the teacher's form lists them: the playground's
     * ({@link #PLAYGROUND}) and the CNN lab's ({@link #CNN}).
     */
    public enum Control {
        DATASET("Data set"), FEATURES("Features"), LAYERS("Layers"), NEURONS("Neurons"), ACTIVATION("Activation"),
        LEARNING_RATE("Learning rate"), REGULARIZATION("Regularisation"),
        /** the CNN lab's model: its layers, in order, with their arguments, and its input shape */
        LAYER_STACK("Layer stack"),
        /** the CNN lab's optimizer: which one, and its settings other than the learning rate */
        OPTIMIZER("Optimizer");

        private final String label;

        Control(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** The playground's controls, in the form's order. */
    public static final List<Control> PLAYGROUND = List.of(Control.DATASET, Control.FEATURES, Control.LAYERS,
            Control.NEURONS, Control.ACTIVATION, Control.LEARNING_RATE, Control.REGULARIZATION);
    /** The CNN lab's controls, in the form's order. */
    public static final List<Control> CNN = List.of(Control.DATASET, Control.LAYER_STACK, Control.OPTIMIZER,
            Control.LEARNING_RATE);

    /** A new hidden layer's neurons where the student may add layers but not change neurons, when the pushed network has none. */
    static final int NEW_LAYER_NEURONS = 4;
    /** A new hidden layer's activation where the student may add layers but not change activations, when the pushed network has none. */
    static final String NEW_LAYER_ACTIVATION = "Tanh";

    private ControlLocks() {
    }

    /**
     * {@code wanted} with every control that is not in {@code unlocked} set back to {@code pushed}'s
     * (what a student's page applies, whatever link they opened). Controls outside this list (the view
     * options, the seed of the starting weights, the epochs to train, the backend) stay the student's.
     *
     * <p>What each control covers:
     * <ul>
     * <li>{@link Control#DATASET}: everything the data panel shows: the problem, the data set (a point set
     *     too) and its classes and size, the noise, the ratio of training to test data, the batch size, and
     *     the data seed (its "regenerate" button): locked, every student trains on the teacher's points.</li>
     * <li>{@link Control#FEATURES}: the input features.</li>
     * <li>{@link Control#LAYERS}: how many hidden layers.</li>
     * <li>{@link Control#NEURONS}: the neurons of each hidden layer.</li>
     * <li>{@link Control#ACTIVATION}: each hidden layer's activation, and the binary classifier's sigmoid
     *     output (the network panel's output choice).</li>
     * <li>{@link Control#LEARNING_RATE}: the learning rate.</li>
     * <li>{@link Control#REGULARIZATION}: its type and its rate.</li>
     * </ul>
     *
     * <p>Layers and neurons apart: with {@link Control#LAYERS} unlocked and {@link Control#NEURONS} locked, a
     * student may add and remove layers, the layers the pushed network has keep its neurons, and a layer
     * it does not have gets the neurons of its last hidden layer (what the page's "add layer" gives:
     * {@link PlaygroundSettings.Builder#addLayer}), {@value #NEW_LAYER_NEURONS} where it has none. With
     * {@link Control#LAYERS} locked and {@link Control#NEURONS} unlocked, the network has the pushed
     * number of layers, each with the student's neurons. Activations follow the same rule: locked, a layer
     * the pushed network does not have gets its last layer's activation ({@value #NEW_LAYER_ACTIVATION}
     * where it has none).
     */
    public static PlaygroundSettings enforce(Set<Control> unlocked, PlaygroundSettings pushed, PlaygroundSettings wanted) {
        Objects.requireNonNull(unlocked, "unlocked");
        Objects.requireNonNull(pushed, "pushed");
        Objects.requireNonNull(wanted, "wanted");
        PlaygroundSettings data = unlocked.contains(Control.DATASET) ? wanted : pushed;
        PlaygroundSettings features = unlocked.contains(Control.FEATURES) ? wanted : pushed;
        PlaygroundSettings rate = unlocked.contains(Control.LEARNING_RATE) ? wanted : pushed;
        PlaygroundSettings reg = unlocked.contains(Control.REGULARIZATION) ? wanted : pushed;
        PlaygroundSettings act = unlocked.contains(Control.ACTIVATION) ? wanted : pushed;

        int count = (unlocked.contains(Control.LAYERS) ? wanted : pushed).hiddenLayers().size();
        List<Integer> neurons = perLayer(count, unlocked.contains(Control.NEURONS), pushed.hiddenLayers(),
                wanted.hiddenLayers(), NEW_LAYER_NEURONS);
        List<String> activations = perLayer(count, unlocked.contains(Control.ACTIVATION), pushed.activations(),
                wanted.activations(), NEW_LAYER_ACTIVATION);

        return new PlaygroundSettings(data.problem(), data.dataset(), data.classes(), data.noise(), data.trainPercent(),
                data.batchSize(), data.samples(), features.features(), neurons, activations, act.sigmoidOutput(),
                rate.learningRate(), reg.regularization(), reg.regularizationRate(), wanted.seed(), data.dataSeed(),
                wanted.epochs(), wanted.showTestData(), wanted.discretize(), wanted.backend());
    }

    /**
     * A per-layer value of {@code count} layers: the student's where the control is unlocked and they
     * have the layer, else the pushed network's, else (a layer it does not have) its last layer's, else
     * {@code fallback}.
     */
    private static <T> List<T> perLayer(int count, boolean free, List<T> pushed, List<T> wanted, T fallback) {
        List<T> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (free && i < wanted.size()) {
                out.add(wanted.get(i));
            } else if (i < pushed.size()) {
                out.add(pushed.get(i));
            } else {
                out.add(pushed.isEmpty() ? fallback : pushed.get(pushed.size() - 1));
            }
        }
        return out;
    }

    /**
     * The first locked control (in {@link Control}'s order) that {@code wanted} changes from {@code pushed},
     * if any: the notice names it. Empty exactly when {@link #enforce} would change nothing that a lock
     * covers, so a page that applies {@code enforce} always passes the server's check.
     */
    public static Optional<Control> violated(Set<Control> unlocked, PlaygroundSettings pushed, PlaygroundSettings wanted) {
        PlaygroundSettings allowed = enforce(unlocked, pushed, wanted);
        for (Control c : PLAYGROUND) {
            if (!unlocked.contains(c) && !same(c, allowed, wanted)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    // ---- the CNN lab ----------------------------------------------------------------------------------

    /**
     * The CNN lab's {@code wanted} experiment with every control of {@link #CNN} not in {@code unlocked}
     * set back to {@code pushed}'s. What each covers: {@link Control#DATASET} the data section (the set,
     * its options such as the image limit, the split, batch size, shuffle, drop_last);
     * {@link Control#LAYER_STACK} the model's layers and the input shape; {@link Control#OPTIMIZER} the
     * optimizer and its settings but the learning rate; {@link Control#LEARNING_RATE} the learning rate.
     * Everything else (the epochs, the seed, the backend, the name) stays the student's.
     */
    public static Experiment enforce(Set<Control> unlocked, Experiment pushed, Experiment wanted) {
        Objects.requireNonNull(unlocked, "unlocked");
        Objects.requireNonNull(pushed, "pushed");
        Objects.requireNonNull(wanted, "wanted");
        // A part is replaced only when it really differs: a student's experiment that keeps every lock comes
        // back equal to itself (a page that applies this to each edit starts no new run for nothing, RunIdentity),
        // even where a link's round trip turned a number's type (options 2 and 2.0).
        Experiment out = wanted;
        if (!unlocked.contains(Control.DATASET) && !same(Control.DATASET, pushed, out)) {
            out = out.withData(pushed.data());
        }
        if (!unlocked.contains(Control.LAYER_STACK) && !same(Control.LAYER_STACK, pushed, out)) {
            out = out.withModel(pushed.model()).withInputShape(pushed.inputShape());
        }
        if (!unlocked.contains(Control.OPTIMIZER) && !same(Control.OPTIMIZER, pushed, out)) {
            // the optimizer's type and settings; its rate is the learning-rate control's
            OptimizerSpec o = pushed.optimizer();
            out = out.withOptimizer(o == null || out.optimizer() == null ? o : o.withLr(out.optimizer().lr()));
        }
        if (!unlocked.contains(Control.LEARNING_RATE) && !same(Control.LEARNING_RATE, pushed, out)) {
            OptimizerSpec o = out.optimizer();
            out = out.withOptimizer(o == null || pushed.optimizer() == null ? pushed.optimizer() : o.withLr(pushed.optimizer().lr()));
        }
        return out;
    }

    /**
     * The first locked control of {@link #CNN} (in the form's order) that {@code wanted} changes from
     * {@code pushed}, if any: the notice names it. Empty exactly when {@link #enforce} changes nothing that a
     * lock covers (it then returns {@code wanted} itself), so a page that applies {@code enforce} always passes
     * the server's check. Values compare as what they mean, not as how a link's round trip typed them: an
     * option or a layer argument of 2 is the same as 2.0.
     */
    public static Optional<Control> violated(Set<Control> unlocked, Experiment pushed, Experiment wanted) {
        Objects.requireNonNull(unlocked, "unlocked");
        Objects.requireNonNull(pushed, "pushed");
        Objects.requireNonNull(wanted, "wanted");
        for (Control c : CNN) {
            if (!unlocked.contains(c) && !same(c, pushed, wanted)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** Whether the CNN lab's {@code a} and {@code b} agree on what {@code c} covers. */
    private static boolean same(Control c, Experiment a, Experiment b) {
        return switch (c) {
            case DATASET -> sameData(a.data(), b.data());
            case LAYER_STACK -> sameValue(a.inputShape(), b.inputShape()) && sameModel(a.model(), b.model());
            case OPTIMIZER -> sameOptimizer(a.optimizer(), b.optimizer());
            case LEARNING_RATE -> a.optimizer() == null || b.optimizer() == null ? a.optimizer() == b.optimizer()
                    : Double.compare(a.optimizer().lr(), b.optimizer().lr()) == 0;
            case FEATURES, LAYERS, NEURONS, ACTIVATION, REGULARIZATION -> true; // not the CNN lab's
        };
    }

    private static boolean sameData(DataSpec a, DataSpec b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Objects.equals(a.dataset(), b.dataset()) && sameValue(a.options(), b.options())
                && Objects.equals(a.features(), b.features()) && sameValue(a.trainFraction(), b.trainFraction())
                && sameValue(a.batchSize(), b.batchSize()) && a.shuffle() == b.shuffle() && a.dropLast() == b.dropLast();
    }

    private static boolean sameModel(List<LayerSpec> a, List<LayerSpec> b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).type().equals(b.get(i).type()) || !sameValue(a.get(i).args(), b.get(i).args())) {
                return false;
            }
        }
        return true;
    }

    /** The optimizer's type and the settings that type has (the file keeps no others), its rate apart. */
    private static boolean sameOptimizer(OptimizerSpec a, OptimizerSpec b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (!a.type().equals(b.type())) {
            return false;
        }
        boolean sgd = OptimizerSpec.SGD.equals(a.type());
        boolean adam = OptimizerSpec.ADAM.equals(a.type());
        return Double.compare(a.weightDecay(), b.weightDecay()) == 0
                && (adam || Double.compare(a.momentum(), b.momentum()) == 0 && a.nesterov() == b.nesterov())
                && (sgd || Double.compare(a.beta1(), b.beta1()) == 0 && Double.compare(a.beta2(), b.beta2()) == 0
                        && Double.compare(a.eps(), b.eps()) == 0);
    }

    /**
     * Whether two JSON-like values (numbers, strings, booleans, lists, maps, null) mean the same: numbers by
     * their value, whatever their Java type (a link's round trip reads 2 as an Integer, a form may give 2.0).
     */
    static boolean sameValue(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            if (!finite(x) || !finite(y)) {
                // NaN and the infinities have no exact decimal (a link never holds them: JSON has none)
                return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
            }
            return numeric(x).compareTo(numeric(y)) == 0;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!sameValue(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (!x.keySet().equals(y.keySet())) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!sameValue(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(a, b);
    }

    private static boolean finite(Number n) {
        return !(n instanceof Double || n instanceof Float) || Double.isFinite(n.doubleValue());
    }

    /** A finite number's exact value (a double as its shortest decimal, so 0.1 and 0.1f differ, 2 and 2.0 do not). */
    private static BigDecimal numeric(Number n) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (n instanceof Double || n instanceof Float) {
            return BigDecimal.valueOf(n.doubleValue());
        }
        return BigDecimal.valueOf(n.longValue());
    }

    /** Whether {@code a} and {@code b} agree on what {@code c} covers. */
    private static boolean same(Control c, PlaygroundSettings a, PlaygroundSettings b) {
        return switch (c) {
            case DATASET -> a.problem().equals(b.problem()) && a.dataset().equals(b.dataset()) && a.classes() == b.classes()
                    && a.noise() == b.noise() && a.trainPercent() == b.trainPercent() && a.batchSize() == b.batchSize()
                    && a.samples() == b.samples() && a.dataSeed() == b.dataSeed();
            case FEATURES -> a.features().equals(b.features());
            case LAYERS -> a.hiddenLayers().size() == b.hiddenLayers().size();
            case NEURONS -> a.hiddenLayers().equals(b.hiddenLayers());
            case ACTIVATION -> a.activations().equals(b.activations()) && a.sigmoidOutput() == b.sigmoidOutput();
            case LEARNING_RATE -> Double.compare(a.learningRate(), b.learningRate()) == 0;
            case REGULARIZATION -> a.regularization().equals(b.regularization())
                    && Double.compare(a.regularizationRate(), b.regularizationRate()) == 0;
            case LAYER_STACK, OPTIMIZER -> true; // not the playground's
        };
    }
}
