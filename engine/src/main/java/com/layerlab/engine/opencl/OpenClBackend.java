package com.layerlab.engine.opencl;

import com.aparapi.Kernel;
import com.aparapi.Range;
import com.aparapi.device.OpenCLDevice;
import com.layerlab.engine.tensor.Backend;
import com.layerlab.engine.tensor.ConvShape;
import com.layerlab.engine.tensor.Device;
import com.layerlab.engine.tensor.PoolShape;
import com.layerlab.engine.tensor.Storage;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The primitives on one OpenCL device, as Aparapi kernels ({@link PrimitivesKernel}). Storages are
 * ranges of one device buffer that stays on the device across operations (Aparapi's explicit buffer
 * handling): a primitive transfers only its parameters; the host copies run through a staging buffer.
 *
 * <p>One instance per OpenCL device ({@link OpenClProvider} makes them). Its operations are serialised
 * on a lock: Aparapi runs one kernel instance on one thread at a time, so two runs on the same device
 * take turns, and runs on different devices (or on the CPU) go on side by side.
 *
 * <p>Aparapi re-runs a kernel on its Java thread pool when OpenCL cannot take it, silently; here that
 * is an {@link OpenClFallbackException} after the run, because the host copies the Java pool would have
 * worked on are not the device's memory: the results would be wrong.
 *
 * <p>Guard against lost memory: the host copy of the pool is stale by design, and Aparapi rebuilds a
 * device buffer from it when the garbage collector moves the array. The pool starts at
 * {@link #INITIAL_FLOATS} (64 MiB), so G1 allocates it as a humongous object, which it never moves; and
 * element 0 of the pool is 1 on the device and 0 on the host, checked at every copy to the host, so a
 * rebuilt buffer is reported instead of read.
 */
public final class OpenClBackend implements Backend {

    /** 16 Mi floats: large enough that G1 never moves the pool (see the class comment). */
    static final int INITIAL_FLOATS = 1 << 24;
    private static final int GROUP = 64;

    private final OpenCLDevice clDevice;
    private final String description;
    private final PrimitivesKernel kernel;
    private final DevicePool pool;
    /** The runs' scopes with storages live: a scope device is equal to its device, so by identity. */
    private final Map<Device, DevicePool.Scope> scopes = new IdentityHashMap<>();
    private final long maxFloats;
    private final int group;

    /** A backend on {@code clDevice}: creates its kernel and device buffer and runs one op on it. */
    OpenClBackend(OpenCLDevice clDevice, String description) {
        this.clDevice = clDevice;
        this.description = description;
        // one buffer holds every storage: its largest is the device's largest allocation (and an int's range)
        this.maxFloats = Math.min(Integer.MAX_VALUE - 64, clDevice.getMaxMemAllocSize() / Float.BYTES);
        this.group = Math.max(1, Math.min(GROUP, clDevice.getMaxWorkGroupSize()));
        int initial = (int) Math.min(INITIAL_FLOATS, maxFloats);
        this.kernel = new PrimitivesKernel(new float[initial], new float[GROUP]);
        this.kernel.setExplicit(true);
        this.pool = new DevicePool(initial);
        synchronized (kernel) {
            setSentinel();
        }
    }

    @Override
    public String name() {
        return "opencl";
    }

    /** The OpenCL device, as OpenCL names it with its platform ("pthread-cpu (Portable Computing Language)"). */
    public String description() {
        return description;
    }

    /** Floats allocated since the backend was made, freed or not (for tests). */
    long floatsHandedOut() {
        synchronized (kernel) {
            return pool.handedOut();
        }
    }

    /** Floats held by live storages now (for tests). */
    long floatsInUse() {
        synchronized (kernel) {
            return pool.inUse();
        }
    }

    /** The device buffer's size in floats (for tests). */
    int poolCapacity() {
        synchronized (kernel) {
            return pool.capacity();
        }
    }

    // ---- memory

    @Override
    public Storage allocate(Device device, int size) {
        checkDevice(device);
        synchronized (kernel) {
            int at = reserve(size);
            DevicePool.Scope scope = device.isScope() ? scopes.computeIfAbsent(device, d -> new DevicePool.Scope()) : null;
            OpenClStorage s = new OpenClStorage(device, this, at, size, scope);
            pool.track(s, at, size, scope);
            if (size > 0) {
                // a reused range holds an earlier storage's values
                kernel.fp[0] = 0f;
                kernel.ip[2] = at;
                run(PrimitivesKernel.FILL, size);
            }
            return s;
        }
    }

    @Override
    public void release(Device scope) {
        checkDevice(scope);
        synchronized (kernel) {
            DevicePool.Scope s = scopes.remove(scope);
            if (s != null) {
                pool.release(s);
            }
        }
    }

    @Override
    public Storage upload(Device device, float[] values) {
        Storage s = allocate(device, values.length);
        s.copyFromHost(values, 0, 0, values.length);
        return s;
    }

    /** Indices are stored as floats, exact up to 2^24: a pooling plane of at most 16 Mi positions. */
    @Override
    public Storage allocateIndices(Device device, int size) {
        return allocate(device, size);
    }

    private void checkDevice(Device device) {
        if (device == null || device.backend() != this) {
            throw new IllegalArgumentException("opencl: device " + device + " is not a device of this backend ("
                    + description + ")");
        }
    }

    /** A free range of {@code size} floats: after collecting dead storages, or after growing the buffer. */
    private int reserve(int size) {
        int at = pool.take(size);
        if (at >= 0) {
            return at;
        }
        try {
            if (pool.collect()) {
                at = pool.take(size);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        while (at < 0) {
            growPool(size);
            at = pool.take(size);
        }
        return at;
    }

    /** Doubles the device buffer (at least by {@code size}): the old contents come to the host and go back. */
    private void growPool(int size) {
        // room for the range however it is aligned
        long needed = (long) pool.capacity() + size + 16;
        long capacity = Math.min(Math.max(2L * pool.capacity(), needed), maxFloats);
        if (capacity < needed) {
            throw new IllegalStateException(String.format("opencl: out of device memory on %s: %,d floats in use, "
                    + "%,d more needed, at most %,d in one buffer; use a smaller batch or model, or another device",
                    description, pool.inUse(), size, maxFloats));
        }
        kernel.get(kernel.mem);
        float[] grown = Arrays.copyOf(kernel.mem, (int) capacity);
        kernel.mem = grown;
        kernel.put(grown);
        pool.grow((int) capacity);
        setSentinel();
    }

    /** Element 0: 0 on the host, 1 on the device (see the class comment). */
    private void setSentinel() {
        kernel.mem[0] = 0f;
        kernel.put(kernel.mem);
        kernel.fp[0] = 1f;
        kernel.ip[2] = 0;
        run(PrimitivesKernel.FILL, 1);
    }

    /** Copies src[srcPos..srcPos+n) to the device buffer at {@code at}. */
    void write(int at, float[] src, int srcPos, int n) {
        if (n == 0) {
            return;
        }
        synchronized (kernel) {
            float[] st = stage(n);
            System.arraycopy(src, srcPos, st, 0, n);
            kernel.put(st);
            kernel.ip[2] = at;
            run(PrimitivesKernel.STAGE_IN, n);
        }
    }

    /** Copies n floats of the device buffer from {@code at} into dst[dstPos..]. */
    void read(int at, float[] dst, int dstPos, int n) {
        if (n == 0) {
            return;
        }
        synchronized (kernel) {
            float[] st = stage(n + 1);
            kernel.ip[2] = at;
            run(PrimitivesKernel.STAGE_OUT, n + 1);
            kernel.get(st);
            if (st[n] != 1f) {
                throw new IllegalStateException("opencl: the device memory of " + description + " was lost (Aparapi "
                        + "rebuilt the device buffer from the host's copy): the run's tensors on it are invalid");
            }
            System.arraycopy(st, 0, dst, dstPos, n);
        }
    }

    /** A staging array of at least n floats, a power of two, kept while it is large enough. */
    private float[] stage(int n) {
        if (kernel.stage.length < n) {
            kernel.stage = new float[Integer.highestOneBit(Math.max(n - 1, 1)) << 1];
        }
        return kernel.stage;
    }

    /** Runs {@code op} over {@code items} work items (the kernel skips those past it). */
    private void run(int op, int items) {
        if (items <= 0) {
            return;
        }
        kernel.ip[0] = op;
        kernel.ip[1] = items;
        int global = (items + group - 1) / group * group;
        execute(Range.create(clDevice, global, group), op);
    }

    private void execute(Range range, int op) {
        kernel.put(kernel.ip);
        kernel.put(kernel.fp);
        OpenClFallbackException.execute(kernel, range, clDevice, "op " + op);
    }

    private static int off(Storage s) {
        return ((OpenClStorage) s).offset();
    }

    // ---- maths

    @Override
    public void fill(Storage out, float value) {
        synchronized (kernel) {
            kernel.fp[0] = value;
            kernel.ip[2] = off(out);
            run(PrimitivesKernel.FILL, out.size());
        }
    }

    @Override
    public void unary(UnaryOp op, float alpha, Storage x, Storage out, int n) {
        synchronized (kernel) {
            kernel.ip[2] = op.ordinal();
            kernel.ip[3] = off(x);
            kernel.ip[4] = off(out);
            kernel.fp[0] = alpha;
            run(PrimitivesKernel.UNARY, n);
        }
    }

    @Override
    public void unaryBackward(UnaryOp op, float alpha, Storage x, Storage y, Storage gy, Storage gx, int n) {
        synchronized (kernel) {
            kernel.ip[2] = op.ordinal();
            kernel.ip[3] = off(x);
            kernel.ip[4] = off(y);
            kernel.ip[5] = off(gy);
            kernel.ip[6] = off(gx);
            kernel.fp[0] = alpha;
            run(PrimitivesKernel.UNARY_BACKWARD, n);
        }
    }

    @Override
    public void binary(BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, Storage out, int[] outShape) {
        synchronized (kernel) {
            int rank = setShape(outShape);
            setStrides(aShape, outShape, rank, 16);
            setStrides(bShape, outShape, rank, 24);
            kernel.ip[2] = off(a);
            kernel.ip[3] = off(b);
            kernel.ip[4] = off(out);
            kernel.ip[5] = op.ordinal();
            run(PrimitivesKernel.BINARY, numel(outShape));
        }
    }

    @Override
    public void broadcast(Storage x, int[] xShape, Storage out, int[] outShape) {
        synchronized (kernel) {
            int rank = setShape(outShape);
            setStrides(xShape, outShape, rank, 16);
            kernel.ip[2] = off(x);
            kernel.ip[3] = off(out);
            run(PrimitivesKernel.BROADCAST, numel(outShape));
        }
    }

    /** The output shape at ip[8..] and its rank at ip[6] (a scalar as [1]); returns the rank. */
    private int setShape(int[] outShape) {
        if (outShape.length > PrimitivesKernel.MAX_RANK) {
            throw new IllegalArgumentException("opencl: broadcasting handles at most " + PrimitivesKernel.MAX_RANK
                    + " dimensions, got shape " + Arrays.toString(outShape));
        }
        int rank = Math.max(1, outShape.length);
        kernel.ip[6] = rank;
        kernel.ip[8] = 1;
        for (int d = 0; d < outShape.length; d++) {
            kernel.ip[8 + d] = outShape[d];
        }
        return rank;
    }

    /** Row-major strides of {@code shape} aligned right against {@code outShape} at ip[at..], 0 on broadcast axes. */
    private void setStrides(int[] shape, int[] outShape, int rank, int at) {
        Arrays.fill(kernel.ip, at, at + PrimitivesKernel.MAX_RANK, 0);
        int lead = rank - outShape.length;
        int stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            int od = d + outShape.length - shape.length + lead;
            kernel.ip[at + od] = shape[d] == 1 ? 0 : stride;
            stride *= shape[d];
        }
    }

    @Override
    public void sum(Storage x, int outer, int reduce, int inner, Storage out) {
        reduce(PrimitivesKernel.SUM, x, outer, reduce, inner, out);
    }

    @Override
    public void max(Storage x, int outer, int reduce, int inner, Storage out) {
        reduce(PrimitivesKernel.MAX, x, outer, reduce, inner, out);
    }

    private void reduce(int op, Storage x, int outer, int reduce, int inner, Storage out) {
        synchronized (kernel) {
            kernel.ip[2] = off(x);
            kernel.ip[3] = off(out);
            kernel.ip[4] = reduce;
            kernel.ip[5] = inner;
            run(op, outer * inner);
        }
    }

    @Override
    public void matmul(Storage a, boolean transA, Storage b, boolean transB, Storage c, int m, int k, int n) {
        if (m == 0 || n == 0) {
            return;
        }
        synchronized (kernel) {
            kernel.ip[0] = PrimitivesKernel.MATMUL;
            kernel.ip[1] = m;
            kernel.ip[2] = off(a);
            kernel.ip[3] = off(b);
            kernel.ip[4] = off(c);
            kernel.ip[5] = k;
            kernel.ip[6] = n;
            kernel.ip[7] = transA ? 1 : k;
            kernel.ip[8] = transA ? m : 1;
            kernel.ip[9] = transB ? 1 : n;
            kernel.ip[10] = transB ? k : 1;
            int t = PrimitivesKernel.TILE;
            execute(Range.create2D(clDevice, roundUp(n, t), roundUp(m, t), t, t), PrimitivesKernel.MATMUL);
        }
    }

    private static int roundUp(int v, int to) {
        return (v + to - 1) / to * to;
    }

    @Override
    public void transpose(Storage x, int rows, int cols, Storage out) {
        synchronized (kernel) {
            kernel.ip[2] = off(x);
            kernel.ip[3] = off(out);
            kernel.ip[4] = rows;
            kernel.ip[5] = cols;
            run(PrimitivesKernel.TRANSPOSE, rows * cols);
        }
    }

    // ---- convolution

    @Override
    public void convolution(Storage x, Storage w, Storage bias, Storage y, ConvShape s) {
        synchronized (kernel) {
            setConv(s, off(x), off(w), off(y), bias == null ? -1 : off(bias));
            run(PrimitivesKernel.CONV, s.batch() * s.outChannels() * s.outPlane());
        }
    }

    @Override
    public void convolutionBackwardInput(Storage gy, Storage w, Storage gx, ConvShape s) {
        synchronized (kernel) {
            setConv(s, off(gy), off(w), off(gx), -1);
            run(PrimitivesKernel.CONV_BACKWARD_INPUT, s.batch() * s.inChannels() * s.inPlane());
        }
    }

    @Override
    public void convolutionBackwardWeight(Storage x, Storage gy, Storage gw, ConvShape s) {
        synchronized (kernel) {
            setConv(s, off(x), off(gy), off(gw), -1);
            run(PrimitivesKernel.CONV_BACKWARD_WEIGHT, s.outChannels() * s.groupRows());
        }
    }

    /** PrimitivesKernel's convolution parameter layout. */
    private void setConv(ConvShape s, int first, int second, int out, int bias) {
        int[] ip = kernel.ip;
        ip[2] = first;
        ip[3] = second;
        ip[4] = out;
        ip[5] = bias;
        ip[6] = s.batch();
        ip[7] = s.inChannels();
        ip[8] = s.outChannels();
        ip[9] = s.groups();
        for (int a = 0; a < 3; a++) {
            ip[10 + a] = s.in(a);
            ip[13 + a] = s.out(a);
            ip[16 + a] = s.kernel(a);
            ip[19 + a] = s.stride(a);
            ip[22 + a] = s.padding(a);
            ip[25 + a] = s.dilation(a);
        }
    }

    // ---- pooling

    @Override
    public void maxPool2d(Storage x, Storage y, Storage argmax, PoolShape s) {
        synchronized (kernel) {
            setPool(s, off(x), off(y), off(argmax));
            run(PrimitivesKernel.MAX_POOL, s.planes() * s.outHeight() * s.outWidth());
        }
    }

    @Override
    public void maxPool2dBackward(Storage gy, Storage argmax, Storage gx, PoolShape s) {
        synchronized (kernel) {
            setPool(s, off(gy), off(gx), off(argmax));
            run(PrimitivesKernel.MAX_POOL_BACKWARD, s.planes() * s.height() * s.width());
        }
    }

    @Override
    public void avgPool2d(Storage x, Storage y, PoolShape s) {
        synchronized (kernel) {
            setPool(s, off(x), off(y), 0);
            run(PrimitivesKernel.AVG_POOL, s.planes() * s.outHeight() * s.outWidth());
        }
    }

    @Override
    public void avgPool2dBackward(Storage gy, Storage gx, PoolShape s) {
        synchronized (kernel) {
            setPool(s, off(gy), off(gx), 0);
            run(PrimitivesKernel.AVG_POOL_BACKWARD, s.planes() * s.height() * s.width());
        }
    }

    /** PrimitivesKernel's pooling parameter layout. */
    private void setPool(PoolShape s, int in, int out, int argmax) {
        int[] ip = kernel.ip;
        ip[2] = in;
        ip[3] = out;
        ip[4] = argmax;
        ip[5] = s.height();
        ip[6] = s.width();
        ip[7] = s.outHeight();
        ip[8] = s.outWidth();
        for (int a = 0; a < 2; a++) {
            ip[9 + a] = s.kernel(a);
            ip[11 + a] = s.stride(a);
            ip[13 + a] = s.padding(a);
            ip[15 + a] = s.dilation(a);
        }
        kernel.fp[0] = Float.NEGATIVE_INFINITY;
    }

    // ---- updates in place

    @Override
    public void sgdStep(Storage p, Storage grad, Storage buf, int n, float lr, float momentum, float weightDecay,
                        boolean nesterov, boolean first) {
        synchronized (kernel) {
            kernel.ip[2] = off(p);
            kernel.ip[3] = off(grad);
            kernel.ip[4] = momentum != 0f ? off(buf) : 0;
            kernel.ip[5] = momentum != 0f ? 1 : 0;
            kernel.ip[6] = nesterov ? 1 : 0;
            kernel.ip[7] = first ? 1 : 0;
            kernel.fp[0] = lr;
            kernel.fp[1] = momentum;
            kernel.fp[2] = weightDecay;
            run(PrimitivesKernel.SGD, n);
        }
    }

    @Override
    public void adamStep(Storage p, Storage grad, Storage m, Storage v, int n, float stepSize, float bias2Sqrt,
                         float oneMinusBeta1, float beta2, float oneMinusBeta2, float eps, float weightDecay) {
        synchronized (kernel) {
            kernel.ip[2] = off(p);
            kernel.ip[3] = off(grad);
            kernel.ip[4] = off(m);
            kernel.ip[5] = off(v);
            float[] fp = kernel.fp;
            fp[0] = stepSize;
            fp[1] = bias2Sqrt;
            fp[2] = oneMinusBeta1;
            fp[3] = beta2;
            fp[4] = oneMinusBeta2;
            fp[5] = eps;
            fp[6] = weightDecay;
            run(PrimitivesKernel.ADAM, n);
        }
    }

    @Override
    public void batchNormRunningStats(Storage runningMean, Storage runningVar, Storage batchesTracked, Storage mean,
                                      Storage var, int channels, float momentum, float unbias) {
        synchronized (kernel) {
            kernel.ip[2] = off(runningMean);
            kernel.ip[3] = off(runningVar);
            kernel.ip[4] = off(batchesTracked);
            kernel.ip[5] = off(mean);
            kernel.ip[6] = off(var);
            kernel.ip[7] = channels;
            kernel.fp[0] = momentum;
            kernel.fp[1] = unbias;
            run(PrimitivesKernel.BATCH_NORM_STATS, Math.max(1, channels));
        }
    }

    private static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    OpenCLDevice clDevice() {
        return clDevice;
    }

    /** For {@link OpenClFallbackException}'s test: the kernel every primitive runs on. */
    Kernel kernel() {
        return kernel;
    }

    // ---- losses and metrics

    @Override
    public void loss(LossOp op, Storage x, Storage target, int rows, int columns, Storage out) {
        synchronized (kernel) {
            setLoss(op, x, target, out, rows, columns);
            // one work item sums the terms in order: a batch's loss is small, and its bits fixed
            run(PrimitivesKernel.LOSS, 1);
        }
    }

    @Override
    public void lossBackward(LossOp op, Storage x, Storage target, Storage gy, int rows, int columns, Storage gx) {
        synchronized (kernel) {
            setLoss(op, x, target, gx, rows, columns);
            kernel.ip[8] = off(gy);
            run(PrimitivesKernel.LOSS_BACKWARD, rows * columns);
        }
    }

    @Override
    public void countCorrect(Storage p, Storage labels, int rows, int columns, boolean clamp, Storage out) {
        synchronized (kernel) {
            setLoss(null, p, labels, out, rows, columns);
            kernel.ip[9] = clamp ? 1 : 0;
            run(PrimitivesKernel.COUNT_CORRECT, 1);
        }
    }

    /** PrimitivesKernel's loss parameter layout; fp[1] is NaN, which a literal cannot give. */
    private void setLoss(LossOp op, Storage x, Storage target, Storage out, int rows, int columns) {
        kernel.ip[2] = op == null ? 0 : op.ordinal();
        kernel.ip[3] = off(x);
        kernel.ip[4] = off(target);
        kernel.ip[5] = off(out);
        kernel.ip[6] = rows;
        kernel.ip[7] = columns;
        kernel.fp[1] = Float.NaN;
    }
}
