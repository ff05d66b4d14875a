package com.layerlab.app.store;

import com.layerlab.app.lab.DataFolder;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The default database: with {@code spring.datasource.url} empty, an embedded H2 database in the file
 * {@code <data folder>/layerlab-store} (created on first start), so that the app runs with nothing installed;
 * the data folder is {@code layerlab.data.dir}'s, by {@link DataFolder#resolve}. Set
 * {@code spring.datasource.url} (with {@code spring.datasource.username} and {@code spring.datasource.password})
 * for PostgreSQL: README.
 */
public class StoreDatabase implements EnvironmentPostProcessor {

    static final String URL = "spring.datasource.url";
    static final String FILE = "layerlab-store";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        String url = env.getProperty(URL);
        if (url != null && !url.isBlank()) {
            return;
        }
        Path dir = DataFolder.resolve(env.getProperty("layerlab.data.dir"));
        env.getPropertySources().addFirst(new MapPropertySource("layerlab-store-default", Map.of(
                URL, h2Url(dir),
                "spring.datasource.username", "sa",
                "spring.datasource.password", "")));
    }

    /** The embedded database in {@code dir}; H2 creates the folder and the file when they are missing. */
    public static String h2Url(Path dir) {
        return "jdbc:h2:file:" + dir.resolve(FILE).toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
    }
}
