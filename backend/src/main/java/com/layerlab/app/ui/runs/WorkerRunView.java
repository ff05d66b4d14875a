package com.layerlab.app.ui.runs;

import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.cluster.ClusterStore;
import com.layerlab.app.cluster.RunPoints;
import com.layerlab.app.cluster.RunWatch;
import com.layerlab.app.training.RunJournal;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.ui.MainLayout;
import com.layerlab.app.ui.PageWatch;
import com.layerlab.app.ui.components.LiveText;
import com.layerlab.app.ui.components.LossChart;
import com.layerlab.engine.train.EpochStats;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.beans.factory.ObjectProvider;

/**
 * One background run, live, on whichever web node serves the page while a worker node trains it: its state,
 * node, progress and speed, its loss curves (the training loss batch by batch, the test loss after each epoch)
 * and its accuracy, and its controls. What it shows comes from the database when
 * {@link RunWatch}'s signal wakes it (within a second of the worker's write), never from the run itself, which
 * is on another machine. Only the run's owner sees it; anyone else is told there is no such run.
 */
@AnonymousAllowed
@Route(value = "runs/worker", layout = MainLayout.class)
@PageTitle("LayerLab · A run on the workers")
public class WorkerRunView extends Div implements HasUrlParameter<String> {

    /** Its address for run {@code runId}. */
    public static String link(String runId) {
        return "runs/worker/" + runId;
    }

    private static final String TEST_COLOR = "#f59322";
    private static final String TRAIN_COLOR = "#0877bd";
    private static final List<Integer> DASH = List.of(6, 4);

    private final RunWatch watch;
    private final CurrentOwner owner;
    private final PageWatch pages;
    private final H1 name = new H1();
    private final Span state = new Span();
    private final Span details = new Span();
    private final Span progress = new Span();
    private final Div message = new Div();
    private final Paragraph missing = new Paragraph();
    private final LossChart loss = new LossChart();
    private final LossChart accuracy = new LossChart();
    private final Div accuracyBox = new Div();
    private final Button pause = new Button("Pause", VaadinIcon.PAUSE.create());
    private final Button stop = new Button("Stop", VaadinIcon.STOP.create());
    private final Button resume = new Button("Resume", VaadinIcon.PLAY.create());
    private final Div body = new Div();
    private RunWatch.Cursor cursor;
    private ClusterStore.Shared shown;
    private int charted;
    private int chartedEpochs;
    /** The run's signal and the page's silence watch, while attached. */
    private volatile AutoCloseable signal;
    private PageWatch.Watch silence;
    /** A look asked for and not yet made: signals that come meanwhile make no second one. */
    private final AtomicBoolean lookAsked = new AtomicBoolean();

    public WorkerRunView(ObjectProvider<RunWatch> watch, CurrentOwner owner, PageWatch pages) {
        // null on a single server: no run is on a worker there
        this.watch = watch.getIfAvailable();
        this.owner = owner;
        this.pages = pages;
        setId("worker-run");
        addClassNames("ll-store-page", "ll-worker-watch");
        Anchor back = new Anchor("runs", "My runs");
        back.getElement().setAttribute("router-link", true);
        back.setId("worker-run-back");
        name.setId("worker-run-name");
        state.setId("worker-run-state");
        state.addClassName("ll-run-state");
        details.setId("worker-run-details");
        details.addClassName("ll-hint");
        progress.setId("worker-run-progress");
        progress.addClassName("ll-run-progress");
        message.setId("worker-run-message");
        message.addClassName("ll-run-message");
        missing.setId("worker-run-missing");
        loss.setId("worker-run-loss");
        loss.setHeightPx(220);
        loss.setWidthFull();
        loss.setYLabel("loss");
        loss.setXGroup("worker-run-epochs");
        accuracy.setId("worker-run-accuracy");
        accuracy.setHeightPx(180);
        accuracy.setWidthFull();
        accuracy.setYLabel("accuracy %");
        accuracy.setXGroup("worker-run-epochs");
        pause.setId("worker-run-pause");
        stop.setId("worker-run-stop");
        resume.setId("worker-run-resume");
        stop.addThemeVariants(ButtonVariant.LUMO_ERROR);
        pause.addClickListener(e -> act(() -> {
            if (shown.state() == RunState.PAUSED) {
                this.watch.play(cursor.id(), owner.key());
            } else {
                this.watch.pause(cursor.id(), owner.key());
            }
        }));
        stop.addClickListener(e -> act(() -> this.watch.stop(cursor.id(), owner.key())));
        resume.addClickListener(e -> act(() -> this.watch.resume(cursor.id(), owner.key(), owner.username().isPresent())));
        Div head = new Div(name, state);
        head.addClassName("ll-run-head");
        Div tools = new Div(pause, resume, stop);
        tools.addClassName("ll-worker-watch-tools");
        Paragraph about = new Paragraph("A worker node trains this run; this page shows what it writes to the database, "
                + "within a second or two, and its buttons reach the worker the same way.");
        about.addClassName("ll-hint");
        Div lossBox = new Div(caption("Loss (solid: training, batch by batch; dashed: test, after each epoch)"), loss);
        accuracyBox.add(caption("Accuracy % (solid: training, dashed: test)"), accuracy);
        body.add(head, details, progress, message, tools, about, lossBox, accuracyBox);
        add(back, body, missing);
    }

    private static Div caption(String text) {
        Div d = new Div(text);
        d.addClassName("ll-hint");
        return d;
    }

    @Override
    public void setParameter(BeforeEvent event, String id) {
        cursor = new RunWatch.Cursor(id, owner.key());
        shown = null;
        charted = 0;
        chartedEpochs = 0;
        loss.setSeries(List.of(new LossChart.Series("training", TRAIN_COLOR), new LossChart.Series("test", TEST_COLOR, DASH)));
        accuracy.setSeries(List.of(new LossChart.Series("training", TRAIN_COLOR),
                new LossChart.Series("test", TEST_COLOR, DASH)));
        // shown once an epoch has accuracies (a regression has none)
        accuracyBox.setVisible(false);
        look();
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        super.onAttach(attachEvent);
        UI ui = attachEvent.getUI();
        endWatch();
        if (watch != null && cursor != null && shown != null) {
            signal = watch.subscribe(cursor, () -> {
                if (lookAsked.compareAndSet(false, true)) {
                    try {
                        ui.access(() -> {
                            lookAsked.set(false);
                            look();
                        });
                    } catch (UIDetachedException gone) {
                        lookAsked.set(false);
                    }
                }
            });
            // a browser gone without a word (a sleeping laptop) holds no subscription for long
            silence = pages.watch(ui, this::endSignal);
            // what changed between the first look and the subscription
            look();
        }
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        endWatch();
        super.onDetach(detachEvent);
    }

    private void endWatch() {
        endSignal();
        PageWatch.Watch s = silence;
        silence = null;
        if (s != null) {
            s.end();
        }
    }

    private synchronized void endSignal() {
        AutoCloseable s = signal;
        signal = null;
        if (s != null) {
            try {
                s.close();
            } catch (Exception e) {
                // a subscription's close does not throw (RunSignals.Subscription)
            }
        }
    }

    /** Reads what is new and shows it; the run gone (or never the visitor's): "no such run". */
    private void look() {
        if (cursor == null) {
            return;
        }
        RunWatch.Look now;
        try {
            now = watch == null ? null : watch.look(cursor).orElse(null);
        } catch (RunJournal.Unreachable down) {
            // the database is down for a moment: the page stays as it was, and says so
            LiveText.set(message, down.getMessage() + ": what this page shows may be old.");
            message.setVisible(true);
            return;
        }
        if (now == null) {
            body.setVisible(false);
            missing.setText(RunWatch.noSuchRun(cursor.id()));
            missing.setVisible(true);
            endSignal();
            return;
        }
        body.setVisible(true);
        missing.setVisible(false);
        show(now);
    }

    private void show(RunWatch.Look look) {
        ClusterStore.Shared r = look.run();
        shown = r;
        name.setText(RunRow.name(r.entry().experiments(), r.entry().page()));
        RunState st = r.shown();
        String stateText = st.name().toLowerCase(Locale.ROOT);
        LiveText.set(state, stateText);
        state.getElement().setAttribute("data-state", stateText);
        String where = r.node() == null ? "no worker has it yet" : (st.ended() ? "trained on " : "training on ") + r.node();
        LiveText.set(details, RunRow.what(r.entry().experiments()) + " \u00b7 started "
                + RunRow.STARTED.format(r.entry().started()) + " UTC \u00b7 " + where);
        String epochs = "Epoch " + RunStatus.epochs(r.batches() > 0 && !st.ended() ? r.epoch() + (double) r.batch() / r.batches()
                : r.epoch()) + (r.entry().epochs() > 0 ? " of " + r.entry().epochs() : "");
        String batch = r.batch() > 0 && r.batches() > 0 && !st.ended() ? " \u00b7 batch " + r.batch() + " of " + r.batches() : "";
        String speed = Double.isFinite(r.samplesPerSecond()) && st == RunState.RUNNING
                ? String.format(Locale.ROOT, " \u00b7 %.0f samples/s", r.samplesPerSecond()) : "";
        LiveText.set(progress, epochs + batch + speed);
        String asked = r.wanted() == null ? null : switch (r.wanted()) {
            case ClusterStore.PAUSE -> "Pausing: asked of " + r.node() + ".";
            case ClusterStore.PLAY -> "Going on: asked of " + r.node() + ".";
            case ClusterStore.STOP -> "Stopping: asked of " + r.node() + ".";
            default -> null;
        };
        String text = asked == null ? look.message() : look.message() == null ? asked : asked + " " + look.message();
        LiveText.set(message, text == null ? "" : text);
        message.setVisible(text != null);
        chart(look);
        boolean commanded = r.wanted() != null;
        pause.setVisible((st == RunState.RUNNING && r.node() != null) || st == RunState.PAUSED);
        pause.setEnabled(!commanded);
        pause.setText(st == RunState.PAUSED ? "Resume" : "Pause");
        pause.setIcon(st == RunState.PAUSED ? VaadinIcon.PLAY.create() : VaadinIcon.PAUSE.create());
        stop.setVisible(!st.ended() || st == RunState.INTERRUPTED);
        stop.setEnabled(!ClusterStore.STOP.equals(r.wanted()));
        resume.setVisible(st == RunState.STOPPED || st == RunState.INTERRUPTED);
    }

    /** Adds the new points and epochs to the charts; the page's counts of both go in its data attributes. */
    private void chart(RunWatch.Look look) {
        int networks = look.epochs().size();
        // the first network's curves: the REST API trains one network a run
        for (RunPoints.Point p : look.points()) {
            if (p.network() == 0) {
                loss.add(p.x(), p.trainLoss(), Double.NaN);
                charted++;
            }
        }
        if (networks > 0) {
            boolean accuracies = false;
            for (EpochStats e : look.epochs().get(0)) {
                // the untrained model's loss starts the training curve; later, the batches draw it (an epoch's
                // training loss is its batches' mean, a coarser view of the same curve), as in the CNN lab
                loss.add(e.epoch(), e.epoch() == 0 ? e.trainLoss() : Double.NaN, e.testLoss());
                accuracy.add(e.epoch(), percent(e.trainAccuracy()), percent(e.testAccuracy()));
                accuracies |= e.testAccuracy() != null;
                chartedEpochs++;
            }
            if (accuracies) {
                accuracyBox.setVisible(true);
            }
        }
        getElement().setAttribute("data-points", String.valueOf(charted));
        getElement().setAttribute("data-epochs", String.valueOf(chartedEpochs));
    }

    private static double percent(Double v) {
        return v == null ? Double.NaN : v * 100;
    }

    private void act(Runnable action) {
        WorkerRunRow.act(action);
        look();
    }
}
