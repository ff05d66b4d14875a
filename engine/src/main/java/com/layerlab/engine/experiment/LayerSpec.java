package com.layerlab.engine.experiment;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry of the experiment's {@code model} list: a PyTorch layer type and its arguments by their
 * PyTorch names ({@code {"type": "Linear", "out_features": 8}} has type {@code Linear} and args
 * {@code {out_features=8}}). Argument values are JSON values as Java objects: Integer/Long, Double,
 * Boolean, String, List, or null.
 */
public record LayerSpec(String type, Map<String, Object> args) {

    public LayerSpec {
        args = args == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(args));
    }

    public static LayerSpec of(String type) {
        return new LayerSpec(type, Map.of());
    }

    public static LayerSpec of(String type, Map<String, Object> args) {
        return new LayerSpec(type, args);
    }

    public static LayerSpec linear(int outFeatures) {
        return new LayerSpec("Linear", Map.of("out_features", outFeatures));
    }

    /** A copy with one argument set (or removed when {@code value} is null). */
    public LayerSpec withArg(String name, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(args);
        if (value == null) {
            m.remove(name);
        } else {
            m.put(name, value);
        }
        return new LayerSpec(type, m);
    }
}
