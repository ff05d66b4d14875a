package com.layerlab.app.lab;

import java.util.Locale;

/**
 * The short text under each boundary of the compare page: first what the activation is (its range and
 * its known trouble), then what the live run shows of that trouble right now.
 */
public final class CompareCaptions {

    /** @param range the fixed facts; @param live what the measured run shows at this epoch */
    public record Caption(String range, String live) {
        public String text() {
            return range + " " + live;
        }
    }

    private CompareCaptions() {
    }

    public static Caption caption(CompareActivation a, CompareStats s) {
        return caption(a, s, true);
    }

    /**
     * The caption of a saved network: what its weights show, without the gradient sizes, which are measured
     * while training and not kept with the weights.
     */
    public static Caption ofWeights(CompareActivation a, CompareStats s) {
        return caption(a, s, false);
    }

    private static Caption caption(CompareActivation a, CompareStats s, boolean gradients) {
        String range = switch (a) {
            case RELU -> "Output in [0, \u221e): slope 1 where active, 0 elsewhere.";
            case LEAKY_RELU -> "Output in (\u2212\u221e, \u221e): slope 1 above zero, 0.01 below.";
            case TANH -> "Output in (\u22121, 1), zero-centred; flat tails at both ends.";
            case SIGMOID -> "Output in (0, 1), not zero-centred; slope at most 0.25.";
            case IDENTITY -> "Output in (\u2212\u221e, \u221e): no non-linearity at all.";
        };
        if (s.hiddenNeurons() == 0) {
            return new Caption(range, "No hidden layer, so this activation is never used: add a hidden layer to compare.");
        }
        String live = switch (a) {
            case RELU -> s.deadNeurons() == 0
                    ? "No dead neurons: each hidden neuron is active on some training point."
                    : count(s.deadNeurons(), s.hiddenNeurons()) + " dead (0 on every training point): no gradient reaches "
                      + (s.deadNeurons() == 1 ? "it, so it has stopped learning." : "them, so they have stopped learning.");
            case LEAKY_RELU -> s.deadNeurons() == 0
                    ? "Every hidden neuron is positive on some training point."
                    : count(s.deadNeurons(), s.hiddenNeurons()) + " negative on every training point, yet still learning"
                      + " through the small slope (a ReLU would call them dead).";
            case TANH -> "Mean hidden output " + number(s.meanActivation()) + "; " + percent(s.saturatedShare())
                    + " of hidden outputs saturated (|a| > 0.97), where the slope is nearly 0.";
            case SIGMOID -> "Mean hidden output " + number(s.meanActivation()) + " (all positive); "
                    + percent(s.saturatedShare()) + " saturated." + (gradients ? " " + vanishing(s.gradientRatio()) : "");
            case IDENTITY -> "The layers collapse into one linear map: the boundary stays a straight line in the input features.";
        };
        if (gradients && a != CompareActivation.SIGMOID) {
            live = live + " " + gradientSentence(s.gradientRatio());
        }
        return new Caption(range, live);
    }

    private static String count(int k, int n) {
        return k + " of " + n + " hidden neurons " + (k == 1 ? "is" : "are");
    }

    private static String vanishing(double ratio) {
        if (Double.isNaN(ratio)) {
            return "Gradient sizes show after the first epoch.";
        }
        if (ratio < 0.5) {
            return "The gradient shrinks layer by layer: the first layer gets " + relative(ratio) + ".";
        }
        return "First layer's gradient: " + relative(ratio) + ".";
    }

    private static String gradientSentence(double ratio) {
        if (Double.isNaN(ratio)) {
            return "Gradient sizes show after the first epoch.";
        }
        return "First layer's gradient: " + relative(ratio) + ".";
    }

    /** "1/40 of the last layer's", "2.76× the last layer's". */
    private static String relative(double r) {
        return ratio(r) + (r < 0.5 ? " of" : "") + " the last layer's";
    }

    /** A gradient ratio as a learner reads it: "1/40" for a small one, "0.83\u00d7" otherwise. */
    static String ratio(double r) {
        if (r >= 0.5) {
            return String.format(Locale.ROOT, "%.2f\u00d7", r);
        }
        if (r <= 0) {
            return "none";
        }
        double inv = 1 / r;
        if (inv > 1e6) {
            return "under 1/1,000,000";
        }
        return inv < 10 ? String.format(Locale.ROOT, "1/%.1f", inv) : String.format(Locale.ROOT, "1/%,d", Math.round(inv));
    }

    private static String number(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        return s.equals("-0.00") ? "0.00" : s;
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }
}
