package com.layerlab.app.ui.classroom;

import io.nayuki.qrcodegen.QrCode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The join link as a QR code, drawn as SVG: phones in the classroom scan it off the projector. Medium
 * error correction (a smudged or glaring projection still reads), a quiet zone of four modules as the
 * standard asks, and one path of unit squares, so the image scales to any size without blur.
 */
public final class JoinQrCode {

    /** The white margin, in modules, that readers need around the code. */
    static final int QUIET_ZONE = 4;

    private JoinQrCode() {
    }

    /** The QR code of {@code text} as an SVG document. */
    public static String svg(String text) {
        QrCode qr = QrCode.encodeText(text, QrCode.Ecc.MEDIUM);
        int size = qr.size + 2 * QUIET_ZONE;
        StringBuilder path = new StringBuilder();
        for (int y = 0; y < qr.size; y++) {
            for (int x = 0; x < qr.size; x++) {
                if (qr.getModule(x, y)) {
                    path.append('M').append(x + QUIET_ZONE).append(',').append(y + QUIET_ZONE).append("h1v1h-1z");
                }
            }
        }
        // crispEdges: no anti-aliased seams between neighbouring modules, which some readers trip on
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + size + " " + size + "\" width=\"" + size * 8
                + "\" height=\"" + size * 8 + "\" shape-rendering=\"crispEdges\">"
                + "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
                + "<path d=\"" + path + "\" fill=\"#000000\"/></svg>";
    }

    /** The QR code of {@code text} as a {@code data:} address for an {@code <img>} (the page's CSP allows data: images). */
    public static String dataUrl(String text) {
        return "data:image/svg+xml;base64," + Base64.getEncoder().encodeToString(svg(text).getBytes(StandardCharsets.UTF_8));
    }

    /** The modules per side of {@code text}'s code, without the quiet zone (21 for version 1, 4 more a version). */
    public static int modules(String text) {
        return QrCode.encodeText(text, QrCode.Ecc.MEDIUM).size;
    }
}
