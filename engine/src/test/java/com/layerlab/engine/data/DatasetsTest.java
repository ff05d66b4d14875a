package com.layerlab.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.layerlab.datasets.Datasets2D;
import com.layerlab.datasets.Features2D;
import com.layerlab.datasets.ImageSet;
import com.layerlab.datasets.ImageSets;
import com.layerlab.datasets.Points2D;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DatasetsTest {

    @Test
    void imageDatasetGivesTheImagesBytesAndWithToTensorTheirFloats() {
        ImageSet shapes = ImageSets.load("shapes", Map.of("samples", 12), null, 5);
        ImageDataset raw = new ImageDataset(shapes);
        assertEquals(12, raw.size());
        Sample s = raw.get(7);
        assertArrayEquals(new int[] {3, 32, 32}, s.shape());
        assertArrayEquals(shapes.imageBytes(7), s.pixels());
        assertEquals(7 % 10, (int) s.label());
        Sample t = ImageDataset.tensors(shapes).get(7);
        assertArrayEquals(shapes.image(7), t.values());
        assertArrayEquals(new int[] {3, 32, 32}, t.toTensor().shape());
        // a sample owns its arrays: changing one leaves the set alone
        s.pixels()[0]++;
        assertArrayEquals(shapes.imageBytes(7), raw.get(7).pixels());
        assertArrayEquals(shapes.image(3), raw.withTransform(new ToTensor()).get(3).values());
        assertThrows(IndexOutOfBoundsException.class, () -> raw.get(12));
    }

    @Test
    void pointsDatasetComputesTheChosenFeatures() {
        Points2D p = Datasets2D.generate("circle", 40, 0, 2, 3);
        List<String> features = List.of("x1", "x2", "x1*x2", "sin(x1)");
        PointsDataset d = new PointsDataset(p, features);
        assertEquals(40, d.size());
        float[] all = Features2D.compute(features, p);
        for (int i = 0; i < 40; i++) {
            Sample s = d.get(i);
            assertArrayEquals(new int[] {4}, s.shape());
            assertArrayEquals(java.util.Arrays.copyOfRange(all, 4 * i, 4 * i + 4), s.values());
            assertEquals(p.label()[i], s.label());
        }
        Batch b = new DataLoader(d, 40, false, false, 0).iterator().next();
        assertArrayEquals(all, b.x().toHost());
        assertArrayEquals(p.label(), b.y().toHost());
        assertThrows(IllegalArgumentException.class, () -> new PointsDataset(p, List.of("x3")));
    }

    @Test
    void splitCutsAsThe2DSplitDoes() {
        Points2D p = Datasets2D.generate("xor", 50, 0, 2, 1);
        Subset.Split s = Subset.split(new PointsDataset(p), 0.7, new Random(11));
        Points2D.Split want = p.split(0.7, new Random(11));
        assertEquals(want.train().size(), s.train().size());
        assertEquals(want.test().size(), s.test().size());
        for (int i = 0; i < s.train().size(); i++) {
            assertEquals(want.train().x1()[i], s.train().get(i).values()[0]);
        }
        for (int i = 0; i < s.test().size(); i++) {
            assertEquals(want.test().x2()[i], s.test().get(i).values()[1]);
        }
        Subset tail = Subset.range(new PointsDataset(p), 45, 50);
        assertEquals(5, tail.size());
        assertEquals(p.x1()[47], tail.get(2).values()[0]);
        assertThrows(IndexOutOfBoundsException.class, () -> Subset.range(new PointsDataset(p), 45, 51));
    }
}
