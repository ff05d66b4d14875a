package com.layerlab.app.ui.playground;

import com.layerlab.app.store.Page;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.ui.classroom.StudentClass;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the playground tells the learner in notifications: a link it could not read, a fork it opened,
 * why the run waits for the server (for as long as it waits), and why the run ended (once).
 */
final class PlaygroundNotices {

    private Notification waiting;
    private String lastEnd;

    /** What a navigation has to say once the page shows it, in this order. */
    enum Later { LOCK, LINK, BACKEND, FORK }

    private final Map<Later, String> later = new EnumMap<>(Later.class);

    /** Says {@code text} (nothing when null) when the page shows ({@link #sayLater}); link problems add up. */
    void later(Later kind, String text) {
        if (text != null) {
            later.merge(kind, text, (a, b) -> a + " " + b);
        }
    }

    void clearLater() {
        later.clear();
    }

    void sayLater() {
        later.forEach((kind, text) -> {
            switch (kind) {
                case LOCK -> locked(text);
                case LINK -> linkError(text);
                case BACKEND -> backendMissing(text);
                case FORK -> forked(text);
            }
        });
        later.clear();
    }

    /** A change of a control the class's challenge locks: which, and that it stays as the teacher set it. */
    void locked(String why) {
        StudentClass.sayLocked(why);
    }

    /** Out of the class (ended, removed, left): the page is the student's own again. */
    void classLeft(String notice) {
        StudentClass.sayLeft(notice, Page.PLAYGROUND);
    }

    /** A link that could not be read: why, until the learner closes it. */
    void linkError(String why) {
        Notification n = new Notification();
        n.addThemeVariants(NotificationVariant.LUMO_WARNING);
        n.setPosition(Notification.Position.TOP_CENTER);
        n.setDuration(12_000);
        Span text = new Span(why + " The playground opened with its default settings instead.");
        text.addClassName("ll-link-error");
        Button close = new Button(VaadinIcon.CLOSE_SMALL.create(), e -> n.close());
        close.addThemeVariants(ButtonVariant.LUMO_TERTIARY_INLINE);
        close.setAriaLabel("Close");
        Div row = new Div(text, close);
        row.addClassName("ll-notification-row");
        n.add(row);
        n.open();
    }

    /** What a fork starts from. */
    void forked(String note) {
        Notification.show(note, 6000, Notification.Position.BOTTOM_CENTER).setId("fork-note");
    }

    /** The link's backend is not on this server: where the run trains instead, and why. */
    void backendMissing(String note) {
        Notification n = Notification.show(note, 10_000, Notification.Position.TOP_CENTER);
        n.addThemeVariants(NotificationVariant.LUMO_WARNING);
        n.setId("backend-note");
    }

    /** A new run: it has not ended yet. */
    void newRun() {
        lastEnd = null;
    }

    /** The run's state: while the server has no room for it, why; when it has ended, why, once. */
    void show(RunStatus status) {
        showWaiting(status.state() == RunState.QUEUED ? status.message() : null);
        String end = !status.state().ended() ? null : switch (status.state()) {
            case FINISHED -> "Stopped at epoch " + status.epoch() + ", where this run stops. Play trains it again from "
                    + "epoch 0; a later stop epoch lets it go further.";
            case STOPPED, INTERRUPTED -> (status.message() == null ? "Stopped." : status.message())
                    + " Play trains it again from epoch 0.";
            default -> status.message();
        };
        if (end != null && !end.equals(lastEnd)) {
            Notification.show(end, 5000, Notification.Position.BOTTOM_CENTER).setId("run-ended");
        }
        lastEnd = end;
    }

    private void showWaiting(String why) {
        if (why == null) {
            if (waiting != null) {
                waiting.close();
                waiting = null;
            }
            return;
        }
        if (waiting == null) {
            waiting = new Notification();
            waiting.setId("play-waiting");
            waiting.addThemeVariants(NotificationVariant.LUMO_WARNING);
            waiting.setPosition(Notification.Position.BOTTOM_CENTER);
            waiting.setDuration(0);
            waiting.open();
        }
        waiting.setText(why);
    }
}
