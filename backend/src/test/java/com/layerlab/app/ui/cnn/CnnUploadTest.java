package com.layerlab.app.ui.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.lab.CnnDataService;
import com.layerlab.app.lab.CnnPresets;
import com.layerlab.datasets.ImageFolders;
import com.layerlab.datasets.ImageSet;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.FilePayload;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/** Uploading image sets in the CNN lab as a class does: real sizes, the same name twice, a file too large. */
@TestPropertySource(properties = "layerlab.data.dir=target/cnn-upload-test/${random.uuid}")
class CnnUploadTest extends BrowserTestBase {

    @Autowired
    private CnnDataService data;

    /** A zip of {@code perClass} noisy 128x128 colour PNGs in each of two classes (noise does not compress). */
    private static byte[] photos(int perClass, long seed) throws IOException {
        Random random = new Random(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (String cls : new String[] {"cats", "dogs"}) {
                for (int i = 0; i < perClass; i++) {
                    BufferedImage img = new BufferedImage(128, 128, BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < 128; y++) {
                        for (int x = 0; x < 128; x++) {
                            img.setRGB(x, y, random.nextInt(1 << 24));
                        }
                    }
                    ByteArrayOutputStream png = new ByteArrayOutputStream();
                    ImageIO.write(img, "png", png);
                    zip.putNextEntry(new ZipEntry(cls + "/" + i + ".png"));
                    zip.write(png.toByteArray());
                    zip.closeEntry();
                }
            }
        }
        return out.toByteArray();
    }

    /** Uploads a file and waits for the page's next message. */
    private String upload(String fileName, byte[] zip) {
        Object before = page.evaluate("() => { const m = document.querySelector('#cnn-upload-message');"
                + " return m ? m.textContent : ''; }");
        page.setInputFiles("#cnn-upload input[type=file]", new FilePayload(fileName, "application/zip", zip));
        page.waitForFunction("before => { const m = document.querySelector('#cnn-upload-message');"
                + " return m && !m.hidden && m.textContent.length > 0 && m.textContent !== before; }", before,
                new Page.WaitForFunctionOptions().setTimeout(90_000));
        return page.locator("#cnn-upload-message").innerText();
    }

    @Test
    void aFiveMegabyteZipIsAddedAndASecondOfTheSameNameDoesNotReplaceIt() throws IOException {
        byte[] big = photos(55, 1);
        assertTrue(big.length > 5_000_000 && big.length < 6_000_000, big.length + " bytes");
        open("cnn");
        page.waitForSelector("#cnn-upload");
        String first = upload("photos.zip", big);
        assertEquals("Added \"photos\": 110 images [3, 128, 128] in 2 classes (cats, dogs).", first);

        String second = upload("photos.zip", photos(2, 2));
        assertEquals("Added \"photos\": 4 images [3, 128, 128] in 2 classes (cats, dogs).", second);
        screenshot(page, "cnn-upload-same-name");

        // each upload is its own set, under its name and a random suffix (the id a link carries)
        List<String> stored = ImageFolders.list(data.dataDir()).stream().filter(n -> n.startsWith("photos-")).toList();
        assertEquals(2, stored.size(), "two uploads of one name: two sets, " + stored);
        List<Integer> sizes = stored.stream().map(n -> data.load(CnnPresets.data("folder:" + n, Map.of()), 1).size())
                .sorted().toList();
        assertEquals(List.of(4, 110), sizes, "the first upload is still there, whole");
        assertTrue(data.dataDir().startsWith(Path.of("target", "cnn-upload-test").toAbsolutePath()),
                "uploads live in the configured data folder: " + data.dataDir());
    }

    /** The texts of a select's items, read from its open overlay (a select also shows its value as a copy of an item). */
    private static List<String> items(Page p, String selectId) {
        p.locator("#" + selectId).click();
        List<String> texts = p.locator("vaadin-select-list-box vaadin-select-item:visible").allInnerTexts();
        p.keyboard().press("Escape");
        return texts;
    }

    @Test
    void anUploadIsInItsOwnersMenuOnlyAndItsLinkOpensForAnyone() throws IOException {
        open("cnn");
        page.waitForSelector("#cnn-upload");
        assertEquals("Added \"pets\": 6 images [3, 128, 128] in 2 classes (cats, dogs).", upload("pets.zip", photos(3, 3)));
        waitForVaadin(page);
        assertTrue(items(page, "cnn-dataset").contains("Uploaded: pets"));
        page.waitForFunction("() => window.location.href.includes('?')");
        String link = page.url();

        BrowserContext other = newContext();
        Page p2 = other.newPage();
        open(p2, "cnn");
        assertFalse(items(p2, "cnn-dataset").stream().anyMatch(t -> t.contains("pets")), "not in another visitor's menu");
        open(p2, link.substring(baseUrl().length()));
        assertEquals(0, p2.locator("#cnn-link-error:visible").count(), "the link opens");
        assertTrue(p2.locator("#cnn-dataset").innerText().contains("Shared with the link: uploaded images"),
                p2.locator("#cnn-dataset").innerText());
        p2.waitForFunction("() => document.querySelector('#cnn-batch').tileCount === 6");
        screenshot(p2, "cnn-upload-shared-link");
        open(p2, "cnn");
        assertFalse(items(p2, "cnn-dataset").stream().anyMatch(t -> t.contains("pets")), "opening the link did not make it theirs");
    }

    @Test
    void aZipOverTheLimitGetsAClearMessage(@TempDir Path dir) throws IOException {
        open("cnn");
        page.waitForSelector("#cnn-upload");
        // from a file: the browser reads it itself, instead of Playwright sending it 32 MB over its pipe
        Path huge = Files.write(dir.resolve("huge.zip"), new byte[(int) data.limits().maxUploadBytes() + 1]);
        page.setInputFiles("#cnn-upload input[type=file]", huge);
        page.waitForSelector("#cnn-upload-message:visible");
        String msg = page.locator("#cnn-upload-message").innerText();
        assertTrue(msg.startsWith("\"huge.zip\" was not uploaded: ") && msg.contains("at most 32 MB (layerlab.cnn.max-upload-mb)."), msg);
    }
}
