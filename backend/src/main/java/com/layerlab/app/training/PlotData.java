package com.layerlab.app.training;

import com.layerlab.datasets.Points2D;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * Compact encodings of what the client-side components draw. Maps travel as one byte per value
 * (the eye cannot tell 256 shades apart from more), points as little-endian float32 triples, both
 * base64 in a string property, so that 10 frames a second cost little bandwidth.
 */
public final class PlotData {

    private PlotData() {
    }

    /** t in [-1, 1] (clamped; NaN as 0) as the diverging byte the components read: b / 127.5 - 1. */
    public static byte signedByte(double t) {
        if (!(t == t)) {
            t = 0;
        }
        double c = Math.max(-1, Math.min(1, t));
        return (byte) Math.round((c + 1) * 127.5);
    }

    /** A probability in [0, 1] as a byte b / 255. */
    public static byte probabilityByte(double p) {
        if (!(p == p)) {
            p = 0;
        }
        return (byte) Math.round(Math.max(0, Math.min(1, p)) * 255);
    }

    /** Values divided by {@code scale}, as diverging bytes. */
    public static byte[] signed(float[] values, double scale) {
        byte[] out = new byte[values.length];
        double inv = scale > 0 ? 1 / scale : 1;
        for (int i = 0; i < values.length; i++) {
            out[i] = signedByte(values[i] * inv);
        }
        return out;
    }

    /** Probabilities of class 1 as diverging bytes (0 = orange, 1 = blue). */
    public static byte[] binary(float[] p) {
        byte[] out = new byte[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = signedByte(2.0 * p[i] - 1);
        }
        return out;
    }

    public static byte[] probabilities(float[] p) {
        byte[] out = new byte[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = probabilityByte(p[i]);
        }
        return out;
    }

    public static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * Points as (x1, x2, v) triples: v is the class index when {@code classIndex}, else the label
     * mapped onto [-1, 1] (binary: 0 to -1, 1 to +1; regression: label / scale).
     */
    public static String points(Points2D pts, boolean classIndex, double regressionScale) {
        if (pts == null) {
            return "";
        }
        int n = pts.size();
        ByteBuffer buf = ByteBuffer.allocate(n * 12).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            float label = pts.label()[i];
            float v;
            if (classIndex) {
                v = label;
            } else if (pts.classes() == 2) {
                v = label > 0.5f ? 1f : -1f;
            } else {
                v = (float) Math.max(-1, Math.min(1, label / (regressionScale > 0 ? regressionScale : 1)));
            }
            buf.putFloat(pts.x1()[i]).putFloat(pts.x2()[i]).putFloat(v);
        }
        return Base64.getEncoder().encodeToString(buf.array());
    }

    /** Weights as a JSON array of [out][in] matrices, 4 significant digits (all a tooltip shows). */
    public static String weightsJson(java.util.List<float[][]> layers) {
        StringBuilder sb = new StringBuilder(256);
        sb.append('[');
        for (int l = 0; l < layers.size(); l++) {
            if (l > 0) {
                sb.append(',');
            }
            sb.append('[');
            float[][] w = layers.get(l);
            for (int o = 0; o < w.length; o++) {
                if (o > 0) {
                    sb.append(',');
                }
                sb.append('[');
                for (int i = 0; i < w[o].length; i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    float v = w[o][i];
                    sb.append(Float.isFinite(v) ? String.format(java.util.Locale.ROOT, "%.4g", v) : "null");
                }
                sb.append(']');
            }
            sb.append(']');
        }
        return sb.append(']').toString();
    }
}
