package com.layerlab.app.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.layerlab.app.classroom.Challenge;
import com.layerlab.app.classroom.ClassSession;
import com.layerlab.app.classroom.JoinCodes;
import com.layerlab.app.classroom.StudentRuns;
import com.layerlab.app.classroom.Push;
import com.layerlab.app.classroom.Result;
import com.layerlab.app.classroom.Seat;
import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.store.Page;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunStatus;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.EpochStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The JSON of the class sessions' read side (ClassesApi; docs/classroom.md, "API"). Times are ISO-8601
 * instants, as the experiments' "created"; a run's losses and accuracies carry the engine's names, as
 * its metrics lines (API.md, "Runs").
 */
final class ClassesJson {

    private ClassesJson() {
    }

    /** A session as the list of the teacher's sessions shows it. */
    static Map<String, Object> session(ClassSession s, long students) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("code", s.code());
        o.put("shown", JoinCodes.format(s.code()));
        o.put("title", s.title());
        o.put("createdAt", instant(s.createdAt()));
        o.put("locked", s.locked());
        o.put("paused", s.paused());
        o.put("ended", s.ended());
        o.put("endedAt", instant(s.endedAt()));
        o.put("joinLink", "/join/" + s.code());
        o.put("studentCount", students);
        return o;
    }

    /**
     * A student: their seat, their current run (or null) and their result on the current challenge (or
     * null), whose link opens on {@code challengeLab}, the challenge's lab.
     */
    static Map<String, Object> student(Seat seat, Run<?> run, Result result, Page challengeLab) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("seat", seat.id());
        o.put("name", seat.displayName());
        o.put("joinedAt", instant(seat.joinedAt()));
        o.put("removed", seat.removed());
        o.put("left", seat.left());
        o.put("leftAt", instant(seat.leftAt()));
        o.put("run", run == null ? null : currentRun(run));
        o.put("result", result == null ? null : result(result, challengeLab));
        return o;
    }

    /**
     * A student's current run in short: where it is, its latest losses (accuracies for classification),
     * its network's parameters and the link of what it trains on its page (the playground's or the CNN
     * lab's; null for what that page cannot show).
     */
    static Map<String, Object> currentRun(Run<?> run) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", run.id());
        o.put("state", ApiJson.state(run.state()));
        o.put("paused", run.isPaused() && !run.state().ended());
        o.put("epoch", run.status().epoch());
        o.put("epochs", run.status().epochs());
        o.put("params", StudentRuns.params(run));
        o.put("page", run.options().page());
        o.put("link", link(run));
        List<List<EpochStats>> history = run.history();
        if (!history.isEmpty() && !history.get(0).isEmpty()) {
            List<EpochStats> first = history.get(0);
            // the metrics line's own fields (train_loss, test_loss, train_accuracy?, test_accuracy?), not its epoch
            JsonNode latest = ApiJson.metrics(List.of(first.get(first.size() - 1))).get(0);
            for (Iterator<Map.Entry<String, JsonNode>> f = latest.fields(); f.hasNext(); ) {
                Map.Entry<String, JsonNode> e = f.next();
                if (!e.getKey().equals("epoch")) {
                    o.put(e.getKey(), e.getValue());
                }
            }
        }
        return o;
    }

    /** The link of what {@code run} trains, on its own page, with the rate and the epochs in force now; null if none opens it. */
    private static String link(Run<?> run) {
        if (!Page.CNN.id().equals(run.options().page())) {
            return StudentRuns.settings(run).map(s -> "/?" + StudentRuns.viewState(s)).orElse(null);
        }
        RunStatus status = run.status();
        List<Experiment> now = new ArrayList<>();
        for (Experiment e : run.experiments()) {
            // as the playground's (StudentRuns.settings): its page may have changed them while it trained
            Experiment x = status.epochs() > 0 ? e.withEpochs(status.epochs()) : e;
            if (Double.isFinite(status.learningRate()) && x.optimizer() != null) {
                x = x.withOptimizer(x.optimizer().withLr(status.learningRate()));
            }
            now.add(x);
        }
        try {
            return "/" + CnnLinks.location(CnnLinks.stateOf(now));
        } catch (RuntimeException notTheLabs) {
            // a run the CNN lab cannot have trained (no experiments, a comparison without activations)
            return null;
        }
    }

    /** A run in a student's list: the shape of GET /api/runs/{id}, with the page it trained on and when it began. */
    static Map<String, Object> run(Run<?> run) {
        Map<String, Object> o = ApiJson.run(run.id(), run.options().experimentId(), run, run, OptionalInt.empty());
        o.put("paused", run.isPaused() && !run.state().ended());
        o.put("page", run.options().page());
        o.put("submittedAt", instant(Instant.ofEpochMilli(run.submittedAt())));
        return o;
    }

    /** What the students' pages show now: the push, and for a challenge its goal and the controls left unlocked. */
    static Map<String, Object> push(Push p) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", p.id());
        o.put("title", p.title());
        o.put("pushedAt", instant(p.pushedAt()));
        o.put("page", p.page().id());
        o.put("link", "/" + p.location());
        o.put("experimentId", p.experimentId());
        o.put("sharedFrom", p.sharedFrom());
        o.put("challenge", p.challenge() == null ? null : challenge(p.challenge()));
        return o;
    }

    private static Map<String, Object> challenge(Challenge c) {
        Challenge.Goal g = c.goal();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("goal", g.text());
        o.put("metric", g.metric().name().toLowerCase(Locale.ROOT));
        o.put("target", g.target());
        o.put("withinEpochs", g.withinEpochs());
        o.put("maxParams", g.maxParams());
        // in the order the teacher's form lists them, whatever order the set has
        o.put("unlocked", c.unlocked().stream().sorted().map(Enum::name).toList());
        return o;
    }

    /** A result on a challenge of {@code lab}, as measured on the server's hidden split. */
    static Map<String, Object> result(Result r, Page lab) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("best", number(r.best()));
        o.put("params", r.params());
        o.put("epoch", r.epoch());
        o.put("reached", r.reached());
        o.put("reachedAt", instant(r.reachedAt()));
        o.put("timeToGoalMs", r.timeToGoal() == null ? null : r.timeToGoal().toMillis());
        o.put("link", r.viewState() == null ? null : "/" + Push.location(lab, r.viewState()));
        return o;
    }

    /** A leaderboard row: its place (1 first), the student and their result. */
    static Map<String, Object> leader(int rank, Result r, Page lab) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("rank", rank);
        o.put("seat", r.seatId());
        o.put("name", r.displayName());
        o.putAll(result(r, lab));
        return o;
    }

    private static String instant(Instant t) {
        return t == null ? null : t.toString();
    }

    /** JSON has no NaN or infinity: a score that is not a number is null. */
    private static Double number(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
