package com.layerlab.engine.data;

import java.util.Random;

/**
 * A map-style data set, as PyTorch's {@code torch.utils.data.Dataset}: a size and the sample at each
 * index. Random transforms draw from the {@code Random} passed in, so that the {@link DataLoader} can
 * make them reproducible: it passes one seeded from (seed, epoch, index).
 */
public interface Dataset {

    /** Number of samples ({@code len(dataset)}). */
    int size();

    /**
     * The sample at {@code index} ({@code dataset[index]}), a new object with its own arrays.
     *
     * @param rng the generator random transforms draw from; datasets without any ignore it
     */
    Sample get(int index, Random rng);

    /** {@code get(index, rng)} with a generator fixed per index: the same call gives the same sample. */
    default Sample get(int index) {
        return get(index, new Random(index));
    }

    /** This data set with {@code transform} applied to every sample after the ones it already has. */
    default Dataset withTransform(Transform transform) {
        Dataset base = this;
        return new Dataset() {
            @Override
            public int size() {
                return base.size();
            }

            @Override
            public Sample get(int index, Random rng) {
                return transform.apply(base.get(index, rng), rng);
            }
        };
    }

    /** Throws the usual message for an index outside {@code 0..size-1}. */
    static int checkIndex(int index, int size) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " outside the data set's 0.." + (size - 1));
        }
        return index;
    }
}
