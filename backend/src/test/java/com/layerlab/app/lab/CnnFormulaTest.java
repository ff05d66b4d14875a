package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.ModelSummary;
import com.layerlab.engine.experiment.Models;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CnnFormulaTest {

    private static LayerSpec layer(String type, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return LayerSpec.of(type, m);
    }

    @Test
    void convolutionFormulaIsWorkedOutWithTheLayersNumbers() {
        LayerSpec conv = layer("Conv2d", "out_channels", 32, "kernel_size", 5, "padding", 2);
        assertEquals(List.of("H, W: (32 - 5 + 2*2) / 1 + 1 = 31 + 1 = 32"), CnnFormula.size(conv, new int[] {3, 32, 32}));
        assertEquals("32*3*5*5 weights + 32 biases = 2,432", CnnFormula.params(conv, new int[] {3, 32, 32}, 2432));
        LayerSpec strided = layer("Conv2d", "out_channels", 4, "kernel_size", List.of(3, 5), "stride", 2);
        assertEquals(List.of("H: floor((28 - 3 + 2*0) / 2) + 1 = floor(12.5) + 1 = 13",
                "W: floor((28 - 5 + 2*0) / 2) + 1 = floor(11.5) + 1 = 12"), CnnFormula.size(strided, new int[] {1, 28, 28}));
    }

    @Test
    void poolingShowsCeilModeAndPyTorchsLastWindowRule() {
        LayerSpec ceil = layer("MaxPool2d", "kernel_size", 3, "ceil_mode", true);
        assertEquals(List.of("H, W: ceil((5 - 3 + 2*0) / 3) + 1 = ceil(0.67) + 1 = 2"), CnnFormula.size(ceil, new int[] {1, 5, 5}));
        LayerSpec floor = layer("MaxPool2d", "kernel_size", 3);
        assertEquals(List.of("H, W: floor((5 - 3 + 2*0) / 3) + 1 = floor(0.67) + 1 = 1"), CnnFormula.size(floor, new int[] {1, 5, 5}));
        // a window that would start in the right padding only is dropped
        LayerSpec dropped = layer("MaxPool2d", "kernel_size", 2, "stride", 2, "padding", 1, "ceil_mode", true);
        String line = CnnFormula.size(dropped, new int[] {1, 5, 5}).get(0);
        assertTrue(line.endsWith("= 4, minus the last window, which would start in the padding: 3"), line);
    }

    @Test
    void dilationIsShownAsTheKernelsSpan() {
        LayerSpec d = layer("Conv2d", "out_channels", 2, "kernel_size", 3, "dilation", 2);
        List<String> lines = CnnFormula.size(d, new int[] {1, 10, 10});
        assertEquals("H, W: kernel 3 with dilation 2 spans 2*(3-1)+1 = 5 pixels", lines.get(0));
        assertEquals("H, W: (10 - 5 + 2*0) / 1 + 1 = 5 + 1 = 6", lines.get(1));
    }

    /** The worked-out numbers always end in the engine's shape, over a grid of settings. */
    @Test
    void formulaAgreesWithTheEngineOverAGrid() {
        int checked = 0;
        for (String type : List.of("Conv2d", "MaxPool2d", "AvgPool2d")) {
            for (int in = 5; in <= 12; in += 7) {
                for (int k = 1; k <= 4; k++) {
                    for (int s = 1; s <= 3; s++) {
                        for (int p = 0; p <= k / 2; p++) {
                            for (int d = 1; d <= (type.equals("AvgPool2d") ? 1 : 2); d++) {
                                for (boolean ceil : new boolean[] {false, true}) {
                                    if (type.equals("Conv2d") && ceil) {
                                        continue;
                                    }
                                    Map<String, Object> a = new LinkedHashMap<>();
                                    if (type.equals("Conv2d")) {
                                        a.put("out_channels", 2);
                                    }
                                    a.put("kernel_size", k);
                                    a.put("stride", s);
                                    a.put("padding", p);
                                    if (!type.equals("AvgPool2d")) {
                                        a.put("dilation", d);
                                    }
                                    if (!type.equals("Conv2d")) {
                                        a.put("ceil_mode", ceil);
                                    }
                                    LayerSpec l = LayerSpec.of(type, a);
                                    Experiment e = Experiment.modelOnly(List.of(1, in, in), List.of(l));
                                    ModelSummary sum;
                                    try {
                                        sum = Models.inspect(e);
                                    } catch (RuntimeException ex) {
                                        continue; // too small: the editor shows the engine's reason instead
                                    }
                                    List<String> lines = CnnFormula.size(l, new int[] {1, in, in});
                                    String last = lines.get(lines.size() - 1);
                                    int out = sum.outputShape()[1];
                                    assertTrue(last.endsWith("= " + out) || last.endsWith(": " + out), l + " on " + in + ": " + last);
                                    checked++;
                                }
                            }
                        }
                    }
                }
            }
        }
        assertTrue(checked > 150, "checked " + checked);
    }

    @Test
    void flattenAndLinearExplainTheirNumbers() {
        assertEquals("64*4*4 = 1,024 values in a row", CnnFormula.params(layer("Flatten"), new int[] {64, 4, 4}, 0));
        assertEquals("1024*64 weights + 64 biases = 65,600",
                CnnFormula.params(layer("Linear", "out_features", 64), new int[] {1024}, 65_600));
        assertEquals("1024*64 weights = 65,536",
                CnnFormula.params(layer("Linear", "out_features", 64, "bias", false), new int[] {1024}, 65_536));
    }
}
