package com.layerlab.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PointsCsvTest {

    /** {@code n} lines "x,y,label" with labels taken round-robin from {@code labels}. */
    private static String lines(int n, String... labels) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i % 5 - 2).append(".5,").append(-(i % 3)).append(',').append(labels[i % labels.length]).append('\n');
        }
        return sb.toString();
    }

    private static PointsCsvException refused(String text) {
        return assertThrows(PointsCsvException.class, () -> PointsCsv.read(text));
    }

    @Test
    void integerLabelsAreTheClassesThemselvesWithOrWithoutAHeader() {
        PointsCsv.Parsed p = PointsCsv.read("x1,x2,label\n" + lines(12, "0", "2"));
        assertEquals(3, p.points().classes(), "class 2 keeps its number (and colour) with no point of class 1");
        assertEquals(12, p.points().size());
        assertEquals(-2.5f, p.points().x1()[0]);
        assertEquals(2f, p.points().label()[1]);
        assertTrue(p.classNames().isEmpty());
        PointsCsv.Parsed noHeader = PointsCsv.read(lines(12, "0", "2"));
        assertArrayEquals(p.points().label(), noHeader.points().label());
    }

    @Test
    void tensorFlowPlaygroundSignsAreClassesZeroAndOne() {
        PointsCsv.Parsed p = PointsCsv.read(lines(10, "-1", "1"));
        assertEquals(2, p.points().classes());
        assertEquals(0f, p.points().label()[0]);
        assertEquals(1f, p.points().label()[1]);
    }

    @Test
    void namesBecomeClassesInSortedOrder() {
        PointsCsv.Parsed p = PointsCsv.read("x1,x2,animal\r\n" + lines(10, "dog", "\"cat\"", "emu").replace("\n", "\r\n"));
        assertEquals(List.of("cat", "dog", "emu"), p.classNames());
        assertEquals(1f, p.points().label()[0], "dog is the second name in sorted order");
        assertEquals(0f, p.points().label()[1]);
        assertEquals(2f, p.points().label()[2]);
    }

    @Test
    void numbersWithAFractionMakeARegressionSet() {
        PointsCsv.Parsed p = PointsCsv.read("\uFEFF" + lines(10, "1", "0.25", "-3e2") + "\n\n");
        assertTrue(p.isRegression());
        assertEquals(0.25f, p.points().label()[1]);
        assertEquals(-300f, p.points().label()[2]);
    }

    @Test
    void writtenSetsReadBackAsTheSamePoints() {
        Points2D classes = PointsCsv.read(lines(10, "0", "3")).points();
        Points2D values = PointsCsv.read(lines(10, "1", "0.5")).points();
        for (Points2D p : List.of(classes, values)) {
            Points2D back = PointsCsv.read(PointsCsv.write(p)).points();
            assertArrayEquals(p.x1(), back.x1());
            assertArrayEquals(p.x2(), back.x2());
            assertArrayEquals(p.label(), back.label());
            assertEquals(p.classes(), back.classes());
        }
    }

    @Test
    void refusesAnEmptyFileAndAHeaderWithoutPoints() {
        assertEquals("the file is empty: a point set has one line x1,x2,label per point", refused("").getMessage());
        assertEquals(0, refused("\n  \n").line());
        assertEquals("the file has a header but no points", refused("x1,x2,label\n").getMessage());
    }

    @Test
    void refusesTooFewPoints() {
        assertEquals("the file has 3 points; a point set needs at least 10 (some of them become the test split)",
                refused(lines(3, "0", "1")).getMessage());
    }

    @Test
    void refusesAWrongColumnCountNamingTheLine() {
        PointsCsvException e = refused("x1,x2,label\n1,2,0\n1,2\n");
        assertEquals(3, e.line());
        assertEquals("line 3: expected 3 values x1,x2,label but found 2", e.getMessage());
        assertTrue(refused("1;2;0\n").getMessage().contains("found 1 (is the file separated by commas?)"));
        assertEquals("line 2: expected 3 values x1,x2,label but found 4", refused("1,2,0\n1,2,0,9\n").getMessage());
    }

    @Test
    void refusesANonNumberCoordinate() {
        assertEquals("line 2: x2 \"abc\" is not a number", refused("1,2,0\n1,abc,1\n").getMessage());
        assertEquals("line 1: x1 is empty", refused(",2,0\n").getMessage());
        // Java would read these; a CSV file should not hold them
        assertEquals("line 1: x1 \"0x1p1\" is not a number", refused("0x1p1,2,0\n").getMessage());
    }

    @Test
    void refusesNaNAndInfinity() {
        assertEquals("line 2: x1 is NaN; coordinates must be finite numbers", refused("1,2,0\nNaN,1,1\n").getMessage());
        assertEquals("line 1: x2 is -Infinity; coordinates must be finite numbers", refused("1,-Infinity,0\n").getMessage());
        assertEquals("line 2: the label is inf; a label is a class or a finite number", refused("1,2,0\n1,1,inf\n").getMessage());
    }

    @Test
    void refusesCoordinatesOutsideTheView() {
        assertEquals("line 2: x1 is 6.5, outside the playground's view -6 to 6 (scale the points into it)",
                refused("1,2,0\n6.5,0,1\n").getMessage());
        assertEquals(1, refused("0,1e400,0\n").line(), "a number too large for a double is out of range, not infinite");
    }

    @Test
    void refusesRegressionValuesOutOfRange() {
        PointsCsvException e = refused(lines(10, "0.5") + "1,1,1e5\n");
        assertEquals(11, e.line());
        assertEquals("line 11: the value 1e5 is outside -1000 to 1000 (scale the values into it)", e.getMessage());
    }

    @Test
    void refusesTooManyRows() {
        PointsCsvException e = refused("x1,x2,label\n" + lines(PointsCsv.MAX_POINTS + 1, "0", "1"));
        assertEquals(PointsCsv.MAX_POINTS + 2, e.line());
        assertEquals("line 5002: more than 5,000 points: a point set may have at most 5,000", e.getMessage());
    }

    @Test
    void refusesMoreClassesThanThePlaygroundDraws() {
        PointsCsvException numbers = refused(lines(10, "0", "1") + "0,0,5\n");
        assertEquals("line 11: class 5: the playground draws at most 5 classes, numbered 0 to 4 "
                + "(for numbers to predict, write them with a decimal point: 5.0)", numbers.getMessage());
        PointsCsvException names = refused(lines(10, "a", "b", "c", "d", "e") + "0,0,f\n");
        assertEquals("line 11: \"f\" is a 6th class name: the playground draws at most 5 classes", names.getMessage());
        assertTrue(refused(lines(10, "0", "-2")).getMessage().startsWith("line 2: class -2 is negative"));
    }

    @Test
    void refusesOneClassAndMixedLabels() {
        assertEquals("every point has class 1: a classifier needs points of at least 2 classes",
                refused(lines(10, "1")).getMessage());
        assertEquals("line 2: the label \"cat\" is a name but line 1's is a number: labels are all class names or all numbers",
                refused("1,1,0\n1,1,cat\n").getMessage());
        assertEquals("line 1: the label is empty", refused("1,1,\n").getMessage());
    }

    @Test
    void refusesAFileThatIsNotText() {
        byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, 0, 1, 2};
        assertEquals(0, assertThrows(PointsCsvException.class, () -> PointsCsv.read(notUtf8)).line());
        assertTrue(refused("1,1,0\n1\0,1,1\n").getMessage().startsWith("line 2: the line holds a NUL character"));
        byte[] big = new byte[PointsCsv.MAX_BYTES + 1];
        assertTrue(assertThrows(PointsCsvException.class, () -> PointsCsv.read(big)).getMessage()
                .startsWith("the file has 1,048,577 bytes"));
    }

    @Test
    void storedSetsGetUnguessableIdsAndLoadBack(@TempDir Path dir) throws Exception {
        String a = PointFiles.save(lines(10, "0", "1").getBytes(StandardCharsets.UTF_8), dir);
        String b = PointFiles.save(lines(10, "0", "1").getBytes(StandardCharsets.UTF_8), dir);
        assertTrue(a.matches("points:[A-Za-z0-9_-]{16}"), a);
        assertFalse(a.equals(b));
        assertTrue(PointFiles.exists(a, dir));
        assertEquals(10, PointFiles.load(a, dir).points().size());
        assertTrue(Files.isRegularFile(dir.resolve("points").resolve(a.substring(7) + ".csv")));
    }

    @Test
    void aRefusedFileStoresNothing(@TempDir Path dir) {
        assertThrows(PointsCsvException.class, () -> PointFiles.save("1,2\n".getBytes(StandardCharsets.UTF_8), dir));
        assertFalse(Files.exists(dir.resolve("points")) && dir.resolve("points").toFile().list().length > 0);
    }

    @Test
    void unknownAndMalformedIds(@TempDir Path dir) {
        PointsCsvException e = assertThrows(PointsCsvException.class, () -> PointFiles.load("points:nope", dir));
        assertTrue(e.getMessage().startsWith("there is no point set points:nope in the data folder"), e.getMessage());
        assertFalse(PointFiles.isId("points:../etc/passwd"));
        assertFalse(PointFiles.isId("points:"));
        assertFalse(PointFiles.exists("points:a/b", dir));
    }
}
