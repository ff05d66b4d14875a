package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.lab.CnnLayerTypes.Kind;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.Layers;
import com.layerlab.engine.experiment.Models;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CnnLayerTypesTest {

    @Test
    void fieldsParseAsTheEngineExpectsAndKeepWhatDoesNotParse() {
        assertNull(CnnLayerTypes.parse(Kind.INT, "  "));
        assertEquals(32, CnnLayerTypes.parse(Kind.INT, " 32 "));
        assertEquals("3.5", CnnLayerTypes.parse(Kind.INT, "3.5"));
        assertEquals(5, CnnLayerTypes.parse(Kind.SIZE, "5"));
        assertEquals(List.of(3, 5), CnnLayerTypes.parse(Kind.SIZE, "3, 5"));
        assertEquals(List.of(3, 5), CnnLayerTypes.parse(Kind.SIZE, "(3x5)"));
        assertEquals(4, CnnLayerTypes.parse(Kind.SIZE, "[4, 4]"));
        assertEquals("abc", CnnLayerTypes.parse(Kind.SIZE, "abc"));
        assertEquals(0.25, CnnLayerTypes.parse(Kind.NUMBER, "0.25"));
        assertEquals("NaN", CnnLayerTypes.parse(Kind.NUMBER, "NaN"));
        assertEquals("3, 5", CnnLayerTypes.text(List.of(3, 5)));
        assertEquals("0.00001", CnnLayerTypes.text(1e-5));
        assertEquals("", CnnLayerTypes.text(null));
    }

    @Test
    void everyEditorTypeUsesPyTorchArgumentNamesTheEngineKnows() {
        assertEquals(10, CnnLayerTypes.TYPES.size());
        for (String type : CnnLayerTypes.TYPES) {
            assertTrue(Layers.isKnown(type), type);
            for (CnnLayerTypes.Field f : CnnLayerTypes.fields(type)) {
                assertTrue(Layers.argumentNames(type).contains(f.name()), type + "." + f.name());
            }
            String arg = CnnLayerTypes.inferredArgument(type);
            if (arg != null) {
                assertTrue(Layers.argumentNames(type).contains(arg), type + "." + arg);
            }
        }
    }

    @Test
    void countsOverTheLimitAreTooLargeWhateverFormTheyCameIn() {
        LayerSpec conv = CnnLayerTypes.newLayer("Conv2d");
        assertNull(CnnLayerTypes.tooLarge(conv.withArg("out_channels", CnnLayerTypes.MAX_UNITS)));
        assertEquals("out_channels 16,385 is too large: a layer here has at most 16,384",
                CnnLayerTypes.tooLarge(conv.withArg("out_channels", CnnLayerTypes.MAX_UNITS + 1)));
        assertEquals("out_features 99,999,999,999 is too large: a layer here has at most 16,384",
                CnnLayerTypes.tooLarge(LayerSpec.of("Linear", Map.of("out_features", "99999999999"))));
        assertEquals("out_features 1,000,000,000 is too large: a layer here has at most 16,384",
                CnnLayerTypes.tooLarge(LayerSpec.of("Linear", Map.of("out_features", 1e9))));
        // not a count at all: the engine names that
        assertNull(CnnLayerTypes.tooLarge(LayerSpec.of("Linear", Map.of("out_features", "many"))));
        assertNull(CnnLayerTypes.tooLarge(LayerSpec.of("Linear", Map.of("out_features", -5))));
    }

    @Test
    void newLayersFitAfterAConvolution() {
        for (String type : CnnLayerTypes.TYPES) {
            LayerSpec l = CnnLayerTypes.newLayer(type);
            Experiment e = Experiment.modelOnly(List.of(3, 32, 32), List.of(CnnLayerTypes.newLayer("Conv2d"), l));
            if (type.equals("Linear")) {
                e = e.withModel(List.of(CnnLayerTypes.newLayer("Conv2d"), LayerSpec.of("Flatten"), l));
            }
            Models.inspect(e);
        }
    }

    @Test
    void layersReadAsPyTorchCode() {
        LayerSpec conv = LayerSpec.of("Conv2d", Map.of("out_channels", 32, "kernel_size", 5));
        assertEquals("nn.Conv2d(3, 32, kernel_size=5)", CnnLayerTypes.pytorch(conv, new int[] {3, 32, 32}));
        assertEquals("nn.MaxPool2d(kernel_size=3, ceil_mode=True)", CnnLayerTypes.pytorch(
                LayerSpec.of("MaxPool2d", new java.util.LinkedHashMap<>(Map.of("kernel_size", 3))).withArg("ceil_mode", true),
                new int[] {1, 5, 5}));
        assertEquals("nn.Linear(1024, 64)", CnnLayerTypes.pytorch(LayerSpec.linear(64), new int[] {1024}));
        assertEquals("nn.ReLU()", CnnLayerTypes.pytorch(LayerSpec.of("ReLU"), new int[] {4}));
    }
}
