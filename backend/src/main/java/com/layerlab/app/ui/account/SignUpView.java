package com.layerlab.app.ui.account;

import com.layerlab.app.account.AccountRules;
import com.layerlab.app.account.Accounts;
import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.account.SecurityConfig;
import com.layerlab.app.account.SessionSignIn;
import com.layerlab.app.account.SignInTarget;
import com.layerlab.app.ui.MainLayout;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.Text;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.Autocomplete;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;

/** Create an account (while registration is open) and be signed in with it; the rules are {@link AccountRules}'. */
@Route(value = SecurityConfig.SIGN_UP_PATH, layout = MainLayout.class)
@PageTitle("Create an account | LayerLab")
@AnonymousAllowed
public class SignUpView extends Div implements BeforeEnterObserver {

    private final CurrentOwner owner;
    private final Anchor signInLink = new Anchor(SecurityConfig.SIGN_IN_PATH, "Sign in");
    /** Where the page returns to once signed in: the page its link came from ({@link SignInTarget}). */
    private String target = SignInTarget.HOME;

    public SignUpView(SessionSignIn signIn, Accounts accounts, CurrentOwner owner) {
        this.owner = owner;
        addClassName("ll-account-page");
        Div card = AccountForm.card("signup-card");
        card.add(new H1("Create an account"));
        if (!accounts.registrationOpen()) {
            Paragraph closed = new Paragraph("Registration is closed on this server: ask its administrator for an account.");
            closed.setId("signup-closed");
            card.add(closed);
            add(card);
            return;
        }
        TextField username = new TextField("User name");
        username.setId("signup-username");
        username.setHelperText(AccountRules.USERNAME_HINT);
        username.setAutocomplete(Autocomplete.USERNAME);
        username.setAutofocus(true);
        PasswordField password = new PasswordField("Password");
        password.setId("signup-password");
        password.setHelperText(AccountRules.PASSWORD_HINT);
        password.setAutocomplete(Autocomplete.NEW_PASSWORD);
        Div error = AccountForm.errorLine("signup-error");
        Button submit = new Button("Create account");
        submit.setId("signup-submit");
        submit.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        submit.addClickShortcut(Key.ENTER);
        submit.addClickListener(e -> AccountForm.submit(
                (request, response) -> signIn.signUp(username.getValue(), password.getValue(), request, response), error, target));
        Paragraph keep = new Paragraph("What you saved in this browser without an account becomes yours.");
        keep.addClassName("ll-hint");
        signInLink.setId("signup-signin");
        card.add(username, password, keep, error, submit, new Paragraph(new Text("Have an account? "), signInLink));
        add(card);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        if (owner.username().isPresent()) {
            event.forwardTo(SecurityConfig.ACCOUNT_PATH);
            return;
        }
        target = SignInTarget.of(event.getLocation().getQueryParameters().getParameters());
        signInLink.setHref(SignInTarget.link(SecurityConfig.SIGN_IN_PATH, target));
    }
}
