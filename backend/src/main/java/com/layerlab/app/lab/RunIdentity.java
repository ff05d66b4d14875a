package com.layerlab.app.lab;

import com.layerlab.engine.experiment.Experiment;
import java.util.List;

/**
 * Which fields of its experiments make a run what it is: all but what a learner may change while it
 * trains (the learning rate, where it finishes) and its name. Two runs alike in those train the same
 * weights from the same start, so a page may show one for the other: a reload finds its run again, a
 * change of the rate or the epochs keeps the run, any other change starts a new one.
 */
public final class RunIdentity {

    private RunIdentity() {
    }

    /** Whether a run of {@code trained} trains what {@code wanted} describe (in the same order). */
    public static boolean same(List<Experiment> trained, List<Experiment> wanted) {
        return keys(trained).equals(keys(wanted));
    }

    /** As above, for runs of one experiment. */
    public static boolean same(Experiment trained, Experiment wanted) {
        return key(trained).equals(key(wanted));
    }

    private static List<Experiment> keys(List<Experiment> runs) {
        return runs.stream().map(RunIdentity::key).toList();
    }

    private static Experiment key(Experiment e) {
        Experiment k = e.withEpochs(0).withName(null);
        return e.optimizer() == null ? k : k.withOptimizer(e.optimizer().withLr(0));
    }
}
