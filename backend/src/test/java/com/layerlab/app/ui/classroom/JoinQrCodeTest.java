package com.layerlab.app.ui.classroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nayuki.qrcodegen.QrCode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The join link's QR code: the SVG draws exactly the modules of the link's code (read back from the
 * SVG's squares and compared with the encoder's grid), with the quiet zone readers need, and the same
 * link always gives the same image.
 */
class JoinQrCodeTest {

    private static final Pattern MODULE = Pattern.compile("M(\\d+),(\\d+)h1v1h-1z");

    /** The dark modules an SVG of {@link JoinQrCode#svg} draws, as "x,y" without the quiet zone. */
    static Set<String> modules(String svg) {
        Set<String> dark = new HashSet<>();
        Matcher m = MODULE.matcher(svg);
        while (m.find()) {
            dark.add((Integer.parseInt(m.group(1)) - JoinQrCode.QUIET_ZONE) + "," + (Integer.parseInt(m.group(2)) - JoinQrCode.QUIET_ZONE));
        }
        return dark;
    }

    @Test
    void theSvgDrawsTheCodeOfTheLinkModuleForModule() {
        String link = "https://lab.example.org/join/ABCDEF";
        QrCode qr = QrCode.encodeText(link, QrCode.Ecc.MEDIUM);
        Set<String> expected = new HashSet<>();
        for (int y = 0; y < qr.size; y++) {
            for (int x = 0; x < qr.size; x++) {
                if (qr.getModule(x, y)) {
                    expected.add(x + "," + y);
                }
            }
        }
        String svg = JoinQrCode.svg(link);
        assertEquals(expected, modules(svg));
        int side = qr.size + 2 * JoinQrCode.QUIET_ZONE;
        assertTrue(svg.contains("viewBox=\"0 0 " + side + " " + side + "\""), "four white modules around the code");
        assertEquals(qr.size, JoinQrCode.modules(link));
        assertTrue(qr.size >= 21 && (qr.size - 17) % 4 == 0, "a QR code's side is 17 + 4 * version modules");
        // the three finder patterns: a dark 7x7 ring at three corners
        for (int[] corner : new int[][] {{0, 0}, {qr.size - 7, 0}, {0, qr.size - 7}}) {
            for (int i = 0; i < 7; i++) {
                assertTrue(expected.contains((corner[0] + i) + "," + corner[1]));
                assertTrue(expected.contains(corner[0] + "," + (corner[1] + i)));
            }
        }
    }

    @Test
    void theDataUrlIsTheSvgAndALinkAlwaysGivesTheSameImage() {
        String link = "http://localhost:8080/join/XYZ234";
        String url = JoinQrCode.dataUrl(link);
        assertTrue(url.startsWith("data:image/svg+xml;base64,"));
        String svg = new String(Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1)), StandardCharsets.UTF_8);
        assertEquals(JoinQrCode.svg(link), svg);
        assertEquals(url, JoinQrCode.dataUrl(link));
        assertNotEquals(modules(svg), modules(JoinQrCode.svg("http://localhost:8080/join/XYZ235")));
    }
}
