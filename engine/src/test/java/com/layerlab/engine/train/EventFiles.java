package com.layerlab.engine.train;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Reads TensorBoard event files back for the training tests, from the formats' descriptions: TFRecord
 * framing (little-endian uint64 length, masked CRC32C of it, the data, masked CRC32C of the data; every
 * CRC checked) around {@code Event} messages, of which it decodes the step and the summary values
 * ({@code event.proto}: step = 2, summary = 5; {@code summary.proto}: Summary.value = 1, Value.tag = 1,
 * simple_value = 2, image = 4, histo = 5, metadata = 9; Image height = 1, width = 2, colorspace = 3).
 */
final class EventFiles {

    enum Kind { SCALAR, IMAGE, HISTOGRAM, OTHER }

    /** One summary value of one event. */
    record Value(long step, String tag, Kind kind, float scalar, int height, int width, int channels) {
    }

    private EventFiles() {
    }

    /** The event files under {@code dir}, sorted by path. */
    static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every summary value in the file, in order. */
    static List<Value> values(Path file) {
        List<Value> out = new ArrayList<>();
        for (byte[] r : records(file)) {
            try {
                event(r, out);
            } catch (IOException e) {
                throw new AssertionError(file + ": an event does not decode: " + e.getMessage(), e);
            }
        }
        return out;
    }

    static List<byte[]> records(Path file) {
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> out = new ArrayList<>();
        int at = 0;
        while (at < b.length) {
            if (b.length - at < 16) {
                throw new AssertionError(file + ": " + (b.length - at) + " stray bytes at the end");
            }
            long length = buf.getLong(at);
            if (Integer.toUnsignedLong(buf.getInt(at + 8)) != maskedCrc(b, at, 8)) {
                throw new AssertionError(file + ": length CRC mismatch at byte " + at);
            }
            if (length > b.length - at - 16) {
                throw new AssertionError(file + ": record at byte " + at + " runs past the end");
            }
            int data = at + 12;
            if (Integer.toUnsignedLong(buf.getInt(data + (int) length)) != maskedCrc(b, data, (int) length)) {
                throw new AssertionError(file + ": data CRC mismatch at byte " + at);
            }
            byte[] r = new byte[(int) length];
            System.arraycopy(b, data, r, 0, r.length);
            out.add(r);
            at = data + (int) length + 4;
        }
        return out;
    }

    private static long maskedCrc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        long crc = c.getValue();
        return ((crc >>> 15 | crc << 17) + 0xa282ead8L) & 0xffffffffL;
    }

    private static void event(byte[] bytes, List<Value> out) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        long step = 0;
        List<byte[]> summaries = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 2 -> step = in.readInt64();
                case 5 -> summaries.add(in.readByteArray());
                default -> in.skipField(tag);
            }
        }
        for (byte[] s : summaries) {
            CodedInputStream summary = CodedInputStream.newInstance(s);
            for (int tag = summary.readTag(); tag != 0; tag = summary.readTag()) {
                if (WireFormat.getTagFieldNumber(tag) == 1) {
                    out.add(value(step, summary.readByteArray()));
                } else {
                    summary.skipField(tag);
                }
            }
        }
    }

    private static Value value(long step, byte[] bytes) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        String name = null;
        Kind kind = Kind.OTHER;
        float scalar = Float.NaN;
        int h = 0;
        int w = 0;
        int c = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> name = new String(in.readByteArray(), StandardCharsets.UTF_8);
                case 2 -> {
                    kind = Kind.SCALAR;
                    scalar = in.readFloat();
                }
                case 4 -> {
                    kind = Kind.IMAGE;
                    CodedInputStream img = CodedInputStream.newInstance(in.readByteArray());
                    for (int t = img.readTag(); t != 0; t = img.readTag()) {
                        switch (WireFormat.getTagFieldNumber(t)) {
                            case 1 -> h = img.readInt32();
                            case 2 -> w = img.readInt32();
                            case 3 -> c = img.readInt32();
                            default -> img.skipField(t);
                        }
                    }
                }
                case 5 -> {
                    kind = Kind.HISTOGRAM;
                    in.skipField(tag);
                }
                default -> in.skipField(tag);
            }
        }
        return new Value(step, name, kind, scalar, h, w, c);
    }
}
