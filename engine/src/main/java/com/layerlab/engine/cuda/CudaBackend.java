package com.layerlab.engine.cuda;

import com.layerlab.engine.tensor.Backend;
import com.layerlab.engine.tensor.ConvShape;
import com.layerlab.engine.tensor.Device;
import com.layerlab.engine.tensor.PoolShape;
import com.layerlab.engine.tensor.Storage;
import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * The primitives on one NVIDIA GPU: CUDA C kernels ({@value Nvrtc#SOURCE}) compiled at run time by NVRTC
 * and launched through the driver API, the matrix products through cuBLAS where it loads (else the
 * kernels' own tiled SGEMM). Storages are blocks of device memory ({@link CudaStorage}) that stay on the
 * GPU across operations; the host sees them only through their copies.
 *
 * <p>One instance per GPU ({@link CudaProvider} makes them), with its own {@link DeviceThread}: the
 * device's primary context is current on that thread alone, and every driver call goes through it, so
 * runs on several threads share the device in the order they call it. Kernel launches are queued (the
 * caller does not wait); allocations and copies wait.
 */
public final class CudaBackend implements Backend {

    private static final int THREADS = 256;
    /** The kernels' matrix product tile (BM and BN in the source). */
    private static final int TILE = 64;
    private static final int MAX_RANK = 8;
    /** The kernels of the source, by name. */
    static final List<String> FUNCTIONS = List.of("fill", "unary", "unary_backward", "binary", "broadcast",
            "sum_reduce", "max_reduce", "transpose", "matmul", "conv_forward", "conv_backward_input",
            "conv_backward_weight", "max_pool", "max_pool_backward", "avg_pool", "avg_pool_backward", "sgd", "adam",
            "batch_norm_stats", "loss", "loss_backward", "count_correct");

    private final String description;
    private final DeviceThread thread;
    private final DeviceMemory memory;
    /** The runs' scopes with storages live (a scope device equals its device, so by identity); device thread only. */
    private final Map<Device, DeviceMemory.Scope> scopes = new IdentityHashMap<>();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final Cublas cublas;
    private final String cublasProblem;
    private final String kernels;

    /**
     * Starts device {@code ordinal}: its thread, its primary context, the kernels compiled and loaded, and
     * cuBLAS where it loads and {@code useCublas} asks for it.
     *
     * @throws IllegalStateException naming the step that failed (a compile error carries NVRTC's log)
     */
    CudaBackend(int ordinal, String description, boolean useCublas) {
        this.description = description;
        String name = "cuda:" + ordinal;
        this.thread = new DeviceThread(name);
        this.memory = new DeviceMemory(name);
        Object[] started = thread.call(() -> start(ordinal, name, useCublas));
        this.cublas = (Cublas) started[0];
        this.cublasProblem = (String) started[1];
        this.kernels = "NVRTC " + started[2] + " kernels, " + (cublas != null ? "cuBLAS " + cublas.version()
                + " SGEMM" : "their own tiled SGEMM (" + cublasProblem + ")");
    }

    /** On the device thread: context, module, functions, cuBLAS. Returns {cublas or null, why not, NVRTC's version}. */
    private Object[] start(int ordinal, String name, boolean useCublas) {
        CudaFailure.check(JCudaDriver.cuInit(0), name, "cuInit");
        CUdevice device = new CUdevice();
        CudaFailure.check(JCudaDriver.cuDeviceGet(device, ordinal), name, "cuDeviceGet");
        CUcontext context = new CUcontext();
        CudaFailure.check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), name, "cuDevicePrimaryCtxRetain");
        CudaFailure.check(JCudaDriver.cuCtxSetCurrent(context), name, "cuCtxSetCurrent");
        int[] major = new int[1];
        int[] minor = new int[1];
        CudaFailure.check(JCudaDriver.cuDeviceGetAttribute(major,
                CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device), name, "cuDeviceGetAttribute");
        CudaFailure.check(JCudaDriver.cuDeviceGetAttribute(minor,
                CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device), name, "cuDeviceGetAttribute");
        String ptx = Nvrtc.compile(major[0], minor[0]);
        CUmodule module = new CUmodule();
        CudaFailure.check(JCudaDriver.cuModuleLoadData(module, ptx), name, "cuModuleLoadData");
        for (String f : FUNCTIONS) {
            CUfunction function = new CUfunction();
            CudaFailure.check(JCudaDriver.cuModuleGetFunction(function, module, f), name, "cuModuleGetFunction " + f);
            functions.put(f, function);
        }
        Cublas blas = null;
        String problem = "cuBLAS not asked for";
        if (useCublas) {
            try {
                blas = Cublas.create(name);
            } catch (LinkageError e) {
                problem = "cuBLAS did not load: " + CudaProvider.linkProblem(e, "libcublas");
            } catch (RuntimeException e) {
                problem = "cuBLAS did not start: " + e.getMessage();
            }
        }
        return new Object[] {blas, problem, Nvrtc.version()};
    }

    @Override
    public String name() {
        return "cuda";
    }

    /** The GPU, as the probe names it ("NVIDIA H100 80GB HBM3 (compute 9.0, 79.1 GiB)"). */
    public String description() {
        return description;
    }

    /** What computes here: NVRTC's version, and cuBLAS's or why the kernels' own SGEMM is used. */
    public String kernels() {
        return kernels;
    }

    /** Whether the matrix products go through cuBLAS. */
    boolean usesCublas() {
        return cublas != null;
    }

    /** Floats held by live storages (for tests). */
    long liveFloats() {
        return thread.call(memory::liveFloats);
    }

    // ---- memory

    @Override
    public Storage allocate(Device device, int size) {
        checkDevice(device);
        if (size < 0) {
            throw new IllegalArgumentException("cuda: a storage of " + size + " elements");
        }
        CudaStorage s = thread.call(() -> block(device, size));
        if (size > 0) {
            // a reused block holds an earlier storage's values
            fill(s, 0f);
        }
        return s;
    }

    @Override
    public Storage upload(Device device, float[] values) {
        checkDevice(device);
        CudaStorage s = thread.call(() -> block(device, values.length));
        s.copyFromHost(values, 0, 0, values.length);
        return s;
    }

    /** On the device thread: a storage of {@code size} floats, in the run's scope when {@code device} is one. */
    private CudaStorage block(Device device, int size) {
        DeviceMemory.Scope scope = device.isScope() ? scopes.computeIfAbsent(device, d -> new DeviceMemory.Scope())
                : null;
        return memory.allocate(size, scope, p -> new CudaStorage(device, this, p, size, scope));
    }

    @Override
    public void release(Device scope) {
        checkDevice(scope);
        thread.call(() -> {
            DeviceMemory.Scope s = scopes.remove(scope);
            if (s != null) {
                memory.release(s);
            }
        });
    }

    /** Indices are stored as floats, exact up to 2^24: a pooling plane of at most 16 Mi positions. */
    @Override
    public Storage allocateIndices(Device device, int size) {
        return allocate(device, size);
    }

    private void checkDevice(Device device) {
        if (device == null || device.backend() != this) {
            throw new IllegalArgumentException("cuda: device " + device + " is not a device of this backend ("
                    + description + ")");
        }
    }

    /** Copies src[srcPos..srcPos+n) to element {@code offset} of the block at {@code p} (waits). */
    void write(CUdeviceptr p, int offset, float[] src, int srcPos, int n) {
        if (n == 0) {
            return;
        }
        thread.call(() -> CudaFailure.check(JCudaDriver.cuMemcpyHtoD(p.withByteOffset((long) offset * Float.BYTES),
                Pointer.to(src).withByteOffset((long) srcPos * Float.BYTES), (long) n * Float.BYTES), thread(),
                "cuMemcpyHtoD"));
    }

    /** Copies n floats from element {@code offset} of the block at {@code p} into dst[dstPos..] (waits for the kernels before). */
    void read(CUdeviceptr p, int offset, float[] dst, int dstPos, int n) {
        if (n == 0) {
            return;
        }
        thread.call(() -> CudaFailure.check(JCudaDriver.cuMemcpyDtoH(
                Pointer.to(dst).withByteOffset((long) dstPos * Float.BYTES),
                p.withByteOffset((long) offset * Float.BYTES), (long) n * Float.BYTES), thread(), "cuMemcpyDtoH"));
    }

    private String thread() {
        return "cuda (" + description + ")";
    }

    // ---- launches

    /** Queues kernel {@code f} over {@code items} threads, 256 to a block; its arguments in the kernel's order. */
    private void launch(String f, int items, Object... args) {
        if (items <= 0) {
            return;
        }
        launchGrid(f, (items + THREADS - 1) / THREADS, 1, args);
    }

    private void launchGrid(String f, int blocksX, int blocksY, Object... args) {
        CUfunction function = functions.get(f);
        Pointer params = params(args);
        thread.launch(() -> {
            CudaFailure.check(JCudaDriver.cuLaunchKernel(function, blocksX, blocksY, 1, THREADS, 1, 1, 0, null, params,
                    null), thread(), "cuLaunchKernel " + f);
            // the storages stay reachable until the launch is queued on the stream (their blocks are not reused before)
            Reference.reachabilityFence(args);
        });
    }

    /**
     * The kernel's parameter list: a storage is its device address (null gives a null pointer), an Integer
     * an int, a Float a float, an int[] a struct of ints passed by value (Bcast, Conv, Pool in the source).
     */
    private static Pointer params(Object... args) {
        NativePointerObject[] p = new NativePointerObject[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                p[i] = Pointer.to(new CUdeviceptr());
            } else if (a instanceof CudaStorage s) {
                p[i] = Pointer.to(s.pointer());
            } else if (a instanceof Integer v) {
                p[i] = Pointer.to(new int[] {v});
            } else if (a instanceof Float v) {
                p[i] = Pointer.to(new float[] {v});
            } else if (a instanceof int[] struct) {
                p[i] = Pointer.to(struct.clone());
            } else {
                throw new IllegalArgumentException("cuda: kernel argument of type " + a.getClass().getName());
            }
        }
        return Pointer.to(p);
    }

    private CudaStorage mine(Storage s) {
        if (s == null) {
            return null;
        }
        if (!(s instanceof CudaStorage c) || c.backend() != this) {
            throw new IllegalArgumentException("cuda: a storage of " + s.device() + " given to " + thread());
        }
        return c;
    }

    // ---- maths

    @Override
    public void fill(Storage out, float value) {
        launch("fill", out.size(), mine(out), value, out.size());
    }

    @Override
    public void unary(UnaryOp op, float alpha, Storage x, Storage out, int n) {
        launch("unary", n, op.ordinal(), alpha, mine(x), mine(out), n);
    }

    @Override
    public void unaryBackward(UnaryOp op, float alpha, Storage x, Storage y, Storage gy, Storage gx, int n) {
        launch("unary_backward", n, op.ordinal(), alpha, mine(x), mine(y), mine(gy), mine(gx), n);
    }

    @Override
    public void binary(BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, Storage out, int[] outShape) {
        int n = numel(outShape);
        launch("binary", n, op.ordinal(), mine(a), mine(b), mine(out), n, bcast(aShape, bShape, outShape));
    }

    @Override
    public void broadcast(Storage x, int[] xShape, Storage out, int[] outShape) {
        int n = numel(outShape);
        launch("broadcast", n, mine(x), mine(out), n, bcast(xShape, new int[0], outShape));
    }

    /**
     * The Bcast struct: the rank (a scalar as [1]), the output shape, then each operand's row-major strides
     * aligned right against the output shape, 0 on broadcast axes.
     */
    private static int[] bcast(int[] aShape, int[] bShape, int[] outShape) {
        if (outShape.length > MAX_RANK) {
            throw new IllegalArgumentException("cuda: broadcasting handles at most " + MAX_RANK
                    + " dimensions, got shape " + Arrays.toString(outShape));
        }
        int rank = Math.max(1, outShape.length);
        int[] s = new int[1 + 3 * MAX_RANK];
        s[0] = rank;
        s[1] = 1;
        System.arraycopy(outShape, 0, s, 1, outShape.length);
        strides(aShape, outShape, rank, s, 1 + MAX_RANK);
        strides(bShape, outShape, rank, s, 1 + 2 * MAX_RANK);
        return s;
    }

    private static void strides(int[] shape, int[] outShape, int rank, int[] s, int at) {
        int lead = rank - outShape.length;
        int stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            int od = d + outShape.length - shape.length + lead;
            s[at + od] = shape[d] == 1 ? 0 : stride;
            stride *= shape[d];
        }
    }

    @Override
    public void sum(Storage x, int outer, int reduce, int inner, Storage out) {
        launch("sum_reduce", outer * inner, mine(x), mine(out), outer, reduce, inner);
    }

    @Override
    public void max(Storage x, int outer, int reduce, int inner, Storage out) {
        launch("max_reduce", outer * inner, mine(x), mine(out), outer, reduce, inner);
    }

    @Override
    public void matmul(Storage a, boolean transA, Storage b, boolean transB, Storage c, int m, int k, int n) {
        if (m == 0 || n == 0) {
            return;
        }
        CudaStorage ca = mine(a);
        CudaStorage cb = mine(b);
        CudaStorage cc = mine(c);
        if (cublas != null && k > 0) {
            // on the caller's thread: a storage of a released run is refused here, not on the device's
            CUdeviceptr pa = ca.pointer();
            CUdeviceptr pb = cb.pointer();
            CUdeviceptr pc = cc.pointer();
            thread.launch(() -> {
                cublas.sgemm(pa, transA, pb, transB, pc, m, k, n, thread());
                Reference.reachabilityFence(new Object[] {ca, cb, cc});
            });
            return;
        }
        launchGrid("matmul", (n + TILE - 1) / TILE, (m + TILE - 1) / TILE, ca, cb, cc, m, k, n,
                transA ? 1 : k, transA ? m : 1, transB ? 1 : n, transB ? k : 1);
    }

    @Override
    public void transpose(Storage x, int rows, int cols, Storage out) {
        launch("transpose", rows * cols, mine(x), mine(out), rows, cols);
    }

    // ---- convolution

    @Override
    public void convolution(Storage x, Storage w, Storage bias, Storage y, ConvShape s) {
        int total = s.batch() * s.outChannels() * s.outPlane();
        launch("conv_forward", total, mine(x), mine(w), mine(bias), mine(y), total, conv(s));
    }

    @Override
    public void convolutionBackwardInput(Storage gy, Storage w, Storage gx, ConvShape s) {
        int total = s.batch() * s.inChannels() * s.inPlane();
        launch("conv_backward_input", total, mine(gy), mine(w), mine(gx), total, conv(s));
    }

    @Override
    public void convolutionBackwardWeight(Storage x, Storage gy, Storage gw, ConvShape s) {
        // one block per weight element
        int weights = s.outChannels() * (s.inChannels() / s.groups()) * s.kernelVolume();
        if (weights > 0) {
            launchGrid("conv_backward_weight", weights, 1, mine(x), mine(gy), mine(gw), conv(s));
        }
    }

    /** The Conv struct: batch, C_in, C_out, groups, then per axis (D H W) input, output, kernel, stride, padding, dilation. */
    private static int[] conv(ConvShape s) {
        int[] c = new int[4 + 18];
        c[0] = s.batch();
        c[1] = s.inChannels();
        c[2] = s.outChannels();
        c[3] = s.groups();
        for (int a = 0; a < 3; a++) {
            c[4 + a] = s.in(a);
            c[7 + a] = s.out(a);
            c[10 + a] = s.kernel(a);
            c[13 + a] = s.stride(a);
            c[16 + a] = s.padding(a);
            c[19 + a] = s.dilation(a);
        }
        return c;
    }

    // ---- pooling

    @Override
    public void maxPool2d(Storage x, Storage y, Storage argmax, PoolShape s) {
        int total = s.planes() * s.outHeight() * s.outWidth();
        launch("max_pool", total, mine(x), mine(y), mine(argmax), total, pool(s));
    }

    @Override
    public void maxPool2dBackward(Storage gy, Storage argmax, Storage gx, PoolShape s) {
        int total = s.planes() * s.height() * s.width();
        launch("max_pool_backward", total, mine(gy), mine(argmax), mine(gx), total, pool(s));
    }

    @Override
    public void avgPool2d(Storage x, Storage y, PoolShape s) {
        int total = s.planes() * s.outHeight() * s.outWidth();
        launch("avg_pool", total, mine(x), mine(y), total, pool(s));
    }

    @Override
    public void avgPool2dBackward(Storage gy, Storage gx, PoolShape s) {
        int total = s.planes() * s.height() * s.width();
        launch("avg_pool_backward", total, mine(gy), mine(gx), total, pool(s));
    }

    /** The Pool struct: H, W, OH, OW, then kernel, stride, padding, dilation per axis (H W). */
    private static int[] pool(PoolShape s) {
        int[] p = new int[4 + 8];
        p[0] = s.height();
        p[1] = s.width();
        p[2] = s.outHeight();
        p[3] = s.outWidth();
        for (int a = 0; a < 2; a++) {
            p[4 + a] = s.kernel(a);
            p[6 + a] = s.stride(a);
            p[8 + a] = s.padding(a);
            p[10 + a] = s.dilation(a);
        }
        return p;
    }

    // ---- updates in place

    @Override
    public void sgdStep(Storage p, Storage grad, Storage buf, int n, float lr, float momentum, float weightDecay,
                        boolean nesterov, boolean first) {
        launch("sgd", n, mine(p), mine(grad), momentum != 0f ? mine(buf) : null, n, lr, momentum, weightDecay,
                nesterov ? 1 : 0, first ? 1 : 0);
    }

    @Override
    public void adamStep(Storage p, Storage grad, Storage m, Storage v, int n, float stepSize, float bias2Sqrt,
                         float oneMinusBeta1, float beta2, float oneMinusBeta2, float eps, float weightDecay) {
        launch("adam", n, mine(p), mine(grad), mine(m), mine(v), n, stepSize, bias2Sqrt, oneMinusBeta1, beta2,
                oneMinusBeta2, eps, weightDecay);
    }

    @Override
    public void batchNormRunningStats(Storage runningMean, Storage runningVar, Storage batchesTracked, Storage mean,
                                      Storage var, int channels, float momentum, float unbias) {
        launch("batch_norm_stats", Math.max(1, channels), mine(runningMean), mine(runningVar), mine(batchesTracked),
                mine(mean), mine(var), channels, momentum, unbias);
    }

    // ---- losses and metrics

    @Override
    public void loss(LossOp op, Storage x, Storage target, int rows, int columns, Storage out) {
        // one thread sums the terms in order: a batch's loss is small, and its bits fixed
        launch("loss", 1, op.ordinal(), mine(x), mine(target), mine(out), rows, columns);
    }

    @Override
    public void lossBackward(LossOp op, Storage x, Storage target, Storage gy, int rows, int columns, Storage gx) {
        launch("loss_backward", rows * columns, op.ordinal(), mine(x), mine(target), mine(gy), mine(gx), rows,
                columns);
    }

    @Override
    public void countCorrect(Storage p, Storage labels, int rows, int columns, boolean clamp, Storage out) {
        launch("count_correct", 1, mine(p), mine(labels), mine(out), rows, columns, clamp ? 1 : 0);
    }

    private static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
