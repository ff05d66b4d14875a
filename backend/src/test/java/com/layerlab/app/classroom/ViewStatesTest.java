package com.layerlab.app.classroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.lab.CnnPresets;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.store.Page;
import com.layerlab.engine.experiment.Experiment;
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

    private static String cnnLink(CnnLinks.State s) {
        return ShareLinks.queryString(CnnLinks.query(s));
    }

    @Test
    void aCnnLabLinksQueryStringOpensAsItsExperiment() {
        Experiment e = CnnPresets.byKey(CnnPresets.LENET, false).experiment().withEpochs(3);
        String state = cnnLink(new CnnLinks.State(e, List.of()));
        assertEquals(e, ViewStates.cnn(state));
        assertEquals(e, ViewStates.cnn("?" + state));
        ViewStates.check(Page.CNN, state);
        // a comparison's link opens on its experiment
        assertEquals(e, ViewStates.cnn(cnnLink(new CnnLinks.State(e, List.of("ReLU", "Tanh")))));
    }

    @Test
    void eachLabRefusesTheOthersLinkNamingTheExperiment() {
        String playground = ShareLinks.queryString(ShareLinks.playgroundQuery(PlaygroundSettings.DEFAULTS));
        ClassRefused notCnn = assertThrows(ClassRefused.class, () -> ViewStates.check(Page.CNN, playground));
        assertEquals(400, notCnn.status());
        assertTrue(notCnn.getMessage().startsWith("Experiment: ") && notCnn.getMessage().contains("Playground"), notCnn.getMessage());
        String cnn = cnnLink(CnnLinks.DEFAULTS);
        ClassRefused notPlayground = assertThrows(ClassRefused.class, () -> ViewStates.check(Page.PLAYGROUND, cnn));
        assertEquals(400, notPlayground.status());
        assertTrue(notPlayground.getMessage().startsWith("Experiment: "), notPlayground.getMessage());
        ViewStates.check(Page.PLAYGROUND, playground);
        ClassRefused otherPage = assertThrows(ClassRefused.class, () -> ViewStates.check(Page.COMPARE, cnn));
        assertTrue(otherPage.getMessage().startsWith("Experiment: "), otherPage.getMessage());
    }

    @Test
    void whatDoesNotOpenInTheCnnLabIsRefusedNamingTheExperiment() {
        String good = CnnLinks.query(CnnLinks.DEFAULTS).get(ShareLinks.EXPERIMENT);
        for (String bad : new String[] {null, " ", "?", "cmp=ReLU.Tanh", "x=nonsense", "x=" + good + "&x=" + good,
                "x=" + good + "&cmp=ReLU.Swish", "x=" + "a".repeat(ViewStates.MAX_CHARS)}) {
            ClassRefused e = assertThrows(ClassRefused.class, () -> ViewStates.cnn(bad));
            assertEquals(400, e.status());
            assertTrue(e.getMessage().startsWith("Experiment: "), e.getMessage());
        }
    }
}
