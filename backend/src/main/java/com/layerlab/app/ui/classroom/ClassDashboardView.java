package com.layerlab.app.ui.classroom;

import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.classroom.Challenge;
import com.layerlab.app.classroom.ClassBoard;
import com.layerlab.app.classroom.ClassEvent;
import com.layerlab.app.classroom.ClassEvents;
import com.layerlab.app.classroom.ClassRefused;
import com.layerlab.app.classroom.ClassSession;
import com.layerlab.app.classroom.Classrooms;
import com.layerlab.app.classroom.Push;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.app.ui.Downloads;
import com.layerlab.app.ui.MainLayout;
import com.layerlab.app.ui.PageWatch;
import com.layerlab.app.ui.components.RowActions;
import com.layerlab.app.store.Page;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dependency.CssImport;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * A class session's live dashboard for its teacher: how to join (code, link, QR code), the session's
 * controls (lock, pause all, push, end, results as CSV), a card per student updated live from the
 * {@link ClassBoard}, and the challenge's leaderboard. Every action goes through {@link Classrooms},
 * which checks on the server that the caller is this session's teacher. An ended session stays
 * readable: its cards, leaderboard and CSV, without the controls.
 */
@AnonymousAllowed
@Route(value = "teach/:code", layout = MainLayout.class)
@CssImport("./components/class-teacher.css")
public class ClassDashboardView extends Div implements BeforeEnterObserver, HasDynamicTitle {

    private final Classrooms classrooms;
    private final ClassBoard board;
    private final ClassEvents events;
    private final TrainingRuntime runtime;
    private final ExperimentStore store;
    private final CurrentOwner owner;
    private String teacher;
    private String teacherKey;
    private ClassSession session;
    /** The session's latest push (what students see) and its latest challenge (the leaderboard's): the same or older. */
    private Push push;
    private Push challenge;
    private JoinCodePanel join;
    private final Span stateBadge = new Span();
    private final Span pushLine = new Span();
    private final Button lock = new Button();
    private final Button pause = new Button();
    private final Button pushButton = new Button("Push to the class", VaadinIcon.UPLOAD_ALT.create());
    private final Button end = new Button("End session", VaadinIcon.STOP.create());
    private final ClassCards cards = new ClassCards(new CardActions());
    private final ClassLeaderboard leaderboard = new ClassLeaderboard();
    /** The board's ticks and the session's events, while the page is attached. */
    private final ClassWatch watch;

    public ClassDashboardView(Classrooms classrooms, ClassBoard board, ClassEvents events, TrainingRuntime runtime,
                              ExperimentStore store, CurrentOwner owner, PageWatch pages) {
        this.classrooms = classrooms;
        this.board = board;
        this.events = events;
        this.runtime = runtime;
        this.store = store;
        this.owner = owner;
        watch = new ClassWatch(pages, ui -> List.of(
                board.watch(session.id(), list -> ClassPages.access(ui, () -> cards.show(list, cardMetric()))),
                events.listen(session.id(), e -> ClassPages.access(ui, () -> onEvent(e)))), () -> { });
        setId("class-dashboard");
        addClassName("ll-class-dashboard");
    }

    @Override
    public String getPageTitle() {
        return session == null ? "LayerLab · Class" : "LayerLab · " + ClassPages.display(session.code()) + " · " + session.title();
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        removeAll();
        session = null;
        Optional<String> t = ClassPages.teacher(owner);
        if (t.isEmpty()) {
            add(ClassPages.refusal(owner));
            return;
        }
        teacher = t.get();
        teacherKey = owner.key();
        String code = ClassPages.normalize(event.getRouteParameters().get("code").orElse(""));
        try {
            session = classrooms.ofTeacher(code, teacher);
        } catch (ClassRefused refused) {
            add(ClassPages.problem(refused.getMessage()));
            return;
        }
        build();
    }

    private void build() {
        join = new JoinCodePanel(session.code(), ClassPages.joinLink(session.code()));
        H1 title = new H1(session.title()); // the teacher's text, never HTML
        title.setId("class-session-title");
        stateBadge.setId("class-state");
        stateBadge.addClassName("ll-class-state");
        Anchor all = new Anchor("teach", "All sessions");
        all.getElement().setAttribute("router-link", true);
        all.addClassName("ll-class-back");
        Div heading = new Div(title, stateBadge, all);
        heading.addClassName("ll-class-heading");

        lock.setId("class-lock");
        lock.addClickListener(e -> act(() -> session = classrooms.lock(session.code(), teacher, !session.locked())));
        pause.setId("class-pause");
        pause.addThemeVariants(ButtonVariant.LUMO_CONTRAST);
        pause.addClickListener(e -> act(() -> session = classrooms.pauseAll(session.code(), teacher, !session.paused())));
        pushButton.setId("class-push");
        pushButton.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        pushButton.addClickListener(e -> new PushDialog(runtime, store, teacherKey, (pt, lab, viewState, experimentId, challenge) -> {
            pushed(classrooms.push(session.code(), teacher, pt, lab, viewState, experimentId, challenge, null));
        }).open());
        end.setId("class-end");
        end.addThemeVariants(ButtonVariant.LUMO_ERROR);
        end.addClickListener(e -> RowActions.confirm("End", session.title(), "Nobody can join any more, the students' "
                + "pages leave the session and their trainings are no longer held. The results stay here, read-only.",
                () -> act(() -> session = classrooms.end(session.code(), teacher))));
        String code = session.code();
        String who = teacher;
        // the experiments' links in the CSV open from a spreadsheet: absolute, on the address the teacher uses
        String base = ClassPages.baseUrl();
        Anchor csv = new Anchor(Downloads.file("class-" + code + "-results.csv", "text/csv; charset=utf-8",
                () -> classrooms.csv(code, who, base).getBytes(StandardCharsets.UTF_8)), "Results (CSV)");
        csv.setId("class-csv");
        csv.addClassName("ll-class-csv");
        csv.getElement().setAttribute("download", "class-" + code + "-results.csv");
        Div controls = new Div(pushButton, pause, lock, end, csv);
        controls.addClassName("ll-class-controls");
        pushLine.setId("class-current-push");
        pushLine.addClassName("ll-class-current-push");

        Div top = new Div(new Div(heading, controls, pushLine), join);
        top.addClassName("ll-class-top");
        Div main = new Div(cards, leaderboard);
        main.addClassName("ll-class-main");
        add(top, main);
        push = classrooms.currentPush(session.id()).orElse(null);
        challenge = classrooms.currentChallenge(session.id()).orElse(null);
        showSession();
        showPush();
        cards.show(board.cards(session.id()), cardMetric());
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

    /** What the cards measure: the challenge's metric; without one, a CNN lab push's accuracy, a playground's loss. */
    private Challenge.Metric cardMetric() {
        if (challenge != null || push == null) {
            return ClassLeaderboard.metric(challenge);
        }
        return push.page() == Page.CNN ? Challenge.Metric.TEST_ACCURACY : Challenge.Metric.TEST_LOSS;
    }

    /** What another page or the server changed (this page's own actions come back here too). */
    private void onEvent(ClassEvent e) {
        if (e instanceof ClassEvent.Pushed p) {
            pushed(p.push());
        } else if (e instanceof ClassEvent.Scored) {
            showLeaderboard();
        } else if (e instanceof ClassEvent.Paused || e instanceof ClassEvent.Locked || e instanceof ClassEvent.Ended) {
            reload();
        }
        // Joined and Removed: the board's next tick brings or drops the card
    }

    private void reload() {
        classrooms.session(session.id()).ifPresent(s -> {
            session = s;
            showSession();
        });
    }

    /** Runs a teacher action; a refusal (not this session's teacher any more, ended meanwhile) is shown, not thrown. */
    private void act(Runnable action) {
        try {
            action.run();
        } catch (ClassRefused refused) {
            Notification n = Notification.show(refused.getMessage(), 6000, Notification.Position.MIDDLE);
            n.addThemeVariants(NotificationVariant.LUMO_ERROR);
            reload();
            return;
        }
        showSession();
    }

    private void showSession() {
        boolean ended = session.ended();
        String state = ended ? "ended" : session.locked() ? "locked" : "open";
        stateBadge.setText(ended ? "ended " + ClassPages.when(session.endedAt()) : state);
        stateBadge.getElement().setAttribute("data-state", state);
        lock.setText(session.locked() ? "Unlock joining" : "Lock joining");
        lock.setIcon((session.locked() ? VaadinIcon.UNLOCK : VaadinIcon.LOCK).create());
        lock.getElement().setAttribute("data-locked", String.valueOf(session.locked()));
        lock.setTooltipText(session.locked() ? "Let new students join again" : "Nobody new can join (students who joined stay)");
        pause.setText(session.paused() ? "Resume all" : "Pause all");
        pause.setIcon((session.paused() ? VaadinIcon.PLAY : VaadinIcon.PAUSE).create());
        pause.getElement().setAttribute("data-paused", String.valueOf(session.paused()));
        pause.setTooltipText(session.paused() ? "Every student's training may go on"
                : "Eyes on me: every student's training holds until you resume");
        for (Button b : List.of(lock, pause, pushButton, end)) {
            b.setVisible(!ended);
        }
        cards.setReadOnly(ended);
        join.showClosed(ended ? "This session has ended." : session.locked() ? "Locked: nobody new can join." : null, ended);
        setClassName("ll-class-ended", ended);
        showPushLine();
        getElement().setAttribute("data-ended", String.valueOf(ended));
    }

    private void pushed(Push p) {
        push = p;
        if (p.isChallenge()) {
            challenge = p;
        }
        showPush();
    }

    private void showPush() {
        showPushLine();
        showLeaderboard();
    }

    private void showPushLine() {
        pushLine.setText(push == null ? "Nothing pushed yet: students see their own playground."
                : (session.ended() ? "Last push: " : "Now on every screen: ") + push.title()
                + (push.page() == Page.CNN ? " (CNN lab)" : "") + (push.sharedFrom() != null ? " (from " + push.sharedFrom() + ")" : "")
                + (push.isChallenge() ? " · challenge: " + push.challenge().goal().text() : ""));
    }

    private void showLeaderboard() {
        try {
            leaderboard.show(challenge, challenge == null ? List.of() : classrooms.leaderboard(session.code(), teacher));
        } catch (ClassRefused refused) {
            // another teacher's now? the next action says so
        }
    }

    /** The cards' buttons. */
    private final class CardActions implements ClassCard.Actions {

        @Override
        public void open(ClassBoard.Card card) {
            getUI().ifPresent(ui -> ui.navigate("teach/" + session.code() + "/student/" + card.seat().id()));
        }

        @Override
        public void share(ClassBoard.Card card) {
            if (card.viewState() == null) {
                Notification.show(card.seat().displayName() + " has no run to share yet.", 4000, Notification.Position.MIDDLE);
                return;
            }
            new ShareRunDialog(card.seat().displayName(), card.page(), (title, from) -> {
                // the card's run's own lab: a CNN run's link opens the CNN lab
                pushed(classrooms.push(session.code(), teacher, title, card.page(), card.viewState(), null, null, from));
            }).open();
        }

        @Override
        public void remove(ClassBoard.Card card) {
            RowActions.confirm("Remove", card.seat().displayName(), "They leave the session, their training stops and "
                    + "they cannot join it again. Their results stay in the CSV.",
                    () -> act(() -> classrooms.remove(session.code(), teacher, card.seat().id())));
        }
    }
}
