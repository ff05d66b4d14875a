package com.layerlab.app.ui;

import com.layerlab.app.training.OverLimit;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;

/** How every page says that the server refused a training over one of its limits: the limit's own message. */
public final class LimitNotice {

    private LimitNotice() {
    }

    /** Shows why the training was refused (the message names the limit), long enough to be read. */
    public static void show(OverLimit refused) {
        Notification n = Notification.show(refused.getMessage(), 10_000, Notification.Position.TOP_CENTER);
        n.addThemeVariants(NotificationVariant.LUMO_ERROR);
        n.setId("over-limit");
    }
}
