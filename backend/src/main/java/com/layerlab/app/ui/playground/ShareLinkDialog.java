package com.layerlab.app.ui.playground;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.TextField;

/** "Copy link": the playground's link goes on the clipboard where the browser allows it, and is shown to copy. */
final class ShareLinkDialog extends Dialog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ShareLinkDialog(String url, boolean copied) {
        setHeaderTitle("Share this playground");
        setWidth("560px");
        TextField field = new TextField();
        field.setId("share-url");
        field.setReadOnly(true);
        field.setWidthFull();
        field.setValue(url);
        Paragraph p = new Paragraph(copied
                ? "The link is on your clipboard. Whoever opens it gets these settings, these seeds and the same starting weights."
                : "Copy the link below. Whoever opens it gets these settings, these seeds and the same starting weights.");
        p.setId("share-message");
        add(p, field);
        Button close = new Button("Close", e -> close());
        close.setId("share-close");
        getFooter().add(close);
    }

    /** Copies the page's address with {@code query} in the browser of {@code page}, then opens the dialog. */
    static void copy(Component page, String query) {
        page.getElement().executeJs("""
                const url = new URL('?' + $0, window.location.href).href;
                return (async () => {
                  let copied = false;
                  try { await navigator.clipboard.writeText(url); copied = true; } catch (e) { copied = false; }
                  return JSON.stringify({url: url, copied: copied});
                })();""", query).then(String.class, result -> {
            String url = query;
            boolean copied = false;
            try {
                JsonNode r = JSON.readTree(result);
                url = r.get("url").asText();
                copied = r.get("copied").asBoolean();
            } catch (Exception ex) {
                // the browser's answer was not what the script returns: show the query, not copied
            }
            new ShareLinkDialog(url, copied).open();
        });
    }
}
