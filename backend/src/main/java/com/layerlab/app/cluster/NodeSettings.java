package com.layerlab.app.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * What this node of the server is (docs/cluster.md): its role and name, and whether it is one of several
 * nodes over one database.
 *
 * <ul>
 * <li>{@code layerlab.node.role}: {@code both} (the default: pages, the API and every run on this one
 *     machine, as a single server always did), {@code web} (pages, the API and the pages' own runs; the API's
 *     runs go to the workers) or {@code worker} (trains background runs taken from JobRunr; serves no pages).</li>
 * <li>{@code layerlab.node.cluster}: whether background runs go through JobRunr to the workers; always so for
 *     {@code web} and {@code worker}, and for {@code both} when set true (a node that serves and trains, beside
 *     others). False by default: a single server starts nothing of JobRunr.</li>
 * <li>{@code layerlab.node.name}: how the other nodes and the logs call this one; by default the host's name
 *     and the HTTP port ({@code lab-1:8080}), so that two nodes on one machine differ.</li>
 * </ul>
 *
 * @param role    what this node does
 * @param name    its name among the server's nodes
 * @param cluster whether background runs go through JobRunr (several nodes over one database)
 */
public record NodeSettings(Role role, String name, boolean cluster) {

    /** What a node does. */
    public enum Role {
        BOTH, WEB, WORKER;

        /** Whether it serves pages and the API. */
        public boolean serves() {
            return this != WORKER;
        }

        /** Whether it trains background runs taken from JobRunr (in a cluster). */
        public boolean trains() {
            return this != WEB;
        }

        /** "web", as the configuration and the nodes table write it. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final String ROLE_KEY = "layerlab.node.role";
    public static final String CLUSTER_KEY = "layerlab.node.cluster";
    public static final String NAME_KEY = "layerlab.node.name";

    /** One server that does everything, as before there were nodes: what tests and tools without a cluster get. */
    public static final NodeSettings SINGLE = new NodeSettings(Role.BOTH, "local", false);

    /**
     * This node's settings from the configuration.
     *
     * @throws IllegalArgumentException naming the key whose value is wrong
     */
    public static NodeSettings from(Environment env) {
        String roleText = env.getProperty(ROLE_KEY, "both").trim().toLowerCase(Locale.ROOT);
        Role role = switch (roleText) {
            case "both", "" -> Role.BOTH;
            case "web" -> Role.WEB;
            case "worker" -> Role.WORKER;
            default -> throw new IllegalArgumentException(ROLE_KEY + " must be both, web or worker, got \"" + roleText + "\"");
        };
        String clusterText = env.getProperty(CLUSTER_KEY, "false").trim().toLowerCase(Locale.ROOT);
        if (!clusterText.equals("true") && !clusterText.equals("false")) {
            throw new IllegalArgumentException(CLUSTER_KEY + " must be true or false, got \"" + clusterText + "\"");
        }
        boolean cluster = role != Role.BOTH || clusterText.equals("true");
        String name = env.getProperty(NAME_KEY, "").trim();
        if (name.isEmpty()) {
            name = host() + ":" + env.getProperty("server.port", "8080");
        }
        if (name.length() > 200) {
            throw new IllegalArgumentException(NAME_KEY + " must be at most 200 characters, got " + name.length());
        }
        return new NodeSettings(role, name, cluster);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** The beans of a node in a cluster (JobRunr, the hand-off, the workers' job, the API's runs on workers). */
    public static final class Clustered implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return from(context.getEnvironment()).cluster();
        }
    }

    /** The beans of a single server (the API's runs in this node's runtime). */
    public static final class Single implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !from(context.getEnvironment()).cluster();
        }
    }
}
