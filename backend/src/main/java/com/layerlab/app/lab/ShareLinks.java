package com.layerlab.app.lab;

import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentException;
import com.layerlab.engine.experiment.ExperimentFiles;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Page state in a URL. The experiment file travels whole (FORMAT.md: "a share link carries it"),
 * deflated and base64url-encoded in the parameter {@value #EXPERIMENT}; view options that are not
 * part of an experiment travel as short parameters next to it. Whoever opens the link gets the same
 * run: same settings, same seeds.
 *
 * <p>Reading never throws at the user: a damaged, truncated, tampered or oversized link gives a
 * {@link Parsed} with the defaults and a message to show.
 */
public final class ShareLinks {

    /** The packed experiment. */
    public static final String EXPERIMENT = "x";
    /** Playground view options. */
    public static final String SHOW_TEST = "test";
    public static final String DISCRETIZE = "disc";

    // Packed values start with a version so that a later encoding can still read today's links.
    private static final String VERSION = "1.";
    public static final int MAX_PACKED_CHARS = 16_384;
    static final int MAX_JSON_BYTES = 256 * 1024;

    private ShareLinks() {
    }

    /** The experiment file, deflated and base64url-encoded (no padding), with a version prefix. */
    public static String pack(Experiment e) {
        byte[] json = ExperimentFiles.write(e).getBytes(StandardCharsets.UTF_8);
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            d.setInput(json);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            return VERSION + Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
        } finally {
            d.end();
        }
    }

    /**
     * The experiment in a packed value.
     *
     * @throws ShareLinkException with a message fit for the user
     */
    public static Experiment unpack(String packed) {
        if (packed == null || packed.isBlank()) {
            throw new ShareLinkException("The link has no experiment in it.");
        }
        if (packed.length() > MAX_PACKED_CHARS) {
            throw new ShareLinkException("The link is too long to be one of LayerLab's.");
        }
        if (!packed.startsWith(VERSION)) {
            throw new ShareLinkException("The link is damaged: it is not in a format this LayerLab knows.");
        }
        byte[] compressed;
        try {
            compressed = Base64.getUrlDecoder().decode(packed.substring(VERSION.length()));
        } catch (IllegalArgumentException ex) {
            throw new ShareLinkException("The link is damaged: it contains characters a LayerLab link never has.");
        }
        String json = inflate(compressed);
        try {
            return ExperimentFiles.read(json);
        } catch (ExperimentException ex) {
            throw new ShareLinkException("The link's experiment is not valid: " + ex.getMessage());
        } catch (RuntimeException ex) {
            throw new ShareLinkException("The link's experiment could not be read.");
        }
    }

    private static String inflate(byte[] compressed) {
        Inflater inf = new Inflater();
        try {
            inf.setInput(compressed);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && !inf.finished()) {
                    throw new ShareLinkException("The link is incomplete: it was probably cut off when it was copied.");
                }
                out.write(buf, 0, n);
                if (out.size() > MAX_JSON_BYTES) {
                    throw new ShareLinkException("The link unpacks to far more than an experiment ever needs.");
                }
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (DataFormatException ex) {
            // the zlib checksum catches most edits to the packed text
            throw new ShareLinkException("The link is damaged: its experiment data do not unpack.");
        } finally {
            inf.end();
        }
    }

    /** Query parameters (in order) that restore this playground state. */
    public static Map<String, String> playgroundQuery(PlaygroundSettings s) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put(EXPERIMENT, pack(s.toExperiment()));
        if (s.showTestData()) {
            q.put(SHOW_TEST, "1");
        }
        if (s.discretize()) {
            q.put(DISCRETIZE, "1");
        }
        return q;
    }

    /** {@code x=...&test=1}: the query string (without '?'); its values need no URL escaping. */
    public static String queryString(Map<String, String> query) {
        StringBuilder sb = new StringBuilder();
        query.forEach((k, v) -> {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(k).append('=').append(v);
        });
        return sb.toString();
    }

    /**
     * The playground state of a link's query parameters. No parameters: the defaults and no message.
     * Parameters this version does not know are ignored (as a link with tracking tags still opens).
     */
    public static Parsed<PlaygroundSettings> parsePlayground(Map<String, List<String>> params) {
        PlaygroundSettings defaults = PlaygroundSettings.DEFAULTS;
        if (params == null || !params.containsKey(EXPERIMENT)) {
            if (params != null && (params.containsKey(SHOW_TEST) || params.containsKey(DISCRETIZE))) {
                return new Parsed<>(defaults, "The link is incomplete: it has view options but no experiment.");
            }
            return new Parsed<>(defaults, null);
        }
        try {
            Experiment e = unpack(single(params, EXPERIMENT));
            PlaygroundSettings s;
            try {
                s = PlaygroundSettings.fromExperiment(e);
            } catch (IllegalArgumentException ex) {
                throw new ShareLinkException("The link's experiment cannot be shown in the playground: " + ex.getMessage());
            }
            boolean test = flag(params, SHOW_TEST);
            boolean disc = flag(params, DISCRETIZE);
            return new Parsed<>(s.toBuilder().showTestData(test).discretize(disc).build(), null);
        } catch (ShareLinkException ex) {
            return new Parsed<>(defaults, ex.getMessage());
        }
    }

    /** The one value of a parameter; a repeated parameter is a broken link. */
    public static String single(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (v.size() > 1) {
            throw new ShareLinkException("The link is damaged: it gives \"" + name + "\" more than once.");
        }
        return v.get(0);
    }

    /** A 0/1 view option (absent = off). Unlike TensorFlow Playground, "yes" is not read as true. */
    public static boolean flag(Map<String, List<String>> params, String name) {
        String v = single(params, name);
        if (v == null) {
            return false;
        }
        return switch (v) {
            case "1", "true" -> true;
            case "0", "false" -> false;
            default -> throw new ShareLinkException("The link is damaged: \"" + name + "\" must be 0 or 1.");
        };
    }

    /** A parsed link: the state to open (the defaults when the link was broken) and the message, if any. */
    public record Parsed<T>(T value, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    /** A link that cannot be read; the message is meant for the user. */
    public static final class ShareLinkException extends RuntimeException {
        public ShareLinkException(String message) {
            super(message);
        }
    }
}
