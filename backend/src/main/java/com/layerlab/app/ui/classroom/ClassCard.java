package com.layerlab.app.ui.classroom;

import com.layerlab.app.classroom.Challenge;
import com.layerlab.app.classroom.ClassBoard;
import com.layerlab.app.classroom.Result;
import com.layerlab.app.store.Page;
import com.layerlab.app.training.PointFrames;
import com.layerlab.app.training.RunSnapshot;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.ui.components.HeatMap;
import com.layerlab.app.ui.components.LiveText;
import com.layerlab.engine.train.EpochStats;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import java.util.List;
import java.util.Locale;

/**
 * One student on the teacher's dashboard: their name (text, never HTML), where their run is, its test
 * loss and accuracy, a small map of its decision boundary (a CNN lab run: its curve, {@link CardCurve}),
 * and their challenge result; open (read-only),
 * share with the class, remove. Made once per seat and then updated in place at every board tick: only
 * what changed goes to the browser (30 cards twice a second).
 */
class ClassCard extends Div {

    /** The card map's side in pixels. */
    static final int MAP_PX = 132;
    /** The card map's cells per side: the board's 64 halved, a quarter of the bytes, still sharp at this size. */
    static final int MAP_N = 32;

    /** What the card's buttons do; the dashboard checks and performs them. */
    interface Actions {
        void open(ClassBoard.Card card);

        void share(ClassBoard.Card card);

        void remove(ClassBoard.Card card);
    }

    private final long seatId;
    private final Span name = new Span();
    private final Span state = new Span();
    private final Span loss = new Span();
    private final Span result = new Span();
    private final HeatMap map = new HeatMap(MAP_PX);
    private final CardCurve curve = new CardCurve();
    private final Span noRun = new Span("no run yet");
    private final Button share;
    private final Button remove;
    private ClassBoard.Card card;
    private Challenge.Metric metric = Challenge.Metric.TEST_LOSS;
    /** The frame drawn last: a card whose run did not move since sends no map again. */
    private PointFrames.Frame drawnFrame;
    private String mapMode = "";

    ClassCard(ClassBoard.Card first, Challenge.Metric metric, Actions actions) {
        seatId = first.seat().id();
        addClassName("class-card");
        addClassName("ll-class-card");
        getElement().setAttribute("data-seat", String.valueOf(seatId));
        name.addClassName("class-card-name");
        name.addClassName("ll-class-card-name");
        state.addClassName("class-card-state");
        state.addClassName("ll-class-card-state");
        loss.addClassName("class-card-loss");
        loss.addClassName("ll-class-card-loss");
        result.addClassName("class-card-result");
        result.addClassName("ll-class-card-result");
        map.addClassName("ll-class-card-map");
        noRun.addClassName("ll-class-card-norun");
        curve.setVisible(false);
        Div mapBox = new Div(map, curve, noRun);
        mapBox.addClassName("ll-class-card-mapbox");

        Button open = iconButton(VaadinIcon.EYE, "Open this student's run (read-only)", "class-card-open");
        open.addClickListener(e -> actions.open(card));
        share = iconButton(VaadinIcon.SHARE, "Show this run to the whole class", "class-card-share");
        share.addClickListener(e -> actions.share(card));
        remove = iconButton(VaadinIcon.CLOSE_SMALL, "Remove this student from the session", "class-card-remove");
        remove.addThemeVariants(ButtonVariant.LUMO_ERROR);
        remove.addClickListener(e -> actions.remove(card));
        Div buttons = new Div(open, share, remove);
        buttons.addClassName("ll-class-card-buttons");

        Div head = new Div(name, buttons);
        head.addClassName("ll-class-card-head");
        Div numbers = new Div(state, loss, result);
        numbers.addClassName("ll-class-card-numbers");
        add(head, mapBox, numbers);
        update(first, metric);
    }

    private static Button iconButton(VaadinIcon icon, String tooltip, String cssClass) {
        Button b = new Button(icon.create());
        b.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ICON, ButtonVariant.LUMO_SMALL);
        b.setAriaLabel(tooltip);
        b.setTooltipText(tooltip);
        b.addClassName(cssClass);
        return b;
    }

    long seatId() {
        return seatId;
    }

    ClassBoard.Card card() {
        return card;
    }

    /** An ended session: the cards only show (open stays, nothing is pushed or removed any more). */
    void setReadOnly(boolean readOnly) {
        share.setVisible(!readOnly);
        remove.setVisible(!readOnly);
    }

    /** Shows {@code next}, its result in {@code metric}'s terms, sending only what changed. */
    void update(ClassBoard.Card next, Challenge.Metric metric) {
        card = next;
        this.metric = metric;
        LiveText.set(name, next.seat().displayName());
        RunStatus status = next.status();
        String stateName = status == null ? "none" : status.state().name();
        setAttribute("data-state", stateName);
        setAttribute("data-epoch", String.valueOf(status == null ? 0 : status.epoch()));
        LiveText.set(state, status == null ? "No run yet" : stateText(status));
        setAttribute("data-page", next.page().id());
        if (next.page() == Page.CNN) {
            showCurve(next, status);
            return;
        }
        curve.setVisible(false);

        RunSnapshot snapshot = snapshot(next.frame());
        EpochStats stats = snapshot == null ? null : snapshot.stats();
        LiveText.set(loss, stats == null ? "" : lossText(stats));
        setAttribute("data-test-loss", stats == null ? "" : String.valueOf(stats.testLoss()));
        showResult(next.result());

        boolean hasMap = snapshot != null && snapshot.output() != null;
        map.setVisible(hasMap);
        noRun.setVisible(!hasMap);
        // a run that ended before the board followed it has no frame to draw
        LiveText.set(noRun, status == null ? "no run yet" : "no map yet");
        if (hasMap && next.frame() != drawnFrame) {
            drawnFrame = next.frame();
            draw(snapshot);
        }
    }

    /** A CNN lab run: its numbers and its curve from the run's history (its frames are the CNN lab's, not a map's). */
    private void showCurve(ClassBoard.Card next, RunStatus status) {
        List<EpochStats> history = history(next);
        EpochStats stats = history.isEmpty() ? null : history.get(history.size() - 1);
        LiveText.set(loss, stats == null ? "" : lossText(stats));
        setAttribute("data-test-loss", stats == null ? "" : String.valueOf(stats.testLoss()));
        showResult(next.result());
        map.setVisible(false);
        curve.setVisible(!history.isEmpty());
        noRun.setVisible(history.isEmpty());
        LiveText.set(noRun, status == null ? "no run yet" : "no epoch yet");
        if (!history.isEmpty()) {
            curve.show(history, status == null ? 0 : status.epochs(), metric);
        }
    }

    /** The epochs a card's run has completed, epoch 0 (untrained) first; its first network's, of a comparison. */
    static List<EpochStats> history(ClassBoard.Card card) {
        if (card.run() == null) {
            return List.of();
        }
        List<List<EpochStats>> all = card.run().history();
        return all.isEmpty() ? List.of() : all.get(0);
    }

    private void draw(RunSnapshot s) {
        String mode = s.channels() > 1 ? "classes" : classification() ? "binary" : "regression";
        if (!mode.equals(mapMode)) {
            mapMode = mode;
            switch (mode) {
                case "classes" -> map.setClasses();
                case "binary" -> map.setBinary();
                default -> map.setRegression(1);
            }
        }
        int n = s.gridN();
        if (n >= 2 * MAP_N && n % MAP_N == 0) {
            map.setGrid(MAP_N, s.channels(), shrink(s.output(), n, s.channels(), n / MAP_N));
        } else {
            map.setGrid(n, s.channels(), s.output());
        }
    }

    private boolean classification() {
        return card.frame().items().get(0).experiment().isClassification();
    }

    /** Every {@code step}-th cell of an n*n*channels map (the map is smooth: no averaging needed at this size). */
    static byte[] shrink(byte[] values, int n, int channels, int step) {
        int m = n / step;
        byte[] out = new byte[m * m * channels];
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < m; c++) {
                int from = ((r * step) * n + c * step) * channels;
                System.arraycopy(values, from, out, (r * m + c) * channels, channels);
            }
        }
        return out;
    }

    private void showResult(Result r) {
        if (r == null) {
            LiveText.set(result, "");
            result.setVisible(false);
            getElement().removeAttribute("data-reached");
            return;
        }
        result.setVisible(true);
        LiveText.set(result, r.reached() ? "Goal reached · " + ClassLeaderboard.score(r, metric) : "Best " + ClassLeaderboard.score(r, metric));
        result.getElement().setAttribute("data-reached", String.valueOf(r.reached()));
        getElement().setAttribute("data-reached", String.valueOf(r.reached()));
    }

    private void setAttribute(String name, String value) {
        if (!value.equals(getElement().getAttribute(name))) {
            getElement().setAttribute(name, value);
        }
    }

    static RunSnapshot snapshot(PointFrames.Frame frame) {
        return frame == null || frame.items().isEmpty() ? null : frame.items().get(0).snapshot();
    }

    static String stateText(RunStatus s) {
        String what = switch (s.state()) {
            case QUEUED -> "Waiting";
            case RUNNING -> s.loading() ? "Loading" : "Training";
            case PAUSED -> "Paused";
            case FINISHED -> "Finished";
            case STOPPED -> "Stopped";
            case FAILED -> "Failed";
            case INTERRUPTED -> "Interrupted";
        };
        return what + " · epoch " + s.epoch(); // whole epochs: a small card changing ten times a second reads badly
    }

    static String lossText(EpochStats stats) {
        String text = "Test loss " + loss(stats.testLoss());
        if (stats.testAccuracy() != null) {
            text += String.format(Locale.ROOT, " · %.1f %%", 100 * stats.testAccuracy());
        }
        return text;
    }

    /** A loss as the playground shows it: three decimals, a tiny one in scientific notation. */
    static String loss(double v) {
        if (!Double.isFinite(v)) {
            return "diverged";
        }
        return v != 0 && Math.abs(v) < 0.001 ? String.format(Locale.ROOT, "%.1e", v) : String.format(Locale.ROOT, "%.3f", v);
    }
}
