package com.layerlab.app.ui.components;

import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.dom.Element;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * A labelled range slider (a native {@code <input type="range">}: Vaadin 24 has none) that reports
 * the value when the user lets go, and shows it while dragging.
 */
public class Slider extends Composite<Div> {

    private final Element input = new Element("input");
    private final Span valueText = new Span();
    private final int min;
    private final int max;
    private final IntFunction<String> format;
    private int value;
    private IntConsumer listener = v -> { };

    public Slider(String label, int min, int max, int step, int value, IntFunction<String> format) {
        this.min = min;
        this.max = max;
        this.format = format;
        Div root = getContent();
        root.addClassName("ll-slider");
        Div head = new Div();
        head.addClassName("ll-slider-head");
        Span l = new Span(label);
        valueText.addClassName("ll-slider-value");
        head.add(l, valueText);
        input.setAttribute("type", "range");
        input.setAttribute("min", String.valueOf(min));
        input.setAttribute("max", String.valueOf(max));
        input.setAttribute("step", String.valueOf(step));
        input.setAttribute("aria-label", label);
        // show the value while dragging, on the client only
        input.setAttribute("oninput", "this.parentNode.querySelector('.ll-slider-value').textContent = "
                + "this.dataset.prefix + this.value + this.dataset.suffix");
        input.addEventListener("change", e -> {
            int v = (int) Math.round(e.getEventData().getNumber("element.valueAsNumber"));
            v = Math.max(min, Math.min(max, v));
            this.value = v;
            valueText.setText(format.apply(v));
            listener.accept(v);
        }).addEventData("element.valueAsNumber");
        root.getElement().appendChild(head.getElement(), input);
        setValue(value);
    }

    public void setValue(int v) {
        value = Math.max(min, Math.min(max, v));
        input.setProperty("value", String.valueOf(value));
        String text = format.apply(value);
        String number = String.valueOf(value);
        int at = text.indexOf(number);
        input.setAttribute("data-prefix", at >= 0 ? text.substring(0, at) : "");
        input.setAttribute("data-suffix", at >= 0 ? text.substring(at + number.length()) : "");
        valueText.setText(text);
    }

    public int getValue() {
        return value;
    }

    /** Off: the range cannot be moved (attribute {@code disabled}) and its changes are not taken (a class's lock). */
    public void setEnabled(boolean on) {
        input.setEnabled(on);
        input.setAttribute("disabled", !on);
    }

    public void setValueChangeListener(IntConsumer l) {
        listener = l;
    }

    /** The id of the range input itself (for tests and labels). */
    public void setInputId(String id) {
        input.setAttribute("id", id);
    }
}
