package com.layerlab.app.ui.data;

import static com.layerlab.app.PointSetSteps.blobs;
import static com.layerlab.app.PointSetSteps.uploadCsv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.BrowserTestBase;
import com.layerlab.app.account.VisitorCookie;
import com.layerlab.app.lab.DataFolder;
import com.layerlab.app.lab.OwnedData;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.Page;
import com.layerlab.datasets.ImageFolders;
import com.layerlab.datasets.ImageSets;
import com.layerlab.datasets.PointFiles;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.Trainer;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.options.FilePayload;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * "My data" in a real browser: a visitor's uploaded point set and image folder listed with their sizes and
 * the saved experiment that uses one, renamed (everywhere the name shows, as text), deleted when unused and
 * not while used, and invisible to another visitor.
 */
@TestPropertySource(properties = "layerlab.data.dir=target/my-data-test/${random.uuid}")
class MyDataTest extends BrowserTestBase {

    @Autowired
    DataFolder dataFolder;
    @Autowired
    OwnedData data;
    @Autowired
    ExperimentStore store;

    /** Three 16x16 colour images in each of two classes. */
    private static byte[] pets() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (String cls : new String[] {"cats", "dogs"}) {
                for (int i = 0; i < 3; i++) {
                    BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
                    img.setRGB(i, i, cls.equals("cats") ? 0xff0000 : 0x00ff00);
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

    /** Sets a file on an upload and waits for the message it gets. */
    private static String upload(com.microsoft.playwright.Page p, String upload, String message, FilePayload file) {
        p.setInputFiles("#" + upload + " input[type=file]", file);
        p.waitForFunction("id => { const m = document.getElementById(id); return m && !m.hidden && m.textContent.startsWith('Added'); }",
                message);
        waitForVaadin(p);
        return p.locator("#" + message).innerText();
    }

    private Locator row(String list) {
        return page.locator("#" + list + " .ll-data-row");
    }

    private void confirmDelete(String list) {
        row(list).locator(".ll-row-delete").click();
        page.locator("#delete-confirm").click();
        waitForVaadin(page);
    }

    @Test
    void aVisitorsUploadsAreListedRenamedAndDeletedUnlessInUseAndNobodyElseSeesThem() throws IOException {
        open("/");
        page.waitForSelector("#points-upload");
        assertEquals("Added \"blobs.csv\": 200 points, 2 classes.", uploadCsv(page, "blobs.csv", blobs()));
        open("cnn");
        page.waitForSelector("#cnn-upload");
        assertTrue(upload(page, "cnn-upload", "cnn-upload-message", new FilePayload("pets.zip", "application/zip", pets()))
                .startsWith("Added \"pets\": 6 images"));

        // a saved experiment that trains on the point set, seeded through the store as the playground's Save would
        String owner = "visitor:" + context.cookies().stream().filter(c -> c.name.equals(VisitorCookie.NAME)).findFirst()
                .orElseThrow().value;
        List<OwnedData.Item> items = data.list(owner);
        assertEquals(2, items.size(), "the uploads are the visitor's: " + items);
        String points = items.get(0).id();
        String folder = items.get(1).id();
        Experiment e = PlaygroundSettings.DEFAULTS.toBuilder().pointSet(points, 2).build().toExperiment();
        String saved;
        try (Trainer t = new Trainer(e, dataFolder.path())) {
            saved = store.save(new ExperimentStore.Draft(owner, "Blobs <i>run</i>", false, Page.PLAYGROUND, e, ""),
                    t.weights(), List.of(), 0, null).id();
        }

        open("data");
        assertEquals(1, row("data-points").count());
        Locator set = row("data-points");
        assertEquals("blobs.csv", set.locator(".ll-row-name").innerText());
        assertTrue(set.locator(".ll-data-size").innerText().startsWith("200 points, 2 classes · added "),
                set.locator(".ll-data-size").innerText());
        assertEquals("Blobs <i>run</i>", set.locator(".ll-data-use").innerText(), "a name is shown as typed");
        assertEquals(ExperimentStore.url(saved), set.locator(".ll-data-use").getAttribute("href"));
        assertEquals(1, row("data-folders").count());
        Locator pets = row("data-folders");
        assertEquals("pets", pets.locator(".ll-row-name").innerText());
        assertTrue(pets.locator(".ll-data-size").innerText().startsWith("6 images [3, 16, 16], 2 classes · added "));
        assertTrue(pets.innerText().contains("No saved experiment uses it."));
        page.waitForTimeout(300);
        screenshot(page, "my-data");

        // rename: the name changes in My data and in the playground's menu, shown as text; the id stays
        set.locator(".ll-row-rename").click();
        page.locator("#rename-field input").fill("<b>My blobs</b>");
        page.locator("#rename-confirm").click();
        waitForVaadin(page);
        assertEquals("<b>My blobs</b>", row("data-points").locator(".ll-row-name").innerText());
        assertEquals(0, page.locator("#my-data b").count(), "no markup from a name");
        assertEquals("Renamed \"blobs.csv\" to \"<b>My blobs</b>\".", page.locator("#data-message").innerText());
        row("data-points").locator(".ll-data-open").click();
        page.waitForURL(u -> u.contains("x="));
        waitForVaadin(page);
        page.waitForSelector("#point-set-select");
        assertTrue(page.locator("#point-set-select").innerText().contains("<b>My blobs</b> · 200 points, 2 classes"),
                "Open chose the set in the playground: " + page.locator("#point-set-select").innerText());
        page.locator("#point-set-select").click();
        assertEquals(List.of("<b>My blobs</b> · 200 points, 2 classes"),
                page.locator("vaadin-select-list-box vaadin-select-item:visible").allInnerTexts());
        page.keyboard().press("Escape");
        page.locator("#points-manage").click();
        page.waitForURL(u -> u.endsWith("/data"));
        waitForVaadin(page);

        // a set a saved experiment uses is not deleted; the message names the experiment
        confirmDelete("data-points");
        String refused = page.locator("#data-message").innerText();
        assertEquals("\"<b>My blobs</b>\" was not deleted: the saved experiment \"Blobs <i>run</i>\" trains on it and "
                + "would no longer open. Delete it in My experiments first.", refused);
        assertEquals("alert", page.locator("#data-message").getAttribute("role"));
        assertTrue(Files.isRegularFile(PointFiles.file(points, dataFolder.path())));
        assertEquals(1, row("data-points").count());
        screenshot(page, "my-data-refused");

        // an unused one is: its files and its record go
        confirmDelete("data-folders");
        assertEquals("Deleted \"pets\".", page.locator("#data-message").innerText());
        assertEquals(0, row("data-folders").count());
        assertFalse(Files.exists(ImageFolders.folder(ImageSets.folderName(folder), dataFolder.path())), "the folder is gone");
        assertEquals(List.of(points), data.list(owner).stream().map(OwnedData.Item::id).toList());

        // another visitor's My data is empty
        com.microsoft.playwright.Page other = newContext().newPage();
        open(other, "data");
        assertEquals(0, other.locator(".ll-data-row").count());
        assertEquals(2, other.locator(".ll-data-empty").count());
        assertFalse(other.content().contains("My blobs"));
    }
}
