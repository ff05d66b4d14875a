package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ConvolutionImagesTest {

    private static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), "no writer for " + format);
        return out.toByteArray();
    }

    @Test
    void samplesAreSmallGreyImagesInRange() {
        for (String name : ConvolutionImages.SAMPLES) {
            ConvolutionImage img = ConvolutionImages.sample(name);
            assertEquals(1, img.channels(), name);
            assertTrue(img.height() <= ConvolutionImages.MAX_SIDE && img.width() <= ConvolutionImages.MAX_SIDE, name);
            float min = 1;
            float max = 0;
            for (float v : img.values()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertEquals(0, min, name + " has black");
            assertEquals(1, max, 1e-6, name + " has white");
        }
        ConvolutionImage board = ConvolutionImages.sample(ConvolutionImages.CHECKERBOARD);
        assertEquals(16, board.height());
        // 4-pixel squares, white in the top-left corner
        assertEquals(1, board.values()[0]);
        assertEquals(1, board.values()[3]);
        assertEquals(0, board.values()[4]);
        assertEquals(0, board.values()[4 * 16]);
        assertEquals(1, board.values()[4 * 16 + 4]);
        ConvolutionImage digit = ConvolutionImages.sample(ConvolutionImages.DIGIT);
        assertEquals(28, digit.height());
        assertThrows(ConvolutionImages.BadImageException.class, () -> ConvolutionImages.sample("Mona Lisa"));
    }

    @Test
    void shrinkingAveragesAreasAndKeepsProportions() {
        float[] v = new float[64 * 64];
        for (int r = 0; r < 64; r++) {
            for (int c = 0; c < 64; c++) {
                v[r * 64 + c] = (r % 2 == 0 && c % 2 == 0) ? 1 : 0;
            }
        }
        ConvolutionImage small = ConvolutionImages.shrink(new ConvolutionImage("x", 1, 64, 64, v), 32);
        assertEquals(32, small.height());
        assertEquals(32, small.width());
        for (float f : small.values()) {
            assertEquals(0.25f, f, "each 2x2 block holds one white pixel");
        }
        ConvolutionImage wide = ConvolutionImages.shrink(new ConvolutionImage("w", 3, 50, 100, new float[3 * 5000]), 32);
        assertEquals(16, wide.height());
        assertEquals(32, wide.width());
        assertEquals(3, wide.channels());
        ConvolutionImage fits = new ConvolutionImage("f", 1, 20, 30, new float[600]);
        assertSame(fits, ConvolutionImages.shrink(fits, 32));
    }

    @Test
    void planesOfAColourImage() {
        // one pixel: r = 1, g = 0.5, b = 0
        ConvolutionImage img = new ConvolutionImage("c", 3, 1, 1, new float[] {1, 0.5f, 0});
        assertEquals(1, img.plane(ConvolutionImage.RED)[0]);
        assertEquals(0.5f, img.plane(ConvolutionImage.GREEN)[0]);
        assertEquals(0, img.plane(ConvolutionImage.BLUE)[0]);
        assertEquals(0.299 + 0.587 * 0.5, img.plane(ConvolutionImage.GRAY)[0], 1e-6);
        ConvolutionImage grey = new ConvolutionImage("g", 1, 1, 2, new float[] {0.25f, 0.75f});
        assertArrayEquals(new float[] {0.25f, 0.75f}, grey.plane(ConvolutionImage.RED));
        assertThrows(IllegalArgumentException.class, () -> new ConvolutionImage("bad", 2, 1, 1, new float[2]));
    }

    @Test
    void decodesPngAndJpegUploads() throws IOException {
        BufferedImage grey = new BufferedImage(64, 48, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = grey.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 32, 48); // left half white
        g.dispose();
        ConvolutionImage png = ConvolutionImages.decode(encode(grey, "png"), "half.png");
        assertEquals(1, png.channels());
        assertEquals(24, png.height());
        assertEquals(32, png.width());
        assertEquals(1, png.values()[0], 1e-6);
        assertEquals(0, png.values()[31], 1e-6);
        assertTrue(png.label().contains("half.png"));

        BufferedImage colour = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        g = colour.createGraphics();
        g.setColor(new Color(255, 0, 0));
        g.fillRect(0, 0, 40, 40);
        g.dispose();
        ConvolutionImage jpg = ConvolutionImages.decode(encode(colour, "jpg"), "red.jpg");
        assertEquals(3, jpg.channels());
        assertEquals(32, jpg.height());
        assertTrue(jpg.plane(ConvolutionImage.RED)[500] > 0.9f);
        assertTrue(jpg.plane(ConvolutionImage.BLUE)[500] < 0.1f);

        BufferedImage clear = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB); // fully transparent
        ConvolutionImage paper = ConvolutionImages.decode(encode(clear, "png"), "clear.png");
        assertEquals(1, paper.values()[0], 1e-6, "transparent reads as white");

        // a large picture is read subsampled and still ends at 32 pixels a side
        BufferedImage big = new BufferedImage(3000, 2000, BufferedImage.TYPE_BYTE_GRAY);
        ConvolutionImage shrunk = ConvolutionImages.decode(encode(big, "png"), "big.png");
        assertEquals(32, shrunk.width());
        assertEquals(21, shrunk.height());
    }

    @Test
    void badUploadsGetAClearMessage() throws IOException {
        ConvolutionImages.BadImageException e = assertThrows(ConvolutionImages.BadImageException.class,
                () -> ConvolutionImages.decode("this is not an image".getBytes(StandardCharsets.UTF_8), "notes.png"));
        assertEquals("\"notes.png\" is not a PNG or JPEG image.", e.getMessage());

        byte[] png = encode(new BufferedImage(20, 20, BufferedImage.TYPE_BYTE_GRAY), "png");
        byte[] cut = java.util.Arrays.copyOf(png, 40);
        e = assertThrows(ConvolutionImages.BadImageException.class, () -> ConvolutionImages.decode(cut, "cut.png"));
        assertEquals("\"cut.png\" could not be read as a PNG or JPEG image (it may be damaged).", e.getMessage());

        byte[] gif = encode(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), "gif");
        e = assertThrows(ConvolutionImages.BadImageException.class, () -> ConvolutionImages.decode(gif, "anim.gif"));
        assertEquals("\"anim.gif\" is a GIF image; only PNG and JPEG are accepted.", e.getMessage());

        e = assertThrows(ConvolutionImages.BadImageException.class, () -> ConvolutionImages.decode(new byte[0], "empty.png"));
        assertEquals("\"empty.png\" is empty.", e.getMessage());

        byte[] huge = new byte[ConvolutionImages.MAX_UPLOAD_BYTES + 1];
        e = assertThrows(ConvolutionImages.BadImageException.class, () -> ConvolutionImages.decode(huge, "huge.png"));
        assertTrue(e.getMessage().contains("up to 2 MB"), e.getMessage());
    }

    @Test
    void dataSetImages() {
        ConvolutionImage digit = ConvolutionImages.fromDataSet("mnist", 0);
        assertEquals(1, digit.channels());
        assertEquals(28, digit.height());
        assertTrue(digit.label().startsWith("MNIST digits image 0 ("), digit.label());
        ConvolutionImage shape = ConvolutionImages.fromDataSet("shapes", 3);
        assertEquals(3, shape.channels());
        assertEquals(32, shape.width());
        assertTrue(shape.label().endsWith("(cross)"), shape.label());
        assertEquals(ConvolutionImages.DATASET_IMAGES, ConvolutionImages.dataSetSize("mnist"));
        assertThrows(ConvolutionImages.BadImageException.class,
                () -> ConvolutionImages.fromDataSet("mnist", ConvolutionImages.DATASET_IMAGES));
        assertThrows(ConvolutionImages.BadImageException.class, () -> ConvolutionImages.fromDataSet("imagenet", 0));
    }
}
