package com.layerlab.engine.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JSON Schema in the engine's resources agrees with FORMAT.md and with the engine's reader. */
class SchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonSchema schema;
    private static JsonNode schemaTree;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = SchemaTest.class.getResourceAsStream("/layerlab/experiment.schema.json")) {
            schemaTree = JSON.readTree(in);
        }
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaTree);
    }

    private static Set<ValidationMessage> validate(String json) throws Exception {
        return schema.validate(JSON.readTree(json));
    }

    @Test
    void formatMdExamplesAndShippedExamplesAreValid() throws Exception {
        assertEquals(Set.of(), validate(Examples.FORMAT_MD));
        assertEquals(Set.of(), validate(Examples.SHALLOW));
        for (String name : Examples.RESOURCE_NAMES) {
            assertEquals(Set.of(), validate(Examples.resource(name)), name);
            // what the engine writes is valid too
            assertEquals(Set.of(), validate(ExperimentFiles.write(ExperimentFiles.read(Examples.resource(name)))), name);
        }
    }

    @Test
    void everyLayerTypeAndArgumentOfTheEngineIsInTheSchema() {
        JsonNode defs = schemaTree.get("$defs");
        List<String> schemaTypes = new ArrayList<>();
        defs.get("layer").get("properties").get("type").get("enum").forEach(n -> schemaTypes.add(n.asText()));
        assertEquals(Layers.types(), schemaTypes);
        for (String type : Layers.types()) {
            List<String> args = new ArrayList<>();
            defs.get(type).get("properties").fieldNames().forEachRemaining(args::add);
            args.remove("type");
            assertEquals(Layers.argumentNames(type), args, type);
        }
    }

    @Test
    void schemaRejectsWhatTheEngineRejects() throws Exception {
        ObjectNode e = (ObjectNode) JSON.readTree(Examples.FORMAT_MD);
        String[] bad = {
            "{\"format\": \"layerlab/experiment@2\", \"input_shape\": [3], \"model\": [{\"type\": \"ReLU\"}]}",
            "{\"format\": \"layerlab/experiment@1\", \"model\": [{\"type\": \"ReLU\"}]}",
            "{\"format\": \"layerlab/experiment@1\", \"input_shape\": [3], \"model\": [{\"type\": \"Linear\", \"out_features\": \"abc\"}]}",
            "{\"format\": \"layerlab/experiment@1\", \"input_shape\": [3], \"model\": [{\"type\": \"Linear\", \"out_feature\": 3}]}",
            "{\"format\": \"layerlab/experiment@1\", \"input_shape\": [3], \"model\": [{\"type\": \"Dense\"}]}",
            "{\"format\": \"layerlab/experiment@1\", \"input_shape\": [1, 9, 9], \"model\": [{\"type\": \"Conv2d\", \"out_channels\": 1, \"kernel_size\": [3, 3, 3]}]}",
            "{\"format\": \"layerlab/experiment@1\", \"input_shape\": [3], \"model\": [{\"type\": \"ReLU\"}], \"extra\": 1}",
        };
        for (String json : bad) {
            assertFalse(validate(json).isEmpty(), json);
            try {
                ExperimentFiles.read(json);
                throw new AssertionError("the engine accepted " + json);
            } catch (ExperimentException expected) {
                // both refuse it
            }
        }
        e.with("optimizer").put("type", "RMSprop");
        assertFalse(schema.validate(e).isEmpty());
        assertTrue(validate("{\"format\": \"layerlab/experiment@1\", \"input_shape\": [3], \"model\": [{\"type\": \"Linear\", "
                + "\"out_features\": 1}, {\"type\": \"Sigmoid\"}]}").isEmpty());
    }
}
