package com.layerlab.app.ui.account;

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

/** Sign in with a user name and a password; the checks and the messages are {@link SessionSignIn}'s. */
@Route(value = SecurityConfig.SIGN_IN_PATH, layout = MainLayout.class)
@PageTitle("Sign in | LayerLab")
@AnonymousAllowed
public class SignInView extends Div implements BeforeEnterObserver {

    private final CurrentOwner owner;
    private final Anchor signUp = new Anchor(SecurityConfig.SIGN_UP_PATH, "Create an account");
    /** Where the page returns to once signed in: the page its link came from ({@link SignInTarget}). */
    private String target = SignInTarget.HOME;

    public SignInView(SessionSignIn signIn, Accounts accounts, CurrentOwner owner) {
        this.owner = owner;
        addClassName("ll-account-page");
        TextField username = new TextField("User name");
        username.setId("signin-username");
        username.setAutocomplete(Autocomplete.USERNAME);
        username.setAutofocus(true);
        PasswordField password = new PasswordField("Password");
        password.setId("signin-password");
        password.setAutocomplete(Autocomplete.CURRENT_PASSWORD);
        Div error = AccountForm.errorLine("signin-error");
        Button submit = new Button("Sign in");
        submit.setId("signin-submit");
        submit.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        submit.addClickShortcut(Key.ENTER);
        submit.addClickListener(e -> AccountForm.submit(
                (request, response) -> signIn.signIn(username.getValue(), password.getValue(), request, response), error, target));

        Div card = AccountForm.card("signin-card");
        card.add(new H1("Sign in"), username, password, error, submit);
        if (accounts.registrationOpen()) {
            signUp.setId("signin-signup");
            card.add(new Paragraph(new Text("No account yet? "), signUp));
        }
        add(card);
    }

    /** Signed in already: the account page is what this address can still offer. */
    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        if (owner.username().isPresent()) {
            event.forwardTo(SecurityConfig.ACCOUNT_PATH);
            return;
        }
        target = SignInTarget.of(event.getLocation().getQueryParameters().getParameters());
        signUp.setHref(SignInTarget.link(SecurityConfig.SIGN_UP_PATH, target));
    }
}
