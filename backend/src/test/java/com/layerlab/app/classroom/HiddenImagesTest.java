package com.layerlab.app.classroom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;

import com.layerlab.app.lab.CnnPresets;
import com.layerlab.app.lab.ControlLocks.Control;
import com.layerlab.app.store.Page;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.datasets.ImageSet;
import com.layerlab.datasets.ImageSets;
import com.layerlab.engine.experiment.DataSets;
import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The CNN lab's hidden test images: which ones, that the run never loads them, kept per push. */
class HiddenImagesTest {

    private static final long SECRET = 987;

    private static Experiment on(String dataset, Map<String, Object> options) {
        return ClassRig.smallCnn(100).withData(CnnPresets.data(dataset, options));
    }

    @Test
    void shapesAreGeneratedAgainFromAnotherSeedNoneOfThemTheRunsImages() {
        Experiment e = on(ImageSets.SHAPES, Map.of(ImageSets.SAMPLES, 2_000));
        assertEquals(HiddenImages.Kind.GENERATED, HiddenImages.kind(e));
        HiddenImages hidden = new HiddenImages(null, SECRET);
        ImageSet images = hidden.of(5, e).orElseThrow();
        assertEquals(HiddenImages.IMAGES, images.size());
        long runSeed = e.data().dataSeed(e.seed());
        long seed = ChallengeScorer.hiddenSeed(5, SECRET, runSeed);
        assertNotEquals(runSeed, seed, "another seed than the run's");
        assertArrayEquals(HiddenImages.generated(seed).pixels(), images.pixels(), "from the push and the secret");
        assertSame(images, hidden.of(5, e).orElseThrow(), "loaded once per push");
        assertNotEquals(seed, ChallengeScorer.hiddenSeed(6, SECRET, runSeed), "another push, other images");

        // not one of the run's own 2,000 images
        Set<ByteBuffer> runs = images(DataSets.load(e.data(), runSeed, null));
        for (int i = 0; i < images.size(); i++) {
            assertFalse(runs.contains(ByteBuffer.wrap(images.imageBytes(i))), "hidden image " + i + " is one of the run's");
        }
        // all classes, as balanced as the run's
        int[] counts = images.classCounts();
        for (int c : counts) {
            assertEquals(HiddenImages.IMAGES / counts.length, c, 1);
        }
    }

    @Test
    void aBuiltInSetCutByALimitIsScoredOnTheImagesPastTheLimit() {
        Experiment e = on(ImageSets.MNIST, Map.of(ImageSets.LIMIT, 300));
        assertEquals(HiddenImages.Kind.PAST_LIMIT, HiddenImages.kind(e));
        ImageSet images = new HiddenImages(null, SECRET).of(5, e).orElseThrow();
        assertEquals(HiddenImages.IMAGES, images.size());
        // MNIST's images 300..799: the run loads the first 300 only
        ImageSet first800 = DataSets.load(new DataSpec(ImageSets.MNIST, Map.of(ImageSets.LIMIT, 800), null, 0.8, 1, false, false), 0, null);
        for (int i = 0; i < images.size(); i++) {
            assertArrayEquals(first800.imageBytes(300 + i), images.imageBytes(i));
            assertEquals(first800.label(300 + i), images.label(i));
        }
        Set<ByteBuffer> runs = images(DataSets.load(e.data(), 0, null));
        assertEquals(300, DataSets.load(e.data(), 0, null).size());
        for (int i = 0; i < images.size(); i++) {
            assertFalse(runs.contains(ByteBuffer.wrap(images.imageBytes(i))), "hidden image " + i + " is one of the run's");
        }

        // fewer than 500 past the limit: those there are (the committed Fashion-MNIST subset has 2,000 images)
        Experiment fashion = on(ImageSets.FASHION_MNIST, Map.of(ImageSets.LIMIT, 1_900));
        int all = DataSets.load(new DataSpec(ImageSets.FASHION_MNIST, Map.of(), null, 0.8, 1, false, false), 0, null).size();
        Optional<ImageSet> past = new HiddenImages(null, SECRET).of(5, fashion);
        assertEquals(Math.min(HiddenImages.IMAGES, all - 1_900), past.orElseThrow().size());
    }

    @Test
    void theWholeSetOrAnUploadedFolderIsScoredOnTheRunsOwnTestImages() {
        HiddenImages hidden = new HiddenImages(null, SECRET);
        Experiment whole = on(ImageSets.MNIST, Map.of());
        assertEquals(HiddenImages.Kind.OWN_TEST, HiddenImages.kind(whole));
        assertEquals(Optional.empty(), hidden.of(5, whole));
        // a limit that is the whole set leaves nothing unseen
        Experiment limitAll = on(ImageSets.MNIST, Map.of(ImageSets.LIMIT, 10_000));
        assertEquals(HiddenImages.Kind.PAST_LIMIT, HiddenImages.kind(limitAll));
        assertEquals(Optional.empty(), hidden.of(5, limitAll));
        Experiment folder = on("folder:cats-abc", Map.of(ImageSets.LIMIT, 10));
        assertEquals(HiddenImages.Kind.OWN_TEST, HiddenImages.kind(folder));
        assertEquals(Optional.empty(), hidden.of(5, folder));
    }

    @Test
    void theImagesOfAPushNoLongerScoredGoAndAtMostAFewAreKept() {
        HiddenImages hidden = new HiddenImages(null, SECRET);
        Experiment e = on(ImageSets.SHAPES, Map.of(ImageSets.SAMPLES, 100));
        for (long push = 1; push <= 12; push++) {
            hidden.of(push, e);
        }
        assertTrue(hidden.held() <= 8, "bounded: " + hidden.held());
        hidden.retain(Set.of(12L));
        assertEquals(1, hidden.held());
        hidden.retain(Set.of());
        assertEquals(0, hidden.held());
    }

    @Test
    void thePagesAreToldWhatAChallengeIsScoredOn() {
        ChallengeScorer scorer = new ChallengeScorer(mock(Classrooms.class), mock(TrainingRuntime.class), null, SECRET, 0);
        try {
            Challenge c = new Challenge(Set.of(Control.LEARNING_RATE), new Challenge.Goal(Challenge.Metric.TEST_ACCURACY, 0.9, 0, 0));
            assertEquals("500 images your network never sees", scorer.hiddenSplitText(push(1, Page.CNN,
                    ClassRig.cnnViewState(on(ImageSets.SHAPES, Map.of(ImageSets.SAMPLES, 100))), c)));
            assertEquals("500 images your network never sees", scorer.hiddenSplitText(push(2, Page.CNN,
                    ClassRig.cnnViewState(on(ImageSets.MNIST, Map.of(ImageSets.LIMIT, 2_000))), c)));
            assertEquals("your own test images", scorer.hiddenSplitText(push(3, Page.CNN,
                    ClassRig.cnnViewState(on(ImageSets.MNIST, Map.of())), c)));
            assertEquals("500 points your network never sees", scorer.hiddenSplitText(push(4, Page.PLAYGROUND,
                    StudentRuns.viewState(com.layerlab.app.lab.PlaygroundSettings.DEFAULTS), c)));
        } finally {
            scorer.close();
        }
    }

    private static Push push(long id, Page lab, String viewState, Challenge c) {
        return new Push(id, 1, Instant.now(), "Pushed", viewState, null, c, null, lab);
    }

    private static Set<ByteBuffer> images(ImageSet set) {
        Set<ByteBuffer> out = new HashSet<>();
        for (int i = 0; i < set.size(); i++) {
            out.add(ByteBuffer.wrap(set.imageBytes(i)));
        }
        return out;
    }
}
