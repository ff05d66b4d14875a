package com.layerlab.app.ui.components;

import com.layerlab.app.training.PlotData;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.HasStyle;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JsModule;
import elemental.json.Json;
import elemental.json.JsonArray;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A model's output over the plane with the data points on top (client side: heat-map.js). Binary
 * and regression maps use the orange/blue diverging scale; multi-class maps one colour per class.
 */
@Tag("heat-map")
@JsModule("./components/heat-map.js")
public class HeatMap extends Component implements HasSize, HasStyle {

    /** One colour per class; class 0 and 1 are TensorFlow Playground's orange and blue. */
    public static final List<String> CLASS_COLORS = List.of("#f59322", "#0877bd", "#2ca02c", "#9467bd", "#d62728");

    public HeatMap(int sizePx) {
        setSizePx(sizePx);
        JsonArray colors = Json.createArray();
        for (int i = 0; i < CLASS_COLORS.size(); i++) {
            colors.set(i, CLASS_COLORS.get(i));
        }
        getElement().setPropertyJson("classColors", colors);
    }

    public void setSizePx(int px) {
        getElement().setProperty("size", px);
    }

    /** Tick labels from -extent to +extent along both axes. */
    public void setAxes(boolean on) {
        getElement().setProperty("axes", on);
    }

    /** Binary classification: cells hold P(class 1), shown orange (0) to blue (1). */
    public void setBinary() {
        getElement().setProperty("mode", "diverging");
        getElement().setProperty("valueKind", "probability");
    }

    /** Regression: cells hold output / scale in [-1, 1]. */
    public void setRegression(double scale) {
        getElement().setProperty("mode", "diverging");
        getElement().setProperty("valueKind", "value");
        getElement().setProperty("valueScale", scale);
    }

    /** Multi-class: K probabilities per cell. */
    public void setClasses() {
        getElement().setProperty("mode", "classes");
    }

    /** The map: n*n*channels bytes as {@link PlotData} encodes them, row 0 at the top. */
    public void setGrid(int n, int channels, byte[] values) {
        getElement().setProperty("n", n);
        getElement().setProperty("channels", channels);
        getElement().setProperty("values", PlotData.base64(values));
    }

    /** Points from {@link PlotData#points}. */
    public void setTrainPoints(String encoded) {
        getElement().setProperty("points", encoded);
    }

    public void setTestPoints(String encoded) {
        getElement().setProperty("testPoints", encoded);
    }

    public void setShowTest(boolean on) {
        getElement().setProperty("showTest", on);
    }

    public void setDiscretize(boolean on) {
        getElement().setProperty("discretize", on);
    }

    public void setPointRadius(double px) {
        getElement().setProperty("pointRadius", px);
    }

    /** Whether a click on the map reports its point to {@link #addPointClickListener} listeners. */
    public void setDrawable(boolean on) {
        getElement().setProperty("drawable", on);
        // the attribute too: the component's style gives a drawable map a crosshair cursor
        getElement().setAttribute("drawable", on);
    }

    /** Called with the clicked point's (x1, x2) when the map is {@link #setDrawable drawable}. */
    public void addPointClickListener(BiConsumer<Double, Double> listener) {
        getElement().addEventListener("point-click", e -> listener.accept(
                        e.getEventData().getNumber("event.detail.x1"), e.getEventData().getNumber("event.detail.x2")))
                .addEventData("event.detail.x1").addEventData("event.detail.x2");
    }
}
