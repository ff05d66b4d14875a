package com.layerlab.app.ui.components;

import com.vaadin.flow.component.HasElement;
import com.vaadin.flow.dom.Element;

/**
 * Text that a live run's frames change, several times a second. Vaadin's {@code setText} replaces the
 * element's text node with a new one at every call, even with the same text, and the page is then sent
 * the removal, the new node and its text; changing the text node in place sends the text alone, and
 * nothing when it is the same.
 */
public final class LiveText {

    private LiveText() {
    }

    /** Shows {@code text} in {@code component} (see the class comment). */
    public static void set(HasElement component, String text) {
        set(component.getElement(), text);
    }

    /** Shows {@code text} in {@code element} (see the class comment). */
    public static void set(Element element, String text) {
        if (element.getChildCount() == 1 && element.getChild(0).isTextNode()) {
            element.getChild(0).setText(text);
        } else {
            element.setText(text);
        }
    }
}
