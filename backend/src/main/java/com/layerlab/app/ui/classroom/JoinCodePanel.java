package com.layerlab.app.ui.classroom;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;

/**
 * How students get in, for the projector: the join code in big letters ("ABC-DEF"), the join link and
 * its QR code. "Show full-screen" fills the window with them (Esc or the button again returns), for the
 * first minutes of a lesson when the class is joining.
 */
class JoinCodePanel extends Div {

    private final Button fullScreen = new Button("Show full-screen", VaadinIcon.EXPAND_SQUARE.create());
    private final Span closed = new Span();
    private final Span how;

    JoinCodePanel(String code, String joinLink) {
        setId("class-join");
        addClassName("ll-class-join");
        Span caption = new Span("Join code");
        caption.addClassName("ll-class-join-caption");
        Span big = new Span(ClassPages.display(code));
        big.setId("class-code");
        big.addClassName("ll-class-code");
        big.getElement().setAttribute("aria-label", "Join code " + String.join(" ", code.split("")));
        Anchor link = new Anchor(joinLink, joinLink);
        link.setId("class-join-link");
        link.addClassName("ll-class-join-link");
        link.setTarget("_blank");
        Image qr = new Image(JoinQrCode.dataUrl(joinLink), "QR code of the join link " + joinLink);
        qr.setId("class-qr");
        qr.addClassName("ll-class-qr");
        qr.getElement().setAttribute("data-link", joinLink);
        how = new Span("Open the link or scan the code, then type your name. No account needed.");
        how.addClassName("ll-class-join-how");
        closed.setId("class-join-closed");
        closed.addClassName("ll-class-join-closed");
        closed.setVisible(false);
        fullScreen.setId("class-fullscreen");
        fullScreen.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        fullScreen.addClickListener(e -> setFullScreen(!hasClassName("ll-class-join-full")));
        // Esc leaves full-screen, as a projector's viewer expects
        getElement().addEventListener("keydown", e -> setFullScreen(false)).setFilter("event.key === 'Escape'");
        getElement().setAttribute("tabindex", "-1");
        Div text = new Div(caption, big, link, how, closed, fullScreen);
        text.addClassName("ll-class-join-text");
        add(text, qr);
    }

    void setFullScreen(boolean on) {
        setClassName("ll-class-join-full", on);
        getElement().setAttribute("data-fullscreen", String.valueOf(on));
        fullScreen.setText(on ? "Back to the dashboard" : "Show full-screen");
        fullScreen.setIcon((on ? VaadinIcon.COMPRESS_SQUARE : VaadinIcon.EXPAND_SQUARE).create());
        if (on) {
            getElement().executeJs("this.focus()");
        }
    }

    /** Locked or ended: the code stays for reference, but says that it admits nobody now. */
    void showClosed(String why, boolean ended) {
        // an ended session's code is history: nothing to show the room any more
        how.setVisible(!ended);
        fullScreen.setVisible(!ended);
        closed.setText(why == null ? "" : why);
        closed.setVisible(why != null);
        setClassName("ll-class-join-shut", why != null);
    }
}
