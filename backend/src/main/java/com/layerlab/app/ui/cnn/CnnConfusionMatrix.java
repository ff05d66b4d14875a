package com.layerlab.app.ui.cnn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.HasStyle;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JsModule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A confusion matrix, true classes by row ({@code frontend/components/cnn-confusion.js}). */
@Tag("cnn-confusion")
@JsModule("./components/cnn-confusion.js")
public class CnnConfusionMatrix extends Component implements HasSize, HasStyle {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Shows {@code counts[true][predicted]}; null clears it. */
    public void show(List<String> classes, int[][] counts) {
        if (counts == null) {
            getElement().setProperty("matrix", "");
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("classes", classes);
        m.put("counts", counts);
        try {
            getElement().setProperty("matrix", JSON.writeValueAsString(m));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("confusion matrix could not be written as JSON", e);
        }
    }
}
