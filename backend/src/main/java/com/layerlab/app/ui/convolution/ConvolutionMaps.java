package com.layerlab.app.ui.convolution;

import com.layerlab.app.lab.ConvolutionMath;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.HasStyle;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JsModule;
import com.vaadin.flow.shared.Registration;
import elemental.json.Json;
import elemental.json.JsonArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.function.BiConsumer;

/**
 * The padded input and the output feature map of one convolution side by side, with the current window
 * marked (client side: conv-explainer.js). All numbers come from {@link ConvolutionMath}; the client
 * only draws them.
 */
@Tag("conv-explainer")
@JsModule("./components/conv-explainer.js")
public class ConvolutionMaps extends Component implements HasSize, HasStyle {

    /** Shows a result: the padded input, the output map and its colour scale. */
    public void setResult(ConvolutionMath.Result r) {
        setInput(r.padded(), r.paddedHeight(), r.paddedWidth(), r.settings().padding());
        float[] out = new float[r.output().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) r.output()[i];
        }
        getElement().setProperty("outRows", r.outHeight());
        getElement().setProperty("outCols", r.outWidth());
        getElement().setProperty("output", floats(out));
        getElement().setProperty("outScale", r.maxAbs());
    }

    /** Shows only the (padded) input: the settings give no output. */
    public void setInputOnly(float[] padded, int rows, int cols, int padding) {
        setInput(padded, rows, cols, padding);
        getElement().setProperty("outRows", 0);
        getElement().setProperty("outCols", 0);
        getElement().setProperty("output", "");
        getElement().setPropertyJson("taps", Json.createArray());
    }

    private void setInput(float[] padded, int rows, int cols, int padding) {
        getElement().setProperty("inRows", rows);
        getElement().setProperty("inCols", cols);
        getElement().setProperty("padding", padding);
        getElement().setProperty("input", floats(padded));
    }

    /** Marks the window of output cell {@code (row, col)}. */
    public void setWindow(ConvolutionMath.Window w) {
        JsonArray taps = Json.createArray();
        int i = 0;
        for (ConvolutionMath.Tap t : w.taps()) {
            taps.set(i++, t.paddedRow());
            taps.set(i++, t.paddedCol());
        }
        getElement().setProperty("row", w.row());
        getElement().setProperty("col", w.col());
        getElement().setPropertyJson("taps", taps);
    }

    public void setCaptions(String input, String output) {
        getElement().setProperty("inputCaption", input);
        getElement().setProperty("outputCaption", output);
    }

    /** Called with (row, col) when the user clicks an output cell. */
    public Registration addCellClickListener(BiConsumer<Integer, Integer> listener) {
        return getElement().addEventListener("cell-click", e -> listener.accept(
                        (int) e.getEventData().getNumber("event.detail.row"),
                        (int) e.getEventData().getNumber("event.detail.col")))
                .addEventData("event.detail.row").addEventData("event.detail.col");
    }

    /** Little-endian float32, base64: what palette.js's decodeFloats reads. */
    static String floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return Base64.getEncoder().encodeToString(b.array());
    }
}
