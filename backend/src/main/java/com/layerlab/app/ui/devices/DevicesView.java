package com.layerlab.app.ui.devices;

import com.layerlab.app.training.DevicesReport;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.app.ui.MainLayout;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;

/**
 * The compute backends of this server ({@link DevicesReport}): each one available or not and why, its
 * kernels, its devices with the runs on each now and their training slots in use, and where {@code auto} trains. Read when the page opens.
 */
@AnonymousAllowed
@Route(value = "devices", layout = MainLayout.class)
@PageTitle("LayerLab · Devices")
public class DevicesView extends Div implements BeforeEnterObserver {

    private final TrainingRuntime runtime;
    private final Span auto = new Span();
    private final Div list = new Div();

    public DevicesView(TrainingRuntime runtime) {
        this.runtime = runtime;
        setId("devices");
        addClassName("ll-store-page");
        Paragraph about = new Paragraph("Where this server trains. An experiment's backend field picks one; "
                + "\"auto\" (the default) takes a GPU where there is one, else the CPU. ");
        about.addClassName("ll-hint");
        auto.setId("devices-auto");
        Paragraph autoLine = new Paragraph(new Span("auto trains on: "), auto);
        list.addClassName("ll-experiment-list");
        add(new H1("Devices"), about, autoLine, list);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        DevicesReport report = DevicesReport.of(runtime);
        auto.setText(report.auto());
        list.removeAll();
        report.backends().forEach(b -> list.add(backend(b)));
    }

    private static Div backend(DevicesReport.Backend b) {
        Div card = new Div();
        card.addClassName("ll-backend");
        card.getElement().setAttribute("data-backend", b.name());
        Span state = new Span(b.available() ? "available" : "not available");
        state.addClassNames("ll-backend-state", b.available() ? "ll-available" : "ll-unavailable");
        H2 name = new H2(new Span(b.name()), state);
        card.add(name);
        if (b.available()) {
            card.add(line("ll-backend-kernels", "Kernels: " + b.kernels()));
        } else {
            card.add(line("ll-backend-reason", b.reason()));
        }
        for (DevicesReport.DeviceRow d : b.devices()) {
            Span slots = new Span(d.slots().text());
            slots.addClassName("ll-device-slots");
            slots.getElement().setAttribute("title", "runs computing on it now, of how many at once");
            Div row = new Div(new Span(d.id()), new Span(d.name() + (d.gpu() ? " (GPU)" : "")),
                    new Span(d.runs() == 1 ? "1 run" : d.runs() + " runs"), slots);
            row.addClassName("ll-device");
            row.getElement().setAttribute("data-device", d.id());
            card.add(row);
        }
        return card;
    }

    private static Paragraph line(String className, String text) {
        Paragraph p = new Paragraph(text);
        p.addClassName(className);
        return p;
    }
}
