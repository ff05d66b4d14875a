package com.layerlab.app.ui.components;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JsModule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gradient size per Linear layer as grouped bars on a log axis, one bar per series
 * ({@code frontend/components/gradient-chart.js}).
 */
@Tag("gradient-chart")
@JsModule("./components/gradient-chart.js")
public class GradientChart extends Component implements HasSize {

    /** One group member: a name, its colour, and one value per layer (non-finite or 0: no bar). */
    public record Series(String name, String color, double[] values) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public GradientChart() {
        getElement().setProperty("height", 200);
    }

    public void setChartHeight(int px) {
        getElement().setProperty("height", px);
    }

    /** Replaces what is drawn. */
    public void show(List<String> layers, List<Series> series) {
        List<Map<String, Object>> s = new ArrayList<>();
        for (Series one : series) {
            List<Double> values = new ArrayList<>();
            for (double v : one.values()) {
                values.add(Double.isFinite(v) && v > 0 ? v : null);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", one.name());
            m.put("color", one.color());
            m.put("values", values);
            s.add(m);
        }
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("layers", layers);
        chart.put("series", s);
        try {
            getElement().setProperty("chart", JSON.writeValueAsString(chart));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("gradient chart data could not be written as JSON", e);
        }
    }
}
