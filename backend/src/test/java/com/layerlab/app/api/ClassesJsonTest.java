package com.layerlab.app.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.lab.CnnPresets;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.RunStatus;
import com.layerlab.engine.experiment.Experiment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A student's current run in the classes' JSON: its page, and the link that opens what it trains there. */
class ClassesJsonTest {

    private static Run<?> run(String page, List<Experiment> experiments, double learningRate, int epochs) {
        Run<?> run = mock(Run.class);
        when(run.id()).thenReturn("r1");
        when(run.state()).thenReturn(RunState.RUNNING);
        when(run.options()).thenReturn(new RunOptions("visitor:ana", false, page, false, epochs));
        when(run.experiments()).thenReturn(experiments);
        when(run.status()).thenReturn(new RunStatus(RunState.RUNNING, false, null, 1, 0, 10, epochs, 0, 0, 0, learningRate));
        when(run.history()).thenReturn(List.of());
        return run;
    }

    @Test
    void aCnnRunLinksToTheCnnLabWithTheRateAndEpochsInForce() {
        Experiment lenet = CnnPresets.byKey(CnnPresets.LENET, false).experiment();
        Map<String, Object> o = ClassesJson.currentRun(run("cnn", List.of(lenet), 0.05, 9));
        assertEquals("cnn", o.get("page"));
        Experiment now = lenet.withEpochs(9).withOptimizer(lenet.optimizer().withLr(0.05));
        assertEquals("/" + CnnLinks.location(new CnnLinks.State(now, List.of())), o.get("link"));

        // a comparison's runs: one link, the experiment and the activations compared
        List<Experiment> compared = List.of(CnnLinks.withActivation(lenet, "ReLU"), CnnLinks.withActivation(lenet, "Tanh"));
        Map<String, Object> c = ClassesJson.currentRun(run("cnn", compared, Double.NaN, 0));
        assertEquals("/" + CnnLinks.location(new CnnLinks.State(lenet, List.of("ReLU", "Tanh"))), c.get("link"));
    }

    @Test
    void aRunNoPageOpensHasNoLink() {
        Experiment perceptron = CnnPresets.byKey(CnnPresets.PERCEPTRON, false).experiment();
        // a comparison of runs without an activation cannot be the CNN lab's; a CNN experiment is no playground's
        assertNull(ClassesJson.currentRun(run("cnn", List.of(perceptron, perceptron), 0.1, 1)).get("link"));
        assertNull(ClassesJson.currentRun(run("playground", List.of(perceptron), 0.1, 1)).get("link"));
    }
}
