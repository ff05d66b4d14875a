package com.layerlab.app.ui.account;

import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.account.SecurityConfig;
import com.layerlab.app.account.SignInTarget;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The sign-in and the sign-up page: each links to the other, both return to the page their link came
 * from ({@link SignInTarget}, the {@code ?to=} of the address), and both send a user who is signed in
 * already on to the account page, what these addresses can still offer them.
 */
public abstract class AccountPage extends Div implements BeforeEnterObserver {

    private final CurrentOwner owner;
    private final String otherPath;
    /** The link to the other page, which keeps the target. */
    protected final Anchor otherPage;
    private String target = SignInTarget.HOME;

    /**
     * @param otherPath the other page's path
     * @param otherText its link's text
     */
    protected AccountPage(CurrentOwner owner, String otherPath, String otherText) {
        this.owner = owner;
        this.otherPath = otherPath;
        this.otherPage = new Anchor(otherPath, otherText);
        addClassName("ll-account-page");
    }

    /**
     * The form's button, also pressed by Enter: runs {@code step} on this request's session, says what went
     * wrong in {@code error}, and on success goes to the target.
     */
    protected Button submitButton(String id, String text, Div error,
            BiFunction<HttpServletRequest, HttpServletResponse, Optional<String>> step) {
        Button submit = new Button(text);
        submit.setId(id);
        submit.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        submit.addClickShortcut(Key.ENTER);
        submit.addClickListener(e -> AccountForm.submit(step, error, target));
        return submit;
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        if (owner.username().isPresent()) {
            event.forwardTo(SecurityConfig.ACCOUNT_PATH);
            return;
        }
        target = SignInTarget.of(event.getLocation().getQueryParameters().getParameters());
        otherPage.setHref(SignInTarget.link(otherPath, target));
    }
}
