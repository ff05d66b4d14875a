package com.layerlab.app.ui.account;

import com.layerlab.app.account.Account;
import com.layerlab.app.account.AccountRefused;
import com.layerlab.app.account.Accounts;
import com.layerlab.app.account.CurrentOwner;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.textfield.TextField;
import java.util.List;

/**
 * The Account page's "Teachers" section, for admins: grant the teacher role (class sessions, /teach) by
 * user name, and revoke it. A grant applies at once to what the server allows (Classrooms asks
 * {@link Accounts#isTeacher}); the menu's "Teach" follows at the user's next sign-in. Every action checks
 * again that the one asking is an admin, whatever the page shows.
 */
final class TeachersSection extends Div {

    private final Accounts accounts;
    private final CurrentOwner owner;
    private final Div list = new Div();
    private final Div error = AccountForm.errorLine("teacher-error");
    private final Div done = new Div();

    TeachersSection(Accounts accounts, CurrentOwner owner) {
        this.accounts = accounts;
        this.owner = owner;
        setId("account-teacher-section");
        addClassNames("ll-panel", "ll-account-section");

        Paragraph about = new Paragraph("Teachers run class sessions (Teach): students join with a code, and the teacher "
                + "pushes experiments and challenges and watches the class train. Grant the role by user name; "
                + "revoking it stops the user's teacher actions at once.");
        about.addClassName("ll-hint");

        TextField name = new TextField("User name");
        name.setId("teacher-username");
        name.setPlaceholder("for instance: ana");
        Button grant = new Button("Grant", e -> grant(name));
        grant.setId("teacher-grant");
        grant.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Div row = new Div(name, grant);
        row.addClassName("ll-account-row");

        done.setId("teacher-message");
        done.addClassName("ll-hint");
        done.getElement().setAttribute("role", "status");
        done.setVisible(false);

        list.setId("teacher-list");
        list.addClassName("ll-teacher-list");

        List<String> configured = accounts.configuredTeachers();
        Paragraph byConfiguration = new Paragraph(configured.isEmpty()
                ? "Admins are teachers too."
                : "Teachers by the server's configuration (layerlab.teacher.usernames) and as admins, not revocable here: "
                        + String.join(", ", configured) + ".");
        byConfiguration.setId("teacher-configured");
        byConfiguration.addClassName("ll-hint");

        add(new H2("Teachers"), about, row, error, done, list, byConfiguration);
        refresh();
    }

    private void grant(TextField name) {
        if (!owner.isAdmin()) {
            fail("Only an admin can grant the teacher role.");
            return;
        }
        try {
            Account account = accounts.setTeacher(name.getValue(), true);
            name.clear();
            succeed(account.username() + " is a teacher now (the Teach menu appears at their next sign-in).");
        } catch (AccountRefused refused) {
            fail(refused.getMessage());
        }
        refresh();
    }

    private void revoke(String username) {
        if (!owner.isAdmin()) {
            fail("Only an admin can revoke the teacher role.");
            return;
        }
        try {
            accounts.setTeacher(username, false);
            succeed(accounts.teacherByConfiguration(username)
                    ? "Revoked the grant; " + username + " stays a teacher by the server's configuration."
                    : username + " is no longer a teacher.");
        } catch (AccountRefused refused) {
            fail(refused.getMessage());
        }
        refresh();
    }

    private void succeed(String message) {
        error.setVisible(false);
        done.setText(message);
        done.setVisible(true);
    }

    private void fail(String message) {
        done.setVisible(false);
        error.setText(message);
        error.setVisible(true);
    }

    private void refresh() {
        list.removeAll();
        List<Account> teachers = accounts.teachers();
        if (teachers.isEmpty()) {
            Span none = new Span("No teachers granted yet.");
            none.addClassName("ll-hint");
            list.add(none);
        }
        for (Account teacher : teachers) {
            // Vaadin text: a user name is never read as HTML
            Span name = new Span(teacher.username());
            name.addClassName("teacher-name");
            Button revoke = new Button("Revoke", e -> revoke(teacher.username()));
            revoke.addClassName("teacher-revoke");
            revoke.getElement().setAttribute("aria-label", "Revoke the teacher role of " + teacher.username());
            revoke.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
            Div row = new Div(name, revoke);
            row.addClassNames("teacher-row", "ll-account-row");
            row.getStyle().set("align-items", "center");
            row.getElement().setAttribute("data-username", teacher.username());
            list.add(row);
        }
    }
}
