package com.layerlab.app.ui.account;

import com.layerlab.app.account.AccountRules;
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

/** Create an account (while registration is open) and be signed in with it; the rules are {@link AccountRules}'. */
@Route(value = SecurityConfig.SIGN_UP_PATH, layout = MainLayout.class)
@PageTitle("Create an account | LayerLab")
@AnonymousAllowed
public class SignUpView extends AccountPage {

    public SignUpView(SessionSignIn signIn, Accounts accounts, CurrentOwner owner) {
        super(owner, SecurityConfig.SIGN_IN_PATH, "Sign in");
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
        Button submit = submitButton("signup-submit", "Create account", error,
                (request, response) -> signIn.signUp(username.getValue(), password.getValue(), request, response));
        Paragraph keep = new Paragraph("What you saved in this browser without an account becomes yours.");
        keep.addClassName("ll-hint");
        otherPage.setId("signup-signin");
        card.add(username, password, keep, error, submit, new Paragraph(new Text("Have an account? "), otherPage));
        add(card);
    }
}
