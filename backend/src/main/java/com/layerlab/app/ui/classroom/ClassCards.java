package com.layerlab.app.ui.classroom;

import com.layerlab.app.classroom.Challenge;
import com.layerlab.app.classroom.ClassBoard;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The grid of student cards. A board tick updates the cards in place: a card is made when its student
 * first appears and dropped when they leave the board (removed); the grid's children are only
 * rearranged when the set or the order of students changed, so a tick of thirty training students
 * sends thirty small updates, not thirty new cards.
 */
class ClassCards extends Div {

    private final Map<Long, ClassCard> cards = new HashMap<>();
    private final Paragraph empty = new Paragraph("No students yet: they join with the code or the QR code above.");
    private final ClassCard.Actions actions;
    private boolean readOnly;
    /** Board updates shown so far: {@code data-tick}, what the class load test times the dashboard by. */
    private long ticks;

    ClassCards(ClassCard.Actions actions) {
        this.actions = actions;
        setId("class-cards");
        addClassName("ll-class-cards");
        empty.setId("class-cards-empty");
        empty.addClassName("ll-hint");
        empty.addClassName("ll-class-cards-empty");
        add(empty);
    }

    void setReadOnly(boolean on) {
        readOnly = on;
        cards.values().forEach(c -> c.setReadOnly(on));
    }

    /** The board's cards now, in its order (joining order). */
    void show(List<ClassBoard.Card> board, Challenge.Metric metric) {
        getElement().setAttribute("data-tick", String.valueOf(++ticks));
        List<ClassCard> wanted = new ArrayList<>(board.size());
        Map<Long, ClassCard> kept = new HashMap<>();
        for (ClassBoard.Card c : board) {
            ClassCard card = cards.get(c.seat().id());
            if (card == null) {
                card = new ClassCard(c, metric, actions);
                card.setReadOnly(readOnly);
            } else {
                card.update(c, metric);
            }
            wanted.add(card);
            kept.put(c.seat().id(), card);
        }
        cards.clear();
        cards.putAll(kept);
        List<Component> now = getChildren().toList();
        List<Component> target = wanted.isEmpty() ? List.of(empty) : List.copyOf(wanted);
        if (now.equals(target)) {
            return;
        }
        if (!wanted.isEmpty() && now.size() < target.size() && target.subList(0, now.size()).equals(now)) {
            // students who just joined: appended, the cards there already stay where they are
            target.subList(now.size(), target.size()).forEach(this::add);
        } else {
            removeAll();
            target.forEach(this::add);
        }
    }

    int size() {
        return cards.size();
    }
}
