package com.layerlab.app.api;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The {@code events.zip} of an API run (API.md, "Runs"), from the zips of its folders' event files
 * ({@link com.layerlab.engine.summary.EventArchive#writeZip}): a run resumed in its own folder has one, whose
 * files are the zip's as they are; one whose segments trained in several folders has a {@code part-N/} for
 * each, oldest first, so that no segment's files hide another's of the same name.
 */
final class EventZips {

    private EventZips() {
    }

    /**
     * One zip of the folders' zips, in order.
     *
     * @param runId     the run's id, for the message of a zip that cannot be read
     * @param perFolder each folder's zip, oldest first
     */
    static byte[] join(String runId, List<byte[]> perFolder) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (int i = 0; i < perFolder.size(); i++) {
                copy(perFolder.get(i), perFolder.size() == 1 ? "" : "part-" + (i + 1) + "/", zip);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot zip the event files of run " + runId, e);
        }
        return out.toByteArray();
    }

    private static void copy(byte[] zipped, String prefix, ZipOutputStream into) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zipped))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                into.putNextEntry(new ZipEntry(prefix + e.getName()));
                in.transferTo(into);
                into.closeEntry();
            }
        }
    }
}
