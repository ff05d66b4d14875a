package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The statistics and captions of the compare page, on hand-made activations. */
class CompareCaptionsTest {

    @Test
    void deadReluNeuronsAreThoseNeverPositiveOnAnyPoint() {
        // 3 points x 3 neurons; neuron 1 is 0 everywhere, neuron 2 is positive once
        float[] layer = {
                0.5f, 0f, 0f,
                1.0f, 0f, 0f,
                0.0f, 0f, 2f};
        CompareStats s = CompareStats.measure(CompareActivation.RELU, List.of(layer), 3, new double[] {0.1, 0.2});
        assertEquals(3, s.hiddenNeurons());
        assertEquals(1, s.deadNeurons());
        assertEquals(3.5 / 9, s.meanActivation(), 1e-9);
        assertEquals(0.0, s.saturatedShare());
        String text = CompareCaptions.caption(CompareActivation.RELU, s).text();
        assertTrue(text.contains("1 of 3 hidden neurons is dead"), text);
        assertTrue(text.contains("[0, \u221e)"), text);
    }

    @Test
    void deadNeuronsAreCountedAcrossLayers() {
        float[] first = {0f, 1f, 0f, 1f};          // 2 points x 2 neurons: neuron 0 dead
        float[] second = {0f, 0f, 0f, 0f, 0f, 0f}; // 2 points x 3 neurons: all dead
        CompareStats s = CompareStats.measure(CompareActivation.RELU, List.of(first, second), 2, new double[0]);
        assertEquals(5, s.hiddenNeurons());
        assertEquals(4, s.deadNeurons());
        assertTrue(CompareCaptions.caption(CompareActivation.RELU, s).live().startsWith("4 of 5 hidden neurons are dead"));
    }

    @Test
    void tanhSaturationCountsOutputsPastPointNineSeven() {
        float[] layer = {0.99f, -0.98f, 0.5f, 0.0f, 0.96f, -0.2f, 0.1f, 0.3f}; // 4 points x 2 neurons
        CompareStats s = CompareStats.measure(CompareActivation.TANH, List.of(layer), 4, new double[] {0.02, 0.04});
        assertEquals(0.25, s.saturatedShare(), 1e-9);
        CompareCaptions.Caption c = CompareCaptions.caption(CompareActivation.TANH, s);
        assertTrue(c.range().contains("(\u22121, 1)") && c.range().contains("zero-centred"), c.range());
        assertTrue(c.live().contains("25% of hidden outputs saturated"), c.live());
        assertTrue(c.live().contains("First layer's gradient: 0.50\u00d7 the last layer's."), c.live());
    }

    @Test
    void sigmoidSaturationIsTheSameCurveScaled() {
        // |2a - 1|: 0.98, 0.998, 0, 0.8 -> two of four in the tails
        float[] layer = {0.99f, 0.001f, 0.5f, 0.9f};
        CompareStats s = CompareStats.measure(CompareActivation.SIGMOID, List.of(layer), 4, new double[] {0.001, 0.01, 0.04});
        assertEquals(0.5, s.saturatedShare(), 1e-9);
        assertEquals(0.025, s.gradientRatio(), 1e-12);
        CompareCaptions.Caption c = CompareCaptions.caption(CompareActivation.SIGMOID, s);
        assertTrue(c.range().contains("not zero-centred"), c.range());
        assertTrue(c.live().contains("shrinks layer by layer") && c.live().contains("1/40 of the last layer's"), c.live());
        assertTrue(c.live().contains("Mean hidden output 0.60"), c.live());
    }

    @Test
    void gradientRatioWaitsForTheFirstEpoch() {
        CompareStats none = CompareStats.measure(CompareActivation.SIGMOID, List.of(new float[] {0.5f}), 1, new double[0]);
        assertTrue(Double.isNaN(none.gradientRatio()));
        assertTrue(CompareCaptions.caption(CompareActivation.SIGMOID, none).live().contains("after the first epoch"));
        CompareStats zero = CompareStats.measure(CompareActivation.TANH, List.of(new float[] {0.5f}), 1, new double[] {0.1, 0.0});
        assertTrue(Double.isNaN(zero.gradientRatio()));
    }

    @Test
    void aSavedNetworksCaptionSaysWhatItsWeightsShowAndNothingOfGradients() {
        // a restored network has no gradient sizes: its caption must not promise them "after the first epoch"
        CompareStats s = CompareStats.measure(CompareActivation.SIGMOID, List.of(new float[] {0.99f, 0.5f}), 2, new double[0]);
        CompareCaptions.Caption c = CompareCaptions.ofWeights(CompareActivation.SIGMOID, s);
        assertEquals("Mean hidden output 0.75 (all positive); 50% saturated.", c.live());
        assertEquals(CompareCaptions.caption(CompareActivation.SIGMOID, s).range(), c.range());
        float[] relu = {0f, 1f, 0f, 1f};
        CompareCaptions.Caption r = CompareCaptions.ofWeights(CompareActivation.RELU,
                CompareStats.measure(CompareActivation.RELU, List.of(relu), 2, new double[] {0.1, 0.2}));
        assertEquals("1 of 2 hidden neurons is dead (0 on every training point): no gradient reaches it, so it has "
                + "stopped learning.", r.live());
    }

    @Test
    void withoutHiddenLayersTheCaptionSaysSo() {
        CompareStats s = CompareStats.measure(CompareActivation.TANH, List.of(), 10, new double[] {0.3});
        assertEquals(0, s.hiddenNeurons());
        assertTrue(CompareCaptions.caption(CompareActivation.TANH, s).live().contains("No hidden layer"));
    }

    @Test
    void leakyReluNeuronsStillLearnWhereAReluWouldBeDead() {
        float[] layer = {-0.01f, 0.3f, -0.02f, 0.4f}; // neuron 0 negative on both points
        CompareStats s = CompareStats.measure(CompareActivation.LEAKY_RELU, List.of(layer), 2, new double[] {0.1, 0.1});
        assertEquals(1, s.deadNeurons());
        assertTrue(CompareCaptions.caption(CompareActivation.LEAKY_RELU, s).live().contains("still learning"));
    }

    @Test
    void ratiosReadAsFractions() {
        assertEquals("1/40", CompareCaptions.ratio(0.025));
        assertEquals("1/2.5", CompareCaptions.ratio(0.4));
        assertEquals("1/1,250", CompareCaptions.ratio(0.0008));
        assertEquals("1.30\u00d7", CompareCaptions.ratio(1.3));
        assertEquals("under 1/1,000,000", CompareCaptions.ratio(1e-9));
    }

    @Test
    void activationNamesParseInAnyCase() {
        assertEquals(CompareActivation.LEAKY_RELU, CompareActivation.parse("leakyrelu"));
        assertEquals(CompareActivation.TANH, CompareActivation.parse(" Tanh "));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> CompareActivation.parse("Swish"));
        assertTrue(ex.getMessage().contains("Swish"));
    }
}
