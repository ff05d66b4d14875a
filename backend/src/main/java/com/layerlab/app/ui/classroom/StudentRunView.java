package com.layerlab.app.ui.classroom;

import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.classroom.ClassBoard;
import com.layerlab.app.classroom.ClassRefused;
import com.layerlab.app.classroom.ClassSession;
import com.layerlab.app.classroom.Classrooms;
import com.layerlab.app.classroom.Seat;
import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.store.Page;
import com.layerlab.app.training.PointFrames;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunSnapshot;
import com.layerlab.app.ui.MainLayout;
import com.layerlab.app.ui.PageWatch;
import com.layerlab.app.ui.components.HeatMap;
import com.layerlab.app.ui.components.LiveText;
import com.layerlab.app.ui.components.LossChart;
import com.layerlab.engine.train.EpochStats;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.dependency.CssImport;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.OrderedList;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One student's run, read-only, for their teacher: a large map of its decision boundary with the
 * points, its loss curves and its settings in words, live; a CNN lab run: its layer stack as text, its
 * loss and accuracy curves (from the run's history at each board tick), its settings and a link that
 * opens its experiment in the teacher's own CNN lab. No control: the run stays the student's. The board
 * says which run is the student's current one; this page follows it when they start another.
 */
@AnonymousAllowed
@Route(value = "teach/:code/student/:seatId", layout = MainLayout.class)
@PageTitle("LayerLab · A student's run")
@CssImport("./components/class-teacher.css")
public class StudentRunView extends Div implements BeforeEnterObserver {

    static final int MAP_PX = 420;

    private final Classrooms classrooms;
    private final ClassBoard board;
    private final CurrentOwner owner;
    private ClassSession session;
    private Seat seat;
    private final H1 name = new H1();
    private final Span state = new Span();
    private final Span losses = new Span();
    private final Paragraph settings = new Paragraph();
    private final HeatMap map = new HeatMap(MAP_PX);
    private final LossChart chart = new LossChart();
    private final LossChart accuracyChart = new LossChart();
    private final OrderedList layers = new OrderedList();
    private final Div layerBox = new Div();
    private final Anchor openInLab = new Anchor();
    private final Paragraph noRun = new Paragraph("No run yet: the student has not trained anything in this session.");
    /** The run shown: a playground run (then {@link #subscription} gets its frames) or a CNN lab run. */
    private Run<?> shown;
    private volatile Run<PointFrames.Frame>.Subscription subscription;
    /** The board's ticks while the page is attached (and the playground run's frames, which end with them). */
    private final ClassWatch watch;
    private int lastChartEpoch = -1;

    public StudentRunView(Classrooms classrooms, ClassBoard board, CurrentOwner owner, PageWatch pages) {
        this.classrooms = classrooms;
        this.board = board;
        this.owner = owner;
        watch = new ClassWatch(pages, ui -> List.of(board.watch(session.id(), cards -> ClassPages.access(ui, () -> cards.stream()
                .filter(c -> c.seat().id() == seat.id()).findFirst().ifPresent(this::follow)))), this::closeSubscription);
        setId("student-run");
        addClassName("ll-student-run");
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        removeAll();
        session = null;
        Optional<String> teacher = ClassPages.teacher(owner);
        if (teacher.isEmpty()) {
            add(ClassPages.refusal(owner));
            return;
        }
        String code = ClassPages.normalize(event.getRouteParameters().get("code").orElse(""));
        try {
            session = classrooms.ofTeacher(code, teacher.get());
            long seatId = Long.parseLong(event.getRouteParameters().get("seatId").orElse(""));
            seat = classrooms.seat(seatId).filter(s -> s.sessionId() == session.id())
                    .orElseThrow(() -> new ClassRefused(404, "This session has no such student."));
        } catch (ClassRefused refused) {
            session = null;
            add(ClassPages.problem(refused.getMessage()));
            return;
        } catch (NumberFormatException e) {
            session = null;
            add(ClassPages.problem("This session has no such student."));
            return;
        }
        build();
    }

    private void build() {
        name.setText(seat.displayName()); // text, never HTML
        name.setId("student-run-name");
        Anchor back = new Anchor("teach/" + session.code(), "Back to " + ClassPages.display(session.code()));
        back.getElement().setAttribute("router-link", true);
        back.setId("student-run-back");
        back.addClassName("ll-class-back");
        Div heading = new Div(name, back);
        heading.addClassName("ll-class-heading");
        state.setId("student-run-state");
        state.addClassName("ll-student-run-state");
        losses.setId("student-run-losses");
        losses.addClassName("ll-student-run-losses");
        settings.setId("student-run-settings");
        settings.addClassName("ll-student-run-settings");
        map.setId("student-run-map");
        map.setAxes(true);
        chart.setId("student-run-chart");
        chart.setHeightPx(220);
        chart.setWidthFull();
        chart.setSeries(List.of(new LossChart.Series("Test", "#222222"), new LossChart.Series("Training", "#9a9a9a")));
        accuracyChart.setId("student-run-accuracy");
        accuracyChart.setHeightPx(180);
        accuracyChart.setWidthFull();
        accuracyChart.setYLabel("accuracy %");
        accuracyChart.setSeries(List.of(new LossChart.Series("Test", "#222222"), new LossChart.Series("Training", "#9a9a9a")));
        layers.setId("student-run-layers");
        layers.addClassName("ll-student-run-layers");
        layerBox.add(new H3("Layer stack"), layers);
        layerBox.addClassName("ll-student-run-layerbox");
        openInLab.setText("Open in the CNN lab");
        openInLab.setId("student-run-open-cnn");
        openInLab.addClassName("ll-student-run-open");
        noRun.setId("student-run-none");
        noRun.addClassName("ll-hint");
        Paragraph readOnly = new Paragraph("Read-only: you watch the student's own run; it trains on their page.");
        readOnly.addClassName("ll-hint");
        Div side = new Div(state, losses, chart, accuracyChart, settings, openInLab, readOnly);
        side.addClassName("ll-student-run-side");
        Div body = new Div(map, layerBox, side);
        body.addClassName("ll-student-run-body");
        add(heading, noRun, body);
        showRun(null);
        // the student's card now: their run shows at once, the board's ticks follow it
        board.cards(session.id()).stream().filter(c -> c.seat().id() == seat.id()).findFirst().ifPresent(this::follow);
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        super.onAttach(attachEvent);
        if (session != null) {
            watch.attach(attachEvent.getUI());
        }
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        watch.detach();
        super.onDetach(detachEvent);
    }

    /** The board's card of the student: a new current run is shown (a playground run subscribed to); the state line follows. */
    @SuppressWarnings("unchecked")
    private void follow(ClassBoard.Card card) {
        LiveText.set(state, card.status() == null ? "No run yet" : ClassCard.stateText(card.status()));
        if (card.run() == null) {
            return;
        }
        if (card.page() == Page.CNN) {
            if (card.run() != shown) {
                showCnn(card.run());
            }
            // a CNN run's frames are the CNN lab's: the curves come from its history, at the board's ticks
            chartCnn(ClassCard.history(card));
        } else if (card.run() != shown && card.run().frames() instanceof PointFrames) {
            showRun((Run<PointFrames.Frame>) card.run());
        }
    }

    private void closeSubscription() {
        Run<PointFrames.Frame>.Subscription s = subscription;
        subscription = null;
        if (s != null) {
            s.close();
        }
    }

    /** Which lab's parts show: the map for a playground run, the layer stack, accuracy and CNN lab link for a CNN run. */
    private void showLab(Page lab) {
        boolean cnn = lab == Page.CNN;
        getElement().setAttribute("data-page", lab.id());
        map.setVisible(!cnn && shown != null);
        layerBox.setVisible(cnn && shown != null);
        accuracyChart.setVisible(cnn);
        openInLab.setVisible(cnn && shown != null);
    }

    private void newRun(Run<?> run, Page lab) {
        closeSubscription();
        shown = run;
        noRun.setVisible(run == null);
        chart.clear();
        accuracyChart.clear();
        lastChartEpoch = -1;
        LiveText.set(losses, "");
        showLab(lab);
    }

    /** A CNN lab run: its layers, its settings and a link that opens it in the CNN lab; the curves follow. */
    private void showCnn(Run<?> run) {
        newRun(run, Page.CNN);
        CnnLinks.State s = CnnLinks.stateOf(run.experiments());
        settings.setText(RunWords.describe(s.experiment()));
        layers.removeAll();
        for (String line : RunWords.layers(s.experiment())) {
            layers.add(new ListItem(line)); // the student's layers as text, never HTML
        }
        openInLab.setHref(CnnLinks.location(s));
    }

    private void chartCnn(List<EpochStats> history) {
        EpochStats last = null;
        for (EpochStats e : history) {
            if (e.epoch() > lastChartEpoch) {
                chart.append(e.epoch(), e.testLoss(), e.trainLoss());
                accuracyChart.append(e.epoch(), percent(e.testAccuracy()), percent(e.trainAccuracy()));
                lastChartEpoch = e.epoch();
            }
            last = e;
        }
        if (last != null) {
            LiveText.set(losses, lossesText(last));
        }
    }

    private static double percent(Double accuracy) {
        return accuracy == null ? Double.NaN : 100 * accuracy;
    }

    private void showRun(Run<PointFrames.Frame> run) {
        newRun(run, Page.PLAYGROUND);
        if (run == null) {
            return;
        }
        PlaygroundSettings s = PlaygroundSettings.fromExperiment(run.experiments().get(0));
        settings.setText(RunWords.describe(s));
        if (s.isMultiClass()) {
            map.setClasses();
        } else if (s.isRegression()) {
            map.setRegression(1);
        } else {
            map.setBinary();
        }
        map.setShowTest(true);
        List<List<EpochStats>> history = run.history();
        if (!history.isEmpty()) {
            history.get(0).forEach(this::chart);
        }
        UI ui = UI.getCurrent();
        subscription = run.observe(frame -> showFrame(run, frame), task -> {
            try {
                ui.access(task::run);
                return true;
            } catch (UIDetachedException e) {
                return false;
            }
        });
    }

    private void showFrame(Run<PointFrames.Frame> run, PointFrames.Frame frame) {
        if (run != shown) {
            return; // a frame of the run shown before, still on its way
        }
        if (frame.points() != null && !frame.points().isEmpty()) {
            PointFrames.Points p = frame.points().get(0);
            map.setTrainPoints(p.train());
            map.setTestPoints(p.test());
            if (p.regressionScale() > 0 && !run.experiments().get(0).isClassification()) {
                map.setRegression(p.regressionScale());
            }
        }
        RunSnapshot snap = ClassCard.snapshot(frame);
        if (snap == null) {
            return;
        }
        map.setGrid(snap.gridN(), snap.channels(), snap.output());
        EpochStats stats = snap.stats();
        LiveText.set(losses, lossesText(stats));
        List<List<EpochStats>> history = run.history();
        if (!history.isEmpty()) {
            for (EpochStats e : history.get(0)) {
                if (e.epoch() <= stats.epoch()) {
                    chart(e);
                }
            }
        }
        chart(stats);
    }

    private static String lossesText(EpochStats stats) {
        String text = "Test loss " + ClassCard.loss(stats.testLoss()) + " · training loss " + ClassCard.loss(stats.trainLoss());
        if (stats.testAccuracy() != null) {
            text += String.format(Locale.ROOT, " · test accuracy %.1f %%", 100 * stats.testAccuracy());
        }
        return text;
    }

    private void chart(EpochStats e) {
        if (e.epoch() > lastChartEpoch) {
            chart.append(e.epoch(), e.testLoss(), e.trainLoss());
            lastChartEpoch = e.epoch();
        }
    }
}
