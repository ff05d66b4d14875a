package com.layerlab.app.ui.classroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.classroom.Challenge;
import com.layerlab.app.lab.CnnPresets;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.EpochStats;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A CNN card's curve (an SVG drawn on the server) and a CNN run in words: no browser needed. */
class CardCurveTest {

    private static final List<EpochStats> HISTORY = List.of(
            new EpochStats(0, 2.3, 2.31, 0.1, 0.09),
            new EpochStats(1, 1.2, 1.3, 0.6, 0.55),
            new EpochStats(2, Double.NaN, Double.POSITIVE_INFINITY, 0.7, 0.65),
            new EpochStats(3, 0.4, 0.5, 0.9, 0.85));

    /** The points of the SVG's {@code n}-th polyline (0: training, 1: test). */
    private static List<double[]> points(String svg, int n) {
        Matcher m = Pattern.compile("<polyline points=\"([^\"]+)\"").matcher(svg);
        for (int i = 0; i <= n; i++) {
            assertTrue(m.find(), svg);
        }
        return java.util.Arrays.stream(m.group(1).split(" ")).map(p -> {
            String[] xy = p.split(",");
            return new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])};
        }).toList();
    }

    @Test
    void anAccuracyCurveSpansTheRunsEpochsOnAFixedScale() {
        String svg = CardCurve.svg(HISTORY, 10, Challenge.Metric.TEST_ACCURACY);
        List<double[]> test = points(svg, 1);
        assertEquals(4, test.size(), "every epoch has an accuracy");
        // the run trains 10 epochs: epoch 3 is under a third of the way across
        assertTrue(test.get(3)[0] < CardCurve.WIDTH / 2.0, svg);
        // up is better: the accuracy rises, so y falls
        assertTrue(test.get(3)[1] < test.get(0)[1], svg);
        assertTrue(svg.contains(">100 %<"), "its scale: " + svg);
        assertTrue(svg.contains(CardCurve.TEST_COLOR) && svg.contains(CardCurve.TRAIN_COLOR));
    }

    @Test
    void aLossCurveLeavesOutADivergedEpochAndScalesToItsLargestLoss() {
        String svg = CardCurve.svg(HISTORY, 0, Challenge.Metric.TEST_LOSS);
        assertEquals(3, points(svg, 1).size(), "the infinite test loss is not drawn");
        assertEquals(3, points(svg, 0).size(), "nor the NaN training loss");
        assertTrue(svg.contains(">" + ClassCard.loss(2.31 * 1.05) + "<"), svg);
        assertFalse(svg.contains("NaN") || svg.contains("Infinity"), svg);
        for (double[] p : points(svg, 1)) {
            assertTrue(p[1] >= 0 && p[1] <= CardCurve.HEIGHT && p[0] >= 0 && p[0] <= CardCurve.WIDTH, svg);
        }
    }

    @Test
    void theFirstEpochAloneIsADot() {
        String svg = CardCurve.svg(HISTORY.subList(0, 1), 20, Challenge.Metric.TEST_ACCURACY);
        assertFalse(svg.contains("<polyline"), svg);
        assertTrue(svg.contains("<circle"), svg);
    }

    @Test
    void aCnnRunInWordsListsItsLayersAndItsOptimizer() {
        Experiment e = CnnPresets.defaultExperiment().withEpochs(7);
        List<String> layers = RunWords.layers(e);
        assertEquals(e.model().size(), layers.size());
        assertTrue(layers.get(0).startsWith(e.model().get(0).type() + ": "), layers.get(0));
        String text = RunWords.describe(e);
        assertTrue(text.startsWith("Data: " + e.data().dataset()), text);
        assertTrue(text.contains("Optimizer " + e.optimizer().type()), text);
        assertTrue(text.contains("7 epochs") && text.endsWith("parameters."), text);
    }
}
