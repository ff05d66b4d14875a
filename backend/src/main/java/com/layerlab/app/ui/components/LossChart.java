package com.layerlab.app.ui.components;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.HasStyle;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JsModule;
import com.vaadin.flow.component.dependency.NpmPackage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A live line chart of N named series over epochs (client side: loss-chart.js with uPlot). The
 * server keeps the history so that the chart comes back whole when the page re-attaches.
 */
@Tag("loss-chart")
@NpmPackage(value = "uplot", version = "1.6.32")
@JsModule("./components/loss-chart.js")
public class LossChart extends Component implements HasSize, HasStyle {

    /** A series: its legend name, CSS colour, and dash pattern (empty: solid). */
    public record Series(String name, String color, List<Integer> dash) {
        public Series(String name, String color) {
            this(name, color, List.of());
        }
    }

    private static final int MAX_POINTS = 20_000;

    private List<Series> series = List.of();
    private final List<Double> xs = new ArrayList<>();
    private final List<double[]> ys = new ArrayList<>();
    /**
     * The points appended since the last response, as JSON pairs [x, [y...]]: they go to the page in one
     * call with the response, since a fast run ends several epochs between two frames.
     */
    private final StringBuilder unsent = new StringBuilder();
    private boolean sendScheduled;

    public LossChart() {
        setHeightPx(160);
    }

    public void setHeightPx(int px) {
        getElement().setProperty("height", px);
    }

    public void setYLabel(String label) {
        getElement().setProperty("yLabel", label);
    }

    public void setLogScale(boolean on) {
        getElement().setProperty("logScale", on);
    }

    /** Charts of one group on a page show the same epochs on their x axes. */
    public void setXGroup(String group) {
        getElement().setProperty("group", group);
    }

    /** Sets the series and clears the data. */
    public void setSeries(List<Series> newSeries) {
        series = List.copyOf(newSeries);
        xs.clear();
        ys.clear();
        if (isAttached()) {
            sendAll();
        }
    }

    public List<Series> getSeries() {
        return series;
    }

    /** Appends one point per series (NaN or infinite: a gap). */
    public void append(double x, double... values) {
        if (xs.size() >= MAX_POINTS) {
            return;
        }
        xs.add(x);
        ys.add(values.clone());
        if (isAttached()) {
            unsent.append(unsent.isEmpty() ? "" : ",").append('[').append(x(x)).append(',').append(json(values)).append(']');
            if (!sendScheduled) {
                sendScheduled = true;
                getUI().ifPresent(ui -> ui.beforeClientResponse(this, context -> sendUnsent()));
            }
        }
    }

    /** The points appended since the last response, in one call (see {@link #unsent}). */
    private void sendUnsent() {
        sendScheduled = false;
        if (!unsent.isEmpty()) {
            getElement().executeJs("for (const [x, ys] of JSON.parse($0)) this.append(x, JSON.stringify(ys))",
                    "[" + unsent + "]");
            unsent.setLength(0);
        }
    }

    /**
     * Adds one point per series at {@code x}, which may lie before the latest one (curves that are
     * filled in turn: the runs of a comparison train one after another); where a point at exactly
     * {@code x} exists already, the finite values go into it. NaN: no value for that series here.
     */
    public void add(double x, double... values) {
        if (xs.size() >= MAX_POINTS) {
            return;
        }
        int at = xs.size();
        if (at > 0 && xs.get(at - 1) > x) {
            int lo = 0;
            int hi = xs.size();
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (xs.get(mid) <= x) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            at = lo;
        }
        if (at > 0 && xs.get(at - 1) == x) {
            double[] row = ys.get(at - 1);
            for (int i = 0; i < values.length && i < row.length; i++) {
                if (Double.isFinite(values[i])) {
                    row[i] = values[i];
                }
            }
        } else {
            xs.add(at, x);
            ys.add(at, values.clone());
        }
        if (isAttached()) {
            sendUnsent(); // before this point, in the order they were added
            getElement().callJsFunction("insert", x, json(values));
        }
    }

    public void clear() {
        xs.clear();
        ys.clear();
        unsent.setLength(0);
        if (isAttached()) {
            getElement().callJsFunction("clear");
        }
    }

    public int size() {
        return xs.size();
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        sendAll();
    }

    private void sendAll() {
        unsent.setLength(0); // the whole history goes
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"name\":").append(quote(s.name())).append(",\"color\":").append(quote(s.color()))
                    .append(",\"dash\":").append(s.dash().toString()).append('}');
        }
        getElement().callJsFunction("configure", sb.append(']').toString());
        if (!xs.isEmpty()) {
            StringBuilder d = new StringBuilder("{\"x\":[");
            for (int i = 0; i < xs.size(); i++) {
                d.append(i > 0 ? "," : "").append(num(xs.get(i)));
            }
            d.append("],\"ys\":[");
            for (int s = 0; s < series.size(); s++) {
                d.append(s > 0 ? ",[" : "[");
                for (int i = 0; i < ys.size(); i++) {
                    double[] row = ys.get(i);
                    d.append(i > 0 ? "," : "").append(num(s < row.length ? row[s] : Double.NaN));
                }
                d.append(']');
            }
            getElement().callJsFunction("setData", d.append("]}").toString());
        }
    }

    private static String json(double[] values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            sb.append(i > 0 ? "," : "").append(num(values[i]));
        }
        return sb.append(']').toString();
    }

    /** An x as JSON: exact (an epoch is a whole number), where {@link #num} keeps 6 digits. */
    private static String x(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "null";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
