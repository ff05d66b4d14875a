package com.layerlab.app.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.ShareLinks;
import java.net.CookieManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The load test's browserless client ({@link VaadinPage}) against the app: it must keep speaking the protocol
 * the app's Vaadin speaks and find what the load test watches (the playground's epoch counter and play button),
 * or the load test would measure nothing. A visitor and a signed-in user each train a short run and watch
 * its frames come through push to its end.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class VaadinPageTest {

    private static final int EPOCHS = 30;

    @LocalServerPort
    int port;

    @Test
    void aVisitorTrainsOnThePlaygroundAndWatchesItsFramesThroughPush() throws Exception {
        trainAndWatch(new CookieManager());
    }

    @Test
    void aUserSignsInByTypingAndClickingThenTrains() throws Exception {
        String base = base();
        String name = "vpage" + System.nanoTime() % 100_000;
        ApiClient.signUp(base, name);
        CookieManager cookies = new CookieManager();
        ProtocolUsers.signIn(base, cookies, name);
        trainAndWatch(cookies);
    }

    private void trainAndWatch(CookieManager cookies) throws Exception {
        VaadinPage page = new VaadinPage(base(), cookies);
        try {
            String query = ShareLinks.queryString(ShareLinks.playgroundQuery(
                    PlaygroundSettings.DEFAULTS.toBuilder().epochs(EPOCHS).build()));
            page.open("", query);
            long deadline = System.nanoTime() + 60_000_000_000L;
            int epoch = ProtocolUsers.await(page, "epoch", deadline);
            int play = ProtocolUsers.await(page, "play-button", deadline);
            assertEquals(Optional.of("false"), page.attribute(play, "data-playing"));
            List<String> progress = new ArrayList<>();
            page.onAttribute((node, attribute, value, at) -> {
                if (node == epoch && "data-progress".equals(attribute)) {
                    synchronized (progress) {
                        progress.add(value);
                    }
                }
            });
            page.click(play);
            while (!page.attribute(epoch, "data-epoch").equals(Optional.of(String.valueOf(EPOCHS)))
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(Optional.empty(), page.problem());
            assertEquals(Optional.of(String.valueOf(EPOCHS)), page.attribute(epoch, "data-epoch"), "the run's last epoch");
            synchronized (progress) {
                assertTrue(progress.size() >= 2, "frames through push: " + progress);
            }
            while (!page.attribute(play, "data-playing").equals(Optional.of("false")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(Optional.of("false"), page.attribute(play, "data-playing"), "the play button once the run ended");
        } finally {
            page.close(false);
        }
    }

    private String base() {
        return "http://localhost:" + port + "/";
    }
}
