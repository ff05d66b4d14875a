package com.layerlab.app.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Measurements of one kind (milliseconds), gathered from many threads, summed up as percentiles. */
final class Samples {

    private final String name;
    private final List<Double> values = new ArrayList<>();

    Samples(String name) {
        this.name = name;
    }

    synchronized void add(double ms) {
        values.add(ms);
    }

    synchronized void addAll(List<Double> ms) {
        values.addAll(ms);
    }

    synchronized int count() {
        return values.size();
    }

    /** The nearest-rank percentile {@code p} (0-100) in ms; NaN when nothing was measured. */
    synchronized double percentile(double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    /** "name: p50 12 ms, p95 40 ms, max 80 ms (n=300)". */
    String line() {
        return String.format(Locale.ROOT, "%-38s p50 %6.0f ms   p95 %6.0f ms   max %6.0f ms   (n=%d)",
                name, percentile(50), percentile(95), percentile(100), count());
    }
}
