package com.layerlab.app.ui.components;

import com.layerlab.engine.train.StepReport;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.dom.Element;
import java.util.List;
import java.util.Locale;

/**
 * One gradient-descent step, layer by layer: how large the gradient was, how far the optimizer moved
 * the weights, and that move relative to the weights. The last column is the one to read: about 1e-3
 * is a healthy step, 1e-1 and more is a learning rate about to blow up, 1e-6 and less barely learns.
 */
public class StepTable extends Div {

    private final Span caption = new Span();
    private final Element table = new Element("table");
    /** The layers the table's rows are for (none while it shows the hint). */
    private List<String> rowLayers = List.of();
    private String emptyText = "Press Step to train one batch and pause: the table then shows what that step did.";

    public StepTable() {
        addClassName("ll-step-table");
        caption.addClassName("ll-hint");
        getElement().appendChild(caption.getElement(), table);
        show(null);
    }

    /** What the table says before there is a step to show. */
    public void setEmptyText(String text) {
        emptyText = text;
        if (table.getChildCount() == 0) {
            caption.setText(text);
        }
    }

    /**
     * Shows {@code step}, or the hint on how to get one when it is null. The rows stay from one step to
     * the next while the layers are the same, and only their numbers change: a live run shows a step
     * with every frame, and new rows would be sent to the page in full each time.
     */
    public void show(StepReport step) {
        if (step == null) {
            table.removeAllChildren();
            rowLayers = List.of();
            caption.setText(emptyText);
            getElement().setAttribute("data-batch", "");
            return;
        }
        LiveText.set(caption, String.format(Locale.ROOT, "Epoch %d, batch %d: the batch's loss before the step was %.4f.",
                step.epoch(), step.batch(), step.loss()));
        getElement().setAttribute("data-batch", step.epoch() + "." + step.batch());
        if (!step.layers().equals(rowLayers)) {
            table.removeAllChildren();
            table.appendChild(row("th", "layer", "mean |dL/dW|", "mean |\u0394W|", "|\u0394W| / |W|"));
            for (String layer : step.layers()) {
                table.appendChild(row("td", layer, "", "", ""));
            }
            rowLayers = step.layers();
        }
        for (int i = 0; i < step.layers().size(); i++) {
            Element tr = table.getChild(i + 1);
            LiveText.set(tr.getChild(1), sci(step.gradient()[i]));
            LiveText.set(tr.getChild(2), sci(step.update()[i]));
            LiveText.set(tr.getChild(3), sci(step.relativeUpdate(i)));
        }
    }

    private static Element row(String cell, String... texts) {
        Element tr = new Element("tr");
        for (String t : texts) {
            tr.appendChild(new Element(cell).setText(t));
        }
        return tr;
    }

    private static String sci(double v) {
        return v == 0 ? "0" : String.format(Locale.ROOT, "%.2e", v);
    }
}
