package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The compare page's state in a URL, and the runs it makes. */
class CompareLinksTest {

    private static Map<String, List<String>> params(String query) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String part : query.split("&")) {
            int eq = part.indexOf('=');
            m.computeIfAbsent(part.substring(0, eq), k -> new java.util.ArrayList<>()).add(part.substring(eq + 1));
        }
        return m;
    }

    private static String queryOf(String location) {
        return location.substring(location.indexOf('?') + 1);
    }

    @Test
    void aStateRoundTripsExactly() {
        PlaygroundSettings s = CompareLinks.DEFAULT_SETTINGS.toBuilder().dataset("xor").noise(15).learningRate(0.1)
                .hiddenLayers(List.of(5, 3)).seed(99).dataSeed(7).build();
        CompareLinks.State state = new CompareLinks.State(s, List.of(CompareActivation.IDENTITY, CompareActivation.LEAKY_RELU));
        String location = CompareLinks.location(state);
        assertTrue(location.startsWith("compare?x=1."), location);
        assertTrue(location.endsWith("&acts=LeakyReLU.Identity"), location);
        ShareLinks.Parsed<CompareLinks.State> back = CompareLinks.parse(params(queryOf(location)));
        assertNull(back.error());
        assertEquals(state, back.value());
        assertEquals(state.experiments(), back.value().experiments());
    }

    @Test
    void noParametersOpenTheDefaultsQuietly() {
        ShareLinks.Parsed<CompareLinks.State> p = CompareLinks.parse(Map.of());
        assertTrue(p.ok());
        assertEquals(CompareLinks.DEFAULTS, p.value());
        assertEquals(List.of(CompareActivation.RELU, CompareActivation.TANH, CompareActivation.SIGMOID),
                p.value().activations());
    }

    @Test
    void aPlaygroundLinkComparesTheCourseTrio() {
        PlaygroundSettings s = PlaygroundSettings.DEFAULTS.toBuilder().dataset("spiral").build();
        String location = CompareLinks.fromPlayground(s);
        ShareLinks.Parsed<CompareLinks.State> p = CompareLinks.parse(params(queryOf(location)));
        assertTrue(p.ok(), p.error());
        assertEquals(s, p.value().settings());
        assertEquals(CompareActivation.DEFAULTS, p.value().activations());
    }

    @Test
    void brokenLinksGiveAMessageAndTheDefaults() {
        String good = queryOf(CompareLinks.location(CompareLinks.DEFAULTS));
        String packed = params(good).get("x").get(0);
        String tampered = packed.substring(0, 12) + (packed.charAt(12) == 'A' ? 'B' : 'A') + packed.substring(13);
        for (String q : List.of("x=garbage", "x=1.%%%", "x=" + packed.substring(0, packed.length() / 2),
                "x=" + tampered, "acts=ReLU", "acts=ReLU,Swish", "acts=ReLU,ReLU", "acts=",
                "acts=ReLU.Tanh&acts=Sigmoid.Tanh", good.replace("acts=", "acts=Tanh."))) {
            ShareLinks.Parsed<CompareLinks.State> p = CompareLinks.parse(params(q));
            assertNotEquals(null, p.error(), q);
            assertEquals(CompareLinks.DEFAULTS, p.value(), q);
            assertTrue(p.error().startsWith("The link"), p.error());
        }
        assertTrue(CompareLinks.parse(params("acts=ReLU.Swish")).error().contains("\"Swish\""));
        // commas, as someone might type them, are read like the separator
        assertEquals(List.of(CompareActivation.TANH, CompareActivation.IDENTITY),
                CompareLinks.parse(params("acts=Identity,tanh")).value().activations());
    }

    @Test
    void aLinkBeyondThePagesLimitsIsRefusedNotCutDown() {
        Experiment e = CompareLinks.DEFAULT_SETTINGS.toExperiment().withEpochs(10_000_000);
        ShareLinks.Parsed<CompareLinks.State> p = CompareLinks.parse(Map.of("x", List.of(ShareLinks.pack(e))));
        assertEquals(CompareLinks.DEFAULTS, p.value());
        assertEquals("The link's experiment cannot be compared here: epochs is 10,000,000; the playground's runs, in "
                + "epochs, go from 1 to 10,000", p.error());
    }

    @Test
    void activationsAreKeptInThePagesOrderAndAtLeastTwo() {
        CompareLinks.State s = new CompareLinks.State(CompareLinks.DEFAULT_SETTINGS,
                List.of(CompareActivation.SIGMOID, CompareActivation.RELU, CompareActivation.SIGMOID));
        assertEquals(List.of(CompareActivation.RELU, CompareActivation.SIGMOID), s.activations());
        assertThrows(IllegalArgumentException.class,
                () -> new CompareLinks.State(CompareLinks.DEFAULT_SETTINGS, List.of(CompareActivation.TANH)));
    }

    @Test
    void eachRunDiffersOnlyInItsHiddenActivations() {
        List<Experiment> runs = CompareLinks.DEFAULTS.experiments();
        assertEquals(3, runs.size());
        for (int i = 0; i < runs.size(); i++) {
            Experiment e = runs.get(i);
            CompareActivation a = CompareLinks.DEFAULTS.activations().get(i);
            assertEquals(a, CompareLinks.activationOf(e));
            List<String> types = e.model().stream().map(LayerSpec::type).toList();
            assertEquals(List.of("Linear", a.layerType(), "Linear", a.layerType(), "Linear", a.layerType(),
                    "Linear", a.layerType(), "Linear"), types);
            Experiment first = runs.get(0);
            assertEquals(first.seed(), e.seed());
            assertEquals(first.data(), e.data());
            assertEquals(first.optimizer(), e.optimizer());
            assertEquals(first.loss(), e.loss());
        }
    }

    @Test
    void aSigmoidOutputHeadStaysWhenTheHiddenActivationsChange() {
        PlaygroundSettings s = PlaygroundSettings.DEFAULTS.toBuilder().sigmoidOutput(true).build();
        Experiment relu = CompareLinks.experimentFor(s, CompareActivation.RELU);
        assertEquals(List.of("Linear", "ReLU", "Linear", "ReLU", "Linear", "Sigmoid"),
                relu.model().stream().map(LayerSpec::type).toList());
        assertEquals(Arrays.asList(1, 3), CompareStats.hiddenActivationLayers(relu.model()));
    }
}
