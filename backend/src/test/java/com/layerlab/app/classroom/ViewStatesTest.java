package com.layerlab.app.classroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.ShareLinks;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A push's view state read back: the playground link's settings, or a refusal naming the field. */
class ViewStatesTest {

    @Test
    void aPlaygroundLinksQueryStringOpensAsItsSettings() {
        PlaygroundSettings s = PlaygroundSettings.DEFAULTS.toBuilder().showTestData(true).build();
        String state = ShareLinks.queryString(ShareLinks.playgroundQuery(s));
        assertEquals(s.toExperiment(), ViewStates.settings(state).toExperiment());
        assertTrue(ViewStates.settings("?" + state).showTestData());
        assertEquals(state, ViewStates.strip(" ?" + state + " "));
        assertEquals(List.of("1"), ViewStates.parameters(state).get(ShareLinks.SHOW_TEST));
    }

    @Test
    void whatDoesNotOpenIsRefusedNamingTheExperiment() {
        for (String bad : new String[] {null, " ", "?", "test=1", "x=nonsense", "x=a&x=b", "x=" + "a".repeat(ViewStates.MAX_CHARS)}) {
            ClassRefused e = assertThrows(ClassRefused.class, () -> ViewStates.settings(bad));
            assertEquals(400, e.status());
            assertTrue(e.getMessage().startsWith("Experiment: "), e.getMessage());
        }
    }
}
