package com.layerlab.engine.data;

import java.util.List;
import java.util.Random;

/**
 * A sample transform, as in {@code torchvision.transforms}. Random ones draw only from {@code rng}, which
 * makes them reproducible.
 */
@FunctionalInterface
public interface Transform {

    /** The transformed sample; may change the input's arrays in place and return them. */
    Sample apply(Sample sample, Random rng);

    /** {@code transforms.Compose}: these transforms in order. */
    static Transform compose(Transform... transforms) {
        return compose(List.of(transforms));
    }

    /** {@code transforms.Compose}: these transforms in order. */
    static Transform compose(List<Transform> transforms) {
        List<Transform> steps = List.copyOf(transforms);
        return (s, rng) -> {
            Sample out = s;
            for (Transform t : steps) {
                out = t.apply(out, rng);
            }
            return out;
        };
    }
}
