package com.layerlab.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Base of the browser tests: the app on a random port, and Debian's Chromium driven by Playwright
 * (never a downloaded browser: see STACK.md). One browser for all the test classes of the JVM (starting
 * Playwright's driver and Chromium took seconds a class), a fresh context (cookies, session) per test, a
 * 1400x900 window. Screenshots go to {@code target/screenshots/}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BrowserTestBase {

    public static final Path SCREENSHOTS = Paths.get("target", "screenshots");
    public static final int WIDTH = 1400;
    public static final int HEIGHT = 900;

    /** Chromium's own calls home fail here; these flags stop them (STACK.md). */
    public static final List<String> CHROMIUM_ARGS = List.of("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-extensions", "--no-first-run", "--no-default-browser-check",
            "--disable-quic", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost");

    /** The JVM's Playwright and Chromium: started by the first browser test class, closed as the JVM ends. */
    private static Playwright sharedPlaywright;
    private static Browser sharedBrowser;

    @LocalServerPort
    protected int port;

    protected Playwright playwright;
    protected Browser browser;
    protected BrowserContext context;
    protected Page page;
    private final List<BrowserContext> extraContexts = new ArrayList<>();

    @BeforeAll
    void launchBrowser() {
        synchronized (BrowserTestBase.class) {
            // a browser that crashed in an earlier class is started again, not left to fail every class after it
            if (sharedBrowser == null || !sharedBrowser.isConnected()) {
                if (sharedPlaywright != null) {
                    sharedPlaywright.close();
                } else {
                    Runtime.getRuntime().addShutdownHook(new Thread(BrowserTestBase::closeSharedBrowser, "close-chromium"));
                }
                sharedPlaywright = Playwright.create(new Playwright.CreateOptions()
                        .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
                String chromium = System.getProperty("chromium.path", "/usr/bin/chromium");
                sharedBrowser = sharedPlaywright.chromium().launch(new BrowserType.LaunchOptions()
                        .setHeadless(true)
                        .setExecutablePath(Paths.get(chromium))
                        .setArgs(CHROMIUM_ARGS));
            }
            playwright = sharedPlaywright;
            browser = sharedBrowser;
        }
    }

    private static synchronized void closeSharedBrowser() {
        try {
            sharedBrowser.close();
        } finally {
            sharedPlaywright.close();
        }
    }

    @BeforeEach
    void openContext() {
        context = newContext();
        page = context.newPage();
    }

    @AfterEach
    void closeContexts() {
        for (BrowserContext c : extraContexts) {
            c.close();
        }
        extraContexts.clear();
        if (context != null) {
            context.close();
        }
    }

    /** A fresh browser context (no cookies, no session, no cache), closed after the test. */
    protected BrowserContext newContext() {
        BrowserContext c = browser.newContext(new Browser.NewContextOptions().setViewportSize(WIDTH, HEIGHT)
                .setPermissions(List.of("clipboard-read", "clipboard-write"))
                .setBaseURL(baseUrl()));
        c.setDefaultTimeout(20_000);
        if (context != null) {
            extraContexts.add(c);
        }
        return c;
    }

    protected String baseUrl() {
        return "http://localhost:" + port + "/";
    }

    /** Opens a path of the app and waits until Vaadin has rendered it and is idle. */
    protected Page open(Page p, String path) {
        p.navigate(baseUrl() + (path.startsWith("/") ? path.substring(1) : path));
        waitForVaadin(p);
        return p;
    }

    protected Page open(String path) {
        return open(page, path);
    }

    /** Waits until every Vaadin client on the page has finished its round trips. */
    public static void waitForVaadin(Page p) {
        p.waitForFunction("() => window.Vaadin && window.Vaadin.Flow && window.Vaadin.Flow.clients"
                + " && Object.keys(window.Vaadin.Flow.clients).length > 0"
                + " && Object.values(window.Vaadin.Flow.clients).every(c => !c.isActive || !c.isActive())");
    }

    /** Picks {@code option} (its exact text) from the select {@code selectId}. */
    protected static void chooseInSelect(Page p, String selectId, String option) {
        p.locator("#" + selectId).click();
        p.locator("vaadin-select-item:visible").getByText(option, new Locator.GetByTextOptions().setExact(true)).click();
        waitForVaadin(p);
    }

    /**
     * Saves what page {@code p} shows through its Save button {@code saveButtonId}, as {@code name}, public
     * or not, and returns the saved experiment's path ("/e/&lt;id&gt;"); the dialog stays open.
     */
    protected static String save(Page p, String saveButtonId, String name, boolean makePublic) {
        p.locator("#" + saveButtonId).click();
        p.locator("#save-name input").fill(name);
        if (makePublic) {
            p.locator("#save-public").click();
        }
        p.locator("#save-confirm").click();
        p.waitForFunction("() => { const f = document.querySelector('#saved-url'); return f && f.value && f.value.includes('/e/'); }");
        String path = p.locator("#saved-url").getAttribute("data-path");
        assertTrue(path.matches("/e/[A-Za-z0-9_-]{20}"), path);
        assertTrue(p.locator("#saved-url input").inputValue().endsWith(path), "the full address is shown to copy");
        return path;
    }

    /** Saves a screenshot of the page as target/screenshots/NAME.png and returns its path. */
    protected static Path screenshot(Page p, String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Path file = SCREENSHOTS.resolve(name + ".png");
        p.screenshot(new Page.ScreenshotOptions().setPath(file));
        return file;
    }
}
