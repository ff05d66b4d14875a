package com.layerlab.app.training;

import com.layerlab.engine.tensor.BackendProvider;
import com.layerlab.engine.tensor.Backends;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which backends the pages offer for a run (the playground, the comparison, the CNN lab): {@code auto}
 * first, then every backend of the runtime's registry, each labelled with the device it gives a run; one
 * that is not available here is listed disabled, with the reason. Where only one backend is available
 * there is nothing to choose and the pages show no choice.
 *
 * <p>A link or a saved experiment may name a backend this server does not have: the page opens it on
 * {@code auto} and says so ({@link #keep}); the learner came for the network, not for the device.
 *
 * @param choices auto, then the registry's backends in its order (the CPU first)
 */
public record BackendChoices(List<Choice> choices) {

    /**
     * One entry of the menu.
     *
     * @param backend  the experiment file's name: "auto", "cpu", "opencl", "cuda"
     * @param label    what the menu says: the backend and its device, or why it is not available
     * @param offered  whether a run may ask for it here
     * @param reason   why it is not offered; null when it is
     */
    public record Choice(String backend, String label, boolean offered, String reason) {
    }

    /**
     * The backend an experiment keeps on this server, and why it is not the one it asked for.
     *
     * @param backend the one asked for where it is offered, else auto
     * @param note    null when it is the one asked for; else what the page tells the learner
     */
    public record Kept(String backend, String note) {
    }

    /** The menu for this registry: probes the backends (once; the providers remember). */
    public static BackendChoices of(Backends backends) {
        List<Choice> choices = new ArrayList<>();
        choices.add(new Choice(Backends.AUTO, "auto (" + RunDevice.resolve(backends, Backends.AUTO).text() + ")", true, null));
        for (BackendProvider p : backends.providers()) {
            RunDevice d = p.availability().available() ? RunDevice.resolve(backends, p.name()) : null;
            if (d != null && !d.refused()) {
                choices.add(new Choice(p.name(), d.text(), true, null));
            } else {
                String why = d == null ? p.availability().reason() : d.refusal();
                why = why == null ? "it did not start" : why;
                choices.add(new Choice(p.name(), p.name() + ": not available (" + why + ")", false, why));
            }
        }
        return new BackendChoices(List.copyOf(choices));
    }

    /** Whether a page shows the choice: more than one backend is available here. */
    public boolean worthShowing() {
        return choices.stream().filter(c -> c.offered() && !c.backend().equals(Backends.AUTO)).count() > 1;
    }

    /** The entry for {@code backend}, if the menu has one. */
    public Optional<Choice> choice(String backend) {
        return choices.stream().filter(c -> c.backend().equals(backend)).findFirst();
    }

    /** Whether a run may ask for {@code backend} here. */
    public boolean offers(String backend) {
        return choice(backend).map(Choice::offered).orElse(false);
    }

    /**
     * What becomes of the backend a link or a saved experiment names: kept where it is offered here, else
     * auto, with a note that says which backend is missing and why.
     */
    public Kept keep(String asked) {
        if (asked == null || offers(asked)) {
            return new Kept(asked == null ? Backends.AUTO : asked, null);
        }
        String auto = choice(Backends.AUTO).map(Choice::label).orElse(Backends.AUTO);
        String why = choice(asked).map(Choice::reason).orElse("this server does not know it");
        return new Kept(Backends.AUTO, "The backend " + asked + " is not available on this server (" + why
                + "): this experiment trains on " + auto + " instead.");
    }
}
