package com.layerlab.datasets;

/**
 * What a class label is, in one place: the index of its class, 0 to classes - 1, carried as a float
 * where a loss takes it (CrossEntropyLoss's target, as in PyTorch). A label that is not a whole number
 * in that range (1.7, -3, NaN, 10 of 10 classes) names no class: the data sets refuse it where they are
 * made, CrossEntropyLoss where it is given, and the backends' kernels, which cannot call this, count it
 * as no class (see the engine's {@code Backend.countCorrect}).
 */
public final class ClassLabels {

    private ClassLabels() {
    }

    /** Whether {@code label} names one of {@code classes} classes. */
    public static boolean isClass(float label, int classes) {
        return label == Math.rint(label) && label >= 0 && label < classes;
    }

    /**
     * The message for a label that names no class, {@code where} saying whose label it is: "label 1.7 of
     * point 12 is not a class index: classes are 0..4".
     */
    public static String notAClass(float label, String where, int classes) {
        return "label " + text(label) + " " + where + " is not a class index: classes are 0.." + (classes - 1);
    }

    /** A whole label as an integer (-3, not -3.0), any other as Java writes a float (1.7, NaN). */
    private static String text(float label) {
        return label == Math.rint(label) && Math.abs(label) < 1e9f ? Long.toString((long) label) : Float.toString(label);
    }
}
