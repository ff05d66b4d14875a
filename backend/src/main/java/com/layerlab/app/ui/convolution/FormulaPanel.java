package com.layerlab.app.ui.convolution;

import com.layerlab.app.lab.ConvolutionMath;
import com.vaadin.flow.component.html.Div;

/** "Output size": the output size formula worked out with the numbers, for both axes when they differ. */
class FormulaPanel extends Div {

    private final Div formula = new Div();

    FormulaPanel() {
        addClassNames("ll-panel", "conv-formula-panel");
        formula.setId("conv-formula");
        formula.addClassName("conv-formula");
        add(ConvolutionView.section("Output size"), formula);
    }

    /** The formula for a {@code height x width} input and a square kernel; the numbers show even when they end below 1. */
    void show(int height, int width, int kernel, ConvolutionMath.Settings s) {
        formula.removeAll();
        if (height == width) {
            formula.add(block(null, height, kernel, s));
        } else {
            formula.add(block("height", height, kernel, s), block("width", width, kernel, s));
        }
        int oh = ConvolutionMath.outputSize(height, kernel, s.stride(), s.padding(), s.dilation());
        int ow = ConvolutionMath.outputSize(width, kernel, s.stride(), s.padding(), s.dilation());
        formula.getElement().setAttribute("data-out", oh + "x" + ow);
    }

    /** No formula: a setting is not a number in its range. */
    void clear() {
        formula.removeAll();
    }

    private static Div block(String axis, int in, int kernel, ConvolutionMath.Settings s) {
        Div block = new Div();
        block.addClassName("conv-formula-block");
        if (axis != null) {
            Div head = new Div(axis + " (in = " + in + "):");
            head.addClassName("conv-formula-axis");
            block.add(head);
        }
        for (String line : ConvolutionMath.formulaLines(in, kernel, s)) {
            Div l = new Div(line);
            l.addClassName(line.startsWith("course") ? "conv-formula-course" : "conv-formula-line");
            block.add(l);
        }
        return block;
    }
}
