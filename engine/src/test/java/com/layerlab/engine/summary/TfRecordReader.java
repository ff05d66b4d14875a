package com.layerlab.engine.summary;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Reads TFRecord files for the tests, written from the format's description alone: each record
 * is a little-endian uint64 length, the masked CRC32C of those 8 bytes, the data, and the masked
 * CRC32C of the data. Every CRC is checked.
 */
final class TfRecordReader {
    static final Descriptor EVENT = ProtoSchema.message("tensorboard/compat/proto/event.proto", "tensorboard.Event");
    static final Descriptor PLUGIN_DATA = ProtoSchema.message("tensorboard/plugins/hparams/plugin_data.proto",
            "tensorboard.hparams.HParamsPluginData");

    private TfRecordReader() {
    }

    /** All records of a file, which must end exactly after its last record. */
    static List<byte[]> records(Path file) {
        byte[] bytes = read(file);
        List<byte[]> out = new ArrayList<>();
        int end = readWhole(bytes, out);
        if (end != bytes.length) {
            throw new AssertionError(file + ": " + (bytes.length - end) + " bytes after the last whole record");
        }
        return out;
    }

    /** The whole records at the start of {@code bytes}, CRCs checked; returns where they end. */
    static int readWhole(byte[] bytes, List<byte[]> out) {
        int at = 0;
        while (bytes.length - at >= 12) {
            long length = littleEndian(bytes, at, 8);
            long lengthCrc = littleEndian(bytes, at + 8, 4);
            if (lengthCrc != mask(crc32c(bytes, at, 8))) {
                throw new AssertionError("record at byte " + at + ": length CRC mismatch");
            }
            if (length > bytes.length - at - 16) {
                break; // still being written
            }
            int data = at + 12;
            long dataCrc = littleEndian(bytes, data + (int) length, 4);
            if (dataCrc != mask(crc32c(bytes, data, (int) length))) {
                throw new AssertionError("record at byte " + at + ": data CRC mismatch");
            }
            byte[] record = new byte[(int) length];
            System.arraycopy(bytes, data, record, 0, (int) length);
            out.add(record);
            at = data + (int) length + 4;
        }
        return at;
    }

    /** The file's records as Events, each checked to have no field the schema lacks. */
    static List<DynamicMessage> events(Path file) {
        List<DynamicMessage> out = new ArrayList<>();
        for (byte[] r : records(file)) {
            out.add(parse(EVENT, r));
        }
        return out;
    }

    static DynamicMessage parse(Descriptor type, byte[] bytes) {
        try {
            DynamicMessage m = DynamicMessage.parseFrom(type, bytes);
            requireNoUnknownFields(m, type.getFullName());
            return m;
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("not a valid " + type.getFullName() + ": " + e.getMessage(), e);
        }
    }

    /** A field number or wire type the schema does not have lands in the unknown fields. */
    static void requireNoUnknownFields(Message m, String where) {
        if (!m.getUnknownFields().asMap().isEmpty()) {
            throw new AssertionError(where + " has fields its schema lacks: " + m.getUnknownFields().asMap().keySet());
        }
        for (Map.Entry<com.google.protobuf.Descriptors.FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            Object v = e.getValue();
            String child = where + "." + e.getKey().getName();
            if (v instanceof Message sub) {
                requireNoUnknownFields(sub, child);
            } else if (v instanceof List<?> list) {
                for (Object o : list) {
                    if (o instanceof Message sub) {
                        requireNoUnknownFields(sub, child);
                    }
                }
            }
        }
    }

    static int mask(int crc) {
        return Integer.rotateRight(crc, 15) + 0xa282ead8;
    }

    private static long littleEndian(byte[] b, int at, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return n == 4 ? v & 0xFFFFFFFFL : v;
    }

    private static long mask(long crc) {
        return mask((int) crc) & 0xFFFFFFFFL;
    }

    private static long crc32c(byte[] b, int at, int n) {
        CRC32C c = new CRC32C();
        c.update(b, at, n);
        return c.getValue();
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
