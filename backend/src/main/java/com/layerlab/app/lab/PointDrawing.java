package com.layerlab.app.lab;

import com.layerlab.datasets.Datasets2D;
import com.layerlab.datasets.Points2D;
import com.layerlab.datasets.PointsCsv;
import java.util.ArrayList;
import java.util.List;

/**
 * Points a learner draws by clicking on the playground's data view: each click adds a point of the
 * chosen class (or value, for regression) or erases the points near it. {@link #problem()} says what
 * is missing before the drawing can be used as a point set; the stored set is then checked again by
 * {@link PointsCsv}, as an upload is.
 */
public final class PointDrawing {

    /** Erasing takes the points within this distance of the click (a point's dot is about this size). */
    public static final double ERASE_RADIUS = 0.35;
    /** The values a regression drawing offers, as TensorFlow Playground's regression sets span -1 to 1. */
    public static final List<Double> VALUES = List.of(-1.0, -0.5, 0.0, 0.5, 1.0);

    private record Point(float x1, float x2, float label) {
    }

    private final boolean regression;
    private final List<Point> points = new ArrayList<>();

    /** An empty drawing of classes, or of values when {@code regression}. */
    public PointDrawing(boolean regression) {
        this.regression = regression;
    }

    /** A drawing that starts from the points of a set (to add to it). */
    public static PointDrawing of(Points2D set) {
        PointDrawing d = new PointDrawing(set.isRegression());
        for (int i = 0; i < set.size(); i++) {
            d.points.add(new Point(set.x1()[i], set.x2()[i], set.label()[i]));
        }
        return d;
    }

    public boolean isRegression() {
        return regression;
    }

    /**
     * Adds a point where the learner clicked (clamped into the view), with class {@code label} (0 to
     * {@link PointsCsv#MAX_CLASSES} - 1) or value {@code label} (-1 to 1).
     *
     * @return false when the drawing holds {@link PointsCsv#MAX_POINTS} points already
     */
    public boolean add(double x1, double x2, double label) {
        if (points.size() >= PointsCsv.MAX_POINTS) {
            return false;
        }
        double v = regression ? Math.max(-1, Math.min(1, label)) : Math.max(0, Math.min(PointsCsv.MAX_CLASSES - 1, Math.rint(label)));
        points.add(new Point(clamp(x1), clamp(x2), (float) v));
        return true;
    }

    /** Removes the points within {@link #ERASE_RADIUS} of the click; how many went. */
    public int eraseNear(double x1, double x2) {
        int before = points.size();
        points.removeIf(p -> Math.hypot(p.x1() - x1, p.x2() - x2) <= ERASE_RADIUS);
        return before - points.size();
    }

    public void clear() {
        points.clear();
    }

    public int size() {
        return points.size();
    }

    /** What keeps the drawing from being used, in words for the page, or null when it can be used. */
    public String problem() {
        if (points.size() < PointsCsv.MIN_POINTS) {
            return "Draw at least " + PointsCsv.MIN_POINTS + " points (there " + (points.size() == 1 ? "is 1" : "are " + points.size())
                    + "): some of them become the test split.";
        }
        if (!regression && points.stream().map(Point::label).distinct().count() < 2) {
            return "Draw points of at least two classes: a classifier learns to tell classes apart.";
        }
        return null;
    }

    /**
     * The drawn points as a set: classes up to the highest one drawn (at least 2, so that a drawing
     * of one class can be shown while it grows), or regression values.
     */
    public Points2D points() {
        int n = points.size();
        float[] a = new float[n];
        float[] b = new float[n];
        float[] y = new float[n];
        int classes = 2;
        for (int i = 0; i < n; i++) {
            Point p = points.get(i);
            a[i] = p.x1();
            b[i] = p.x2();
            y[i] = p.label();
            classes = Math.max(classes, (int) p.label() + 1);
        }
        return new Points2D(a, b, y, regression ? 0 : classes);
    }

    private static float clamp(double v) {
        return (float) Math.max(-Datasets2D.EXTENT, Math.min(Datasets2D.EXTENT, v));
    }
}
