package com.layerlab.app.lab;

import com.layerlab.datasets.ImageSets;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The server's data folder (CIFAR-10, uploaded image folders, learners' point sets):
 * {@code layerlab.data.dir}, else {@link ImageSets#defaultDataDir()} ($LAYERLAB_DATA_DIR, else
 * {@code datasets/} where the server was started).
 */
@Component
public class DataFolder {

    private final Path path;

    public DataFolder(@Value("${layerlab.data.dir:}") String configured) {
        this.path = resolve(configured);
    }

    /** The one rule for the data folder; the store (which starts before the beans) keeps its database there too. */
    public static Path resolve(String configured) {
        return configured == null || configured.isBlank() ? ImageSets.defaultDataDir()
                : Path.of(configured).toAbsolutePath().normalize();
    }

    public Path path() {
        return path;
    }
}
