package com.layerlab.app.store;

import com.layerlab.app.lab.CnnDataService;
import com.layerlab.app.lab.DataFolder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.data.jpa.JpaRepositoriesAutoConfiguration;
import org.springframework.boot.autoconfigure.domain.EntityScan;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;

/**
 * The store alone (database, Flyway, JPA, {@link ExperimentStore}), started as the app starts it, with the
 * app's application.properties and its default-database rule: a second start on the same database is a
 * restart of the app as far as the store can tell.
 */
@TestConfiguration // not @Configuration: the app's tests scan this package, and its repository scan would hide the others
@ImportAutoConfiguration({DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class,
        HibernateJpaAutoConfiguration.class, JpaRepositoriesAutoConfiguration.class, TransactionAutoConfiguration.class})
@EntityScan(basePackageClasses = SavedExperiment.class)
@EnableJpaRepositories(basePackageClasses = ExperimentRepository.class)
@Import({ExperimentStore.class, CnnDataService.class, DataFolder.class})
class StoreContext {

    static ConfigurableApplicationContext start(Map<String, String> properties) {
        // as command-line arguments: they override application.properties, as a server's own settings do
        List<String> args = new ArrayList<>();
        properties.forEach((k, v) -> args.add("--" + k + "=" + v));
        return new SpringApplicationBuilder(StoreContext.class).web(WebApplicationType.NONE)
                .run(args.toArray(String[]::new));
    }
}
