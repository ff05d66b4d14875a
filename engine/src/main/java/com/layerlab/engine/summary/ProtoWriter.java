package com.layerlab.engine.summary;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal protocol-buffers encoder: just the wire types TensorBoard's messages need. Fields are
 * written in the order they are called; nothing is omitted, so a caller that wants proto3's
 * "default means absent" simply does not call for that field. Members of a {@code oneof} must be
 * written even when zero (a scalar of 0.0 is still a scalar).
 */
public final class ProtoWriter {
    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    private byte[] buf = new byte[32];
    private int size;

    /** int32, int64, uint64, enum: negative numbers take ten bytes, as protobuf sign-extends them. */
    public ProtoWriter varint(int field, long value) {
        tag(field, VARINT);
        rawVarint(value);
        return this;
    }

    public ProtoWriter bool(int field, boolean value) {
        return varint(field, value ? 1 : 0);
    }

    public ProtoWriter fixed64(int field, long value) {
        tag(field, FIXED64);
        rawFixed64(value);
        return this;
    }

    public ProtoWriter fixed32(int field, int value) {
        tag(field, FIXED32);
        rawFixed32(value);
        return this;
    }

    public ProtoWriter doubleValue(int field, double value) {
        return fixed64(field, Double.doubleToRawLongBits(value));
    }

    public ProtoWriter floatValue(int field, float value) {
        return fixed32(field, Float.floatToRawIntBits(value));
    }

    public ProtoWriter bytes(int field, byte[] value) {
        return bytes(field, value, 0, value.length);
    }

    public ProtoWriter bytes(int field, byte[] value, int offset, int length) {
        tag(field, LENGTH_DELIMITED);
        rawVarint(length);
        rawBytes(value, offset, length);
        return this;
    }

    public ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** An embedded message, whose encoding the given writer holds. */
    public ProtoWriter message(int field, ProtoWriter message) {
        return bytes(field, message.buf, 0, message.size);
    }

    /** A repeated double field in packed form: one length-delimited run of little-endian doubles. */
    public ProtoWriter packedDoubles(int field, double[] values) {
        tag(field, LENGTH_DELIMITED);
        rawVarint(8L * values.length);
        for (double v : values) {
            rawFixed64(Double.doubleToRawLongBits(v));
        }
        return this;
    }

    public int size() {
        return size;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void tag(int field, int wireType) {
        if (field < 1 || field > 0x1FFFFFFF) {
            throw new IllegalArgumentException("protobuf field number out of range: " + field);
        }
        rawVarint(((long) field << 3) | wireType);
    }

    private void rawVarint(long value) {
        ensure(10);
        while ((value & ~0x7FL) != 0) {
            buf[size++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buf[size++] = (byte) value;
    }

    private void rawFixed64(long value) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (value >>> (8 * i));
        }
    }

    private void rawFixed32(int value) {
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buf[size++] = (byte) (value >>> (8 * i));
        }
    }

    private void rawBytes(byte[] value, int offset, int length) {
        ensure(length);
        System.arraycopy(value, offset, buf, size, length);
        size += length;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            long wanted = Math.max((long) buf.length * 2, (long) size + more);
            if (wanted > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("protobuf message too large: over 2 GiB");
            }
            buf = Arrays.copyOf(buf, (int) wanted);
        }
    }
}
