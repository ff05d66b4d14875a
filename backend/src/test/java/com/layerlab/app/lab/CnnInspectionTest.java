package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CnnInspectionTest {

    private static final Experiment CIFAR = CnnPresets.byKey(CnnPresets.CIFAR10_TUTORIAL, false).experiment();

    @Test
    void aWorkingModelHasEveryShapeAndTheTotal() {
        CnnInspection.Result r = CnnInspection.inspect(CIFAR);
        assertTrue(r.ok());
        assertEquals(9, r.rows().size());
        assertEquals("[3, 32, 32]", Arrays.toString(r.rows().get(0).input()));
        assertEquals("[64, 4, 4]", Arrays.toString(r.rows().get(6).input()));
        assertEquals("[10]", Arrays.toString(r.output()));
        assertEquals(145_578, r.totalParams());
        assertNull(r.problem());
    }

    @Test
    void aLayerThatBreaksTheShapesIsNamedWithTheReasonAndTheLayersBeforeItKeepTheirShapes() {
        // PyTorch code copied over: nn.Linear(1024, 64) but the Flatten before it forgotten
        List<LayerSpec> model = new ArrayList<>(CIFAR.model());
        model.remove(6);
        model.set(6, model.get(6).withArg("in_features", 1024));
        CnnInspection.Result r = CnnInspection.inspect(CIFAR.withModel(model));
        assertFalse(r.ok());
        assertEquals(6, r.errorIndex());
        CnnInspection.Row bad = r.rows().get(6);
        assertEquals("Linear", bad.type());
        assertTrue(bad.error().contains("[64, 4, 4]") && bad.error().contains("add a Flatten layer before it"), bad.error());
        assertEquals("[64, 4, 4]", Arrays.toString(r.rows().get(5).output()));
        assertNull(r.rows().get(7).output());
        assertNull(r.rows().get(7).error());
        assertTrue(r.problem().startsWith("Layer 6 (Linear): "), r.problem());
        assertNotNull(CnnInspection.trainProblem(CIFAR, r, null, CnnLimits.DEFAULT));
    }

    /** As a share link can carry it: a 1x1 convolution of {@code channels} channels, few parameters. */
    private static Experiment wide(int channels) {
        return CIFAR.withModel(List.of(LayerSpec.of("Conv2d").withArg("out_channels", channels).withArg("kernel_size", 1),
                LayerSpec.of("ReLU"), LayerSpec.of("Conv2d").withArg("out_channels", 8).withArg("kernel_size", 1),
                LayerSpec.of("MaxPool2d").withArg("kernel_size", 4), LayerSpec.of("Flatten"), LayerSpec.linear(10)));
    }

    @Test
    void aModelOverTheMemoryBoundIsRefusedWithItsEstimateBeforeTraining() {
        CnnInspection.DataInfo shapes = new CnnInspection.DataInfo("shapes", 1_000, 10, new int[] {3, 32, 32});
        Experiment e = wide(6_000);
        CnnInspection.Result r = CnnInspection.inspect(e);
        assertTrue(r.ok());
        assertTrue(r.totalParams() < CnnLimits.DEFAULT.maxParams(), "the parameter limit lets it through");
        String problem = CnnInspection.trainProblem(e, r, shapes, CnnLimits.DEFAULT);
        assertNotNull(problem);
        assertTrue(problem.startsWith("Training this model needs about ") && problem.contains("GiB")
                && problem.contains("the biggest layer, model[0] (Conv2d) with output [6000, 32, 32], takes ")
                && problem.endsWith("This server trains models of at most 512 MiB: use fewer channels or pool earlier."),
                problem);
        // evaluating 250 test images at a time takes most of it: a smaller batch size would not help, and is not advised
        assertTrue(problem.contains("most of it to evaluate in batches of 250"), problem);
        // the layer editor marks the layer whose output is the largest
        CnnInspection.LayerNote note = CnnInspection.memoryNote(e, r, shapes, CnnLimits.DEFAULT);
        assertEquals(0, note.index());
        assertTrue(note.text().startsWith("Its output [6000, 32, 32] is the largest: the model needs about ")
                && note.text().endsWith("more than the server's 512 MiB. Use fewer channels here."), note.text());
        assertNull(CnnInspection.memoryNote(wide(16), CnnInspection.inspect(wide(16)), shapes, CnnLimits.DEFAULT));
        // the bound is the server's setting: 16 channels fit it, and the bound can be raised
        assertNull(CnnInspection.trainProblem(wide(16), CnnInspection.inspect(wide(16)), shapes, CnnLimits.DEFAULT));
        CnnLimits roomy = new CnnLimits(2_000_000, 20_000, 50, 512, 64L << 30, 32L << 20, 4, 1, CnnLimits.DEFAULT.frameInterval());
        assertNull(CnnInspection.trainProblem(e, r, shapes, roomy));
        // 60,000 channels: the layer editor's own limit on a layer's size says so first
        Experiment wider = wide(60_000);
        assertEquals("Layer 0 (Conv2d): out_channels 60,000 is too large: a layer here has at most 16,384",
                CnnInspection.trainProblem(wider, CnnInspection.inspect(wider), shapes, CnnLimits.DEFAULT));
    }

    @Test
    void withoutFlattenLinearMapsTheLastAxisAndTrainingSaysWhereTheFlattenGoes() {
        List<LayerSpec> model = new ArrayList<>(CIFAR.model());
        model.remove(6);
        Experiment e = CIFAR.withModel(model);
        CnnInspection.Result r = CnnInspection.inspect(e);
        assertTrue(r.ok());
        assertEquals("[64, 4, 64]", Arrays.toString(r.rows().get(6).output()));
        assertEquals("[64, 4, 10]", Arrays.toString(r.output()));
        CnnInspection.DataInfo shapes = new CnnInspection.DataInfo("shapes", 100, 10, new int[] {3, 32, 32});
        assertEquals("The model's output is [64, 4, 10] but shapes has 10 classes, so CrossEntropyLoss needs [10] (one "
                + "score per class): layer 6 (Linear) gets [64, 4, 4] and, as in PyTorch, maps only its last axis: add a "
                + "Flatten before it.", CnnInspection.trainProblem(e, r, shapes, CnnLimits.DEFAULT));
    }

    @Test
    void textThatIsNoNumberIsReportedByTheEngineNamingTheField() {
        List<LayerSpec> model = new ArrayList<>(CIFAR.model());
        model.set(2, model.get(2).withArg("kernel_size", CnnLayerTypes.parse(CnnLayerTypes.Kind.SIZE, "five")));
        CnnInspection.Result r = CnnInspection.inspect(CIFAR.withModel(model));
        assertEquals(2, r.errorIndex());
        assertTrue(r.rows().get(2).error().contains("kernel_size"), r.rows().get(2).error());
        assertEquals(2432, r.rows().get(0).params());
    }

    @Test
    void aChannelOrFeatureCountTooLargeSaysSoAndNamesTheLimit() {
        // typed into the editor: ten digits stay text, which PyTorch would take as an int
        List<LayerSpec> model = new ArrayList<>(CIFAR.model());
        model.set(2, model.get(2).withArg("out_channels", CnnLayerTypes.parse(CnnLayerTypes.Kind.INT, "1000000000")));
        CnnInspection.Result r = CnnInspection.inspect(CIFAR.withModel(model));
        assertEquals(2, r.errorIndex());
        assertEquals("out_channels 1,000,000,000 is too large: a layer here has at most 16,384", r.rows().get(2).error());
        assertEquals("[32, 16, 16]", Arrays.toString(r.rows().get(1).output()), "the layers before it keep their shapes");
        assertNull(r.rows().get(3).output());

        // from a link: a number
        model = new ArrayList<>(CIFAR.model());
        model.set(7, model.get(7).withArg("out_features", 1e9));
        r = CnnInspection.inspect(CIFAR.withModel(model));
        assertEquals(7, r.errorIndex());
        assertTrue(r.problem().startsWith("Layer 7 (Linear): out_features 1,000,000,000 is too large"), r.problem());

        // an earlier broken layer is still named first
        model.set(2, model.get(2).withArg("kernel_size", 40));
        assertEquals(2, CnnInspection.inspect(CIFAR.withModel(model)).errorIndex());
    }

    @Test
    void aKernelLargerThanItsInputIsCaught() {
        List<LayerSpec> model = new ArrayList<>(CIFAR.model());
        model.set(4, model.get(4).withArg("kernel_size", 20).withArg("padding", 0));
        CnnInspection.Result r = CnnInspection.inspect(CIFAR.withModel(model));
        assertEquals(4, r.errorIndex());
        assertTrue(r.rows().get(4).error().toLowerCase().contains("too small"), r.rows().get(4).error());
    }

    @Test
    void aBadInputShapeIsReportedOnTheInput() {
        CnnInspection.Result r = CnnInspection.inspect(CIFAR.withInputShape(List.of(0, 3)));
        assertFalse(r.ok());
        assertNotNull(r.inputError());
        assertEquals(-1, r.errorIndex());
        assertTrue(r.problem().startsWith("Input: "));
        assertEquals(9, r.rows().size());
    }

    @Test
    void anEmptyModelCannotTrain() {
        Experiment e = CIFAR.withModel(List.of());
        CnnInspection.Result r = CnnInspection.inspect(e);
        assertTrue(r.ok());
        assertEquals("The model has no layers: add some.", CnnInspection.trainProblem(e, r, null, CnnLimits.DEFAULT));
    }
}
