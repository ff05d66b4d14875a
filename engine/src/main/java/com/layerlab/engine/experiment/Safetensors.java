package com.layerlab.engine.experiment;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.layerlab.engine.nn.Module;
import com.layerlab.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The safetensors file format (huggingface/safetensors): an 8-byte little-endian header length, a JSON
 * header mapping each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets
 * relative to the end of the header), then the raw little-endian data. Written as F32; read from F32,
 * F64, F16, BF16, I64, I32 (converted to float32, as the engine computes in float32).
 */
public final class Safetensors {

    /** Far above any model this engine builds; guards against reading garbage as a length. */
    static final long MAX_HEADER = 100L * 1024 * 1024;
    private static final String METADATA = "__metadata__";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Safetensors() {
    }

    public static void write(Path file, Map<String, Tensor> tensors) {
        write(file, tensors, Map.of());
    }

    /** Writes the tensors in map order, with optional string metadata ({@code __metadata__}). */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        try {
            Files.write(file, toBytes(tensors, metadata));
        } catch (IOException e) {
            throw new ExperimentException(file + ": cannot write (" + ExperimentException.reason(e) + ")", e);
        }
    }

    public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
        ObjectNode header = MAPPER.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject(METADATA);
            // sorted, so that the same weights give the same bytes whatever the map's iteration order
            new TreeMap<>(metadata).forEach(m::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                throw new ExperimentException("a tensor may not be named " + METADATA);
            }
            Tensor t = e.getValue();
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", "F32");
            ArrayNode shape = entry.putArray("shape");
            for (int s : t.shape()) {
                shape.add(s);
            }
            long end = offset + 4L * t.numel();
            entry.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = MAPPER.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new ExperimentException("cannot write the safetensors header: " + e.getOriginalMessage());
        }
        // the reference writer pads the header with spaces so that the data start 8-byte aligned
        int padded = (json.length + 7) / 8 * 8;
        if (offset + padded + 8 > Integer.MAX_VALUE) {
            throw new ExperimentException("the tensors are too large for one file (" + offset + " bytes)");
        }
        ByteBuffer buf = ByteBuffer.allocate(8 + padded + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded);
        buf.put(json);
        for (int i = json.length; i < padded; i++) {
            buf.put((byte) ' ');
        }
        for (Tensor t : tensors.values()) {
            for (float v : t.toHost()) {
                buf.putFloat(v);
            }
        }
        return buf.array();
    }

    /** Reads every tensor, in the file's order. */
    public static Map<String, Tensor> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ExperimentException(file + ": no such file");
        } catch (IOException e) {
            throw new ExperimentException(file + ": cannot read (" + ExperimentException.reason(e) + ")", e);
        }
        try {
            return fromBytes(bytes);
        } catch (ExperimentException e) {
            throw new ExperimentException(file + ": " + e.getMessage());
        }
    }

    public static Map<String, Tensor> fromBytes(byte[] bytes) {
        if (bytes.length < 8) {
            throw new ExperimentException("not a safetensors file: shorter than its 8-byte header length");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong();
        if (n < 2 || n > MAX_HEADER || n > bytes.length - 8L) {
            throw new ExperimentException("not a safetensors file: header length " + Long.toUnsignedString(n)
                    + " does not fit the file's " + bytes.length + " bytes");
        }
        JsonNode header;
        try {
            header = MAPPER.readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new ExperimentException("not a safetensors file: the header is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (header == null || !header.isObject()) {
            throw new ExperimentException("not a safetensors file: the header is not a JSON object");
        }
        int dataStart = 8 + (int) n;
        long dataLength = bytes.length - (long) dataStart;
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<Span> spans = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (name.equals(METADATA)) {
                continue;
            }
            JsonNode info = e.getValue();
            String at = "tensor \"" + name + "\": ";
            if (!info.isObject()) {
                throw new ExperimentException(at + "its header entry must be an object, got " + info);
            }
            JsonNode dtype = info.get("dtype");
            int width = dtype == null ? -1 : switch (dtype.asText()) {
                case "F32", "I32" -> 4;
                case "F64", "I64" -> 8;
                case "F16", "BF16" -> 2;
                default -> -1;
            };
            if (width < 0) {
                throw new ExperimentException(at + "dtype " + (dtype == null ? "is missing" : dtype + " is not supported")
                        + " (supported: F32, F64, F16, BF16, I64, I32)");
            }
            JsonNode shapeNode = info.get("shape");
            if (shapeNode == null || !shapeNode.isArray()) {
                throw new ExperimentException(at + "shape must be a list of sizes, got " + shapeNode);
            }
            int[] shape = new int[shapeNode.size()];
            long numel = 1;
            for (int i = 0; i < shape.length; i++) {
                JsonNode s = shapeNode.get(i);
                if (!s.isIntegralNumber() || !s.canConvertToLong() || s.asLong() < 0 || s.asLong() > Integer.MAX_VALUE) {
                    throw new ExperimentException(at + "shape " + shapeNode + " holds an invalid size");
                }
                shape[i] = s.asInt();
                numel *= shape[i];
                if (numel > Integer.MAX_VALUE) {
                    throw new ExperimentException(at + "shape " + shapeNode + " is too large");
                }
            }
            JsonNode offsets = info.get("data_offsets");
            if (offsets == null || !offsets.isArray() || offsets.size() != 2
                    || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()
                    // beyond a long, asLong() would keep the low bits and could pass the checks below
                    || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
                throw new ExperimentException(at + "data_offsets must be [begin, end], got " + offsets);
            }
            long begin = offsets.get(0).asLong();
            long end = offsets.get(1).asLong();
            if (begin < 0 || end < begin || end > dataLength) {
                throw new ExperimentException(at + "data_offsets " + offsets + " lie outside the file's "
                        + dataLength + " data bytes");
            }
            if (end - begin != numel * width) {
                throw new ExperimentException(at + "data_offsets " + offsets + " hold " + (end - begin) + " bytes but shape "
                        + Arrays.toString(shape) + " of " + dtype.asText() + " needs " + numel * width);
            }
            spans.add(new Span(name, begin, end));
            float[] data = new float[(int) numel];
            ByteBuffer b = ByteBuffer.wrap(bytes, dataStart + (int) begin, (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < data.length; i++) {
                data[i] = switch (dtype.asText()) {
                    case "F32" -> b.getFloat();
                    case "F64" -> (float) b.getDouble();
                    case "I32" -> b.getInt();
                    case "I64" -> b.getLong();
                    case "F16" -> Float.intBitsToFloat(halfToFloatBits(b.getShort()));
                    default -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16); // BF16
                };
            }
            out.put(name, Tensor.of(data, shape));
        }
        checkLayout(spans, dataLength);
        return out;
    }

    /** Where one tensor's bytes lie in the data section. */
    private record Span(String name, long begin, long end) {
    }

    /**
     * As the reference reader: the tensors' bytes must tile the data section, each tensor starting where
     * the one before it (in offset order) ends and the last ending with the file. Overlapping tensors
     * would share bytes (a weight silently read as another), and a gap or a tail means a damaged file.
     */
    private static void checkLayout(List<Span> spans, long dataLength) {
        spans.sort(Comparator.comparingLong(Span::begin).thenComparingLong(Span::end));
        long at = 0;
        Span previous = null;
        for (Span t : spans) {
            if (t.begin() < at) {
                throw new ExperimentException("tensors \"" + previous.name() + "\" and \"" + t.name() + "\" overlap: their "
                        + "data_offsets [" + previous.begin() + ", " + previous.end() + "] and [" + t.begin() + ", " + t.end()
                        + "] share bytes");
            }
            if (t.begin() > at) {
                throw new ExperimentException((previous == null ? "the data section starts with "
                        : "tensor \"" + previous.name() + "\" ends at byte " + at + ", and ") + (t.begin() - at)
                        + " bytes that belong to no tensor before tensor \"" + t.name() + "\" (data_offsets ["
                        + t.begin() + ", " + t.end() + "])");
            }
            at = t.end();
            previous = t;
        }
        if (at != dataLength) {
            throw new ExperimentException("the data section has " + (dataLength - at) + " bytes after "
                    + (previous == null ? "the header, which lists no tensor" : "the last tensor, \"" + previous.name() + "\"")
                    + " (a truncated header or a damaged file)");
        }
    }

    /** IEEE 754 half precision to single precision bits (Java 17 has no Float.float16ToFloat). */
    static int halfToFloatBits(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return sign | 0x7f800000 | (mant << 13);
        }
        if (exp == 0) {
            if (mant == 0) {
                return sign;
            }
            // subnormal half: normalise
            int e = -1;
            do {
                mant <<= 1;
                e++;
            } while ((mant & 0x400) == 0);
            mant &= 0x3ff;
            return sign | ((127 - 15 - e) << 23) | (mant << 13);
        }
        return sign | ((exp - 15 + 127) << 23) | (mant << 13);
    }

    /**
     * Copies weights into a model's parameters (as PyTorch's strict {@code load_state_dict}): every key of
     * the model must be present with the same shape, and no others.
     */
    public static void load(Module model, Map<String, Tensor> weights) {
        Map<String, Tensor> state = model.stateDict();
        List<String> missing = new ArrayList<>();
        for (String k : state.keySet()) {
            if (!weights.containsKey(k)) {
                missing.add(k);
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String k : weights.keySet()) {
            if (!state.containsKey(k)) {
                unexpected.add(k);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new ExperimentException("the weights do not fit the model:"
                    + (missing.isEmpty() ? "" : " missing " + String.join(", ", missing) + ";")
                    + (unexpected.isEmpty() ? "" : " unexpected " + String.join(", ", unexpected) + ";")
                    + " the model has " + (state.isEmpty() ? "no parameters" : String.join(", ", state.keySet())));
        }
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor src = weights.get(e.getKey());
            if (!Arrays.equals(src.shape(), e.getValue().shape())) {
                throw new ExperimentException("the weights do not fit the model: " + e.getKey() + " has shape "
                        + Arrays.toString(src.shape()) + " in the file but " + Arrays.toString(e.getValue().shape())
                        + " in the model");
            }
        }
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            e.getValue().copyFromHost(weights.get(e.getKey()).toHost());
        }
    }
}
