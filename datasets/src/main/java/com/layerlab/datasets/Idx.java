package com.layerlab.datasets;

import java.io.BufferedInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * IDX files, the format of MNIST and Fashion-MNIST: the bytes 0, 0, a type code and the number of
 * dimensions, then each dimension as a big-endian 32-bit integer, then the values in row-major order.
 * Only type 0x08 (unsigned byte) is read, the type of every image and label file of both sets. Files
 * may be gzip-compressed (recognised by their first two bytes).
 */
public final class Idx {

    /** Type code of unsigned bytes. */
    public static final int UBYTE = 0x08;

    private static final int MAX_RANK = 8;

    private Idx() {
    }

    /**
     * A read IDX array: its dimensions and its bytes, as far as read; {@code fileEntries} is the first
     * dimension the file announced (more than {@code dims[0]} when a limit cut it).
     */
    public record Array(int[] dims, byte[] data, int fileEntries) {

        public Array(int[] dims, byte[] data) {
            this(dims, data, dims[0]);
        }

        public boolean isComplete() {
            return dims[0] == fileEntries;
        }
    }

    /**
     * Reads a file (plain or gzip).
     *
     * @param limit read only the first {@code limit} entries along the first axis (all when larger)
     */
    public static Array read(Path file, int limit) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, limit, file.toString());
        } catch (NoSuchFileException e) {
            throw new ImageDataException(file + ": no such file");
        } catch (IOException e) {
            throw new ImageDataException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Reads from a stream (plain or gzip); {@code name} names the source in messages.
     *
     * @throws ImageDataException when the data are not an unsigned-byte IDX array or end early
     */
    public static Array read(InputStream raw, int limit, String name) throws IOException {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        InputStream in = b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16)
                : buffered;
        byte[] head = new byte[4];
        if (readFully(in, head) < 4) {
            throw new ImageDataException(name + ": not an IDX file (it ends within the 4-byte header)");
        }
        if (head[0] != 0 || head[1] != 0) {
            throw new ImageDataException(name + ": not an IDX file (it must start with two zero bytes)");
        }
        if ((head[2] & 0xff) != UBYTE) {
            throw new ImageDataException(String.format("%s: IDX value type 0x%02x is not supported (only 0x08, unsigned bytes)",
                    name, head[2] & 0xff));
        }
        int rank = head[3] & 0xff;
        if (rank < 1 || rank > MAX_RANK) {
            throw new ImageDataException(name + ": IDX rank " + rank + " outside 1.." + MAX_RANK);
        }
        byte[] dimBytes = new byte[4 * rank];
        if (readFully(in, dimBytes) < dimBytes.length) {
            throw new ImageDataException(name + ": the IDX header ends early (" + rank + " dimensions announced)");
        }
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            long d = ((dimBytes[4 * i] & 0xffL) << 24) | ((dimBytes[4 * i + 1] & 0xff) << 16)
                    | ((dimBytes[4 * i + 2] & 0xff) << 8) | (dimBytes[4 * i + 3] & 0xff);
            if (d > Integer.MAX_VALUE) {
                throw new ImageDataException(name + ": IDX dimension " + i + " is " + d + ", too large");
            }
            dims[i] = (int) d;
        }
        int[] kept = dims.clone();
        kept[0] = Math.min(dims[0], limit);
        long count = 1;
        for (int d : kept) {
            count *= d;
            if (count > Integer.MAX_VALUE - 8) {
                throw new ImageDataException(name + ": IDX array " + Arrays.toString(dims) + " is too large to load");
            }
        }
        byte[] data = new byte[(int) count];
        int got = readFully(in, data);
        if (got < data.length) {
            long item = data.length / Math.max(1, kept[0]);
            throw new ImageDataException(name + ": the file is truncated: dimensions " + Arrays.toString(dims) + " need "
                    + data.length + " bytes for the first " + kept[0] + " entries, but it ends after " + got
                    + (item > 0 ? " (" + got / item + " whole entries)" : ""));
        }
        return new Array(kept, data, dims[0]);
    }

    /** Writes an unsigned-byte IDX file, gzip-compressed when the name ends in {@code .gz}. */
    public static void write(Path file, int[] dims, byte[] data) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream out = file.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw) {
            write(out, dims, data);
        }
    }

    /** Writes an unsigned-byte IDX array to a stream (not closed). */
    public static void write(OutputStream out, int[] dims, byte[] data) throws IOException {
        if (dims.length < 1 || dims.length > MAX_RANK) {
            throw new IllegalArgumentException("IDX rank must be 1.." + MAX_RANK + ", got " + dims.length);
        }
        long count = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("IDX dimensions must not be negative: " + Arrays.toString(dims));
            }
            count *= d;
        }
        if (count != data.length) {
            throw new IllegalArgumentException(data.length + " bytes do not fill IDX dimensions " + Arrays.toString(dims));
        }
        DataOutputStream d = new DataOutputStream(out);
        d.write(new byte[] {0, 0, UBYTE, (byte) dims.length});
        for (int dim : dims) {
            d.writeInt(dim);
        }
        d.write(data);
        d.flush();
    }

    /** Reads until {@code buf} is full or the stream ends; returns how many bytes were read. */
    private static int readFully(InputStream in, byte[] buf) throws IOException {
        int n = 0;
        try {
            while (n < buf.length) {
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        } catch (EOFException e) {
            // a gzip stream cut short: report it as the short read it is
        }
        return n;
    }
}
