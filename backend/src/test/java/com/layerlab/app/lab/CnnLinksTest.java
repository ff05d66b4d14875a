package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.Models;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CnnLinksTest {

    private static Map<String, List<String>> params(Map<String, String> query) {
        Map<String, List<String>> p = new HashMap<>();
        query.forEach((k, v) -> p.put(k, List.of(v)));
        return p;
    }

    private static Map<String, List<String>> params(String... kv) {
        Map<String, List<String>> p = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], List.of(kv[i + 1]));
        }
        return p;
    }

    @Test
    void everyPresetRoundTripsWhole() {
        for (CnnPresets.Preset p : CnnPresets.all(false)) {
            CnnLinks.State s = new CnnLinks.State(p.experiment(), List.of());
            ShareLinks.Parsed<CnnLinks.State> back = CnnLinks.parse(params(CnnLinks.query(s)));
            assertNull(back.error(), p.key());
            assertEquals(s, back.value(), p.key());
        }
    }

    @Test
    void anEditedExperimentWithAComparisonRoundTrips() {
        Experiment e = CnnPresets.byKey(CnnPresets.LENET, false).experiment();
        List<LayerSpec> model = new ArrayList<>(e.model());
        model.set(0, model.get(0).withArg("out_channels", 8).withArg("kernel_size", List.of(3, 5)).withArg("padding", List.of(1, 2)));
        model.add(2, LayerSpec.of("BatchNorm2d"));
        model.add(9, LayerSpec.of("Dropout", Map.of("p", 0.25)));
        Experiment edited = e.withModel(model).withName("Custom: mine").withEpochs(3)
                .withData(e.data().withOption("limit", 700).withBatchSize(16).withTrainFraction(0.75));
        Models.inspect(edited);
        CnnLinks.State s = new CnnLinks.State(edited, List.of("ReLU", "Sigmoid"));
        Map<String, String> q = CnnLinks.query(s);
        assertEquals(List.of("x", "cmp"), List.copyOf(q.keySet()));
        assertEquals("ReLU.Sigmoid", q.get("cmp"));
        ShareLinks.Parsed<CnnLinks.State> back = CnnLinks.parse(params(q));
        assertNull(back.error());
        assertEquals(s, back.value());
        assertTrue(CnnLinks.location(s).startsWith("cnn?x=1."));
    }

    @Test
    void noParametersOpenTheDefaultsWithoutAMessage() {
        ShareLinks.Parsed<CnnLinks.State> p = CnnLinks.parse(Map.of());
        assertNull(p.error());
        assertSame(CnnLinks.DEFAULTS, p.value());
    }

    @Test
    void brokenLinksOpenTheDefaultsWithAMessage() {
        String good = CnnLinks.query(CnnLinks.DEFAULTS).get("x");
        List<Map<String, List<String>>> broken = List.of(
                params("x", good.substring(0, good.length() / 2)),
                params("x", "1.@@@"),
                params("x", "2." + good.substring(2)),
                params("x", good, "cmp", "ReLU.Swish"),
                params("x", good, "cmp", "ReLU"),
                params("x", good, "cmp", "ReLU.relu"),
                params("cmp", "ReLU.Tanh"));
        for (Map<String, List<String>> b : broken) {
            ShareLinks.Parsed<CnnLinks.State> p = CnnLinks.parse(b);
            assertNotNull(p.error(), b.toString());
            assertSame(CnnLinks.DEFAULTS, p.value());
        }
    }

    @Test
    void playgroundLinksAndLayersTheEditorDoesNotOfferAreRefusedWithAReason() {
        String playground = ShareLinks.pack(PlaygroundSettings.DEFAULTS.toExperiment());
        ShareLinks.Parsed<CnnLinks.State> p = CnnLinks.parse(params("x", playground));
        assertTrue(p.error().contains("Playground"), p.error());

        Experiment e = CnnPresets.byKey(CnnPresets.SHALLOW, false).experiment();
        Experiment noOptimizer = new Experiment(e.format(), e.name(), e.seed(), e.task(), e.data(), e.inputShape(), e.model(),
                e.loss(), null, e.regularization(), null, e.backend());
        p = CnnLinks.parse(params("x", ShareLinks.pack(noOptimizer)));
        assertTrue(p.error().contains("no optimizer, epochs"), p.error());

        List<LayerSpec> model = new ArrayList<>(e.model());
        model.set(2, LayerSpec.of("LeakyReLU"));
        p = CnnLinks.parse(params("x", ShareLinks.pack(e.withModel(model))));
        assertTrue(p.error().contains("LeakyReLU"), p.error());
    }

    @Test
    void aComparisonSwapsEveryActivationAndKeepsTheRest() {
        Experiment e = CnnPresets.byKey(CnnPresets.LENET, false).experiment();
        Experiment tanh = CnnLinks.withActivation(e, "Tanh");
        assertEquals("Tanh: " + e.name(), tanh.name());
        assertEquals(e.model().size(), tanh.model().size());
        for (int i = 0; i < e.model().size(); i++) {
            String t = e.model().get(i).type();
            assertEquals(t.equals("ReLU") ? "Tanh" : t, tanh.model().get(i).type());
        }
        assertEquals(e.seed(), tanh.seed());
        assertEquals(e.data(), tanh.data());
        assertTrue(CnnLinks.hasActivation(e));
        assertTrue(!CnnLinks.hasActivation(CnnPresets.byKey(CnnPresets.CIFAR10_TUTORIAL, false).experiment()));
    }

    @Test
    void aRunsExperimentsGiveBackTheStateThatTrainsThem() {
        Experiment e = CnnPresets.byKey(CnnPresets.LENET, false).experiment();
        assertEquals(new CnnLinks.State(e, List.of()), CnnLinks.stateOf(List.of(e)));
        List<Experiment> compared = List.of(CnnLinks.withActivation(e, "ReLU"), CnnLinks.withActivation(e, "Sigmoid"));
        CnnLinks.State s = CnnLinks.stateOf(compared);
        assertEquals(List.of("ReLU", "Sigmoid"), s.compare());
        assertEquals(e.name(), s.experiment().name());
        for (int i = 0; i < compared.size(); i++) {
            assertEquals(compared.get(i), CnnLinks.withActivation(s.experiment(), s.compare().get(i)), "the same runs again");
        }
        // and through its link
        CnnLinks.State linked = CnnLinks.parse(params("x", CnnLinks.query(s).get("x"), "cmp", CnnLinks.query(s).get("cmp"))).value();
        assertEquals(s, linked);
    }

    @Test
    void aStateTrainsItsExperimentOrOneCopyPerActivationCompared() {
        Experiment e = CnnPresets.byKey(CnnPresets.LENET, false).experiment();
        assertEquals(List.of(e), CnnLinks.runsOf(new CnnLinks.State(e, List.of())));
        CnnLinks.State s = new CnnLinks.State(e, List.of("ReLU", "Tanh"));
        List<Experiment> runs = CnnLinks.runsOf(s);
        assertEquals(List.of(CnnLinks.withActivation(e, "ReLU"), CnnLinks.withActivation(e, "Tanh")), runs);
        assertEquals(s, CnnLinks.stateOf(runs));
    }

    @Test
    void aRunTrainsAStateWhateverItsRateAndEpochsButNotAnotherModelOrComparison() {
        Experiment e = CnnPresets.byKey(CnnPresets.LENET, false).experiment();
        CnnLinks.State s = new CnnLinks.State(e, List.of("ReLU", "Tanh"));
        List<Experiment> trained = CnnLinks.runsOf(s).stream()
                .map(x -> x.withEpochs(e.epochs() + 3).withOptimizer(x.optimizer().withLr(0.3))).toList();
        assertTrue(CnnLinks.trains(trained, s));
        assertTrue(!CnnLinks.trains(trained, new CnnLinks.State(e, List.of())));
        assertTrue(!CnnLinks.trains(trained, new CnnLinks.State(e, List.of("ReLU", "Sigmoid"))));
        assertTrue(!CnnLinks.trains(List.of(e.withSeed(e.seedOrZero() + 1)), new CnnLinks.State(e, List.of())));
    }

    @Test
    void aComparedRunIsNamedAfterItsActivation() {
        Experiment e = CnnPresets.byKey(CnnPresets.LENET, false).experiment();
        assertEquals("Sigmoid", CnnLinks.activationOf(CnnLinks.withActivation(e, "Sigmoid").name()));
        assertEquals("", CnnLinks.activationOf("LeNet"));
        assertEquals("", CnnLinks.activationOf(": no activation"));
        assertEquals("", CnnLinks.activationOf(null));
    }
}
