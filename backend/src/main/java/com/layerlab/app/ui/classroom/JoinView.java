package com.layerlab.app.ui.classroom;

import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.classroom.ClassRefused;
import com.layerlab.app.classroom.ClassSession;
import com.layerlab.app.classroom.Classrooms;
import com.layerlab.app.classroom.Seat;
import com.layerlab.app.ui.MainLayout;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dependency.CssImport;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import java.util.Optional;

/**
 * Where a student joins a class: the code their teacher reads out (or the QR code's link,
 * {@code /join/ABCDEF}, which fills it in) and the name the class sees, no account needed. The seat is
 * the browser's ({@link CurrentOwner#key}), so a reload or a restarted browser keeps it. Joined, the
 * student lands on the playground with what the teacher pushed. Every rule (wrong or locked code, too
 * many tries, the name) is {@link Classrooms#join}'s; the page shows its message.
 */
@AnonymousAllowed
@Route(value = "join/:code?", layout = MainLayout.class)
@PageTitle("LayerLab · Join a class")
@CssImport("./components/class-student.css")
public class JoinView extends Div implements BeforeEnterObserver {

    private final Classrooms classrooms;
    private final CurrentOwner owner;
    private final TextField code = new TextField("Class code");
    private final TextField name = new TextField("Your name");
    private final Button submit = new Button("Join");
    private final Span error = new Span();
    private final Div form = new Div();
    private final Div seated = new Div();

    public JoinView(Classrooms classrooms, CurrentOwner owner) {
        this.classrooms = classrooms;
        this.owner = owner;
        addClassName("ll-join");
        H1 title = new H1("Join a class");
        title.addClassName("ll-join-title");
        Paragraph intro = new Paragraph("Type the code your teacher shows, and the name your class will see. "
                + "No account needed: this browser keeps your place.");
        intro.addClassName("ll-hint");

        code.setId("join-code");
        code.setPlaceholder("ABC-DEF");
        code.setMaxLength(20);
        code.setAutofocus(true);
        code.addClassName("ll-join-code");
        code.getElement().setAttribute("autocapitalize", "characters");
        code.getElement().setAttribute("autocomplete", "off");
        code.getElement().setAttribute("spellcheck", "false");
        name.setId("join-name");
        name.setMaxLength(Classrooms.NAME_MAX);
        name.setHelperText("At most " + Classrooms.NAME_MAX + " characters; your teacher and class see it.");
        name.getElement().setAttribute("autocomplete", "nickname");
        submit.setId("join-submit");
        submit.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        submit.addClickListener(e -> join());
        submit.addClickShortcut(Key.ENTER);
        error.setId("join-error");
        error.addClassName("ll-join-error");
        error.getElement().setAttribute("role", "alert");
        error.setVisible(false);
        form.addClassName("ll-join-form");
        form.add(intro, code, name, submit, error);

        seated.addClassName("ll-join-seated");
        seated.setId("join-seated");
        seated.setVisible(false);
        Div card = new Div(title, seated, form);
        card.addClassName("ll-join-card");
        add(card);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        Optional<String> fromLink = event.getRouteParameters().get("code");
        fromLink.ifPresent(c -> code.setValue(ClassBar.formatCode(c.trim().toUpperCase())));
        Optional<Seat> seat = classrooms.seatOf(owner.key()).filter(s -> !s.removed());
        Optional<ClassSession> session = seat.flatMap(s -> classrooms.session(s.sessionId()));
        seated.removeAll();
        seated.setVisible(session.isPresent());
        if (session.isPresent()) {
            String sessionCode = session.get().code();
            Span where = new Span("You are in class " + ClassBar.formatCode(sessionCode) + " as ");
            // the name as text, whatever it holds
            Span who = new Span(seat.get().displayName());
            who.setId("join-seated-name");
            who.addClassName("ll-class-name");
            Anchor back = new Anchor("", "Back to the playground");
            back.setId("join-back");
            back.getElement().setAttribute("router-link", true);
            seated.add(new Paragraph(where, who), back);
            // another class's code (a new link) may still be joined: it takes the place of this one
            boolean other = fromLink.map(c -> !normalise(c).equals(sessionCode)).orElse(false);
            form.setVisible(other);
        } else {
            form.setVisible(true);
            if (name.isEmpty()) {
                name.focus();
            }
        }
    }

    /** The code as the service keeps it: upper case, without dashes or spaces. */
    private static String normalise(String typed) {
        return typed.replaceAll("[\\s-]", "").toUpperCase();
    }

    private void join() {
        VaadinRequest request = VaadinRequest.getCurrent();
        String address = request == null ? "unknown" : request.getRemoteAddr();
        Seat seat;
        try {
            seat = classrooms.join(code.getValue(), name.getValue(), owner.key(), address);
        } catch (ClassRefused refused) {
            error.setText(refused.getMessage());
            error.setVisible(true);
            return;
        }
        error.setVisible(false);
        // the playground opened without a link shows the class's current push (with its fork, when the
        // student may see the saved experiment), or its defaults before the teacher pushed anything
        getUI().ifPresent(ui -> ui.navigate(""));
    }
}
