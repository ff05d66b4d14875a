package com.layerlab.app.ui.classroom;

import com.layerlab.app.classroom.ChallengeScorer;
import com.layerlab.app.classroom.ClassEvents;
import com.layerlab.app.classroom.ClassSession;
import com.layerlab.app.classroom.Classrooms;
import com.layerlab.app.classroom.Push;
import com.layerlab.app.classroom.Result;
import com.layerlab.app.classroom.Seat;
import com.layerlab.app.lab.ControlLocks;
import com.layerlab.app.lab.ControlLocks.Control;
import com.layerlab.app.lab.ForkStart;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.Page;
import com.layerlab.app.store.StoreException;
import com.vaadin.flow.component.ComponentUtil;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.QueryParameters;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A lab's page (the playground, the CNN lab) in a class: whether its owner sits in one
 * ({@link Classrooms#seatOf}), the student's bar ({@link ClassBar}, in {@link #slot}), the experiment the
 * teacher pushed, and which of the lab's controls a challenge locks. The lab's own class
 * (PlaygroundClass, CnnClass) holds its settings to the push ({@link ControlLocks#enforce}).
 *
 * <p>A push opens live on whichever lab it is for ({@link Push#location}): a student on the playground
 * goes to the CNN lab on a CNN push and back on a playground push, without a reload. A page opened without
 * a link shows the class's current push, wherever it opens (a student who joins, or clicks the menu's
 * Playground while the class works on the CNN lab, lands on the CNN lab's push: what the class is doing now
 * is what a student in a class expects to see); a link of the student's own opens as it is, and locks hold
 * only on the push's own lab.
 */
public class StudentClass {

    /** The UI's note that its next navigation opens a push (the push's id): a page reached so starts anew. */
    private static final String OPENING_PUSH = "layerlab.class.opening-push";

    private final Classrooms classrooms;
    private final ClassEvents events;
    private final ChallengeScorer scorer;
    private final ExperimentStore store;
    private final Page lab;
    private final Div slot = new Div();
    private final ClassBar.Page barPage;
    private Seat seat;
    private Push push;
    private String ownerKey;
    private boolean openingPush;

    /**
     * @param lab    the lab of the page ({@link Page#PLAYGROUND} or {@link Page#CNN})
     * @param onLeft what the page does once its owner is out of the class (the locks are gone), with the notice
     */
    public StudentClass(Classrooms classrooms, ClassEvents events, ChallengeScorer scorer, ExperimentStore store, Page lab,
                        Consumer<String> onLeft) {
        if (lab != Page.PLAYGROUND && lab != Page.CNN) {
            throw new IllegalArgumentException("a class opens the playground or the CNN lab, not " + lab);
        }
        this.classrooms = classrooms;
        this.events = events;
        this.scorer = scorer;
        this.store = store;
        this.lab = lab;
        this.barPage = new ClassBar.Page() {
            @Override
            public void pushed(Push p) {
                open(p);
            }

            @Override
            public void left(String notice) {
                StudentClass.this.left();
                onLeft.accept(notice);
            }
        };
        slot.addClassName("ll-class-slot");
    }

    /** Where the bar goes on the page. */
    public Div slot() {
        return slot;
    }

    public Page lab() {
        return lab;
    }

    /**
     * On the request that opens the page: reads the owner's seat and the class's current push, shows the bar
     * (none outside a class), and says what the page opens: its link's query, or the current push's when it
     * has none. Empty when the page is not to show at all: the push is the other lab's, and {@code event}
     * forwards there.
     */
    public Optional<Map<String, List<String>>> enter(BeforeEnterEvent event, String ownerKey) {
        this.ownerKey = ownerKey;
        Object marked = ComponentUtil.getData(event.getUI(), OPENING_PUSH);
        ComponentUtil.setData(event.getUI(), OPENING_PUSH, null);
        read();
        openingPush = push != null && marked != null && marked.equals(push.id());
        Map<String, List<String>> query = event.getLocation().getQueryParameters().getParameters();
        if (!query.isEmpty() || push == null) {
            return Optional.of(query);
        }
        if (push.page() != lab) {
            String[] where = location(push);
            event.forwardTo(where[0], QueryParameters.fromString(where[1]));
            return Optional.empty();
        }
        return Optional.of(QueryParameters.fromString(location(push)[1]).getParameters());
    }

    /** Whether the page opens because the teacher pushed (known from {@link #enter}): it starts anew, whatever ran before. */
    public boolean openingPush() {
        return openingPush;
    }

    /** The seat and the push, and the bar, or none when the owner sits in no class. */
    private void read() {
        seat = classrooms.seatOf(ownerKey).filter(s -> !s.removed()).orElse(null);
        ClassSession session = seat == null ? null : classrooms.session(seat.sessionId()).orElse(null);
        slot.removeAll();
        if (session == null || session.ended()) {
            seat = null;
            push = null;
            return;
        }
        push = classrooms.currentPush(session.id()).orElse(null);
        Optional<Result> result = push == null ? Optional.empty() : classrooms.result(push.id(), seat.id());
        slot.add(new ClassBar(classrooms, events, session, seat, Optional.ofNullable(push), result, barPage,
                scorer::hiddenSplitText));
    }

    /** The teacher pushed {@code p} (on the browser's request): the page of its lab opens it, marked as a push's. */
    private void open(Push p) {
        push = p;
        UI ui = UI.getCurrent();
        if (ui == null) {
            return;
        }
        ComponentUtil.setData(ui, OPENING_PUSH, p.id());
        String[] where = location(p);
        ui.navigate(where[0], QueryParameters.fromString(where[1]));
    }

    /** Out of the class: nothing is locked any more. */
    private void left() {
        seat = null;
        push = null;
        slot.removeAll();
    }

    /** The class's current push, if the owner sits in a class and the teacher pushed. */
    public Optional<Push> push() {
        return Optional.ofNullable(push);
    }

    /** The push whose locks hold on this page: the current push, a challenge, of this page's lab. */
    public Optional<Push> challenge() {
        return push != null && push.isChallenge() && push.page() == lab ? Optional.of(push) : Optional.empty();
    }

    /** {@code p}'s route and query (with its saved experiment to fork when the student may see it). */
    private String[] location(Push p) {
        String location = p.location();
        int q = location.indexOf('?');
        String route = q < 0 ? location : location.substring(0, q);
        String query = q < 0 ? "" : location.substring(q + 1);
        if (p.experimentId() != null && visible(p.experimentId())) {
            query += (query.isEmpty() ? "" : "&") + ForkStart.PARAMETER + "=" + p.experimentId();
        }
        return new String[] {route, query};
    }

    /** A saved experiment is forked only when the student may see it (a public one, or their own). */
    private boolean visible(String id) {
        try {
            return store.find(id, ownerKey).isPresent();
        } catch (StoreException e) {
            return false;
        }
    }

    /** The controls of this page's lab a student may not change now (none outside a challenge of this lab), in the lab's order. */
    public Set<Control> locked() {
        Set<Control> locked = new LinkedHashSet<>();
        challenge().ifPresent(p -> {
            locked.addAll(lab == Page.CNN ? ControlLocks.CNN : ControlLocks.PLAYGROUND);
            locked.removeAll(p.challenge().unlocked());
        });
        return locked;
    }

    /** The challenge's unlocked controls (every one outside a challenge of this lab). */
    public Set<Control> unlocked() {
        return challenge().map(p -> p.challenge().unlocked()).orElse(Set.of(Control.values()));
    }

    /** What the page says of a change {@code c} refused. */
    public static String lockedText(Control c) {
        return c.label() + " is locked in this challenge: your teacher set it, you cannot change it.";
    }

    /** A change of a control the class's challenge locks: which, and that it stays as the teacher set it. */
    public static void sayLocked(String why) {
        note("class-locked-note", why, 6000).addThemeVariants(NotificationVariant.LUMO_CONTRAST);
    }

    /** Out of the class (ended, removed, left): the page ({@code lab}) is the student's own again. */
    public static void sayLeft(String notice, Page lab) {
        note("class-left-note", notice + " The " + (lab == Page.CNN ? "CNN lab" : "playground")
                + " is yours again: nothing is locked.", 8000);
    }

    /** A class's notice at the top, its text in an element of id {@code id} (the card is the overlay's). */
    private static Notification note(String id, String text, int ms) {
        Span span = new Span(text);
        span.setId(id);
        Notification n = new Notification(span);
        n.setDuration(ms);
        n.setPosition(Notification.Position.TOP_CENTER);
        n.open();
        return n;
    }
}
