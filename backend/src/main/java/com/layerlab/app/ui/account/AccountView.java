package com.layerlab.app.ui.account;

import com.layerlab.app.account.AccountRefused;
import com.layerlab.app.account.Accounts;
import com.layerlab.app.account.ApiToken;
import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.account.SecurityConfig;
import com.layerlab.app.ui.MainLayout;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.PermitAll;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The signed-in user's page: who they are, their personal API tokens (create, shown once; revoke), sign out;
 * for an admin, the teachers (grant and revoke the role: {@link TeachersSection}).
 */
@Route(value = SecurityConfig.ACCOUNT_PATH, layout = MainLayout.class)
@PageTitle("Account | LayerLab")
@PermitAll
public class AccountView extends Div {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final Accounts accounts;
    private final String username;
    private final Grid<ApiToken> tokens = new Grid<>();

    public AccountView(Accounts accounts, CurrentOwner owner, AuthenticationContext authentication) {
        this.accounts = accounts;
        // @PermitAll: only a signed-in user reaches this page
        this.username = owner.username().orElseThrow();
        addClassName("ll-account-page");

        H1 title = new H1(username);
        title.setId("account-name");
        Div head = new Div(title);
        head.addClassName("ll-account-head");
        if (owner.isAdmin()) {
            Span admin = new Span("Administrator");
            admin.setId("account-admin");
            admin.getElement().getThemeList().add("badge contrast");
            head.add(admin);
        }
        if (owner.isTeacher()) {
            Span teacher = new Span("Teacher");
            teacher.setId("account-teacher");
            teacher.getElement().getThemeList().add("badge");
            head.add(teacher);
        }
        Button signOut = new Button("Sign out", e -> authentication.logout());
        signOut.setId("account-signout");
        Div profile = new Div(head, signOut);
        profile.addClassNames("ll-panel", "ll-account-section", "ll-account-profile");

        add(profile, tokenSection());
        if (owner.isAdmin()) {
            add(new TeachersSection(accounts, owner));
        }
        refresh();
    }

    private Div tokenSection() {
        Paragraph about = new Paragraph("A script signs in to the REST API (/api) with a personal token in the header "
                + "\"Authorization: Bearer <token>\". A token is shown once, when it is created; revoke one that you no longer use "
                + "or that may have leaked.");
        about.addClassName("ll-hint");

        TextField name = new TextField("Name of a new token");
        name.setId("account-token-name");
        name.setPlaceholder("for instance: training script");
        Button create = new Button("Create token");
        create.setId("account-token-create");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Div createRow = new Div(name, create);
        createRow.addClassName("ll-account-row");
        Div error = AccountForm.errorLine("account-token-error");

        TextField value = new TextField("Your new token");
        value.setHelperText("Copy it now: it will not be shown again.");
        value.setId("account-token-value");
        value.setReadOnly(true);
        value.addClassName("ll-token-value");
        value.setVisible(false);

        create.addClickListener(e -> {
            try {
                Accounts.NewToken made = accounts.createToken(username, name.getValue());
                value.setValue(made.value());
                value.setVisible(true);
                name.clear();
                error.setVisible(false);
                refresh();
            } catch (AccountRefused refused) {
                error.setText(refused.getMessage());
                error.setVisible(true);
            }
        });

        tokens.setId("account-tokens");
        tokens.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_NO_BORDER);
        tokens.addColumn(ApiToken::name).setHeader("Name").setFlexGrow(2);
        tokens.addColumn(ApiToken::hint).setHeader("Token").setAutoWidth(true).setFlexGrow(0);
        tokens.addColumn(t -> WHEN.format(t.createdAt())).setHeader("Created").setAutoWidth(true).setFlexGrow(0);
        tokens.addColumn(t -> when(t.lastUsedAt())).setHeader("Last used").setAutoWidth(true).setFlexGrow(0);
        tokens.addComponentColumn(t -> {
            Button revoke = new Button("Revoke", e -> {
                accounts.revokeToken(username, t.id());
                refresh();
            });
            revoke.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
            return revoke;
        }).setAutoWidth(true).setFlexGrow(0);
        tokens.setAllRowsVisible(true);
        tokens.setEmptyStateText("No tokens yet.");

        Div section = new Div(new H2("Personal API tokens"), about, createRow, error, value, tokens);
        section.setId("account-token-section");
        section.addClassNames("ll-panel", "ll-account-section");
        return section;
    }

    private static String when(Instant at) {
        return at == null ? "never" : WHEN.format(at);
    }

    private void refresh() {
        tokens.setItems(accounts.tokens(username));
    }
}
