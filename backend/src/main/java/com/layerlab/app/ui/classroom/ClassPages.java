package com.layerlab.app.ui.classroom;

import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.account.SignInTarget;
import com.layerlab.app.classroom.JoinCodes;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.server.VaadinServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/** What the teacher's pages share: the join code as it is read aloud, the join link, and the refusal of a non-teacher. */
final class ClassPages {

    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm", Locale.ENGLISH)
            .withZone(ZoneId.systemDefault());

    private ClassPages() {
    }

    /** "ABCDEF" as the projector shows it: "ABC-DEF" (two halves are easier to read aloud and to type). */
    static String display(String code) {
        return JoinCodes.format(code);
    }

    /** A code from an address or a typed one: upper case, without dashes or spaces. */
    static String normalize(String code) {
        return JoinCodes.normalize(code);
    }

    static String when(Instant at) {
        return at == null ? "" : WHEN.format(at);
    }

    /**
     * The join link students open: {@code <scheme>://<host>[:port]<context>/join/ABCDEF}, with the address
     * the teacher's browser used (the projector's audience reaches the server the same way).
     */
    static String joinLink(String code) {
        return baseUrl() + "/join/" + code;
    }

    /** The server's address as the current request reached it, without a trailing slash ("" outside a request). */
    static String baseUrl() {
        VaadinServletRequest current = VaadinServletRequest.getCurrent();
        if (current == null) {
            return "";
        }
        HttpServletRequest r = current.getHttpServletRequest();
        String scheme = r.getScheme();
        int port = r.getServerPort();
        boolean defaultPort = port <= 0 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
        return scheme + "://" + r.getServerName() + (defaultPort ? "" : ":" + port) + r.getContextPath();
    }

    /**
     * The teacher's username when the caller may teach, else empty. The pages refuse early for a clear
     * message; {@code Classrooms} checks again on every action, whatever the page shows.
     */
    static Optional<String> teacher(CurrentOwner owner) {
        return owner.username().filter(u -> owner.isTeacher());
    }

    /** The page a visitor who may not teach sees instead: who may, and how to become one. */
    static Div refusal(CurrentOwner owner) {
        Div d = new Div();
        d.setId("class-refused");
        d.addClassName("ll-store-page");
        d.addClassName("ll-class-refused");
        Paragraph why;
        if (owner.username().isEmpty()) {
            why = new Paragraph("Teaching a class needs an account with the teacher role. Sign in as a teacher to start "
                    + "a session. Joining a class as a student needs no account: open the join link or type the code on ");
            why.add(new Anchor("join", "Join a class"));
            why.add(".");
            Anchor signIn = new Anchor(SignInTarget.link("signin", "/teach"), "Sign in");
            signIn.setId("class-refused-signin");
            signIn.addClassName("ll-class-refused-signin");
            d.add(new H1("Teach a class"), why, signIn);
        } else {
            why = new Paragraph("Your account, " + owner.username().get() + ", does not have the teacher role. "
                    + "Ask an administrator of this LayerLab to make you a teacher (Account page, Teachers). "
                    + "To take part in a class as a student, use ");
            why.add(new Anchor("join", "Join a class"));
            why.add(".");
            d.add(new H1("Teach a class"), why);
        }
        return d;
    }

    /** A page's message when the session cannot be shown (another teacher's, no such code). */
    static Div problem(String message) {
        Div d = new Div();
        d.setId("class-problem");
        d.addClassName("ll-store-page");
        Paragraph p = new Paragraph(message);
        p.addClassName("ll-error");
        Anchor back = new Anchor("teach", "Your class sessions");
        back.getElement().setAttribute("router-link", true);
        d.add(new H1("Class session"), p, back);
        return d;
    }

    /** Runs {@code task} on the page of {@code ui} (from the board's or an event's thread); nothing once it closed, whose detach ends its watches. */
    static void access(UI ui, Runnable task) {
        try {
            ui.access(task::run);
        } catch (UIDetachedException gone) {
            // the page closed meanwhile
        }
    }
}
