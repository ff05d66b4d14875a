package com.layerlab.engine.summary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import com.layerlab.engine.tensor.Tensor;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryWriterTest {
    private static final Pattern FILE_NAME =
            Pattern.compile("events\\.out\\.tfevents\\.(\\d{10})\\.([A-Za-z0-9._-]+)\\.(\\d+)\\.(\\d+)");

    @TempDir
    Path dir;

    @Test
    void crc32cIsCastagnoli() {
        // The standard check value of CRC-32C over "123456789".
        CRC32C crc = new CRC32C();
        crc.update("123456789".getBytes());
        assertEquals(0xE3069283L, crc.getValue());
    }

    @Test
    void fileNameAndFirstRecord() {
        long before = System.currentTimeMillis() / 1000;
        Path file;
        try (SummaryWriter w = new SummaryWriter(dir.resolve("run"))) {
            file = w.file();
        }
        long after = System.currentTimeMillis() / 1000;
        assertEquals(dir.resolve("run"), file.getParent());
        Matcher m = FILE_NAME.matcher(file.getFileName().toString());
        assertTrue(m.matches(), file.getFileName().toString());
        long seconds = Long.parseLong(m.group(1));
        assertTrue(seconds >= before && seconds <= after, "seconds " + seconds);
        assertEquals(ProcessHandle.current().pid(), Long.parseLong(m.group(3)));

        List<DynamicMessage> events = TfRecordReader.events(file);
        assertEquals(1, events.size());
        DynamicMessage first = events.get(0);
        assertEquals("brain.Event:2", get(first, "file_version"));
        double wall = (double) get(first, "wall_time");
        assertTrue(wall >= before && wall <= after + 1, "wall_time " + wall);
        assertFalse(has(first, "summary"));
    }

    @Test
    void twoWritersInOneFolderGetTwoFiles() {
        try (SummaryWriter a = new SummaryWriter(dir); SummaryWriter b = new SummaryWriter(dir)) {
            assertNotEquals(a.file(), b.file());
            Matcher ma = FILE_NAME.matcher(a.file().getFileName().toString());
            Matcher mb = FILE_NAME.matcher(b.file().getFileName().toString());
            assertTrue(ma.matches() && mb.matches());
            assertNotEquals(ma.group(4), mb.group(4));
        }
    }

    @Test
    void scalars() {
        double[] values = {0.0, -1.5, 3.25e-7, Float.MAX_VALUE, Double.NaN};
        long[] steps = {0, 1, 7, 1L << 40, 12};
        Path file;
        try (SummaryWriter w = new SummaryWriter(dir)) {
            for (int i = 0; i < values.length; i++) {
                w.addScalar(i % 2 == 0 ? "loss/train" : "accuracy", values[i], steps[i]);
            }
            file = w.file();
        }
        List<DynamicMessage> events = TfRecordReader.events(file);
        assertEquals(values.length + 1, events.size());
        for (int i = 0; i < values.length; i++) {
            DynamicMessage e = events.get(i + 1);
            assertEquals(steps[i], (long) get(e, "step"));
            DynamicMessage v = onlyValue(e);
            assertEquals(i % 2 == 0 ? "loss/train" : "accuracy", get(v, "tag"));
            // Set even when 0.0: simple_value is a oneof member, its presence makes it a scalar.
            assertTrue(has(v, "simple_value"), "simple_value present for " + values[i]);
            assertEquals((float) values[i], (float) get(v, "simple_value"));
        }
    }

    @Test
    void greyAndRgbImages() throws IOException {
        float[] grey = {0f, 0.5f, 1f, -0.5f, 1.5f, Float.NaN}; // 2 rows x 3 columns
        int h = 4;
        int w = 5;
        float[] rgb = new float[3 * h * w];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (i * 37 % 256) / 255f;
        }
        Path file;
        try (SummaryWriter writer = new SummaryWriter(dir)) {
            writer.addImage("digits/grey", grey, 1, 2, 3, 5);
            writer.addImage("samples/rgb", rgb, 3, h, w, 6);
            file = writer.file();
        }
        List<DynamicMessage> events = TfRecordReader.events(file);
        assertEquals(3, events.size());

        DynamicMessage g = onlyValue(events.get(1));
        assertEquals("digits/grey", get(g, "tag"));
        assertEquals(5L, (long) get(events.get(1), "step"));
        DynamicMessage gi = (DynamicMessage) get(g, "image");
        assertEquals(2, (int) get(gi, "height"));
        assertEquals(3, (int) get(gi, "width"));
        assertEquals(1, (int) get(gi, "colorspace"));
        BufferedImage gImg = png(gi);
        assertEquals(3, gImg.getWidth());
        assertEquals(2, gImg.getHeight());
        assertEquals(1, gImg.getRaster().getNumBands());
        int[] expectedGrey = {0, 128, 255, 0, 255, 0};
        for (int i = 0; i < 6; i++) {
            assertEquals(expectedGrey[i], gImg.getRaster().getSample(i % 3, i / 3, 0), "grey pixel " + i);
        }

        DynamicMessage c = onlyValue(events.get(2));
        DynamicMessage ci = (DynamicMessage) get(c, "image");
        assertEquals(h, (int) get(ci, "height"));
        assertEquals(w, (int) get(ci, "width"));
        assertEquals(3, (int) get(ci, "colorspace"));
        BufferedImage cImg = png(ci);
        assertEquals(w, cImg.getWidth());
        assertEquals(h, cImg.getHeight());
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgbPixel = cImg.getRGB(x, y);
                for (int ch = 0; ch < 3; ch++) {
                    int expected = ((ch * h * w + y * w + x) * 37) % 256;
                    int actual = (rgbPixel >> (16 - 8 * ch)) & 0xFF;
                    assertEquals(expected, actual, "pixel (" + x + "," + y + ") channel " + ch);
                }
            }
        }
    }

    @Test
    void recordsLargerThanTheQueueBuffer() throws IOException {
        Random r = new Random(7);
        int h = 120;
        int w = 90;
        float[] noise = new float[3 * h * w];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = r.nextInt(256) / 255f;
        }
        Path file;
        try (SummaryWriter writer = new SummaryWriter(dir)) {
            writer.addScalar("before", 1, 0);
            writer.addImage("noise", noise, 3, h, w, 0);
            writer.addScalar("after", 2, 0);
            file = writer.file();
        }
        List<DynamicMessage> events = TfRecordReader.events(file);
        assertEquals(4, events.size());
        assertEquals("before", get(onlyValue(events.get(1)), "tag"));
        assertEquals("after", get(onlyValue(events.get(3)), "tag"));
        BufferedImage img = png((DynamicMessage) get(onlyValue(events.get(2)), "image"));
        assertTrue(Files.size(file) > 3 * h * w, "incompressible pixels make a large record");
        for (int i = 0; i < h * w; i += 97) {
            int rgb = img.getRGB(i % w, i / w);
            assertEquals(Math.round(noise[i] * 255), (rgb >> 16) & 0xFF, "red " + i);
            assertEquals(Math.round(noise[h * w + i] * 255), (rgb >> 8) & 0xFF, "green " + i);
            assertEquals(Math.round(noise[2 * h * w + i] * 255), rgb & 0xFF, "blue " + i);
        }
    }

    @Test
    void imageBatchAsGrid() throws IOException {
        int n = 5;
        float[] batch = new float[n * 2 * 2];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < 4; p++) {
                batch[i * 4 + p] = (i * 4 + p + 1) / 255f;
            }
        }
        Path file;
        try (SummaryWriter w = new SummaryWriter(dir)) {
            w.addImages("batch", batch, n, 1, 2, 2, 0);
            file = w.file();
        }
        DynamicMessage image = (DynamicMessage) get(onlyValue(TfRecordReader.events(file).get(1)), "image");
        BufferedImage img = png(image);
        // 5 images: 3 columns, 2 rows, the sixth place empty.
        assertEquals(6, img.getWidth());
        assertEquals(4, img.getHeight());
        for (int i = 0; i < 6; i++) {
            for (int p = 0; p < 4; p++) {
                int x = (i % 3) * 2 + p % 2;
                int y = (i / 3) * 2 + p / 2;
                int expected = i < n ? i * 4 + p + 1 : 0;
                assertEquals(expected, img.getRaster().getSample(x, y, 0), "image " + i + " pixel " + p);
            }
        }
    }

    @Test
    void histogram() {
        Random r = new Random(42);
        int n = 10_000;
        float[] values = new float[n + 3];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (r.nextGaussian() * 0.3 + (i % 10 == 0 ? 0 : 0.1));
        }
        values[0] = 0f;
        values[1] = -0f;
        values[2] = 1e-13f;
        values[n] = Float.NaN;
        values[n + 1] = Float.POSITIVE_INFINITY;
        values[n + 2] = Float.NEGATIVE_INFINITY;
        Path file;
        try (SummaryWriter w = new SummaryWriter(dir)) {
            w.addHistogram("layer/weight", values, 3);
            file = w.file();
        }
        DynamicMessage v = onlyValue(TfRecordReader.events(file).get(1));
        assertEquals("layer/weight", get(v, "tag"));
        DynamicMessage h = (DynamicMessage) get(v, "histo");

        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            min = Math.min(min, values[i]);
            max = Math.max(max, values[i]);
            sum += values[i];
            sumSq += (double) values[i] * values[i];
        }
        assertEquals(n, (double) get(h, "num"));
        assertEquals(min, (double) get(h, "min"));
        assertEquals(max, (double) get(h, "max"));
        assertEquals(sum, (double) get(h, "sum"), 1e-9 * sumSq);
        assertEquals(sumSq, (double) get(h, "sum_squares"), 1e-9 * sumSq);

        List<Double> limits = doubles(h, "bucket_limit");
        List<Double> counts = doubles(h, "bucket");
        assertEquals(limits.size(), counts.size());
        assertTrue(limits.size() > 10, "buckets: " + limits.size());
        assertEquals(n, counts.stream().mapToDouble(Double::doubleValue).sum());
        assertEquals(0.0, counts.get(0), "the first bucket only marks where the data starts");
        for (int i = 1; i < limits.size(); i++) {
            assertTrue(limits.get(i) > limits.get(i - 1), "limits increase");
            assertTrue(counts.get(i) > 0 || counts.get(i - 1) > 0, "empty buckets next to each other are merged");
            // Recount bucket i, [limit(i-1), limit(i)), from the raw values.
            double lo = limits.get(i - 1);
            double hi = limits.get(i);
            long count = 0;
            for (int k = 0; k < n; k++) {
                double x = values[k];
                if (x >= lo && x < hi) {
                    count++;
                }
            }
            assertEquals(count, counts.get(i), "bucket " + i + " [" + lo + ", " + hi + ")");
        }
        assertTrue(limits.get(0) <= min && limits.get(limits.size() - 1) > max);
        assertTrue(counts.get(1) > 0 && counts.get(counts.size() - 1) > 0, "no empty buckets kept at the ends");
        // TensorFlow's default limits: 0 or +-1e-12 * 1.1^k.
        for (double limit : limits) {
            if (limit != 0) {
                double k = Math.log(Math.abs(limit) / 1e-12) / Math.log(1.1);
                assertEquals(Math.round(k), k, 1e-6, "limit " + limit);
            }
        }
    }

    @Test
    void histogramEdgeCases() {
        Path file;
        try (SummaryWriter w = new SummaryWriter(dir)) {
            w.addHistogram("constant", new float[] {2f, 2f, 2f}, 0);
            w.addHistogram("diverged", new float[] {Float.NaN, Float.NaN}, 1);
            w.addHistogram("spread", new float[] {1e10f, -1e-10f, 1e-10f, -1e10f}, 2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> w.addHistogram("empty", new float[0], 0));
            assertTrue(e.getMessage().contains("\"empty\""), e.getMessage());
            file = w.file();
        }
        List<DynamicMessage> events = TfRecordReader.events(file);
        DynamicMessage constant = (DynamicMessage) get(onlyValue(events.get(1)), "histo");
        assertEquals(3.0, (double) get(constant, "num"));
        assertEquals(2.0, (double) get(constant, "min"));
        assertEquals(2.0, (double) get(constant, "max"));
        List<Double> limits = doubles(constant, "bucket_limit");
        List<Double> counts = doubles(constant, "bucket");
        assertEquals(List.of(0.0, 3.0), counts);
        assertTrue(limits.get(0) <= 2.0 && limits.get(1) > 2.0, limits.toString());

        // Spread over 40 orders of magnitude yet a handful of buckets: the empty runs are merged.
        DynamicMessage spread = (DynamicMessage) get(onlyValue(events.get(3)), "histo");
        assertEquals(List.of(0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0), doubles(spread, "bucket"));
        List<Double> spreadLimits = doubles(spread, "bucket_limit");
        assertTrue(spreadLimits.get(0) <= -1e10 && spreadLimits.get(1) > -1e10, spreadLimits.toString());
        assertTrue(spreadLimits.get(2) <= -1e-10 && spreadLimits.get(3) > -1e-10, spreadLimits.toString());
        assertTrue(spreadLimits.get(4) <= 1e-10 && spreadLimits.get(5) > 1e-10, spreadLimits.toString());
        assertTrue(spreadLimits.get(6) <= 1e10 && spreadLimits.get(7) > 1e10, spreadLimits.toString());

        DynamicMessage diverged = (DynamicMessage) get(onlyValue(events.get(2)), "histo");
        assertEquals(0.0, (double) get(diverged, "num"));
        assertEquals(0.0, doubles(diverged, "bucket").stream().mapToDouble(Double::doubleValue).sum());
    }

    @Test
    void weightAndGradientHistogramsFromAStateDict() {
        Tensor weight = Tensor.of(new float[] {0.5f, -0.25f, 1f, 2f, -3f, 0.125f}, 2, 3).requiresGrad(true);
        Tensor bias = Tensor.of(new float[] {0.1f, -0.1f}, 2).requiresGrad(true);
        weight.mul(weight).sum().add(bias.sum()).backward(); // dW = 2W, db = 1
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("0.weight", weight);
        state.put("0.bias", bias);
        Path file;
        try (SummaryWriter w = new SummaryWriter(dir)) {
            w.addWeightHistograms(state, 4);
            w.addGradientHistograms(state, 4);
            file = w.file();
        }
        List<DynamicMessage> events = TfRecordReader.events(file);
        assertEquals(5, events.size());
        String[] tags = {"0.weight", "0.bias", "0.weight.grad", "0.bias.grad"};
        double[] sums = {0.5 - 0.25 + 1 + 2 - 3 + 0.125, 0.0, 2 * (0.5 - 0.25 + 1 + 2 - 3 + 0.125), 2.0};
        double[] nums = {6, 2, 6, 2};
        for (int i = 0; i < tags.length; i++) {
            DynamicMessage v = onlyValue(events.get(i + 1));
            assertEquals(tags[i], get(v, "tag"));
            assertEquals(4L, (long) get(events.get(i + 1), "step"));
            DynamicMessage h = (DynamicMessage) get(v, "histo");
            assertEquals(nums[i], (double) get(h, "num"), tags[i]);
            assertEquals(sums[i], (double) get(h, "sum"), 1e-6, tags[i]);
        }
    }

    @Test
    void hparams() throws IOException {
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("lr", 0.03);
        hp.put("optimizer", "adam");
        hp.put("batch_size", 32);
        hp.put("nesterov", true);
        hp.put("unset", null);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("hparam/accuracy", 0.875);
        metrics.put("hparam/loss", 0.25);
        Path sub;
        try (SummaryWriter w = new SummaryWriter(dir)) {
            sub = w.addHparams(hp, metrics, "trial-1", 0);
        }
        assertEquals(dir.resolve("trial-1"), sub);
        List<Path> files;
        try (var list = Files.list(sub)) {
            files = list.toList();
        }
        assertEquals(1, files.size());
        assertTrue(FILE_NAME.matcher(files.get(0).getFileName().toString()).matches());
        List<DynamicMessage> events = TfRecordReader.events(files.get(0));
        assertEquals(1 + 3 + 2, events.size());
        assertEquals("brain.Event:2", get(events.get(0), "file_version"));

        DynamicMessage experiment = pluginData(events.get(1), "_hparams_/experiment", "experiment");
        List<String> names = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (Object o : (List<?>) get(experiment, "hparam_infos")) {
            DynamicMessage info = (DynamicMessage) o;
            names.add((String) get(info, "name"));
            types.add(((com.google.protobuf.Descriptors.EnumValueDescriptor) get(info, "type")).getName());
        }
        assertEquals(List.of("lr", "optimizer", "batch_size", "nesterov"), names);
        assertEquals(List.of("DATA_TYPE_FLOAT64", "DATA_TYPE_STRING", "DATA_TYPE_FLOAT64", "DATA_TYPE_BOOL"), types);
        List<String> metricTags = new ArrayList<>();
        for (Object o : (List<?>) get(experiment, "metric_infos")) {
            metricTags.add((String) get((DynamicMessage) get((DynamicMessage) o, "name"), "tag"));
        }
        assertEquals(List.of("hparam/accuracy", "hparam/loss"), metricTags);

        DynamicMessage start = pluginData(events.get(2), "_hparams_/session_start_info", "session_start_info");
        Map<String, Message> values = new LinkedHashMap<>();
        for (Object o : (List<?>) get(start, "hparams")) {
            DynamicMessage entry = (DynamicMessage) o;
            values.put((String) get(entry, "key"), (Message) get(entry, "value"));
        }
        assertEquals(List.of("lr", "optimizer", "batch_size", "nesterov"), new ArrayList<>(values.keySet()));
        assertEquals(0.03, (double) get(values.get("lr"), "number_value"));
        assertEquals("adam", get(values.get("optimizer"), "string_value"));
        assertEquals(32.0, (double) get(values.get("batch_size"), "number_value"));
        assertEquals(true, get(values.get("nesterov"), "bool_value"));

        DynamicMessage end = pluginData(events.get(3), "_hparams_/session_end_info", "session_end_info");
        assertEquals("STATUS_SUCCESS",
                ((com.google.protobuf.Descriptors.EnumValueDescriptor) get(end, "status")).getName());

        DynamicMessage acc = onlyValue(events.get(4));
        assertEquals("hparam/accuracy", get(acc, "tag"));
        assertEquals(0.875f, (float) get(acc, "simple_value"));
        DynamicMessage loss = onlyValue(events.get(5));
        assertEquals("hparam/loss", get(loss, "tag"));
        assertEquals(0.25f, (float) get(loss, "simple_value"));
    }

    @Test
    void hparamsWithoutARunNameGetDistinctSubRuns() {
        try (SummaryWriter w = new SummaryWriter(dir)) {
            Path a = w.addHparams(Map.of("lr", 0.1), Map.of("acc", 0.5));
            Path b = w.addHparams(Map.of("lr", 0.2), Map.of("acc", 0.6));
            assertEquals(dir, a.getParent());
            assertEquals(dir, b.getParent());
            assertNotEquals(a, b);
            assertEquals(2, EventArchive.eventFiles(a).size() + EventArchive.eventFiles(b).size());
        }
    }

    @Test
    void badInputGetsClearMessages() {
        try (SummaryWriter w = new SummaryWriter(dir)) {
            String m = assertThrows(IllegalArgumentException.class,
                    () -> w.addImage("x", new float[8], 2, 2, 2, 0)).getMessage();
            assertTrue(m.contains("addImage(\"x\")") && m.contains("channels"), m);
            m = assertThrows(IllegalArgumentException.class,
                    () -> w.addImage("x", new float[11], 3, 2, 2, 0)).getMessage();
            assertTrue(m.contains("3*2*2 = 12") && m.contains("11"), m);
            m = assertThrows(IllegalArgumentException.class, () -> w.addScalar(" ", 1, 0)).getMessage();
            assertTrue(m.contains("tag"), m);
            m = assertThrows(IllegalArgumentException.class,
                    () -> w.addHparams(Map.of("layers", List.of(1, 2)), Map.of(), "r", 0)).getMessage();
            assertTrue(m.contains("hparams[\"layers\"]"), m);
            m = assertThrows(IllegalArgumentException.class,
                    () -> w.addHparams(Map.of(), Map.of(), "../escape", 0)).getMessage();
            assertTrue(m.contains("runName"), m);
        }
        SummaryWriter closed = new SummaryWriter(dir);
        closed.close();
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.addScalar("a", 1, 0));
    }

    @Test
    void eventsReachTheFileOnFlushAndWhenTheQueueFills() {
        try (SummaryWriter w = new SummaryWriter(dir, 3, java.time.Duration.ofHours(1))) {
            w.addScalar("a", 1, 0);
            w.addScalar("a", 2, 1);
            assertEquals(1, TfRecordReader.events(w.file()).size(), "two events still queued");
            w.addScalar("a", 3, 2);
            assertEquals(4, TfRecordReader.events(w.file()).size(), "the third fills the queue");
            w.addScalar("a", 4, 3);
            w.flush();
            assertEquals(5, TfRecordReader.events(w.file()).size());
        }
    }

    private static BufferedImage png(DynamicMessage image) throws IOException {
        byte[] bytes = ((ByteString) get(image, "encoded_image_string")).toByteArray();
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(bytes, 4));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
        assertTrue(img != null, "PNG decodes");
        return img;
    }

    /** The HParamsPluginData of a hparams summary value, checked for tag, plugin name and which oneof is set. */
    private static DynamicMessage pluginData(DynamicMessage event, String tag, String field) {
        DynamicMessage v = onlyValue(event);
        assertEquals(tag, get(v, "tag"));
        DynamicMessage plugin = (DynamicMessage) get((DynamicMessage) get(v, "metadata"), "plugin_data");
        assertEquals("hparams", get(plugin, "plugin_name"));
        DynamicMessage data = TfRecordReader.parse(TfRecordReader.PLUGIN_DATA,
                ((ByteString) get(plugin, "content")).toByteArray());
        assertEquals(0, (int) get(data, "version"));
        FieldDescriptor set = data.getOneofFieldDescriptor(TfRecordReader.PLUGIN_DATA.getOneofs().get(0));
        assertEquals(field, set == null ? null : set.getName());
        return (DynamicMessage) get(data, field);
    }

    static DynamicMessage onlyValue(DynamicMessage event) {
        assertTrue(has(event, "summary"), "event has a summary");
        List<?> values = (List<?>) get((DynamicMessage) get(event, "summary"), "value");
        assertEquals(1, values.size());
        return (DynamicMessage) values.get(0);
    }

    static Object get(Message m, String field) {
        FieldDescriptor f = m.getDescriptorForType().findFieldByName(field);
        if (f == null) {
            throw new AssertionError(m.getDescriptorForType().getFullName() + " has no field " + field);
        }
        return m.getField(f);
    }

    static boolean has(Message m, String field) {
        return m.hasField(m.getDescriptorForType().findFieldByName(field));
    }

    @SuppressWarnings("unchecked")
    private static List<Double> doubles(Message m, String field) {
        return (List<Double>) get(m, field);
    }
}
