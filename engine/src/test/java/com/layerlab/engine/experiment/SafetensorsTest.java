package com.layerlab.engine.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.engine.nn.Sequential;
import com.layerlab.engine.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

    @Test
    void headerAndDataAreByteExact() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("0.weight", Tensor.of(new float[] {1f, -2f}, 1, 2));
        m.put("0.bias", Tensor.of(new float[] {0.5f}, 1));
        byte[] b = Safetensors.toBytes(m, Map.of());
        String json = "{\"0.weight\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]},"
                + "\"0.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        int padded = (json.length() + 7) / 8 * 8;
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(padded, buf.getLong(0), "8-byte little-endian header length");
        assertEquals(json + " ".repeat(padded - json.length()), new String(b, 8, padded, StandardCharsets.UTF_8));
        assertEquals(8 + padded + 12, b.length);
        assertEquals(0, (8 + padded) % 8, "data start 8-byte aligned");
        // 1.0f = 0x3F800000 little-endian
        assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3F}, java.util.Arrays.copyOfRange(b, 8 + padded, 12 + padded));
        assertEquals(-2f, buf.getFloat(8 + padded + 4));
        assertEquals(0.5f, buf.getFloat(8 + padded + 8));
    }

    @Test
    void roundTripKeepsNamesOrderShapesAndBits(@TempDir Path dir) {
        Experiment e = Experiment.modelOnly(List.of(2), List.of(LayerSpec.linear(8), LayerSpec.of("ReLU"), LayerSpec.linear(3)))
                .withSeed(9);
        Sequential model = Models.build(e);
        Path f = dir.resolve("w.safetensors");
        Safetensors.write(f, model.stateDict(), Map.of("format", "pt"));
        Map<String, Tensor> back = Safetensors.read(f);
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), new ArrayList<>(back.keySet()));
        for (Map.Entry<String, Tensor> t : model.stateDict().entrySet()) {
            assertArrayEquals(t.getValue().shape(), back.get(t.getKey()).shape());
            assertArrayEquals(t.getValue().toHost(), back.get(t.getKey()).toHost());
        }
        Sequential other = Models.build(e.withSeed(10));
        Safetensors.load(other, back);
        assertArrayEquals(model.stateDict().get("2.weight").toHost(), other.stateDict().get("2.weight").toHost());
        // scalars and empty tensors survive too
        Map<String, Tensor> odd = new LinkedHashMap<>();
        odd.put("s", Tensor.scalar(3f));
        odd.put("empty", Tensor.zeros(0, 4));
        Map<String, Tensor> oddBack = Safetensors.fromBytes(Safetensors.toBytes(odd, Map.of()));
        assertEquals(3f, oddBack.get("s").item());
        assertArrayEquals(new int[] {0, 4}, oddBack.get("empty").shape());
    }

    @Test
    void readsOtherFloatTypesAsFloat32() {
        String json = "{\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[16,22]},"
                + "\"c\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[22,24]},"
                + "\"d\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[24,32]}}";
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + 32).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h).putDouble(1.5).putDouble(-0.25);
        buf.putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x0001); // 1, -2, smallest subnormal
        buf.putShort((short) 0x4049); // bf16 3.140625
        buf.putLong(7);
        Map<String, Tensor> t = Safetensors.fromBytes(buf.array());
        assertArrayEquals(new float[] {1.5f, -0.25f}, t.get("a").toHost());
        assertArrayEquals(new float[] {1f, -2f, (float) Math.pow(2, -24)}, t.get("b").toHost());
        assertEquals(3.140625f, t.get("c").item());
        assertEquals(7f, t.get("d").item());
    }

    @Test
    void badFilesGiveClearMessages(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        String m = assertThrows(ExperimentException.class, () -> Safetensors.read(f)).getMessage();
        assertEquals(f + ": not a safetensors file: shorter than its 8-byte header length", m);
        Files.write(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        m = assertThrows(ExperimentException.class, () -> Safetensors.read(f)).getMessage();
        assertTrue(m.contains("header length 1000 does not fit the file's 16 bytes"), m);
        assertTrue(bad("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 8)
                .contains("tensor \"x\": data_offsets [0,4] hold 4 bytes but shape [2] of F32 needs 8"));
        assertTrue(bad("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4)
                .contains("lie outside the file's 4 data bytes"));
        assertTrue(bad("{\"x\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2)
                .contains("tensor \"x\": dtype \"U8\" is not supported"));
        assertTrue(bad("{\"x\": 3", 0).contains("the header is not valid JSON"));
        assertTrue(assertThrows(ExperimentException.class, () -> Safetensors.read(dir.resolve("none")))
                .getMessage().endsWith("no such file"));
    }

    @Test
    void tensorsMustTileTheDataSectionWithoutOverlapGapOrTail() {
        // two 2-float tensors sharing their last float: each is the right size and inside the file
        assertEquals("tensors \"a\" and \"b\" overlap: their data_offsets [0, 8] and [4, 12] share bytes",
                bad("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12));
        // the same bytes for both, listed in the other order
        assertTrue(bad("{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8).contains("overlap"));
        assertEquals("tensor \"a\" ends at byte 4, and 4 bytes that belong to no tensor before tensor \"b\" "
                        + "(data_offsets [8, 12])",
                bad("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12));
        assertEquals("the data section has 4 bytes after the last tensor, \"a\" (a truncated header or a damaged file)",
                bad("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8));
    }

    @Test
    void numbersBeyondALongAreNotCutToTheirLowBits() {
        // 2^64 + 8 would read as 8 through asLong(), a valid offset for 8 data bytes
        assertTrue(bad("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,18446744073709551624]}}", 8)
                .contains("data_offsets must be [begin, end]"));
        assertTrue(bad("{\"x\":{\"dtype\":\"F32\",\"shape\":[18446744073709551618],\"data_offsets\":[0,8]}}", 8)
                .contains("holds an invalid size"));
    }

    @Test
    void metadataOrderDoesNotChangeTheBytes() {
        Map<String, Tensor> t = Map.of("w", Tensor.of(new float[] {1f}, 1));
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        assertArrayEquals(Safetensors.toBytes(t, ab), Safetensors.toBytes(t, ba));
    }

    @Test
    void aMissingFolderIsSaidInWords(@TempDir Path dir) {
        Path f = dir.resolve("no-such-folder").resolve("w.safetensors");
        String m = assertThrows(ExperimentException.class, () -> Safetensors.write(f, Map.of())).getMessage();
        assertEquals(f + ": cannot write (no such file or folder)", m);
    }

    private static String bad(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h);
        return assertThrows(ExperimentException.class, () -> Safetensors.fromBytes(buf.array())).getMessage();
    }

    @Test
    void loadRefusesWeightsOfAnotherModel() {
        Sequential small = Models.build(Experiment.modelOnly(List.of(2), List.of(LayerSpec.linear(3))));
        Sequential wide = Models.build(Experiment.modelOnly(List.of(2), List.of(LayerSpec.linear(4))));
        String m = assertThrows(ExperimentException.class, () -> Safetensors.load(small, wide.stateDict())).getMessage();
        assertEquals("the weights do not fit the model: 0.weight has shape [4, 2] in the file but [3, 2] in the model", m);
        Map<String, Tensor> partial = new LinkedHashMap<>(small.stateDict());
        partial.remove("0.bias");
        partial.put("1.weight", Tensor.zeros(1));
        m = assertThrows(ExperimentException.class, () -> Safetensors.load(small, partial)).getMessage();
        assertEquals("the weights do not fit the model: missing 0.bias; unexpected 1.weight; the model has 0.weight, 0.bias", m);
    }
}
