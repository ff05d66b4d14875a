package com.layerlab.app;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.server.AppShellSettings;
import com.vaadin.flow.theme.Theme;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The LayerLab web application: the playground and its friends, trained live on the server. */
@SpringBootApplication
@Push
@Theme("layerlab")
public class Application implements AppShellConfigurator {
    public static void main(String[] args) {
        SpringApplication.run(Application.class, args);
    }

    /** The tab icon (META-INF/resources/favicon.svg; favicon.ico serves browsers that ask for that instead). */
    @Override
    public void configurePage(AppShellSettings settings) {
        settings.addLink("favicon.svg", Map.of("rel", "icon", "type", "image/svg+xml"));
    }
}
