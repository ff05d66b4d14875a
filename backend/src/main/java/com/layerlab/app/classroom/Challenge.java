package com.layerlab.app.classroom;

import com.layerlab.app.lab.ControlLocks.Control;
import java.util.Objects;
import java.util.Set;

/**
 * What makes a push a challenge: the controls students may change (every other one is locked) and the
 * goal their network must reach, scored on the server on a test split students never see.
 *
 * @param unlocked the controls a student may change; empty: every control is locked
 * @param goal     what counts as reaching the challenge
 */
public record Challenge(Set<Control> unlocked, Goal goal) {

    public Challenge {
        unlocked = Set.copyOf(unlocked);
        Objects.requireNonNull(goal, "a challenge needs a goal");
    }

    public enum Metric {
        /** the hidden split's loss, at most {@link Goal#target} */
        TEST_LOSS,
        /** the hidden split's accuracy (0..1), at least {@link Goal#target} */
        TEST_ACCURACY
    }

    /**
     * @param metric       what is measured on the hidden split
     * @param target       the loss to get under (at most) or the accuracy to reach (at least, 0..1)
     * @param withinEpochs reached by this epoch at the latest; 0: any epoch
     * @param maxParams    with at most this many parameters; 0: any size
     */
    public record Goal(Metric metric, double target, int withinEpochs, int maxParams) {

        public Goal {
            Objects.requireNonNull(metric, "a goal needs a metric");
        }

        /** Whether a network of {@code params} parameters scoring {@code value} at {@code epoch} reaches the goal. */
        public boolean reached(double value, int epoch, int params) {
            boolean good = metric == Metric.TEST_LOSS ? value <= target : value >= target;
            return good && (withinEpochs == 0 || epoch <= withinEpochs) && (maxParams == 0 || params <= maxParams);
        }

        /** Whether {@code a} is a better score than {@code b} (lower loss, higher accuracy). */
        public boolean better(double a, double b) {
            return metric == Metric.TEST_LOSS ? a < b : a > b;
        }

        /** The goal as the student's page and the teacher's board say it, e.g. "test loss under 0.1 within 300 epochs". */
        public String text() {
            StringBuilder s = new StringBuilder(metric == Metric.TEST_LOSS
                    ? "test loss at most " + target
                    : "test accuracy at least " + Math.round(target * 1000) / 10.0 + " %");
            if (withinEpochs > 0) {
                s.append(" within ").append(withinEpochs).append(" epochs");
            }
            if (maxParams > 0) {
                s.append(" with at most ").append(maxParams).append(" parameters");
            }
            return s.toString();
        }
    }
}
