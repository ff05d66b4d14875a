package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class ShareLinksTest {

    private static final PlaygroundSettings SETTINGS = PlaygroundSettings.DEFAULTS.toBuilder().dataset("spiral").classes(3)
            .noise(20).features(List.of("x1", "x2", "sin(x1)")).hiddenLayers(List.of(6, 3)).activation(1, "ReLU")
            .learningRate(0.1).regularization("L2").regularizationRate(0.003).seed(4242).dataSeed(77)
            .showTestData(true).discretize(true).build();

    private static Map<String, List<String>> params(Map<String, String> query) {
        Map<String, List<String>> p = new HashMap<>();
        query.forEach((k, v) -> p.put(k, List.of(v)));
        return p;
    }

    @Test
    void roundTripRestoresEverySettingAndTheViewOptions() {
        Map<String, String> q = ShareLinks.playgroundQuery(SETTINGS);
        assertEquals(List.of("x", "test", "disc"), List.copyOf(q.keySet()));
        ShareLinks.Parsed<PlaygroundSettings> parsed = ShareLinks.parsePlayground(params(q));
        assertNull(parsed.error());
        assertEquals(SETTINGS, parsed.value());

        PlaygroundSettings plain = SETTINGS.toBuilder().showTestData(false).discretize(false).build();
        Map<String, String> q2 = ShareLinks.playgroundQuery(plain);
        assertEquals(List.of("x"), List.copyOf(q2.keySet()));
        assertEquals(plain, ShareLinks.parsePlayground(params(q2)).value());
    }

    @Test
    void packedValuesAreUrlSafeAndCompact() {
        String packed = ShareLinks.pack(SETTINGS.toExperiment());
        assertTrue(packed.matches("1\\.[A-Za-z0-9_-]+"), packed);
        assertTrue(packed.length() < 700, "a link should stay short enough to paste: " + packed.length());
        assertEquals(SETTINGS.toExperiment().model(), ShareLinks.unpack(packed).model());
        String qs = ShareLinks.queryString(ShareLinks.playgroundQuery(SETTINGS));
        assertEquals("x=" + packed + "&test=1&disc=1", qs);
    }

    @Test
    void noParametersOpenTheDefaultsQuietly() {
        ShareLinks.Parsed<PlaygroundSettings> p = ShareLinks.parsePlayground(Map.of());
        assertSame(PlaygroundSettings.DEFAULTS, p.value());
        assertTrue(p.ok());
        assertTrue(ShareLinks.parsePlayground(Map.of("utm_source", List.of("mail"))).ok());
    }

    private static void assertBroken(Map<String, List<String>> params, String expectedFragment) {
        ShareLinks.Parsed<PlaygroundSettings> p = ShareLinks.parsePlayground(params);
        assertNotNull(p.error(), "a broken link must report why");
        assertTrue(p.error().contains(expectedFragment), p.error());
        assertSame(PlaygroundSettings.DEFAULTS, p.value(), "a broken link opens the defaults");
    }

    @Test
    void everyKindOfBrokenLinkGivesAMessageAndTheDefaults() {
        String packed = ShareLinks.pack(SETTINGS.toExperiment());
        // one character changed in the middle: the zlib checksum (or the JSON) catches it
        int mid = packed.length() / 2;
        char c = packed.charAt(mid);
        String tampered = packed.substring(0, mid) + (c == 'A' ? 'B' : 'A') + packed.substring(mid + 1);
        ShareLinks.Parsed<PlaygroundSettings> t = ShareLinks.parsePlayground(Map.of("x", List.of(tampered)));
        assertNotNull(t.error());
        assertSame(PlaygroundSettings.DEFAULTS, t.value());

        assertBroken(Map.of("x", List.of(packed.substring(0, packed.length() - 12))), "link");
        assertBroken(Map.of("x", List.of("1.not base64!")), "characters");
        assertBroken(Map.of("x", List.of("garbage")), "format");
        assertBroken(Map.of("x", List.of("")), "no experiment");
        assertBroken(Map.of("x", List.of("1." + "A".repeat(20_000))), "too long");
        assertBroken(Map.of("x", List.of(packed, packed)), "more than once");
        assertBroken(Map.of("x", List.of(packed), "test", List.of("yes")), "must be 0 or 1");
        assertBroken(Map.of("test", List.of("1")), "no experiment");
    }

    private static String deflate(String text) {
        Deflater d = new Deflater();
        d.setInput(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return "1." + Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
    }

    @Test
    void wellFormedButWrongContentIsReportedWithTheEnginesReason() {
        assertBroken(Map.of("x", List.of(deflate("{\"format\": \"layerlab/experiment@1\", \"model\": 5}"))),
                "not valid");
        assertBroken(Map.of("x", List.of(deflate("not json at all"))), "not valid");
        String conv = ShareLinks.pack(SETTINGS.toExperiment().withOptimizer(
                com.layerlab.engine.experiment.OptimizerSpec.adam(0.01)));
        assertBroken(Map.of("x", List.of(conv)), "cannot be shown in the playground");
        // a compressed bomb: small link, huge text
        assertBroken(Map.of("x", List.of(deflate(" ".repeat(5_000_000)))), "far more");
    }

    private static void assertRefused(com.layerlab.engine.experiment.Experiment e, String expected) {
        assertBroken(Map.of("x", List.of(ShareLinks.pack(e))), expected);
    }

    @Test
    void handEditedValuesBeyondThePagesLimitsAreRefusedNamingTheFieldAndTheLimit() {
        // a link asking for a network far beyond the page's limits is not cut down without a word
        var e = SETTINGS.toExperiment();
        var model = new java.util.ArrayList<>(e.model());
        model.set(0, com.layerlab.engine.experiment.LayerSpec.linear(1_000_000_000));
        assertRefused(e.withModel(model), "model[0] (Linear): out_features is 1,000,000,000; the playground's hidden "
                + "layers have 1 to 8 neurons");

        var deep = new java.util.ArrayList<com.layerlab.engine.experiment.LayerSpec>();
        for (int i = 0; i < 20; i++) {
            deep.add(com.layerlab.engine.experiment.LayerSpec.linear(4));
            deep.add(com.layerlab.engine.experiment.LayerSpec.of("ReLU"));
        }
        deep.add(com.layerlab.engine.experiment.LayerSpec.linear(3));
        assertRefused(e.withModel(deep), "the link has 20 hidden layers; the playground shows at most 6");

        assertRefused(e.withOptimizer(com.layerlab.engine.experiment.OptimizerSpec.sgd(1e30)),
                "optimizer.lr is 1.0E30; the playground's learning rates are 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, "
                        + "0.1, 0.3, 1, 3, 10");
        // a rate between two of the menu's is not moved to one of them either
        assertRefused(e.withOptimizer(com.layerlab.engine.experiment.OptimizerSpec.sgd(0.02)),
                "optimizer.lr is 0.02; the playground's learning rates are 0.00001");
        assertRefused(e.withEpochs(10_000_000), "epochs is 10,000,000; the playground's runs, in epochs, go from 1 to 10,000");
        assertRefused(e.withData(e.data().withBatchSize(1_000_000_000)), "data.batch_size is 1,000,000,000");
    }

    @Test
    void aSoftmaxAfterTheOutputLayerIsExplained() {
        var e = SETTINGS.toExperiment();
        var model = new java.util.ArrayList<>(e.model());
        model.add(com.layerlab.engine.experiment.LayerSpec.of("Softmax"));
        ShareLinks.Parsed<PlaygroundSettings> p = ShareLinks.parsePlayground(Map.of("x", List.of(ShareLinks.pack(e.withModel(model)))));
        assertTrue(p.error().contains("(Softmax): the playground's network ends in its Linear output layer, whose outputs "
                + "are scores (logits); the loss turns them into probabilities itself (CrossEntropyLoss applies the "
                + "softmax, as in PyTorch), so a Softmax layer after it would do it twice: remove the Softmax layer"),
                p.error());
    }

    @Test
    void unpackRefusesWithAMessageNotAStackTrace() {
        ShareLinks.ShareLinkException ex = assertThrows(ShareLinks.ShareLinkException.class, () -> ShareLinks.unpack("1.AAAA"));
        assertTrue(ex.getMessage().startsWith("The link"), ex.getMessage());
    }
}
