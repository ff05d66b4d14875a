package com.layerlab.app.ui.classroom;

import com.layerlab.app.classroom.Challenge;
import com.layerlab.app.classroom.Push;
import com.layerlab.app.classroom.Result;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The challenge's leaderboard on the dashboard, in the order {@code Classrooms.leaderboard} gives
 * (goal reached first, by time to goal, then by best score): the scores the server measured on the
 * hidden split, never what a student's page claims. Rebuilt only when its rows changed.
 */
class ClassLeaderboard extends Div {

    private final Paragraph goal = new Paragraph();
    private final Div rows = new Div();
    private List<Result> shown;
    private Long shownPush;

    ClassLeaderboard() {
        setId("class-leaderboard");
        addClassName("ll-class-leaderboard");
        goal.setId("class-goal");
        goal.addClassName("ll-class-goal");
        rows.addClassName("ll-class-leader-rows");
        add(new H3("Leaderboard"), goal, rows);
        show(null, List.of());
    }

    /** The latest challenge's results ({@code push} null: none yet; a plain push since leaves it on the board). */
    void show(Push push, List<Result> results) {
        Long pushId = push == null ? null : push.id();
        if (results.equals(shown) && java.util.Objects.equals(pushId, shownPush)) {
            return;
        }
        shown = List.copyOf(results);
        shownPush = pushId;
        Challenge.Metric metric = metric(push);
        goal.setText(push == null ? "Push a challenge to rank the class."
                : push.title() + ". Goal: " + push.challenge().goal().text() + " (scored on a test split students never see)");
        rows.removeAll();
        if (push != null && results.isEmpty()) {
            Paragraph none = new Paragraph("No scores yet: they come as the students train.");
            none.addClassName("ll-hint");
            rows.add(none);
        }
        int rank = 0;
        for (Result r : results) {
            rank++;
            Span place = new Span(rank + ".");
            place.addClassName("ll-class-leader-rank");
            Span name = new Span(r.displayName()); // text, never HTML
            name.addClassName("ll-class-leader-name");
            Span score = new Span(score(r, metric));
            score.addClassName("ll-class-leader-score");
            Span detail = new Span(r.params() + " params · epoch " + r.epoch());
            detail.addClassName("ll-class-leader-detail");
            Span reached = new Span(r.reached() ? "✓ " + duration(r.timeToGoal()) : "");
            reached.addClassName("ll-class-leader-reached");
            Div row = new Div(place, name, score, detail, reached);
            row.addClassName("class-leader-row");
            row.addClassName("ll-class-leader-row");
            row.getElement().setAttribute("data-seat", String.valueOf(r.seatId()));
            row.getElement().setAttribute("data-reached", String.valueOf(r.reached()));
            rows.add(row);
        }
    }

    static Challenge.Metric metric(Push push) {
        return push != null && push.isChallenge() ? push.challenge().goal().metric() : Challenge.Metric.TEST_LOSS;
    }

    /** A result's best as the board says it: a loss with three decimals, an accuracy in percent. */
    static String score(Result r, Challenge.Metric metric) {
        return metric == Challenge.Metric.TEST_ACCURACY
                ? String.format(Locale.ROOT, "%.1f %%", 100 * r.best())
                : "loss " + ClassCard.loss(r.best());
    }

    /** A time to goal: "42 s", "3 min 05 s". */
    static String duration(Duration d) {
        if (d == null) {
            return "";
        }
        long s = d.toSeconds();
        return s < 60 ? s + " s" : String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
}
