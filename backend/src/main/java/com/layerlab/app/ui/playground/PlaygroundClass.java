package com.layerlab.app.ui.playground;

import com.layerlab.app.classroom.ClassEvents;
import com.layerlab.app.classroom.ClassSession;
import com.layerlab.app.classroom.Classrooms;
import com.layerlab.app.classroom.Push;
import com.layerlab.app.classroom.Result;
import com.layerlab.app.classroom.Seat;
import com.layerlab.app.lab.ControlLocks;
import com.layerlab.app.lab.ControlLocks.Control;
import com.layerlab.app.lab.ForkStart;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.StoreException;
import com.layerlab.app.ui.classroom.ClassBar;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.router.QueryParameters;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The playground in a class: whether its owner sits in one ({@link Classrooms#seatOf}), the student's
 * bar ({@link ClassBar}, in {@link #slot}), the experiment the teacher pushed, and a challenge's locks:
 * every setting the page applies goes through {@link #enforce}, whatever asked for it (a control, a link
 * of the student's own), so a locked control stays as the teacher pushed it.
 */
final class PlaygroundClass {

    private final Classrooms classrooms;
    private final ClassEvents events;
    private final ExperimentStore store;
    private final ClassBar.Page page;
    private final Div slot = new Div();
    private Seat seat;
    private Push push;
    /** The push's settings (what locked controls are held to), or null without a push. */
    private PlaygroundSettings pushed;

    /**
     * @param onPush what the page does with a push (on the browser's request)
     * @param onLeft what the page does once its owner is out of the class (the locks are gone), with the notice
     */
    PlaygroundClass(Classrooms classrooms, ClassEvents events, ExperimentStore store, Consumer<Push> onPush,
                    Consumer<String> onLeft) {
        this.classrooms = classrooms;
        this.events = events;
        this.store = store;
        this.page = new ClassBar.Page() {
            @Override
            public void pushed(Push push) {
                onPush.accept(push);
            }

            @Override
            public void left(String notice) {
                PlaygroundClass.this.left();
                onLeft.accept(notice);
            }
        };
        slot.addClassName("ll-class-slot");
    }

    /** Where the bar goes on the page. */
    Div slot() {
        return slot;
    }

    /**
     * Reads the owner's seat and the class's current push (on the request that opens the page) and shows
     * the bar, or none when they sit in no class.
     */
    void read(String ownerKey) {
        seat = classrooms.seatOf(ownerKey).filter(s -> !s.removed()).orElse(null);
        ClassSession session = seat == null ? null : classrooms.session(seat.sessionId()).orElse(null);
        slot.removeAll();
        if (session == null || session.ended()) {
            seat = null;
            setPush(null);
            return;
        }
        setPush(classrooms.currentPush(session.id()).orElse(null));
        Optional<Result> result = push == null ? Optional.empty() : classrooms.result(push.id(), seat.id());
        slot.add(new ClassBar(classrooms, events, session, seat, Optional.ofNullable(push), result, page));
    }

    /** The teacher pushed: it is the class's experiment from now on. */
    void setPush(Push p) {
        push = p;
        pushed = p == null ? null
                : ShareLinks.parsePlayground(QueryParameters.fromString(p.viewState()).getParameters()).value();
    }

    /** Out of the class: nothing is locked any more. */
    void left() {
        seat = null;
        setPush(null);
        slot.removeAll();
    }

    /** The push's link (its settings, and its saved experiment to fork when the student may see it). */
    Optional<String> pushLink(String ownerKey) {
        if (push == null) {
            return Optional.empty();
        }
        String link = push.viewState();
        if (push.experimentId() != null && visible(push.experimentId(), ownerKey)) {
            link += (link.isEmpty() ? "" : "&") + ForkStart.PARAMETER + "=" + push.experimentId();
        }
        return Optional.of(link);
    }

    /** A saved experiment is forked only when the student may see it (a public one, or their own). */
    private boolean visible(String id, String ownerKey) {
        try {
            return store.find(id, ownerKey).isPresent();
        } catch (StoreException e) {
            return false;
        }
    }

    /** The query a page opened without one shows: the class's experiment (else {@code query} itself). */
    Map<String, List<String>> orPush(Map<String, List<String>> query, String ownerKey) {
        return query.isEmpty() ? pushLink(ownerKey).map(l -> QueryParameters.fromString(l).getParameters()).orElse(query)
                : query;
    }

    /** The controls a student may not change now (none outside a challenge). */
    Set<Control> locked() {
        if (push == null || !push.isChallenge()) {
            return Set.of();
        }
        Set<Control> locked = EnumSet.allOf(Control.class);
        locked.removeAll(push.challenge().unlocked());
        return locked;
    }

    /**
     * {@code wanted} with the locked controls set back to the push's ({@link ControlLocks#enforce}); when
     * it changed a locked one, {@code notice} hears which.
     */
    PlaygroundSettings enforce(PlaygroundSettings wanted, Consumer<String> notice) {
        if (push == null || !push.isChallenge()) {
            return wanted;
        }
        Set<Control> unlocked = push.challenge().unlocked();
        ControlLocks.violated(unlocked, pushed, wanted).ifPresent(c -> notice.accept(c.label()
                + " is locked in this challenge: your teacher set it, you cannot change it."));
        return ControlLocks.enforce(unlocked, pushed, wanted);
    }
}
