package com.layerlab.app.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Who uploaded each data set (a learner's point set, an image folder): one small JSON file per set in
 * {@code <data dir>/owners/}, written when the set is stored.
 *
 * <p>The rule: a set belongs to its uploader and to the experiments that use it. Only its owner finds
 * it in the menus; anyone who holds an experiment (a link) that names its id may train on it, as the
 * id is unguessable. Nobody replaces a set: every upload is stored under a new id. A set without an
 * owner record was put in the data folder by the server's operator and is offered to everyone.
 */
@Component
public class DataOwners {

    /** One stored set: its id in an experiment, its owner's key, a name for the menus, when it was stored. */
    public record Owned(String dataset, String owner, String name, Instant created) {
    }

    static final String FOLDER = "owners";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    @Autowired
    public DataOwners(DataFolder dataFolder) {
        this(dataFolder.path());
    }

    public DataOwners(Path dataDir) {
        this.dir = dataDir.resolve(FOLDER);
    }

    /** Records {@code owner} as the owner of the newly stored {@code dataset}, with a name for the menus. */
    public void record(String dataset, String owner, String name) {
        record(dataset, owner, name, Instant.now());
    }

    private void record(String dataset, String owner, String name, Instant created) {
        ObjectNode n = JSON.createObjectNode();
        n.put("dataset", dataset);
        n.put("owner", owner);
        n.put("name", name);
        n.put("created", created.toString());
        try {
            Files.createDirectories(dir);
            Files.writeString(file(dataset), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n));
        } catch (IOException e) {
            throw new UncheckedIOException("could not record the owner of " + dataset, e);
        }
    }

    /** The record of {@code dataset}, empty for a set without one (the operator's). */
    public Optional<Owned> find(String dataset) {
        Path f = file(dataset);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        return Optional.ofNullable(read(f));
    }

    /** Whether {@code owner} may see {@code dataset} in its menus: it owns it, or nobody does. */
    public boolean isOffered(String dataset, String owner) {
        Path f = file(dataset);
        if (!Files.exists(f)) {
            return true;
        }
        Owned o = read(f);
        return o != null && o.owner().equals(owner);
    }

    /** The sets of {@code owner} whose ids start with {@code prefix}, oldest first. */
    public List<Owned> ownedBy(String owner, String prefix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Owned> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().endsWith(".json")).forEach(f -> {
                Owned o = read(f);
                if (o != null && o.owner().equals(owner) && o.dataset().startsWith(prefix)) {
                    found.add(o);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        found.sort(Comparator.comparing(Owned::created).thenComparing(Owned::dataset));
        return found;
    }

    /** Gives {@code dataset} another name for the menus; its id (what experiments name) stays. */
    public synchronized void rename(String dataset, String name) {
        Owned o = find(dataset).orElseThrow(() -> new IllegalArgumentException("no owner record for " + dataset));
        record(dataset, o.owner(), name, o.created());
    }

    /** Removes the record of {@code dataset} (its files are gone). */
    public synchronized void remove(String dataset) {
        try {
            Files.deleteIfExists(file(dataset));
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove the owner record of " + dataset, e);
        }
    }

    /** Gives every set of {@code from} to {@code to} (a visitor who signed up); the count moved. */
    public synchronized int transfer(String from, String to) {
        int moved = 0;
        for (Owned o : ownedBy(from, "")) {
            record(o.dataset(), to, o.name(), o.created());
            moved++;
        }
        return moved;
    }

    /** {@code points:abc} as {@code points-abc.json}: ids hold only letters, digits, '.', '-' and '_' after the colon. */
    private Path file(String dataset) {
        int colon = dataset.indexOf(':');
        String name = dataset.substring(0, colon) + "-" + dataset.substring(colon + 1);
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("not a stored data set id: " + dataset);
        }
        return dir.resolve(name + ".json");
    }

    private static Owned read(Path f) {
        try {
            JsonNode n = JSON.readTree(f.toFile());
            return new Owned(n.path("dataset").asText(), n.path("owner").asText(), n.path("name").asText(),
                    Instant.parse(n.path("created").asText()));
        } catch (IOException | RuntimeException e) {
            return null; // a damaged record: the set is in nobody's menu; its id still works in a link
        }
    }
}
