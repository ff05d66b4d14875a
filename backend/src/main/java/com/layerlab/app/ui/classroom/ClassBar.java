package com.layerlab.app.ui.classroom;

import com.layerlab.app.classroom.Challenge;
import com.layerlab.app.classroom.ClassEvent;
import com.layerlab.app.classroom.ClassEvents;
import com.layerlab.app.classroom.ClassSession;
import com.layerlab.app.classroom.Classrooms;
import com.layerlab.app.classroom.Push;
import com.layerlab.app.classroom.Result;
import com.layerlab.app.classroom.Seat;
import com.layerlab.app.lab.ControlLocks;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dependency.CssImport;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The student's bar on the playground and the CNN lab while they sit in a class: the class's code, their name, what the
 * teacher pushed, the challenge's goal and their progress (as the server scored it), "your teacher paused
 * training" while the teacher holds everyone, and Leave. It listens to the session's events while it is
 * on the page ({@link ClassEvents}: from attach to detach) and hands them to the page on its UI.
 *
 * <p>A push is opened through a round trip from the browser ({@link Page#pushed} runs on the
 * browser's request, not on the thread that pushed): a navigation needs a request, for the view access
 * checks and for the visitor's cookie, which names the student's runs.
 */
@CssImport("./components/class-student.css")
public class ClassBar extends Div {

    /** The event the bar fires in its browser to come back with a push, on a request. */
    private static final String PUSH_EVENT = "ll-class-push";

    /** What the page does with the class's events. */
    public interface Page {

        /** The teacher pushed {@code push}: the page opens it (on the browser's request). */
        void pushed(Push push);

        /** The student is out of the class (ended, removed, left): the page lifts its locks and says {@code notice}. */
        void left(String notice);
    }

    private final Classrooms classrooms;
    private final ClassEvents events;
    private final Seat seat;
    private final Page page;
    private final Span title = new Span();
    private final Span goal = new Span();
    private final Span progress = new Span();
    private final Span paused = new Span("Your teacher paused training");
    /** What a challenge is scored on, as the bar says it ("500 images your network never sees"). */
    private final Function<Push, String> hiddenSplit;
    private Push push;
    /** The push the browser is asked to come back for (the latest wins). */
    private Push pending;
    private ClassEvents.Registration registration;

    /**
     * @param push        the session's current push, if any
     * @param result      the student's result on it, if any
     * @param hiddenSplit what a challenge is scored on (ChallengeScorer.hiddenSplitText)
     */
    public ClassBar(Classrooms classrooms, ClassEvents events, ClassSession session, Seat seat, Optional<Push> push,
                    Optional<Result> result, Page page, Function<Push, String> hiddenSplit) {
        this.classrooms = classrooms;
        this.hiddenSplit = hiddenSplit;
        this.events = events;
        this.seat = seat;
        this.page = page;
        setId("class-bar");
        addClassName("ll-class-bar");
        getElement().setAttribute("data-code", session.code());
        getElement().setAttribute("role", "region");
        getElement().setAttribute("aria-label", "Your class");

        Span code = new Span("Class " + formatCode(session.code()));
        code.addClassName("ll-class-code");
        // the name as text: whatever the student typed is shown, never interpreted
        Span name = new Span(seat.displayName());
        name.setId("class-bar-name");
        name.addClassName("ll-class-name");
        Div who = new Div(code, name);
        who.addClassName("ll-class-who");

        title.setId("class-bar-title");
        title.addClassName("ll-class-title");
        goal.setId("class-bar-goal");
        goal.addClassName("ll-class-goal");
        progress.setId("class-bar-progress");
        progress.addClassName("ll-class-progress");
        progress.getElement().setAttribute("aria-live", "polite");
        Div what = new Div(title, goal, progress);
        what.addClassName("ll-class-what");

        paused.setId("class-bar-paused");
        paused.addClassName("ll-class-paused");
        paused.getElement().setAttribute("role", "status");
        paused.setVisible(session.paused());

        Button leave = new Button("Leave", VaadinIcon.SIGN_OUT.create(), e -> leave());
        leave.setId("class-bar-leave");
        leave.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        leave.setTooltipText("Leave the class (your teacher keeps your results)");
        add(who, what, paused, leave);

        getElement().addEventListener(PUSH_EVENT, e -> {
            Push p = pending;
            pending = null;
            if (p != null) {
                page.pushed(p);
            }
        });
        showPush(push.orElse(null), result.orElse(null));
    }

    public long seatId() {
        return seat.id();
    }

    /** "ABCDEF" as it is read aloud: "ABC-DEF". */
    public static String formatCode(String code) {
        return code != null && code.length() == 6 ? code.substring(0, 3) + "-" + code.substring(3) : String.valueOf(code);
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        UI ui = attachEvent.getUI();
        closeRegistration();
        registration = events.listen(seat.sessionId(), event -> {
            try {
                ui.access(() -> on(event));
            } catch (UIDetachedException ignored) {
                // the page went meanwhile: its detach closes the listening
            }
        });
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        closeRegistration();
    }

    private void closeRegistration() {
        if (registration != null) {
            registration.close();
            registration = null;
        }
    }

    /** On the page's UI. */
    private void on(ClassEvent event) {
        if (registration == null) {
            return; // gone meanwhile (an event queued before Leave)
        }
        if (event instanceof ClassEvent.Pushed p) {
            showPush(p.push(), null);
            pending = p.push();
            // the browser comes back at once with a request, on which the page navigates
            getElement().executeJs("this.dispatchEvent(new CustomEvent($0))", PUSH_EVENT);
        } else if (event instanceof ClassEvent.Paused p) {
            paused.setVisible(p.paused());
        } else if (event instanceof ClassEvent.Scored s) {
            Result r = s.result();
            if (r.seatId() == seat.id() && push != null && push.isChallenge() && r.pushId() == push.id()) {
                showResult(r);
            }
        } else if (event instanceof ClassEvent.Removed r && r.seatId() == seat.id()) {
            gone("You were removed from the class.");
        } else if (event instanceof ClassEvent.Left l && l.seat().id() == seat.id()) {
            // Leave in another window, or a class joined there: this page is out of the class too
            gone("You left the class " + formatCode(getElement().getAttribute("data-code")) + ".");
        } else if (event instanceof ClassEvent.Ended) {
            gone("Your teacher ended the class.");
        }
    }

    private void leave() {
        classrooms.leave(seat.ownerKey());
        gone("You left the class " + formatCode(getElement().getAttribute("data-code")) + ".");
    }

    private void gone(String notice) {
        closeRegistration();
        removeFromParent();
        page.left(notice);
    }

    private void showPush(Push p, Result result) {
        push = p;
        title.setText(p == null ? "Waiting for your teacher to push an experiment"
                : (p.isChallenge() ? "Challenge: " : "Now: ") + p.title()
                + (p.sharedFrom() == null ? "" : " (shared from " + p.sharedFrom() + ")"));
        Challenge challenge = p == null ? null : p.challenge();
        goal.setVisible(challenge != null);
        progress.setVisible(challenge != null);
        if (challenge == null) {
            goal.setText("");
            progress.setText("");
            progress.getElement().removeAttribute("data-reached");
            return;
        }
        // the push's lab's controls, in the order its form lists them
        String free = (p.page() == com.layerlab.app.store.Page.CNN ? ControlLocks.CNN : ControlLocks.PLAYGROUND).stream()
                .filter(challenge.unlocked()::contains)
                .map(ControlLocks.Control::label).collect(Collectors.joining(", "));
        goal.setText("Goal: " + challenge.goal().text() + ". You may change: " + (free.isEmpty() ? "nothing" : free) + ".");
        if (result == null) {
            progress.setText("Not scored yet: train to see your score on " + scoredOn(p) + ".");
            progress.getElement().setAttribute("data-reached", "false");
        } else {
            showResult(result);
        }
    }

    /** What {@code p} is scored on; "the hidden test set" when that cannot be said. */
    private String scoredOn(Push p) {
        try {
            return hiddenSplit.apply(p);
        } catch (RuntimeException e) {
            return "the hidden test set"; // the bar still shows: the score is the server's either way
        }
    }

    private void showResult(Result r) {
        Challenge.Goal g = push.challenge().goal();
        String best = g.metric() == Challenge.Metric.TEST_LOSS
                ? "best test loss " + String.format(Locale.ROOT, "%.4f", r.best())
                : "best test accuracy " + String.format(Locale.ROOT, "%.1f %%", r.best() * 100);
        progress.setText(r.reached() ? "Goal reached at epoch " + r.epoch() + " (" + best + ")"
                : "Your " + best + " (epoch " + r.epoch() + ")");
        progress.getElement().setAttribute("data-reached", String.valueOf(r.reached()));
        progress.setClassName("ll-reached", r.reached());
    }
}
