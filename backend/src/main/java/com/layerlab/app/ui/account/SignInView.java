package com.layerlab.app.ui.account;

import com.layerlab.app.account.Accounts;
import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.account.SecurityConfig;
import com.layerlab.app.account.SessionSignIn;
import com.layerlab.app.ui.MainLayout;
import com.vaadin.flow.component.Text;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.Autocomplete;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;

/** Sign in with a user name and a password; the checks and the messages are {@link SessionSignIn}'s. */
@Route(value = SecurityConfig.SIGN_IN_PATH, layout = MainLayout.class)
@PageTitle("Sign in | LayerLab")
@AnonymousAllowed
public class SignInView extends AccountPage {

    public SignInView(SessionSignIn signIn, Accounts accounts, CurrentOwner owner) {
        super(owner, SecurityConfig.SIGN_UP_PATH, "Create an account");
        TextField username = new TextField("User name");
        username.setId("signin-username");
        username.setAutocomplete(Autocomplete.USERNAME);
        username.setAutofocus(true);
        PasswordField password = new PasswordField("Password");
        password.setId("signin-password");
        password.setAutocomplete(Autocomplete.CURRENT_PASSWORD);
        Div error = AccountForm.errorLine("signin-error");
        Button submit = submitButton("signin-submit", "Sign in", error,
                (request, response) -> signIn.signIn(username.getValue(), password.getValue(), request, response));

        Div card = AccountForm.card("signin-card");
        card.add(new H1("Sign in"), username, password, error, submit);
        if (accounts.registrationOpen()) {
            otherPage.setId("signin-signup");
            card.add(new Paragraph(new Text("No account yet? "), otherPage));
        }
        add(card);
    }
}
