package com.layerlab.engine.summary;

import com.layerlab.engine.tensor.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;

/**
 * Writes a run's scalars, images, histograms and hyper-parameters as TensorBoard event files, as
 * PyTorch's {@code torch.utils.tensorboard.SummaryWriter} does: open the folder with
 * {@code tensorboard --logdir DIR}.
 *
 * <p>Events are queued and written whole every {@code maxQueue} events, after
 * {@code flushInterval}, and on {@link #flush()} / {@link #close()}. All methods are synchronized,
 * so a training thread can write while another thread flushes and reads the files (see
 * {@link EventArchive}).
 */
public final class SummaryWriter implements Closeable {
    private static final int DEFAULT_MAX_QUEUE = 10;
    private static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(2);

    private static final String HPARAMS_PLUGIN = "hparams";
    private static final String EXPERIMENT_TAG = "_hparams_/experiment";
    private static final String SESSION_START_TAG = "_hparams_/session_start_info";
    private static final String SESSION_END_TAG = "_hparams_/session_end_info";

    private final Path logDir;
    private final EventFile file;
    private final int maxQueue;
    private final long flushIntervalNanos;
    private long lastFlush = System.nanoTime();
    private boolean closed;

    public SummaryWriter(Path logDir) {
        this(logDir, DEFAULT_MAX_QUEUE, DEFAULT_FLUSH_INTERVAL);
    }

    public SummaryWriter(Path logDir, int maxQueue, Duration flushInterval) {
        Objects.requireNonNull(logDir, "logDir");
        if (maxQueue < 1) {
            throw new IllegalArgumentException("maxQueue must be at least 1, got " + maxQueue);
        }
        if (flushInterval == null || flushInterval.isNegative()) {
            throw new IllegalArgumentException("flushInterval must be zero or positive, got " + flushInterval);
        }
        this.logDir = logDir;
        this.maxQueue = maxQueue;
        this.flushIntervalNanos = flushInterval.toNanos();
        this.file = EventFile.create(logDir, EventFile.now());
    }

    public Path logDir() {
        return logDir;
    }

    /** This writer's event file (hyper-parameter sub-runs have their own, see {@link #addHparams}). */
    public Path file() {
        return file.path();
    }

    /** A scalar as {@code Summary.Value.simple_value} (float32, as TensorBoard stores it). */
    public synchronized void addScalar(String tag, double value, long step) {
        requireOpen();
        requireTag("addScalar", tag);
        write(new ProtoWriter().string(1, tag).floatValue(2, (float) value), step);
    }

    /**
     * An image from planar pixels {@code chw[ch * h * w + y * w + x]} in [0, 1] (clamped, NaN as 0),
     * stored as 8-bit PNG; {@code c} is 1 (grey) or 3 (RGB).
     */
    public synchronized void addImage(String tag, float[] chw, int c, int h, int w, long step) {
        requireOpen();
        String what = "addImage(\"" + tag + "\")";
        requireTag("addImage", tag);
        checkImage(what, chw, 1, c, h, w);
        writeImage(tag, chw, c, h, w, step);
    }

    /**
     * A batch {@code nchw} of {@code n} images shown as one grid, as PyTorch's {@code add_images}:
     * ceil(sqrt(n)) columns, no padding.
     */
    public synchronized void addImages(String tag, float[] nchw, int n, int c, int h, int w, long step) {
        requireOpen();
        String what = "addImages(\"" + tag + "\")";
        requireTag("addImages", tag);
        checkImage(what, nchw, n, c, h, w);
        int cols = Math.min(n, (int) Math.ceil(Math.sqrt(n)));
        int rows = (n + cols - 1) / cols;
        int gh = rows * h;
        int gw = cols * w;
        if ((long) gh * gw * c > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + ": the grid of " + n + " images is too large");
        }
        float[] grid = new float[c * gh * gw];
        for (int i = 0; i < n; i++) {
            int top = (i / cols) * h;
            int left = (i % cols) * w;
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    System.arraycopy(nchw, ((i * c + ch) * h + y) * w, grid, (ch * gh + top + y) * gw + left, w);
                }
            }
        }
        writeImage(tag, grid, c, gh, gw, step);
    }

    /** A histogram of the values over TensorFlow's default buckets; NaN and infinities are left out. */
    public synchronized void addHistogram(String tag, float[] values, long step) {
        requireOpen();
        requireTag("addHistogram", tag);
        Objects.requireNonNull(values, () -> "addHistogram(\"" + tag + "\"): values must not be null");
        if (values.length == 0) {
            throw new IllegalArgumentException("addHistogram(\"" + tag + "\"): values must not be empty");
        }
        Histograms.Histogram h = Histograms.of(values);
        ProtoWriter histo = new ProtoWriter()
                .doubleValue(1, h.min())
                .doubleValue(2, h.max())
                .doubleValue(3, h.num())
                .doubleValue(4, h.sum())
                .doubleValue(5, h.sumSquares())
                .packedDoubles(6, h.bucketLimit())
                .packedDoubles(7, h.bucket());
        write(new ProtoWriter().string(1, tag).message(5, histo), step);
    }

    /**
     * One histogram per entry of a model's state dict, tagged with its key ({@code 0.weight},
     * {@code 0.bias}, ...), as PyTorch scripts log {@code model.named_parameters()}.
     */
    public synchronized void addWeightHistograms(Map<String, Tensor> stateDict, long step) {
        Objects.requireNonNull(stateDict, "stateDict");
        for (Map.Entry<String, Tensor> e : stateDict.entrySet()) {
            Tensor t = e.getValue();
            if (t != null && t.numel() > 0) {
                addHistogram(e.getKey(), t.toHost(), step);
            }
        }
    }

    /** The gradients of the state dict's tensors that have one, tagged {@code <key>.grad}. */
    public synchronized void addGradientHistograms(Map<String, Tensor> stateDict, long step) {
        Objects.requireNonNull(stateDict, "stateDict");
        for (Map.Entry<String, Tensor> e : stateDict.entrySet()) {
            Tensor g = e.getValue() == null ? null : e.getValue().grad();
            if (g != null && g.numel() > 0) {
                addHistogram(e.getKey() + ".grad", g.toHost(), step);
            }
        }
    }

    /** {@link #addHparams(Map, Map, String, long)} in a sub-run named after the current time, at step 0. */
    public synchronized Path addHparams(Map<String, Object> hparams, Map<String, Double> metrics) {
        double now = EventFile.now();
        String name = String.format(Locale.ROOT, "%.6f", now);
        for (int i = 1; Files.exists(logDir.resolve(name)); i++) {
            name = String.format(Locale.ROOT, "%.6f-%d", now, i);
        }
        return addHparams(hparams, metrics, name, 0);
    }

    /**
     * Hyper-parameters and their final metrics for TensorBoard's HPARAMS tab, as PyTorch's
     * {@code add_hparams}: a sub-run folder {@code runName} whose event file holds the experiment
     * (hyper-parameter and metric names), the session start (the values) and the session end,
     * then each metric as a scalar. Values may be numbers, strings or booleans; null ones are
     * skipped. Returns the sub-run folder.
     */
    public synchronized Path addHparams(Map<String, Object> hparams, Map<String, Double> metrics,
                                        String runName, long step) {
        requireOpen();
        Objects.requireNonNull(hparams, "addHparams: hparams must not be null");
        Objects.requireNonNull(metrics, "addHparams: metrics must not be null");
        if (runName == null || runName.isBlank() || runName.contains("/") || runName.contains("\\")
                || runName.equals(".") || runName.equals("..")) {
            throw new IllegalArgumentException("addHparams: runName must be a plain folder name, got \"" + runName + "\"");
        }
        double now = EventFile.now();

        ProtoWriter experiment = new ProtoWriter().doubleValue(3, now);
        ProtoWriter start = new ProtoWriter();
        for (Map.Entry<String, Object> e : hparams.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("addHparams: hyper-parameter names must not be empty");
            }
            Object v = e.getValue();
            if (v == null) {
                continue;
            }
            ProtoWriter value = new ProtoWriter();
            int dataType;
            if (v instanceof Boolean b) {
                value.bool(4, b);
                dataType = 2; // DATA_TYPE_BOOL
            } else if (v instanceof Number n) {
                value.doubleValue(2, n.doubleValue());
                dataType = 3; // DATA_TYPE_FLOAT64
            } else if (v instanceof CharSequence || v instanceof Enum<?>) {
                value.string(3, v instanceof Enum<?> en ? en.name() : v.toString());
                dataType = 1; // DATA_TYPE_STRING
            } else {
                throw new IllegalArgumentException("addHparams: hparams[\"" + name + "\"] must be a number, string or "
                        + "boolean, got " + v.getClass().getSimpleName());
            }
            start.message(1, new ProtoWriter().string(1, name).message(2, value));
            experiment.message(4, new ProtoWriter().string(1, name).varint(4, dataType));
        }
        start.doubleValue(5, now);
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty()) {
                throw new IllegalArgumentException("addHparams: metric names must not be empty");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("addHparams: metrics[\"" + e.getKey() + "\"] must not be null");
            }
            experiment.message(5, new ProtoWriter().message(1, new ProtoWriter().string(2, e.getKey())));
        }
        ProtoWriter end = new ProtoWriter().varint(1, 1 /* STATUS_SUCCESS */).doubleValue(2, now);

        Path dir = logDir.resolve(runName);
        EventFile sub = EventFile.create(dir, now);
        try {
            sub.append(event(now, step, hparamsValue(EXPERIMENT_TAG, 2, experiment)));
            sub.append(event(now, step, hparamsValue(SESSION_START_TAG, 3, start)));
            sub.append(event(now, step, hparamsValue(SESSION_END_TAG, 4, end)));
            for (Map.Entry<String, Double> e : metrics.entrySet()) {
                ProtoWriter scalar = new ProtoWriter().string(1, e.getKey()).floatValue(2, e.getValue().floatValue());
                sub.append(event(now, step, scalar));
            }
        } finally {
            sub.close();
        }
        return dir;
    }

    public synchronized void flush() {
        if (!closed) {
            file.flush();
            lastFlush = System.nanoTime();
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            file.close();
        }
    }

    /** A {@code Summary.Value} whose metadata carries {@code HParamsPluginData} with one of its oneof fields. */
    private static ProtoWriter hparamsValue(String tag, int dataField, ProtoWriter data) {
        // version (field 1) is PLUGIN_DATA_VERSION = 0, which proto3 leaves out.
        byte[] content = new ProtoWriter().message(dataField, data).toByteArray();
        ProtoWriter pluginData = new ProtoWriter().string(1, HPARAMS_PLUGIN).bytes(2, content);
        return new ProtoWriter().string(1, tag).message(9, new ProtoWriter().message(1, pluginData));
    }

    private static byte[] event(double wallTime, long step, ProtoWriter summaryValue) {
        return new ProtoWriter()
                .doubleValue(1, wallTime)
                .varint(2, step)
                .message(5, new ProtoWriter().message(1, summaryValue))
                .toByteArray();
    }

    private void write(ProtoWriter summaryValue, long step) {
        file.append(event(EventFile.now(), step, summaryValue));
        if (file.pendingRecords() >= maxQueue || System.nanoTime() - lastFlush >= flushIntervalNanos) {
            flush();
        }
    }

    private void writeImage(String tag, float[] chw, int c, int h, int w, long step) {
        ProtoWriter image = new ProtoWriter()
                .varint(1, h)
                .varint(2, w)
                .varint(3, c)
                .bytes(4, png(chw, c, h, w));
        write(new ProtoWriter().string(1, tag).message(4, image), step);
    }

    static byte[] png(float[] chw, int c, int h, int w) {
        BufferedImage img = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        int plane = h * w;
        if (c == 1) {
            WritableRaster raster = img.getRaster();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    raster.setSample(x, y, 0, toByte(chw[y * w + x]));
                }
            }
        } else {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = y * w + x;
                    int rgb = toByte(chw[i]) << 16 | toByte(chw[plane + i]) << 8 | toByte(chw[2 * plane + i]);
                    img.setRGB(x, y, rgb);
                }
            }
        }
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        if (!writers.hasNext()) {
            throw new IllegalStateException("this Java runtime has no PNG encoder");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // In memory: ImageIO's default stream may spill to a temporary file.
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(img);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode PNG: " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static int toByte(float v) {
        if (!(v > 0)) {
            return 0; // also NaN
        }
        return v >= 1 ? 255 : Math.round(v * 255f);
    }

    private static void checkImage(String what, float[] pixels, int n, int c, int h, int w) {
        Objects.requireNonNull(pixels, () -> what + ": pixels must not be null");
        if (c != 1 && c != 3) {
            throw new IllegalArgumentException(what + ": channels must be 1 (grey) or 3 (RGB), got " + c);
        }
        if (n < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException(what + ": count, height and width must be positive, got n=" + n
                    + ", h=" + h + ", w=" + w);
        }
        long expected = (long) n * c * h * w;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(what + ": expected " + (n == 1 ? "" : n + "*") + c + "*" + h + "*" + w
                    + " = " + expected + " values, got " + pixels.length);
        }
    }

    private static void requireTag(String method, String tag) {
        if (tag == null || tag.isBlank()) {
            throw new IllegalArgumentException(method + ": tag must not be empty");
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("SummaryWriter for " + logDir + " is closed");
        }
    }
}
