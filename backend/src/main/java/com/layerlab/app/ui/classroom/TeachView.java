package com.layerlab.app.ui.classroom;

import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.classroom.ClassRefused;
import com.layerlab.app.classroom.ClassSession;
import com.layerlab.app.classroom.Classrooms;
import com.layerlab.app.classroom.Seat;
import com.layerlab.app.ui.MainLayout;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dependency.CssImport;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import java.util.List;
import java.util.Optional;

/**
 * "Teach": a teacher starts a class session (a title; the join code comes from the server) and finds
 * their sessions again, newest first, each leading to its dashboard. Open to everyone as a route, so
 * that a visitor who may not teach is told why and what to do instead; {@link Classrooms} refuses a
 * non-teacher's actions on the server whatever this page shows.
 */
@AnonymousAllowed
@Route(value = "teach", layout = MainLayout.class)
@PageTitle("LayerLab · Teach")
@CssImport("./components/class-teacher.css")
public class TeachView extends Div implements BeforeEnterObserver {

    static final int TITLE_MAX = Classrooms.TITLE_MAX;

    private final Classrooms classrooms;
    private final CurrentOwner owner;
    private final TextField title = new TextField("Title");
    private final Div list = new Div();

    public TeachView(Classrooms classrooms, CurrentOwner owner) {
        this.classrooms = classrooms;
        this.owner = owner;
        setId("teach");
        addClassName("ll-teach");
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        removeAll();
        Optional<String> teacher = ClassPages.teacher(owner);
        if (teacher.isEmpty()) {
            add(ClassPages.refusal(owner));
            return;
        }
        Div page = new Div();
        page.addClassName("ll-store-page");
        Paragraph about = new Paragraph("Start a session for a lesson: your students join with its code or its QR code, "
                + "without an account. On its dashboard you watch every student train, push experiments and "
                + "challenges to all of them, pause everyone, and download the results.");
        about.addClassName("ll-hint");
        page.add(new H1("Teach a class"), about, createForm(teacher.get()), new H2("Your sessions"), list);
        list.setId("class-list");
        list.addClassName("ll-class-list");
        add(page);
        refresh(teacher.get());
    }

    private Div createForm(String teacher) {
        title.setId("class-title");
        title.setPlaceholder("e.g. Year 10 — decision boundaries");
        title.setMaxLength(TITLE_MAX);
        title.setWidth("420px");
        title.setClearButtonVisible(true);
        Button create = new Button("Start a session", VaadinIcon.PLUS.create(), e -> create(teacher));
        create.setId("class-create");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        title.addKeyDownListener(com.vaadin.flow.component.Key.ENTER, e -> create(teacher));
        Div form = new Div(title, create);
        form.addClassName("ll-class-create");
        return form;
    }

    private void create(String teacher) {
        String t = title.getValue() == null ? "" : title.getValue().trim();
        // an empty title is the server's "Class of <date>"
        if (t.length() > TITLE_MAX) {
            title.setInvalid(true);
            title.setErrorMessage("Title: at most " + TITLE_MAX + " characters.");
            return;
        }
        try {
            ClassSession s = classrooms.create(teacher, t);
            title.setInvalid(false);
            getUI().ifPresent(ui -> ui.navigate("teach/" + s.code()));
        } catch (ClassRefused refused) {
            title.setInvalid(true);
            title.setErrorMessage(refused.getMessage());
        }
    }

    private void refresh(String teacher) {
        list.removeAll();
        List<ClassSession> sessions = classrooms.sessionsOf(teacher);
        if (sessions.isEmpty()) {
            Paragraph none = new Paragraph("No sessions yet: start one above.");
            none.setId("class-list-empty");
            none.addClassName("ll-hint");
            list.add(none);
            return;
        }
        for (ClassSession s : sessions) {
            list.add(row(s));
        }
    }

    private Div row(ClassSession s) {
        long students = present(classrooms.seats(s.id()));
        Anchor code = new Anchor("teach/" + s.code(), ClassPages.display(s.code()));
        code.getElement().setAttribute("router-link", true);
        code.addClassName("ll-class-row-code");
        Span name = new Span(s.title()); // a title is text, never HTML
        name.addClassName("ll-class-row-title");
        Span created = new Span(ClassPages.when(s.createdAt()));
        created.addClassName("ll-class-row-created");
        Span count = new Span(students + (students == 1 ? " student" : " students"));
        count.addClassName("ll-class-row-students");
        Span state = stateBadge(s);
        Div row = new Div(code, name, created, count, state);
        row.addClassName("class-row");
        row.addClassName("ll-class-row");
        row.getElement().setAttribute("data-code", s.code());
        return row;
    }

    /** "open", "locked" or "ended", as a badge (the dashboard shows the same). */
    static Span stateBadge(ClassSession s) {
        String state = s.ended() ? "ended" : s.locked() ? "locked" : "open";
        Span badge = new Span(state);
        badge.addClassName("ll-class-state");
        badge.getElement().setAttribute("data-state", state);
        return badge;
    }

    /** Seats still in the session (removed students left out). */
    static long present(List<Seat> seats) {
        return seats.stream().filter(seat -> !seat.removed()).count();
    }
}
