package com.layerlab.datasets;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A learner's own 2D points as a CSV file: one point per line, {@code x1,x2,label}, comma-separated,
 * with an optional header line (a first line whose x1 and x2 are not numbers). Blank lines are
 * skipped; a cell may be wrapped in double quotes.
 *
 * <p>The label column decides the task, the whole column together:
 * <ul>
 *   <li>all integers: classification, and the integer <em>is</em> the class, 0 to {@link #MAX_CLASSES}
 *       - 1, so that class 2 keeps class 2's colour even when no point has class 1 (the
 *       playground's drawing tool writes its sets this way). TensorFlow Playground's labels -1 and 1
 *       are read as classes 0 and 1 when they are the only ones.</li>
 *   <li>class names (any label that is not a number): classification; the distinct names in sorted
 *       order become classes 0, 1, ... (as scikit-learn's LabelEncoder does), so that the order of
 *       the lines does not change which class a name is.</li>
 *   <li>numbers that are not all integers (write {@code 1.0} for a whole value): regression.</li>
 * </ul>
 * Numbers and names in one label column are refused, as is a file with one class only.
 *
 * <p>Coordinates must lie in the playground's view, -{@link Datasets2D#EXTENT} to
 * +{@link Datasets2D#EXTENT}, where the seven input features are meant to work; regression values in
 * ±{@link #MAX_VALUE}. Every refusal is a {@link PointsCsvException} naming the line and the reason.
 */
public final class PointsCsv {

    /** The most points a file may hold: the playground draws every point on every frame. */
    public static final int MAX_POINTS = 5_000;
    /** The fewest: fewer leave a 10 % test split empty. */
    public static final int MIN_POINTS = 10;
    /** As many classes as the playground has colours for. */
    public static final int MAX_CLASSES = Datasets2D.MAX_CLASSES;
    /** The largest |value| of a regression label; far larger ones make MSELoss's first steps diverge. */
    public static final double MAX_VALUE = 1_000;
    /** The largest file: 5,000 lines of long numbers fit well within it. */
    public static final int MAX_BYTES = 1 << 20;

    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,9}");
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NOT_FINITE = Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

    /** The points, and for a set with class names those names (index = class), else an empty list. */
    public record Parsed(Points2D points, List<String> classNames) {

        public boolean isRegression() {
            return points.isRegression();
        }
    }

    private enum Kind { INTEGERS, NUMBERS, NAMES }

    private PointsCsv() {
    }

    /** Reads a file's bytes (UTF-8, a byte order mark allowed). */
    public static Parsed read(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new PointsCsvException(0, String.format(Locale.ROOT, "the file has %,d bytes; a point set file may "
                    + "have at most %,d (1 MB)", bytes.length, MAX_BYTES));
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new PointsCsvException(0, "the file is not text (UTF-8): a point set is a CSV file with lines x1,x2,label");
        }
        return read(text);
    }

    public static Parsed read(String text) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String[] lines = text.split("\r\n|\r|\n", -1);
        List<float[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<Integer> labelLines = new ArrayList<>();
        Kind kind = null;
        int kindLine = 0;
        boolean headerSeen = false;
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            if (line.indexOf('\0') >= 0) {
                throw new PointsCsvException(lineNo, "the line holds a NUL character: the file is not a CSV text file");
            }
            String[] cells = line.split(",", -1);
            if (cells.length != 3) {
                throw new PointsCsvException(lineNo, "expected 3 values x1,x2,label but found " + cells.length
                        + (cells.length == 1 ? " (is the file separated by commas?)" : ""));
            }
            for (int c = 0; c < 3; c++) {
                cells[c] = unquote(cells[c].strip());
            }
            if (rows.isEmpty() && !headerSeen && !isNumber(cells[0]) && !isNumber(cells[1])
                    && !NOT_FINITE.matcher(cells[0]).matches() && !NOT_FINITE.matcher(cells[1]).matches()) {
                headerSeen = true; // the optional header row, such as x1,x2,label
                continue;
            }
            if (rows.size() == MAX_POINTS) {
                throw new PointsCsvException(lineNo, String.format(Locale.ROOT, "more than %,d points: a point set may "
                        + "have at most %,d", MAX_POINTS, MAX_POINTS));
            }
            float x1 = coordinate("x1", cells[0], lineNo);
            float x2 = coordinate("x2", cells[1], lineNo);
            String label = cells[2];
            Kind k = labelKind(label, lineNo);
            if (kind == null) {
                kind = k;
                kindLine = lineNo;
            } else if ((kind == Kind.NAMES) != (k == Kind.NAMES)) {
                throw new PointsCsvException(lineNo, "the label \"" + label + "\" is " + (k == Kind.NAMES ? "a name" : "a number")
                        + " but line " + kindLine + "'s is " + (kind == Kind.NAMES ? "a name" : "a number")
                        + ": labels are all class names or all numbers");
            } else if (k == Kind.NUMBERS) {
                kind = Kind.NUMBERS; // one value with a fraction makes the column regression values
            }
            rows.add(new float[] {x1, x2});
            labels.add(label);
            labelLines.add(lineNo);
        }
        if (rows.isEmpty()) {
            throw new PointsCsvException(0, headerSeen ? "the file has a header but no points"
                    : "the file is empty: a point set has one line x1,x2,label per point");
        }
        if (rows.size() < MIN_POINTS) {
            throw new PointsCsvException(0, "the file has " + rows.size() + (rows.size() == 1 ? " point" : " points")
                    + "; a point set needs at least " + MIN_POINTS + " (some of them become the test split)");
        }
        float[] a = new float[rows.size()];
        float[] b = new float[rows.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = rows.get(i)[0];
            b[i] = rows.get(i)[1];
        }
        return switch (kind) {
            case NUMBERS -> new Parsed(new Points2D(a, b, values(labels, labelLines), 0), List.of());
            case INTEGERS -> classNumbers(a, b, labels, labelLines);
            case NAMES -> classNames(a, b, labels, labelLines);
        };
    }

    /**
     * A set as a file {@link #read} reads back to the same points: a header, then class numbers, or
     * regression values written with a fraction or exponent so that they read back as values.
     */
    public static String write(Points2D p) {
        StringBuilder sb = new StringBuilder("x1,x2,label\n");
        for (int i = 0; i < p.size(); i++) {
            sb.append(p.x1()[i]).append(',').append(p.x2()[i]).append(',');
            if (p.isRegression()) {
                sb.append(p.label()[i]); // Float.toString always has a '.' or an 'E'
            } else {
                sb.append((int) p.label()[i]);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1).strip() : s;
    }

    private static boolean isNumber(String s) {
        return NUMBER.matcher(s).matches();
    }

    private static float coordinate(String name, String cell, int lineNo) {
        if (cell.isEmpty()) {
            throw new PointsCsvException(lineNo, name + " is empty");
        }
        if (NOT_FINITE.matcher(cell).matches()) {
            throw new PointsCsvException(lineNo, name + " is " + cell + "; coordinates must be finite numbers");
        }
        if (!isNumber(cell)) {
            throw new PointsCsvException(lineNo, name + " \"" + cell + "\" is not a number");
        }
        double v = Double.parseDouble(cell);
        if (!(Math.abs(v) <= Datasets2D.EXTENT)) {
            throw new PointsCsvException(lineNo, name + " is " + cell + ", outside the playground's view -"
                    + (int) Datasets2D.EXTENT + " to " + (int) Datasets2D.EXTENT + " (scale the points into it)");
        }
        return (float) v;
    }

    private static Kind labelKind(String label, int lineNo) {
        if (label.isEmpty()) {
            throw new PointsCsvException(lineNo, "the label is empty");
        }
        if (NOT_FINITE.matcher(label).matches()) {
            throw new PointsCsvException(lineNo, "the label is " + label + "; a label is a class or a finite number");
        }
        if (INTEGER.matcher(label).matches()) {
            return Kind.INTEGERS;
        }
        return isNumber(label) ? Kind.NUMBERS : Kind.NAMES;
    }

    private static float[] values(List<String> labels, List<Integer> lines) {
        float[] v = new float[labels.size()];
        for (int i = 0; i < v.length; i++) {
            double d = Double.parseDouble(labels.get(i));
            if (!(Math.abs(d) <= MAX_VALUE)) {
                throw new PointsCsvException(lines.get(i), "the value " + labels.get(i) + " is outside -"
                        + (int) MAX_VALUE + " to " + (int) MAX_VALUE + " (scale the values into it)");
            }
            v[i] = (float) d;
        }
        return v;
    }

    private static Parsed classNumbers(float[] a, float[] b, List<String> labels, List<Integer> lines) {
        TreeSet<Integer> seen = new TreeSet<>();
        for (String l : labels) {
            seen.add(Integer.parseInt(l));
        }
        boolean playgroundSigns = seen.equals(new TreeSet<>(List.of(-1, 1)));
        float[] y = new float[labels.size()];
        int classes = 0;
        for (int i = 0; i < y.length; i++) {
            int c = Integer.parseInt(labels.get(i));
            if (playgroundSigns) {
                c = c < 0 ? 0 : 1;
            } else if (c < 0) {
                throw new PointsCsvException(lines.get(i), "class " + labels.get(i) + " is negative: class numbers go from "
                        + "0 to " + (MAX_CLASSES - 1) + " (or are -1 and 1 as TensorFlow Playground writes them)");
            } else if (c >= MAX_CLASSES) {
                throw new PointsCsvException(lines.get(i), "class " + c + ": the playground draws at most " + MAX_CLASSES
                        + " classes, numbered 0 to " + (MAX_CLASSES - 1)
                        + " (for numbers to predict, write them with a decimal point: " + c + ".0)");
            }
            y[i] = c;
            classes = Math.max(classes, c + 1);
        }
        if (seen.size() < 2) {
            throw new PointsCsvException(0, "every point has class " + seen.first() + ": a classifier needs points of "
                    + "at least 2 classes");
        }
        return new Parsed(new Points2D(a, b, y, classes), List.of());
    }

    private static Parsed classNames(float[] a, float[] b, List<String> labels, List<Integer> lines) {
        TreeSet<String> names = new TreeSet<>();
        for (int i = 0; i < labels.size(); i++) {
            if (names.add(labels.get(i)) && names.size() > MAX_CLASSES) {
                throw new PointsCsvException(lines.get(i), "\"" + labels.get(i) + "\" is a " + (MAX_CLASSES + 1)
                        + "th class name: the playground draws at most " + MAX_CLASSES + " classes");
            }
        }
        if (names.size() < 2) {
            throw new PointsCsvException(0, "every point has class \"" + names.first() + "\": a classifier needs points "
                    + "of at least 2 classes");
        }
        List<String> order = List.copyOf(names);
        float[] y = new float[labels.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = order.indexOf(labels.get(i));
        }
        return new Parsed(new Points2D(a, b, y, order.size()), order);
    }
}
