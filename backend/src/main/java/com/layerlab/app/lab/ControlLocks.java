package com.layerlab.app.lab;

import com.layerlab.engine.experiment.Experiment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The rule of a challenge's locked controls, in one place: what a student's playground may change of
 * the experiment their teacher pushed. The page disables the locked controls and refuses a change of
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
        // TODO(h1)
        throw new UnsupportedOperationException("not yet");
    }

    /** The first locked control of {@link #CNN} that {@code wanted} changes from {@code pushed}, if any. */
    public static Optional<Control> violated(Set<Control> unlocked, Experiment pushed, Experiment wanted) {
        // TODO(h1)
        throw new UnsupportedOperationException("not yet");
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
