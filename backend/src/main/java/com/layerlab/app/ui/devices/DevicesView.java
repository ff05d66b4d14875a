package com.layerlab.app.ui.devices;

import com.layerlab.app.cluster.ClusterStore;
import com.layerlab.app.cluster.NodeSettings;
import com.layerlab.app.training.DevicesReport;
import com.layerlab.app.training.RunJournal;
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
import java.time.Duration;
import java.time.Instant;

/**
 * The compute backends of this server ({@link DevicesReport}): each one available or not and why, its
 * kernels, its devices with the runs on each now and their training slots in use, and where {@code auto} trains. Read when the page opens.
 */
@AnonymousAllowed
@Route(value = "devices", layout = MainLayout.class)
@PageTitle("LayerLab · Devices")
public class DevicesView extends Div implements BeforeEnterObserver {

    /** A node that said nothing for this long is not listed (JobRunr takes it for dead after 20 s). */
    static final Duration ALIVE = Duration.ofSeconds(30);

    private final TrainingRuntime runtime;
    private final ClusterStore cluster;
    private final NodeSettings node;
    private final Span auto = new Span();
    private final Div list = new Div();
    private final Div nodes = new Div();

    public DevicesView(TrainingRuntime runtime, ClusterStore cluster, NodeSettings node) {
        this.runtime = runtime;
        this.cluster = cluster;
        this.node = node;
        setId("devices");
        addClassName("ll-store-page");
        Paragraph about = new Paragraph("Where this server trains. An experiment's backend field picks one; "
                + "\"auto\" (the default) takes a GPU where there is one, else the CPU. ");
        about.addClassName("ll-hint");
        auto.setId("devices-auto");
        Paragraph autoLine = new Paragraph(new Span("auto trains on: "), auto);
        list.addClassName("ll-experiment-list");
        add(new H1("Devices"), about, autoLine, list);
        if (node.cluster()) {
            nodes.setId("devices-nodes");
            nodes.addClassName("ll-experiment-list");
            Paragraph aboutNodes = new Paragraph("This server runs as several nodes over one database. Pages and their "
                    + "runs stay on the node that serves them (this one: " + node.name() + "); runs started through the "
                    + "REST API train on the worker nodes.");
            aboutNodes.addClassName("ll-hint");
            add(new H2("Nodes"), aboutNodes, nodes);
        }
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        DevicesReport report = DevicesReport.of(runtime);
        auto.setText(report.auto());
        list.removeAll();
        report.backends().forEach(b -> list.add(backend(b)));
        if (node.cluster()) {
            nodes.removeAll();
            try {
                cluster.nodes(ALIVE).forEach(n -> nodes.add(node(n, n.name().equals(node.name()))));
            } catch (RunJournal.Unreachable down) {
                nodes.add(line("ll-backend-reason", down.getMessage() + ": the nodes cannot be listed now."));
            }
        }
    }

    private static Div node(ClusterStore.Node n, boolean self) {
        long ago = Math.max(0, Duration.between(n.seen(), Instant.now()).toSeconds());
        Div row = new Div(new Span(n.name() + (self ? " (this node)" : "")), new Span(n.role()),
                new Span(String.join(", ", n.backends())), new Span(n.runs() == 1 ? "1 run" : n.runs() + " runs"),
                new Span("seen " + ago + " s ago"));
        row.addClassName("ll-node");
        row.getElement().setAttribute("data-node", n.name());
        return row;
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
