package com.layerlab.engine.data;

import com.layerlab.datasets.ImageSet;
import java.util.Random;

/**
 * An {@link ImageSet} as a data set, like torchvision's datasets: sample {@code i} is image {@code i} as
 * bytes with its class index, then the transform, if any (usually starting with {@link ToTensor}).
 */
public final class ImageDataset implements Dataset {

    private final ImageSet images;
    private final Transform transform;

    /** Samples are image bytes; add {@link ToTensor} (with {@link #withTransform}) before batching. */
    public ImageDataset(ImageSet images) {
        this(images, null);
    }

    public ImageDataset(ImageSet images, Transform transform) {
        this.images = images;
        this.transform = transform;
    }

    /** Floats in [0, 1]: the images with {@link ToTensor}. */
    public static ImageDataset tensors(ImageSet images) {
        return new ImageDataset(images, new ToTensor());
    }

    public ImageSet images() {
        return images;
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public Sample get(int index, Random rng) {
        Dataset.checkIndex(index, images.size());
        Sample s = Sample.image(images.imageBytes(index), images.shape(), images.label(index));
        return transform == null ? s : transform.apply(s, rng);
    }
}
