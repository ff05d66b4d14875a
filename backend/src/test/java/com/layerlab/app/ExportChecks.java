package com.layerlab.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.Models;
import com.layerlab.engine.tensor.Tensor;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

/** Checks of "Export to PyTorch" downloads, read as Python's safetensors reads them, not with the engine. */
public final class ExportChecks {

    private ExportChecks() {
    }

    /** Clicks a download link and returns the file's bytes. */
    public static byte[] download(Page p, String selector) {
        Download d = p.waitForDownload(() -> p.locator(selector).click());
        try {
            return Files.readAllBytes(d.path());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    public static String downloadText(Page p, String selector) {
        return new String(download(p, selector), StandardCharsets.UTF_8);
    }

    /**
     * Parses a safetensors file (8-byte little-endian header length, the JSON header, the data) and checks
     * that it holds exactly the model's state_dict() entries, F32, with their shapes and contiguous
     * offsets filling the data. Returns the header.
     */
    public static JsonNode assertWeightsFit(byte[] file, Experiment e) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong(0);
        assertTrue(n > 0 && 8 + n <= file.length, "header length " + n);
        JsonNode header;
        try {
            header = new ObjectMapper().readTree(new String(file, 8, (int) n, StandardCharsets.UTF_8));
        } catch (IOException ex) {
            throw new AssertionError("the header is not JSON", ex);
        }
        Map<String, Tensor> state = Models.build(e).stateDict();
        Set<String> keys = new HashSet<>();
        header.fieldNames().forEachRemaining(keys::add);
        keys.remove("__metadata__");
        assertEquals(state.keySet(), keys);
        long dataLength = file.length - 8 - n;
        long total = 0;
        for (Map.Entry<String, Tensor> t : state.entrySet()) {
            JsonNode entry = header.get(t.getKey());
            assertEquals("F32", entry.get("dtype").asText(), t.getKey());
            int[] shape = StreamSupport.stream(entry.get("shape").spliterator(), false).mapToInt(JsonNode::asInt).toArray();
            assertArrayEquals(t.getValue().shape(), shape, t.getKey());
            Iterator<JsonNode> off = entry.get("data_offsets").elements();
            long from = off.next().asLong();
            long to = off.next().asLong();
            assertEquals(4L * t.getValue().numel(), to - from, t.getKey());
            assertTrue(to <= dataLength, t.getKey());
            total += to - from;
        }
        assertEquals(dataLength, total, "the data holds the tensors and nothing else");
        return header;
    }
}
