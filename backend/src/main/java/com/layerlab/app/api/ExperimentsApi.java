package com.layerlab.app.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.layerlab.app.lab.CnnDataService;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.ExperimentSummary;
import com.layerlab.app.store.Page;
import com.layerlab.app.store.SavedExperiment;
import com.layerlab.engine.experiment.DataSets;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentFiles;
import com.layerlab.engine.experiment.Models;
import com.layerlab.engine.experiment.Safetensors;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Experiments through the API (API.md, "Experiments"), over the store the pages save to: what a script
 * saves opens at its {@code /e/<id>} link, and what a page saved a script can read. The store's rules
 * (names, sizes, who sees what) apply as they are; another user's private experiment is not found.
 */
@RestController
@RequestMapping("/api/experiments")
class ExperimentsApi {

    private static final Set<String> PATCHABLE = Set.of("name", "public");

    private final ExperimentStore store;
    private final ApiRunStore runs;
    private final ApiCaller caller;
    private final CnnDataService data;
    private final ObjectMapper json;

    ExperimentsApi(ExperimentStore store, ApiRunStore runs, ApiCaller caller, CnnDataService data, ObjectMapper json) {
        this.store = store;
        this.runs = runs;
        this.caller = caller;
        this.data = data;
        this.json = json;
    }

    /**
     * Saves an experiment file, untrained: with its seed's weights (what a run of it starts from), private,
     * named by its {@code name}. The file must be one this server can train (the engine's checks).
     */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, String>> create(@RequestBody byte[] body) {
        if (body.length > ExperimentFiles.MAX_FILE_BYTES) {
            throw new ApiRefused(HttpStatus.PAYLOAD_TOO_LARGE, "The experiment file is " + body.length
                    + " bytes, more than the " + (ExperimentFiles.MAX_FILE_BYTES >> 20)
                    + " MiB an experiment file may have (a model with its training settings takes a few KB).");
        }
        Experiment e = ExperimentFiles.read(new String(body, StandardCharsets.UTF_8));
        store.requireWeightsFit(ExperimentFiles.requireTrainable(e, data.dataDir()).totalParams());
        byte[] seedWeights = Safetensors.toBytes(Models.build(e).stateDict(), Map.of("format", "pt", "epoch", "0"));
        boolean image = DataSets.isImage(e.data().dataset());
        String name = e.name() == null || e.name().isBlank() ? "Experiment from the API" : e.name();
        ExperimentStore.Saved saved = store.save(new ExperimentStore.Draft(caller.owner(), name, false,
                image ? Page.CNN : Page.PLAYGROUND, e, image ? "" : playgroundView(e)), seedWeights, List.of(), 0, null);
        return ResponseEntity.created(URI.create("/api/experiments/" + saved.id()))
                .body(Map.of("id", saved.id(), "url", saved.url()));
    }

    /**
     * What the playground keeps with an experiment it saved (its settings as a link's query), so that its
     * link and its fork show this one; empty where the playground cannot show it (its page then
     * describes the playground's defaults, and what it learned is drawn from the file).
     */
    private static String playgroundView(Experiment e) {
        try {
            return ShareLinks.queryString(ShareLinks.playgroundQuery(PlaygroundSettings.fromExperiment(e)));
        } catch (IllegalArgumentException notShown) {
            return "";
        }
    }

    @GetMapping("/{id}")
    Map<String, Object> get(@PathVariable String id) throws JsonProcessingException {
        String owner = caller.ownerIfKnown();
        SavedExperiment saved = store.get(id, owner);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", saved.id());
        o.put("name", saved.name());
        o.put("owner", ApiCaller.ownerName(saved.ownerKey()));
        o.put("public", saved.isPublic());
        o.put("created", saved.createdAt().toString());
        o.put("experiment", json.readTree(saved.experimentJson()));
        o.put("runs", runs.ofExperiment(id, owner));
        return o;
    }

    /** {@code ?mine=true}: the caller's experiments; without it, the public ones (the gallery). */
    @GetMapping
    List<Map<String, Object>> list(@RequestParam(defaultValue = "false") boolean mine) {
        List<ExperimentSummary> found = mine ? store.mine(caller.ownerIfKnown()) : store.gallery();
        return found.stream().map(s -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", s.getId());
            o.put("name", s.getName());
            o.put("created", s.getCreatedAt().toString());
            o.put("public", s.isPublicFlag());
            return o;
        }).toList();
    }

    /** Renames it and/or makes it public or private; the owner only. Nothing changes unless all of it is valid. */
    @PatchMapping(value = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> patch(@PathVariable String id, @RequestBody JsonNode body) throws JsonProcessingException {
        if (!body.isObject()) {
            throw new ApiRefused(HttpStatus.BAD_REQUEST, "The body must be a JSON object such as "
                    + "{\"name\": \"My net\", \"public\": true}, got " + body.getNodeType().name().toLowerCase() + ".");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!PATCHABLE.contains(field)) {
                throw new ApiRefused(HttpStatus.BAD_REQUEST, "\"" + field + "\" cannot be changed: only \"name\" "
                        + "and \"public\" can.");
            }
        }
        JsonNode name = body.get("name");
        JsonNode makePublic = body.get("public");
        if (name != null && !name.isTextual()) {
            throw new ApiRefused(HttpStatus.BAD_REQUEST, "\"name\" must be a string, got " + name + ".");
        }
        if (makePublic != null && !makePublic.isBoolean()) {
            throw new ApiRefused(HttpStatus.BAD_REQUEST, "\"public\" must be true or false, got " + makePublic + ".");
        }
        String owner = ownerOf(id);
        if (name != null) {
            // the name is checked first: a wrong one leaves the visibility as it was too
            store.rename(id, owner, name.textValue());
        }
        if (makePublic != null) {
            store.setPublic(id, owner, makePublic.booleanValue());
        }
        return get(id);
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable String id) {
        store.delete(id, ownerOf(id));
        return ResponseEntity.noContent().build();
    }

    /**
     * The weights of its latest finished API run: its checkpoint's while it has one, else the experiment's
     * own, which a finished run's become as it ends, as a page's save after training does.
     * An experiment never trained has none.
     */
    @GetMapping(value = "/{id}/weights", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<byte[]> weights(@PathVariable String id) {
        String owner = caller.ownerIfKnown();
        SavedExperiment saved = store.get(id, owner);
        byte[] weights = runs.finishedWeights(id, owner).orElseGet(() -> saved.trainedEpoch() > 0 ? saved.weights() : null);
        if (weights == null) {
            throw new ApiRefused(HttpStatus.NOT_FOUND, "Experiment " + id + " has no trained weights yet: no run of "
                    + "it has finished. Start one with POST /api/experiments/" + id + "/runs.");
        }
        return ApiCaller.download(weights, saved.id() + ".safetensors", MediaType.APPLICATION_OCTET_STREAM);
    }

    /**
     * The caller's key when the experiment is theirs; 403 when they may see it but not change it (a public
     * experiment of someone else's), 404 when they may not even see it.
     */
    private String ownerOf(String id) {
        String owner = caller.ownerIfKnown();
        SavedExperiment saved = store.get(id, owner);
        if (!saved.ownerKey().equals(owner)) {
            throw new ApiRefused(HttpStatus.FORBIDDEN, "Experiment " + id + " is not yours: only its owner may "
                    + "change or delete it. Fork it on its page to have a copy of your own.");
        }
        return owner;
    }
}
