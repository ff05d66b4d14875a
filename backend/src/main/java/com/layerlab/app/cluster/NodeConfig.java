package com.layerlab.app.cluster;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** This node's {@link NodeSettings}, read once from the configuration, for the beans that act on them. */
@Configuration(proxyBeanMethods = false)
public class NodeConfig {

    /**
     * This node's role, name and whether it is one of a cluster.
     *
     * @throws IllegalArgumentException (failing the start) naming the layerlab.node.* key whose value is wrong
     */
    @Bean
    public NodeSettings nodeSettings(Environment env) {
        return NodeSettings.from(env);
    }
}
