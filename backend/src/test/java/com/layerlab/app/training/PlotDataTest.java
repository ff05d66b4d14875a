package com.layerlab.app.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.layerlab.datasets.Points2D;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlotDataTest {

    private static int u(byte b) {
        return b & 0xff;
    }

    @Test
    void bytesSpanTheScalesTheComponentsRead() {
        // heat-map.js reads t = b / 127.5 - 1 and p = b / 255
        assertEquals(0, u(PlotData.signedByte(-1)));
        assertEquals(255, u(PlotData.signedByte(1)));
        assertEquals(128, u(PlotData.signedByte(0)));
        assertEquals(0, u(PlotData.signedByte(-7)), "clamped");
        assertEquals(128, u(PlotData.signedByte(Double.NaN)), "NaN shows as neutral");
        assertEquals(255, u(PlotData.probabilityByte(1)));
        assertEquals(0, u(PlotData.probabilityByte(-0.5)));
        assertArrayEquals(new byte[] {0, (byte) 255, (byte) 128}, PlotData.binary(new float[] {0, 1, 0.5f}));
        assertArrayEquals(new byte[] {0, (byte) 255, (byte) 191}, PlotData.signed(new float[] {-2, 2, 1}, 2));
    }

    @Test
    void pointsAreLittleEndianTriples() {
        Points2D binary = new Points2D(new float[] {1.5f, -2f}, new float[] {3f, 4f}, new float[] {1, 0}, 2);
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(PlotData.points(binary, false, 1)))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(24, b.remaining());
        float[] v = new float[6];
        b.asFloatBuffer().get(v);
        assertArrayEquals(new float[] {1.5f, 3f, 1f, -2f, 4f, -1f}, v, "binary labels become +1 / -1");

        Points2D multi = new Points2D(new float[] {0}, new float[] {0}, new float[] {2}, 3);
        float[] m = new float[3];
        ByteBuffer.wrap(Base64.getDecoder().decode(PlotData.points(multi, true, 1))).order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer().get(m);
        assertEquals(2f, m[2], "multi-class points carry the class index");

        Points2D reg = new Points2D(new float[] {0, 0}, new float[] {0, 0}, new float[] {-0.5f, 2f}, 0);
        assertEquals(2.0, Points2D.labelScale(reg));
        float[] r = new float[6];
        ByteBuffer.wrap(Base64.getDecoder().decode(PlotData.points(reg, false, 2))).order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer().get(r);
        assertEquals(-0.25f, r[2]);
        assertEquals(1f, r[5]);
    }

    @Test
    void weightsAreValidJson() throws Exception {
        String json = PlotData.weightsJson(List.of(new float[][] {{0.123456f, -2e-7f}, {Float.NaN, 12345.6f}},
                new float[][] {{1f, -1f}}));
        JsonNode n = new ObjectMapper().readTree(json);
        assertEquals(2, n.size());
        assertEquals(0.1235, n.get(0).get(0).get(0).asDouble(), 1e-9);
        assertEquals(-2e-7, n.get(0).get(0).get(1).asDouble(), 1e-12);
        assertEquals(true, n.get(0).get(1).get(0).isNull(), "NaN travels as null");
        assertEquals(12350, n.get(0).get(1).get(1).asDouble(), 1e-9);
        assertEquals(-1.0, n.get(1).get(0).get(1).asDouble());
    }
}
