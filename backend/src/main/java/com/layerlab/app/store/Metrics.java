package com.layerlab.app.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.layerlab.engine.train.EpochStats;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's metrics history as stored and downloaded: a JSON array of the engine's train lines,
 * {@code {"epoch", "train_loss", "test_loss", "train_accuracy"?, "test_accuracy"?}} (API.md's run metrics).
 */
public final class Metrics {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Metrics() {
    }

    public static String toJson(List<EpochStats> history) {
        ArrayNode a = JSON.createArrayNode();
        for (EpochStats s : history) {
            ObjectNode o = a.addObject();
            o.put("epoch", s.epoch());
            put(o, "train_loss", s.trainLoss());
            put(o, "test_loss", s.testLoss());
            if (s.trainAccuracy() != null) {
                put(o, "train_accuracy", s.trainAccuracy());
            }
            if (s.testAccuracy() != null) {
                put(o, "test_accuracy", s.testAccuracy());
            }
        }
        return a.toString();
    }

    public static List<EpochStats> fromJson(String json) {
        List<EpochStats> out = new ArrayList<>();
        try {
            for (JsonNode o : JSON.readTree(json)) {
                out.add(new EpochStats(o.get("epoch").asInt(), number(o.get("train_loss")), number(o.get("test_loss")),
                        o.has("train_accuracy") ? number(o.get("train_accuracy")) : null,
                        o.has("test_accuracy") ? number(o.get("test_accuracy")) : null));
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored metrics are not JSON: " + e.getMessage(), e);
        }
        return out;
    }

    // a diverged loss is not a JSON number: null in the file, NaN here
    private static void put(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) {
            o.put(field, v);
        } else {
            o.putNull(field);
        }
    }

    private static double number(JsonNode n) {
        return n == null || n.isNull() ? Double.NaN : n.asDouble();
    }
}
