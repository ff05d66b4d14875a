package com.layerlab.app.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CnnFramesPhaseTest {

    private static Set<CnnFrames.Phase> where(java.util.function.Predicate<CnnFrames.Phase> p) {
        Set<CnnFrames.Phase> s = EnumSet.noneOf(CnnFrames.Phase.class);
        for (CnnFrames.Phase phase : CnnFrames.Phase.values()) {
            if (p.test(phase)) {
                s.add(phase);
            }
        }
        return s;
    }

    @Test
    void aRunHasEndedWhenDoneStoppedOrFailed() {
        assertEquals(EnumSet.of(CnnFrames.Phase.DONE, CnnFrames.Phase.STOPPED, CnnFrames.Phase.FAILED),
                where(CnnFrames.Phase::ended));
    }

    @Test
    void aRunHasAModelWorthSavingOnceItTrainsUnlessItFailed() {
        assertEquals(EnumSet.of(CnnFrames.Phase.TRAINING, CnnFrames.Phase.PAUSED, CnnFrames.Phase.STOPPED, CnnFrames.Phase.DONE),
                where(CnnFrames.Phase::hasModel));
    }
}
