package com.layerlab.app.ui.account;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.server.VaadinServletRequest;
import com.vaadin.flow.server.VaadinServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Pieces of the account pages: the card a form sits in, the line that says what went wrong, and the step
 * into a signed-in page ({@link AccountPage} holds the rest that sign-in and sign-up share).
 */
final class AccountForm {

    private AccountForm() {
    }

    static Div card(String id) {
        Div card = new Div();
        card.setId(id);
        card.addClassNames("ll-panel", "ll-account-card");
        return card;
    }

    /** The message line: read out by screen readers when it changes, hidden while empty. */
    static Div errorLine(String id) {
        Div error = new Div();
        error.setId(id);
        error.addClassName("ll-form-error");
        error.getElement().setAttribute("role", "alert");
        error.setVisible(false);
        return error;
    }

    /**
     * Runs a sign-in step on this request's session; on success reloads the app at {@code target}, so that
     * every part of the page (the header's name, what the pages show) is built for the signed-in user.
     */
    static void submit(BiFunction<HttpServletRequest, HttpServletResponse, Optional<String>> step, Div error, String target) {
        Optional<String> problem = step.apply(VaadinServletRequest.getCurrent().getHttpServletRequest(),
                VaadinServletResponse.getCurrent().getHttpServletResponse());
        error.setText(problem.orElse(""));
        error.setVisible(problem.isPresent());
        if (problem.isEmpty()) {
            UI.getCurrent().getPage().setLocation(target);
        }
    }
}
