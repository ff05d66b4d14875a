package com.layerlab.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {

    @TempDir
    Path dir;

    private static byte[] counting(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 3);
        }
        return b;
    }

    @Test
    void writesTheHeaderAsTheMnistPagesDescribeIt() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Idx.write(out, new int[] {2, 3, 258}, counting(2 * 3 * 258));
        byte[] b = out.toByteArray();
        // magic 0x00000803, then the sizes big-endian
        assertArrayEquals(new byte[] {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 1, 2}, Arrays.copyOf(b, 16));
        assertEquals(16 + 2 * 3 * 258, b.length);
    }

    @Test
    void roundTripsPlainAndGzipFilesAndReadsAPrefix() throws IOException {
        byte[] data = counting(5 * 4 * 3);
        for (String name : new String[] {"a-idx3-ubyte", "a-idx3-ubyte.gz"}) {
            Path f = dir.resolve(name);
            Idx.write(f, new int[] {5, 4, 3}, data);
            Idx.Array all = Idx.read(f, Integer.MAX_VALUE);
            assertArrayEquals(new int[] {5, 4, 3}, all.dims());
            assertArrayEquals(data, all.data());
            assertTrue(all.isComplete());
            Idx.Array two = Idx.read(f, 2);
            assertArrayEquals(new int[] {2, 4, 3}, two.dims());
            assertArrayEquals(Arrays.copyOf(data, 24), two.data());
            assertEquals(5, two.fileEntries());
            assertFalse(two.isComplete());
            assertEquals(0, Idx.read(f, 0).data().length);
        }
        assertEquals(0x1f, Files.readAllBytes(dir.resolve("a-idx3-ubyte.gz"))[0] & 0xff);
    }

    @Test
    void refusesWhatIsNotAnUnsignedByteIdxFile() throws IOException {
        assertEquals("x: not an IDX file (it must start with two zero bytes)", error(new byte[] {1, 2, 3, 4, 5}));
        assertEquals("x: not an IDX file (it ends within the 4-byte header)", error(new byte[] {0, 0}));
        assertEquals("x: IDX value type 0x0d is not supported (only 0x08, unsigned bytes)", error(new byte[] {0, 0, 0x0d, 1, 0, 0, 0, 1}));
        assertEquals("x: IDX rank 0 outside 1..8", error(new byte[] {0, 0, 8, 0}));
        assertEquals("x: the IDX header ends early (2 dimensions announced)", error(new byte[] {0, 0, 8, 2, 0, 0, 0, 1}));
        assertEquals("x: IDX dimension 0 is 4294967295, too large", error(new byte[] {0, 0, 8, 1, -1, -1, -1, -1}));
    }

    @Test
    void namesATruncatedFileAndHowMuchOfItIsThere() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Idx.write(out, new int[] {4, 10}, counting(40));
        byte[] cut = Arrays.copyOf(out.toByteArray(), out.size() - 15);
        assertEquals("x: the file is truncated: dimensions [4, 10] need 40 bytes for the first 4 entries, but it ends "
                + "after 25 (2 whole entries)", error(cut));
        // the first two entries are all there
        assertEquals(20, Idx.read(new ByteArrayInputStream(cut), 2, "x").data().length);
        // a gzip stream cut short is the same problem, not a crash
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
            g.write(out.toByteArray());
        }
        byte[] cutGz = Arrays.copyOf(gz.toByteArray(), gz.size() - 30);
        assertTrue(error(cutGz).startsWith("x: the file is truncated"), error(cutGz));
    }

    @Test
    void aMissingFileIsNamed() {
        Path f = dir.resolve("nothing.gz");
        assertEquals(f + ": no such file", assertThrows(ImageDataException.class, () -> Idx.read(f, 1)).getMessage());
    }

    private static String error(byte[] bytes) {
        return assertThrows(ImageDataException.class, () -> Idx.read(new ByteArrayInputStream(bytes), 100, "x")).getMessage();
    }
}
