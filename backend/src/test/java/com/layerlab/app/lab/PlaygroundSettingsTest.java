package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentFiles;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.LossSpec;
import com.layerlab.engine.experiment.OptimizerSpec;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PlaygroundSettingsTest {

    private static final PlaygroundSettings D = PlaygroundSettings.DEFAULTS;

    private static List<String> types(Experiment e) {
        return e.model().stream().map(LayerSpec::type).toList();
    }

    @Test
    void defaultsAreTensorFlowPlaygroundsOpeningState() {
        Experiment e = D.toExperiment();
        assertEquals("classification", e.task());
        assertEquals("circle", e.data().dataset());
        assertEquals(List.of("x1", "x2"), e.data().features());
        assertEquals(0.5, e.data().trainFraction());
        assertEquals(10, e.data().batchSize());
        assertEquals(List.of("Linear", "Tanh", "Linear", "Tanh", "Linear"), types(e));
        assertEquals(List.of(4, 2, 1), e.model().stream().filter(l -> l.type().equals("Linear"))
                .map(l -> ((Number) l.args().get("out_features")).intValue()).toList());
        assertEquals(LossSpec.BCE_WITH_LOGITS, e.loss().type());
        assertEquals(OptimizerSpec.SGD, e.optimizer().type());
        assertEquals(0.03, e.optimizer().lr());
        assertEquals(0.0, e.optimizer().momentum());
        assertEquals(List.of(2), e.inputShape());
    }

    @Test
    void headsAndLossesFollowTheProblem() {
        Experiment multi = D.toBuilder().dataset("spiral").classes(4).build().toExperiment();
        assertEquals(LossSpec.CROSS_ENTROPY, multi.loss().type());
        assertEquals(4, ((Number) multi.model().get(multi.model().size() - 1).args().get("out_features")).intValue());
        assertEquals(4, multi.data().classes());

        Experiment reg = D.toBuilder().problem("regression").build().toExperiment();
        assertEquals("plane", reg.data().dataset());
        assertEquals(LossSpec.MSE, reg.loss().type());
        assertEquals(1200, reg.data().samples());
        assertFalse(reg.data().options().containsKey("classes"), "regression sets take no classes option");

        Experiment perceptron = D.toBuilder().dataset("xor").features(List.of("x1", "x2", "x1*x2"))
                .hiddenLayers(List.of()).sigmoidOutput(true).build().toExperiment();
        assertEquals(List.of("Linear", "Sigmoid"), types(perceptron));
        assertEquals(LossSpec.MSE, perceptron.loss().type());
        assertEquals(List.of(3), perceptron.inputShape());
        assertEquals(4, com.layerlab.engine.experiment.Models.inspect(perceptron).totalParams(),
                "the course's 3-input perceptron has 4 parameters");
    }

    static Stream<PlaygroundSettings> variety() {
        return Stream.of(D,
                D.toBuilder().dataset("spiral").classes(5).noise(35).trainPercent(70).batchSize(1)
                        .features(List.of("sin(x2)", "x1", "x1^2")).hiddenLayers(List.of(8, 1, 3, 5, 2, 7))
                        .activation(0, "ReLU").activation(1, "Sigmoid").activation(2, "LeakyReLU").activation(3, "Identity")
                        .learningRate(3).regularization("L1").regularizationRate(0.3).seed(-99).dataSeed(123456789012L)
                        .epochs(300).backend("opencl").build(),
                D.toBuilder().problem("regression").dataset("multi-gauss").hiddenLayers(List.of()).learningRate(0.00001)
                        .regularization("L2").regularizationRate(10).backend("cuda").build(),
                D.toBuilder().dataset("xor").hiddenLayers(List.of()).sigmoidOutput(true).features(List.of("x1*x2")).build(),
                D.toBuilder().dataset("gauss").classes(3).hiddenLayers(List.of(2)).allActivations("Sigmoid").build());
    }

    @ParameterizedTest
    @MethodSource("variety")
    void experimentRoundTripKeepsEverySetting(PlaygroundSettings s) {
        Experiment e = s.toExperiment();
        ExperimentFiles.requireTrainable(e);
        // through the file format too, as a share link carries it
        Experiment read = ExperimentFiles.read(ExperimentFiles.write(e));
        assertEquals(s, PlaygroundSettings.fromExperiment(read));
        assertEquals(s, PlaygroundSettings.fromExperiment(e));
    }

    @Test
    void valuesOutsideThePagesRangesAreClamped() {
        PlaygroundSettings s = new PlaygroundSettings("nonsense", "mnist", 99, 13, 95, 500, 10_000_000,
                List.of("x1", "x1", "bogus"), List.of(100, 0, 3, 3, 3, 3, 3, 3, 3), List.of("Swish"), true,
                0.05, "L3", 0.7, 1, 2, 1_000_000, true, true, "tpu");
        assertEquals("classification", s.problem());
        assertEquals("auto", s.backend(), "a backend the experiment file does not know");
        assertEquals("circle", s.dataset());
        assertEquals(2, s.classes());
        assertEquals(15, s.noise());
        assertEquals(90, s.trainPercent());
        assertEquals(30, s.batchSize());
        assertEquals(PlaygroundSettings.MAX_SAMPLES, s.samples());
        assertEquals(List.of("x1"), s.features());
        assertEquals(List.of(8, 1, 3, 3, 3, 3), s.hiddenLayers());
        assertEquals(List.of("Tanh", "Tanh", "Tanh", "Tanh", "Tanh", "Tanh"), s.activations());
        assertEquals(0.03, s.learningRate(), "snapped to the nearest offered rate");
        assertEquals("none", s.regularization());
        assertEquals(0.0, s.regularizationRate());
        assertEquals(PlaygroundSettings.MAX_EPOCHS, s.epochs());
        assertTrue(s.sigmoidOutput());

        PlaygroundSettings multi = D.toBuilder().dataset("gauss").classes(9).sigmoidOutput(true).build();
        assertEquals(5, multi.classes());
        assertFalse(multi.sigmoidOutput(), "only a binary classifier ends in a sigmoid");
        assertEquals(List.of("x1"), D.toBuilder().features(List.of()).build().features(), "a network needs an input");
    }

    @Test
    void builderEditsTheNetworkWithinLimits() {
        PlaygroundSettings.Builder b = D.toBuilder();
        for (int i = 0; i < 10; i++) {
            b.addLayer();
        }
        PlaygroundSettings s = b.neurons(0, 20).neurons(1, -5).activation(5, "ReLU").build();
        assertEquals(List.of(8, 1, 2, 2, 2, 2), s.hiddenLayers());
        assertEquals("ReLU", s.activations().get(5));
        assertEquals("Tanh", s.activations().get(4), "new layers copy the last activation");
        PlaygroundSettings none = s.toBuilder().hiddenLayers(List.of()).removeLayer().build();
        assertEquals(List.of(), none.hiddenLayers());
        assertEquals(List.of(), none.activations());
    }

    @Test
    void switchingDataSetsTakesTheirSizeAndClasses() {
        PlaygroundSettings spiral = D.toBuilder().dataset("spiral").classes(3).build();
        PlaygroundSettings circle = spiral.toBuilder().dataset("circle").build();
        assertEquals(2, circle.classes());
        PlaygroundSettings reg = circle.toBuilder().problem("regression").build();
        assertEquals("plane", reg.dataset());
        assertEquals(1200, reg.samples());
        assertEquals(0, reg.classes());
        PlaygroundSettings back = reg.toBuilder().problem("classification").build();
        assertEquals("circle", back.dataset());
        assertEquals(500, back.samples());
    }

    @Test
    void experimentsThePlaygroundCannotShowAreRefusedWithTheReason() {
        Experiment e = D.toExperiment();
        IllegalArgumentException conv = assertThrows(IllegalArgumentException.class, () -> PlaygroundSettings.fromExperiment(
                e.withModel(List.of(LayerSpec.linear(4), LayerSpec.of("Dropout"), LayerSpec.linear(1)))));
        assertTrue(conv.getMessage().startsWith("model[1] (Dropout)"), conv.getMessage());

        IllegalArgumentException adam = assertThrows(IllegalArgumentException.class,
                () -> PlaygroundSettings.fromExperiment(e.withOptimizer(OptimizerSpec.adam(0.01))));
        assertTrue(adam.getMessage().contains("SGD"), adam.getMessage());

        IllegalArgumentException loss = assertThrows(IllegalArgumentException.class,
                () -> PlaygroundSettings.fromExperiment(e.withLoss(LossSpec.of(LossSpec.MSE))));
        assertTrue(loss.getMessage().startsWith("loss.type"), loss.getMessage());

        IllegalArgumentException width = assertThrows(IllegalArgumentException.class, () -> PlaygroundSettings.fromExperiment(
                e.withModel(List.of(LayerSpec.linear(4), LayerSpec.of("ReLU"), LayerSpec.linear(3)))));
        assertTrue(width.getMessage().startsWith("model[2] (Linear): out_features must be 1"), width.getMessage());

        IllegalArgumentException images = assertThrows(IllegalArgumentException.class, () -> PlaygroundSettings.fromExperiment(
                e.withData(e.data().withDataset("mnist"))));
        assertTrue(images.getMessage().startsWith("data.dataset"), images.getMessage());

        IllegalArgumentException modelOnly = assertThrows(IllegalArgumentException.class, () -> PlaygroundSettings.fromExperiment(
                Experiment.modelOnly(List.of(3), List.of(LayerSpec.linear(1), LayerSpec.of("Sigmoid")))));
        assertTrue(modelOnly.getMessage().contains("data"), modelOnly.getMessage());
    }

    @Test
    void nearestRateIsOnALogScale() {
        assertEquals(0.01, PlaygroundSettings.nearest(PlaygroundSettings.LEARNING_RATES, 0.012));
        assertEquals(10.0, PlaygroundSettings.nearest(PlaygroundSettings.LEARNING_RATES, 1e9));
        assertEquals(0.00001, PlaygroundSettings.nearest(PlaygroundSettings.LEARNING_RATES, -1));
        assertEquals(0.0, PlaygroundSettings.nearest(PlaygroundSettings.REGULARIZATION_RATES, 0));
        assertEquals(0.001, PlaygroundSettings.nearest(PlaygroundSettings.REGULARIZATION_RATES, 0.0004));
        assertEquals("0.00001", PlaygroundSettings.formatRate(0.00001));
        assertEquals("3", PlaygroundSettings.formatRate(3));
    }
}
