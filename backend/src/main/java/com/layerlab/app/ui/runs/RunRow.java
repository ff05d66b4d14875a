package com.layerlab.app.ui.runs;

import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.RunStatus;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.EpochStats;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** One run in "My runs": what it trains, where it is, its latest metrics, and its controls. */
final class RunRow extends Div {

    static final DateTimeFormatter STARTED = DateTimeFormatter.ofPattern("d MMM, HH:mm", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final Run<?> run;
    private final Span state = new Span();
    private final Span details = new Span();
    private final Span progress = new Span();
    private final Div message = new Div();
    private final Optional<Instant> dropped;
    private final Anchor open = new Anchor();
    private final Button pause = new Button();
    private final Button stop = new Button("Stop", VaadinIcon.STOP.create());
    private final Button resume = new Button("Resume", VaadinIcon.PLAY.create());
    private final Button discard = new Button("Discard", VaadinIcon.TRASH.create());

    /**
     * @param resume  goes on with an interrupted run from its last checkpoint (a new run under its id)
     * @param discard asks, then drops an interrupted run with its folder
     * @param dropped when an interrupted run is dropped unless resumed (TrainingRuntime.droppedAt), if ever
     */
    RunRow(Run<?> run, Runnable changed, Runnable resume, Runnable discard, Optional<Instant> dropped) {
        this.run = run;
        this.dropped = dropped;
        Div main = main(this, run.id(), name(run), state, details, progress, message);

        open.setText("Open");
        open.addClassName("ll-run-open");
        // navigate inside the app, as the layout's links do
        open.getElement().setAttribute("router-link", true);
        pause.addClassName("ll-run-pause");
        pause.addClickListener(e -> {
            if (run.isPaused()) {
                run.play();
            } else {
                run.pause();
            }
            changed.run();
        });
        stop.addClassName("ll-run-stop");
        stop.addClickListener(e -> {
            run.stop();
            changed.run();
        });
        this.resume.addClassName("ll-run-resume");
        this.resume.addClickListener(e -> resume.run());
        this.discard.addClassName("ll-run-discard");
        this.discard.addClickListener(e -> discard.run());
        for (Button b : List.of(pause, stop, this.resume, this.discard)) {
            b.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_SMALL);
        }
        stop.addThemeVariants(ButtonVariant.LUMO_ERROR);
        this.discard.addThemeVariants(ButtonVariant.LUMO_ERROR);
        Div tools = new Div(open, pause, this.resume, this.discard, stop);
        tools.addClassName("ll-row-tools");
        add(main, tools);
    }

    /**
     * The left part of a run's row in the list, the same for a run of this node and one on a worker: its
     * name and state, then what it trains, its progress and a message; {@code row} gets the row's classes.
     */
    static Div main(Div row, String id, String name, Span state, Span details, Span progress, Div message) {
        row.addClassNames("ll-experiment-row", "ll-run-row");
        row.getElement().setAttribute("data-id", id);
        Span title = new Span(name);
        title.addClassName("ll-row-name");
        state.addClassName("ll-run-state");
        details.addClassName("ll-hint");
        progress.addClassName("ll-run-progress");
        message.addClassName("ll-run-message");
        Div head = new Div(title, state);
        head.addClassName("ll-run-head");
        Div main = new Div(head, details, progress, message);
        main.addClassName("ll-run-main");
        return main;
    }

    Run<?> run() {
        return run;
    }

    /** Shows the run as it is now. */
    void update() {
        RunStatus s = run.status();
        RunState st = s.state();
        String stateText = st.name().toLowerCase(Locale.ROOT);
        state.setText(s.loading() ? stateText + " (loading)" : stateText);
        state.getElement().setAttribute("data-state", stateText);
        details.setText(what(run.experiments()) + " \u00b7 started " + STARTED.format(Instant.ofEpochMilli(run.submittedAt()))
                + " UTC \u00b7 " + watched(run));
        progress.setText(progress(s) + metrics(run));
        // an interrupted run's owner learns how long it waits for them
        String kept = dropped.filter(d -> st == RunState.INTERRUPTED)
                .map(d -> "Kept until " + STARTED.format(d) + " UTC unless you resume it; then it and its checkpoints "
                        + "are deleted.").orElse(null);
        String text = s.message() == null ? kept : kept == null ? s.message() : s.message() + " " + kept;
        message.setText(text == null ? "" : text);
        message.setVisible(text != null);
        // an ended run that let its model go cannot be shown again; the link follows the rate in force
        Optional<String> href = run.isAlive() ? RunPages.open(run) : Optional.empty();
        href.filter(h -> !h.equals(open.getHref())).ifPresent(open::setHref);
        open.setVisible(href.isPresent());
        pause.setVisible(!st.ended());
        stop.setVisible(!st.ended());
        // a run the server's restart (or shutdown) interrupted goes on from its last checkpoint
        resume.setVisible(st == RunState.INTERRUPTED);
        discard.setVisible(st == RunState.INTERRUPTED);
        boolean paused = run.isPaused();
        pause.setText(paused ? "Resume" : "Pause");
        pause.setIcon(paused ? VaadinIcon.PLAY.create() : VaadinIcon.PAUSE.create());
    }

    static String name(Run<?> run) {
        return name(run.experiments(), run.options().page());
    }

    /** A run's name in the list: its page and its (first) model, as {@link #name(Run)}. */
    static String name(List<Experiment> experiments, String submittedBy) {
        Experiment first = experiments.get(0);
        String model = first.name() == null || first.name().isBlank() ? "a network" : first.name();
        int more = experiments.size() - 1;
        String page = RunPages.label(submittedBy);
        // the playground names its experiments after itself already ("Playground: xor")
        return (model.startsWith(page) ? model : page + ": " + model) + (more > 0 ? " and " + more + " more in lock step" : "");
    }

    /** The model in a few words: its data and size. */
    static String what(List<Experiment> experiments) {
        Experiment e = experiments.get(0);
        int layers = e.model() == null ? 0 : e.model().size();
        return e.data().dataset() + ", " + layers + (layers == 1 ? " layer" : " layers");
    }

    private static String watched(Run<?> run) {
        if (run.subscriberCount() > 0) {
            return "shown on a page now";
        }
        return "no page for " + ago(run.unwatchedFor());
    }

    static String ago(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return d.toMinutes() + " min";
        }
        return d.toHours() + " h " + d.toMinutesPart() + " min";
    }

    private static String progress(RunStatus s) {
        String epochs = "Epoch " + RunStatus.epochs(s.progress()) + (s.epochs() > 0 ? " of " + s.epochs() : "");
        return s.batches() > 0 && s.batch() > 0 ? epochs + " \u00b7 batch " + s.batch() + " of " + s.batches() : epochs;
    }

    /** The first trainer's metrics after its latest epoch; nothing before its first epoch ends. */
    private static String metrics(Run<?> run) {
        List<List<EpochStats>> h = run.history();
        return h.isEmpty() ? "" : metrics(h.get(0));
    }

    /** " · test loss 0.123 · test accuracy 95.0% (after epoch 4)" of the latest epoch; nothing before epoch 1. */
    static String metrics(List<EpochStats> history) {
        if (history.size() < 2) {
            return "";
        }
        EpochStats last = history.get(history.size() - 1);
        String loss = String.format(Locale.ROOT, " \u00b7 test loss %.3f", last.testLoss());
        String acc = last.testAccuracy() == null ? "" : String.format(Locale.ROOT, " \u00b7 test accuracy %.1f%%", last.testAccuracy() * 100);
        return loss + acc + " (after epoch " + last.epoch() + ")";
    }
}
