package com.layerlab.app.lab;

import com.layerlab.datasets.ImageSet;
import com.layerlab.datasets.ImageSets;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Where the explainer's images come from: samples drawn in code (always there), the first images of
 * the image data sets, and uploads (PNG or JPEG). Every image is shrunk to at most {@value #MAX_SIDE}
 * pixels a side, so that each window position can be stepped through and seen.
 */
public final class ConvolutionImages {

    public static final int MAX_SIDE = 32;
    public static final int MAX_UPLOAD_BYTES = 2 * 1024 * 1024;
    /** Larger pictures are read subsampled: the decoder never holds more than about this many pixels a side. */
    private static final int DECODE_SIDE = 256;
    private static final int MAX_PIXELS = 50_000_000;
    /** How many images of each data set the page offers. */
    public static final int DATASET_IMAGES = 100;

    public static final String DIGIT = "Digit 4 (drawn), 28x28";
    public static final String CHECKERBOARD = "Checkerboard, 16x16";
    public static final String GRADIENT = "Gradient, 16x16";
    public static final String CIRCLE = "Circle, 20x20";
    public static final String SQUARE = "Square, 16x16";
    public static final String PLUS = "Plus sign, 7x7";
    public static final List<String> SAMPLES = List.of(DIGIT, CHECKERBOARD, GRADIENT, CIRCLE, SQUARE, PLUS);

    /** Data set id -> name on the page. */
    public static final Map<String, String> DATASETS;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ImageSets.MNIST, "MNIST digits");
        m.put(ImageSets.FASHION_MNIST, "Fashion-MNIST");
        m.put(ImageSets.SHAPES, "Shapes (colour)");
        DATASETS = java.util.Collections.unmodifiableMap(m);
    }

    private static final Map<String, ImageSet> LOADED = new ConcurrentHashMap<>();

    private ConvolutionImages() {
    }

    /** A message for the user: the image could not be used. */
    public static final class BadImageException extends IllegalArgumentException {
        public BadImageException(String message) {
            super(message);
        }
    }

    // ---- samples -------------------------------------------------------------------------------------

    /** A built-in sample by name. */
    public static ConvolutionImage sample(String name) {
        return switch (name) {
            case DIGIT -> digit();
            case CHECKERBOARD -> grid(CHECKERBOARD, 16, 16, (r, c) -> ((r / 4) + (c / 4)) % 2 == 0 ? 1 : 0);
            case GRADIENT -> grid(GRADIENT, 16, 16, (r, c) -> c / 15.0);
            case CIRCLE -> grid(CIRCLE, 20, 20, (r, c) -> coverage(r, c, (y, x) -> Math.hypot(y - 9.5, x - 9.5) <= 6.5));
            case SQUARE -> grid(SQUARE, 16, 16, (r, c) -> r >= 4 && r < 12 && c >= 4 && c < 12 ? 1 : 0);
            case PLUS -> grid(PLUS, 7, 7, (r, c) -> r == 3 || c == 3 ? 1 : (r == 0 || r == 6 || c == 0 || c == 6) ? 0 : 0.25);
            default -> throw new BadImageException("There is no sample called \"" + name + "\".");
        };
    }

    private interface Pixel {
        double at(int r, int c);
    }

    private interface Inside {
        boolean at(double y, double x);
    }

    private static ConvolutionImage grid(String label, int h, int w, Pixel p) {
        float[] v = new float[h * w];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                v[r * w + c] = (float) p.at(r, c);
            }
        }
        return new ConvolutionImage(label, 1, h, w, v);
    }

    /** The share of a pixel inside a shape, from 4x4 sub-samples: soft edges like a real photo's. */
    private static double coverage(int r, int c, Inside inside) {
        int hits = 0;
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                if (inside.at(r + (i + 0.5) / 4, c + (j + 0.5) / 4)) {
                    hits++;
                }
            }
        }
        return hits / 16.0;
    }

    /** A handwritten-looking 4, bright strokes on black like MNIST. */
    private static ConvolutionImage digit() {
        double[][] strokes = {{17, 5, 6.5, 17.5}, {6.5, 17.5, 21.5, 17.5}, {17, 5, 17, 23.5}};
        return grid(DIGIT, 28, 28, (r, c) -> coverage(r, c, (y, x) -> {
            for (double[] s : strokes) {
                if (distance(x, y, s[0], s[1], s[2], s[3]) <= 1.6) {
                    return true;
                }
            }
            return false;
        }));
    }

    private static double distance(double x, double y, double x0, double y0, double x1, double y1) {
        double dx = x1 - x0;
        double dy = y1 - y0;
        double t = Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)));
        return Math.hypot(x - (x0 + t * dx), y - (y0 + t * dy));
    }

    // ---- data sets -----------------------------------------------------------------------------------

    /** Image {@code index} (0 to {@value #DATASET_IMAGES} - 1) of a data set, with its class in the label. */
    public static ConvolutionImage fromDataSet(String id, int index) {
        if (!DATASETS.containsKey(id)) {
            throw new BadImageException("Unknown data set \"" + id + "\".");
        }
        ImageSet set = LOADED.computeIfAbsent(id,
                k -> ImageSets.load(k, Map.of(ImageSets.LIMIT, DATASET_IMAGES), null, 1L));
        if (index < 0 || index >= set.size()) {
            throw new BadImageException("Image number must be from 0 to " + (set.size() - 1) + ", got " + index + ".");
        }
        String label = DATASETS.get(id) + " image " + index + " (" + set.classNames().get(set.label(index)) + ")";
        return shrink(new ConvolutionImage(label, set.channels(), set.height(), set.width(), set.image(index)), MAX_SIDE);
    }

    /** How many images data set {@code id} offers. */
    public static int dataSetSize(String id) {
        ImageSet set = LOADED.get(id);
        return set == null ? DATASET_IMAGES : set.size();
    }

    // ---- uploads -------------------------------------------------------------------------------------

    /**
     * Decodes an uploaded PNG or JPEG, composites transparency onto white, and shrinks it to at most
     * {@value #MAX_SIDE} pixels a side. Grey pictures give one channel, colour ones three.
     *
     * @throws BadImageException with a message for the user when the file is too large, empty, not a
     *                           PNG or JPEG, or damaged
     */
    public static ConvolutionImage decode(byte[] bytes, String fileName) {
        String name = fileName == null || fileName.isBlank() ? "the file" : "\"" + fileName + "\"";
        if (bytes == null || bytes.length == 0) {
            throw new BadImageException(name + " is empty.");
        }
        if (bytes.length > MAX_UPLOAD_BYTES) {
            throw new BadImageException(name + " is " + bytes.length / 1024 + " KB; images up to "
                    + MAX_UPLOAD_BYTES / 1024 / 1024 + " MB are accepted.");
        }
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new BadImageException(name + " is not a PNG or JPEG image.");
            }
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                if (!format.equals("png") && !format.equals("jpeg") && !format.equals("jpg")) {
                    throw new BadImageException(name + " is a " + format.toUpperCase(Locale.ROOT)
                            + " image; only PNG and JPEG are accepted.");
                }
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w < 1 || h < 1 || (long) w * h > MAX_PIXELS) {
                    throw new BadImageException(name + " is " + w + "x" + h + " pixels; at most "
                            + MAX_PIXELS / 1_000_000 + " million pixels are accepted.");
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = Math.max(1, Math.max(w, h) / DECODE_SIDE);
                param.setSourceSubsampling(step, step, 0, 0);
                img = reader.read(0, param);
            } finally {
                reader.dispose();
            }
        } catch (BadImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new BadImageException(name + " could not be read as a PNG or JPEG image (it may be damaged).");
        }
        if (img == null) {
            throw new BadImageException(name + " could not be read as a PNG or JPEG image (it may be damaged).");
        }
        String label = "your upload " + (fileName == null ? "" : fileName);
        return shrink(fromBuffered(label, img), MAX_SIDE);
    }

    private static ConvolutionImage fromBuffered(String label, BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int n = w * h;
        float[] rgb = new float[3 * n];
        boolean grey = true;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = img.getRGB(x, y);
                double a = (argb >>> 24) / 255.0;
                // transparent parts read as white paper
                double r = ((argb >> 16) & 0xff) / 255.0 * a + (1 - a);
                double g = ((argb >> 8) & 0xff) / 255.0 * a + (1 - a);
                double b = (argb & 0xff) / 255.0 * a + (1 - a);
                int i = y * w + x;
                rgb[i] = (float) r;
                rgb[n + i] = (float) g;
                rgb[2 * n + i] = (float) b;
                grey &= rgb[i] == rgb[n + i] && rgb[i] == rgb[2 * n + i];
            }
        }
        if (grey) {
            float[] one = new float[n];
            System.arraycopy(rgb, 0, one, 0, n);
            return new ConvolutionImage(label, 1, h, w, one);
        }
        return new ConvolutionImage(label, 3, h, w, rgb);
    }

    /**
     * Shrinks an image so that neither side exceeds {@code maxSide}, keeping its proportions: each new
     * pixel is the mean of the source pixels whose centres fall into it (an area average, no aliasing).
     * Images that already fit are returned as they are.
     */
    public static ConvolutionImage shrink(ConvolutionImage img, int maxSide) {
        int h = img.height();
        int w = img.width();
        if (h <= maxSide && w <= maxSide) {
            return img;
        }
        double scale = (double) Math.max(h, w) / maxSide;
        int nh = Math.max(1, Math.min(maxSide, (int) Math.round(h / scale)));
        int nw = Math.max(1, Math.min(maxSide, (int) Math.round(w / scale)));
        int c = img.channels();
        float[] src = img.values();
        float[] out = new float[c * nh * nw];
        for (int y = 0; y < nh; y++) {
            int y0 = (int) ((long) y * h / nh);
            int y1 = Math.max(y0 + 1, (int) ((long) (y + 1) * h / nh));
            for (int x = 0; x < nw; x++) {
                int x0 = (int) ((long) x * w / nw);
                int x1 = Math.max(x0 + 1, (int) ((long) (x + 1) * w / nw));
                for (int ch = 0; ch < c; ch++) {
                    double sum = 0;
                    for (int sy = y0; sy < y1; sy++) {
                        for (int sx = x0; sx < x1; sx++) {
                            sum += src[(ch * h + sy) * w + sx];
                        }
                    }
                    out[(ch * nh + y) * nw + x] = (float) (sum / ((y1 - y0) * (x1 - x0)));
                }
            }
        }
        return new ConvolutionImage(img.label(), c, nh, nw, out);
    }
}
