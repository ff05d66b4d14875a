package com.layerlab.engine.summary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ProtoWriterTest {
    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    private static int tag(int field, int wireType) {
        return field << 3 | wireType;
    }

    @Test
    void encodingGuideExamples() {
        // The protobuf encoding guide's examples: field 1 = 150, field 2 = "testing".
        assertArrayEquals(bytes(0x08, 0x96, 0x01), new ProtoWriter().varint(1, 150).toByteArray());
        assertArrayEquals(bytes(0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g'),
                new ProtoWriter().string(2, "testing").toByteArray());
        // An embedded message: field 3 holding the first example.
        assertArrayEquals(bytes(0x1a, 0x03, 0x08, 0x96, 0x01),
                new ProtoWriter().message(3, new ProtoWriter().varint(1, 150)).toByteArray());
    }

    @Test
    void negativeIntsTakeTenBytes() {
        byte[] b = new ProtoWriter().varint(1, -1).toByteArray();
        assertArrayEquals(bytes(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), b);
    }

    @Test
    void protobufJavaReadsEveryWireType() throws IOException {
        double[] packed = {1.5, -0.0, Double.MAX_VALUE, 1e-300};
        byte[] large = new byte[300];
        large[299] = 7;
        byte[] b = new ProtoWriter()
                .varint(1, 1L << 40)
                .doubleValue(2, Math.PI)
                .floatValue(3, -2.5f)
                .bool(4, true)
                .packedDoubles(5, packed)
                .bytes(6, large)
                .string(536870911, "ünïcode")
                .toByteArray();
        CodedInputStream in = CodedInputStream.newInstance(b);
        assertEquals(tag(1, WireFormat.WIRETYPE_VARINT), in.readTag());
        assertEquals(1L << 40, in.readInt64());
        assertEquals(tag(2, WireFormat.WIRETYPE_FIXED64), in.readTag());
        assertEquals(Math.PI, in.readDouble());
        assertEquals(tag(3, WireFormat.WIRETYPE_FIXED32), in.readTag());
        assertEquals(-2.5f, in.readFloat());
        assertEquals(tag(4, WireFormat.WIRETYPE_VARINT), in.readTag());
        assertEquals(true, in.readBool());
        assertEquals(tag(5, WireFormat.WIRETYPE_LENGTH_DELIMITED), in.readTag());
        int limit = in.pushLimit(in.readRawVarint32());
        for (double d : packed) {
            assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(in.readDouble()));
        }
        assertEquals(0, in.getBytesUntilLimit());
        in.popLimit(limit);
        assertEquals(tag(6, WireFormat.WIRETYPE_LENGTH_DELIMITED), in.readTag());
        assertArrayEquals(large, in.readByteArray());
        assertEquals(tag(536870911, WireFormat.WIRETYPE_LENGTH_DELIMITED), in.readTag());
        assertEquals("ünïcode", in.readString());
        assertEquals(true, in.isAtEnd());
    }

    @Test
    void fieldNumbersOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ProtoWriter().varint(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ProtoWriter().varint(1 << 29, 1));
    }
}
