package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.datasets.ImageSet;
import com.layerlab.datasets.ImageSets;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentFiles;
import com.layerlab.engine.experiment.LayerInfo;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.ModelSummary;
import com.layerlab.engine.experiment.Models;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CnnPresetsTest {

    private static Experiment preset(String key) {
        return CnnPresets.byKey(key, false).experiment();
    }

    private static List<String> shapes(ModelSummary s) {
        return s.layers().stream().map(l -> Arrays.toString(l.outputShape())).toList();
    }

    private static CnnInspection.DataInfo info(Experiment e) {
        ImageSet set = ImageSets.load(e.data().dataset(), e.data().options(), null, e.seedOrZero());
        return new CnnInspection.DataInfo(e.data().dataset(), set.size(), set.classes(), set.shape());
    }

    @Test
    void cifar10TutorialModelHasTheCourseShapesAndParameterCount() {
        Experiment e = preset(CnnPresets.CIFAR10_TUTORIAL);
        ModelSummary s = Models.inspect(e);
        assertEquals(145_578, s.totalParams());
        assertEquals(List.of("[32, 32, 32]", "[32, 16, 16]", "[32, 16, 16]", "[32, 8, 8]", "[64, 8, 8]", "[64, 4, 4]",
                "[1024]", "[64]", "[10]"), shapes(s));
        assertEquals(List.of(2432L, 0L, 25_632L, 0L, 51_264L, 0L, 0L, 65_600L, 650L),
                s.layers().stream().map(LayerInfo::params).toList());
        // offline it trains on the generated colour shapes, with CIFAR-10's files on CIFAR-10 itself
        assertEquals("shapes", e.data().dataset());
        assertEquals("cifar10", CnnPresets.byKey(CnnPresets.CIFAR10_TUTORIAL, true).experiment().data().dataset());
        assertNull(CnnInspection.trainProblem(e, CnnInspection.inspect(e), info(e), CnnLimits.DEFAULT));
    }

    @Test
    void theCifar10TutorialSaysItIsLinearBetweenItsPoolsAndOffersTheModelWithRelu() {
        String about = CnnPresets.byKey(CnnPresets.CIFAR10_TUTORIAL, false).description();
        assertTrue(about.contains("no activation layers, so the network is linear between its pools"), about);
        assertTrue(about.contains("\"CIFAR-10 tutorial model with ReLU\""), about);
        CnnPresets.Preset relu = CnnPresets.byKey(CnnPresets.CIFAR10_RELU, false);
        assertEquals("CIFAR-10 tutorial model with ReLU", relu.title());
        ModelSummary s = Models.inspect(relu.experiment());
        assertEquals(145_578, s.totalParams());
        assertEquals(List.of("Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d",
                "Flatten", "Linear", "ReLU", "Linear"), relu.experiment().model().stream().map(LayerSpec::type).toList());
        assertNull(CnnInspection.trainProblem(relu.experiment(), CnnInspection.inspect(relu.experiment()),
                info(relu.experiment()), CnnLimits.DEFAULT));
        assertEquals(preset(CnnPresets.CIFAR10_TUTORIAL).data(), relu.experiment().data());
    }

    @Test
    void aPresetStaysItselfOnAnyBackendAndAnEditedOneKeepsItsBackend() {
        Experiment lenet = preset(CnnPresets.LENET).withBackend("opencl");
        assertEquals(CnnPresets.LENET, CnnPresets.matching(lenet, false).key(), "the backend is where it trains, not the network");
        assertEquals(lenet, CnnPresets.edited(lenet, false), "a preset keeps its name");
        Experiment custom = CnnPresets.edited(lenet.withEpochs(7), false);
        assertNull(CnnPresets.matching(custom, false));
        assertEquals("opencl", custom.backend());
    }

    @Test
    void courseDemosGiveTheShapesOfTheNotes() {
        assertEquals(List.of("[6, 30, 30]"), shapes(Models.inspect(preset(CnnPresets.CONV_DEMO))));
        assertEquals(List.of("[1, 2, 2]"), shapes(Models.inspect(preset(CnnPresets.POOL_CEIL))));
        assertEquals(List.of("[1, 1, 1]"), shapes(Models.inspect(preset(CnnPresets.POOL_FLOOR))));
        ModelSummary linear = Models.inspect(preset(CnnPresets.LINEAR_DEMO));
        assertEquals(List.of("[3072]", "[10]"), shapes(linear));
        assertEquals(30_730, linear.totalParams());
    }

    @Test
    void mnistNetworksHaveTheirParameterCountsAndTheDeepOneHasFewerThanTheShallowOne() {
        assertEquals(61_706, Models.inspect(preset(CnnPresets.LENET)).totalParams());
        assertEquals(7_850, Models.inspect(preset(CnnPresets.PERCEPTRON)).totalParams());
        long shallow = Models.inspect(preset(CnnPresets.SHALLOW)).totalParams();
        long deep = Models.inspect(preset(CnnPresets.DEEP)).totalParams();
        assertEquals(50_890, shallow);
        assertEquals(27_562, deep);
        assertTrue(deep < shallow);
    }

    @Test
    void trainablePresetsPassTheTrainCheckAndDemosSayWhatIsMissing() {
        for (String key : List.of(CnnPresets.LINEAR_DEMO, CnnPresets.LENET, CnnPresets.PERCEPTRON, CnnPresets.SHALLOW,
                CnnPresets.DEEP, CnnPresets.CIFAR10_TUTORIAL)) {
            Experiment e = preset(key);
            assertNull(CnnInspection.trainProblem(e, CnnInspection.inspect(e), info(e), CnnLimits.DEFAULT), key);
        }
        Experiment conv = preset(CnnPresets.CONV_DEMO);
        String convProblem = CnnInspection.trainProblem(conv, CnnInspection.inspect(conv), info(conv), CnnLimits.DEFAULT);
        assertNotNull(convProblem);
        assertTrue(convProblem.contains("[6, 30, 30]") && convProblem.contains("Flatten"), convProblem);
        Experiment pool = preset(CnnPresets.POOL_CEIL);
        String poolProblem = CnnInspection.trainProblem(pool, CnnInspection.inspect(pool), info(pool), CnnLimits.DEFAULT);
        assertTrue(poolProblem.contains("[1, 5, 5]") && poolProblem.contains("[1, 28, 28]"), poolProblem);
    }

    @Test
    void everyPresetIsAValidFileWithAUniqueKeyAndOnlyEditorLayers() {
        Set<String> keys = new HashSet<>();
        for (CnnPresets.Preset p : CnnPresets.all(false)) {
            assertTrue(keys.add(p.key()), p.key());
            Experiment e = p.experiment();
            assertEquals(e, ExperimentFiles.read(ExperimentFiles.write(e)), p.key());
            assertTrue(e.model().stream().allMatch(l -> CnnLayerTypes.isEditable(l.type())), p.key());
            assertEquals(p.title(), e.name());
        }
        assertEquals(10, keys.size());
        assertEquals(CnnPresets.byKey(CnnPresets.DEFAULT, false).experiment(), CnnPresets.defaultExperiment());
    }

    @Test
    void serverLimitsAreEnforcedWithAMessage() {
        Experiment e = preset(CnnPresets.CIFAR10_TUTORIAL);
        CnnInspection.Result r = CnnInspection.inspect(e);
        CnnInspection.DataInfo d = info(e);
        CnnLimits small = new CnnLimits(100_000, 1_000, 3, 32, 512L << 20, 1 << 20, 1, 1, CnnLimits.DEFAULT.frameInterval());
        assertTrue(CnnInspection.trainProblem(e, r, d, small).contains("145,578 parameters"));
        CnnLimits fewImages = new CnnLimits(1_000_000, 1_000, 3, 32, 512L << 20, 1 << 20, 1, 1, CnnLimits.DEFAULT.frameInterval());
        assertTrue(CnnInspection.trainProblem(e, r, d, fewImages).contains("limit"));
        CnnLimits fewEpochs = new CnnLimits(1_000_000, 10_000, 3, 512, 512L << 20, 1 << 20, 1, 1, CnnLimits.DEFAULT.frameInterval());
        assertTrue(CnnInspection.trainProblem(e, r, d, fewEpochs).contains("Epochs must be from 1 to 3"));
    }

    @Test
    void inputShapeComesFromTheDataSetUnlessGiven() {
        assertArrayEquals(new int[] {1, 28, 28}, Models.inputShape(preset(CnnPresets.LENET)));
        assertArrayEquals(new int[] {3, 32, 32}, Models.inputShape(preset(CnnPresets.CIFAR10_TUTORIAL)));
        assertArrayEquals(new int[] {1, 5, 5}, Models.inputShape(preset(CnnPresets.POOL_CEIL)));
    }

    @Test
    void aPresetIsFoundByItsExperimentAndAnEditedOneBecomesTheLearnersOwn() {
        Experiment lenet = preset(CnnPresets.LENET);
        assertEquals(CnnPresets.LENET, CnnPresets.matching(lenet, false).key());
        assertEquals(lenet, CnnPresets.edited(lenet, false));
        Experiment more = lenet.withEpochs(lenet.epochs() + 1);
        assertNull(CnnPresets.matching(more, false));
        Experiment own = CnnPresets.edited(more, false);
        assertEquals("Custom: " + lenet.name(), own.name());
        assertEquals(more.withName(own.name()), own);
        assertEquals(own.name(), CnnPresets.edited(own, false).name(), "edited again, it keeps its name");
        assertEquals("Custom CNN", CnnPresets.edited(more.withName(null), false).name());
    }
}
