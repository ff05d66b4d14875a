package com.layerlab.app.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunTallyTest {

    @Test
    void countsPerBackendAndEndStateAndPutsAnUnknownBackendUnderOther() {
        RunTally tally = new RunTally(List.of("cpu", "opencl"));
        assertEquals(List.of("cpu", "opencl", RunTally.OTHER), tally.backends());
        tally.countStart("cpu");
        tally.countStart("cpu");
        tally.countStart("tpu");
        tally.countEnd("cpu", RunState.FINISHED);
        tally.countEnd("tpu", RunState.FAILED);
        assertEquals(2, tally.started("cpu"));
        assertEquals(0, tally.started("opencl"));
        assertEquals(1, tally.started(RunTally.OTHER));
        assertEquals(1, tally.ended("cpu", RunState.FINISHED));
        assertEquals(0, tally.ended("cpu", RunState.STOPPED));
        assertEquals(1, tally.ended(RunTally.OTHER, RunState.FAILED));
    }
}
