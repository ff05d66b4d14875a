package com.layerlab.app.training;

import com.layerlab.engine.tensor.Backend;
import com.layerlab.engine.tensor.BackendProvider;
import com.layerlab.engine.tensor.ConvShape;
import com.layerlab.engine.tensor.CpuBackend;
import com.layerlab.engine.tensor.Device;
import com.layerlab.engine.tensor.PoolShape;
import com.layerlab.engine.tensor.Storage;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A GPU backend as the tests need one: the CPU's kernels (so its results are the CPU's bits) behind a
 * backend named as the OpenCL one (an experiment names one of the backends FORMAT.md knows), which counts
 * its primitive calls and its storages' copies to and from the host and, from call {@code failAt} on,
 * throws what a device that ran out of memory throws.
 */
public final class FailingBackend implements Backend {

    public static final String NAME = "opencl";
    public static final String FAILURE = "opencl:0 is out of device memory (fake)";

    private final Backend cpu = CpuBackend.INSTANCE;
    private final AtomicLong calls = new AtomicLong();
    private volatile long failAt;
    final Device device = Device.of(this, 0);

    /** Fails from primitive call {@code failAt} on (counted from 1); Long.MAX_VALUE: never. */
    public FailingBackend(long failAt) {
        this.failAt = failAt;
    }

    /** Fails from the {@code more}-th call from now on (a page's run fails while it trains). */
    public void failAfter(long more) {
        failAt = calls.get() + more;
    }

    /** Primitive calls so far. */
    public long calls() {
        return calls.get();
    }

    /** The provider a registry lists it under, with one device. */
    public BackendProvider provider() {
        return new BackendProvider() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public Availability availability() {
                return Availability.of(List.of("Fake GPU (the CPU's kernels)"), "delegating to the CPU");
            }

            @Override
            public Device device(int index) {
                return device;
            }
        };
    }

    /** A storage of the fake device: the CPU's, whose copies to and from the host count as calls too (a device's copies fail as its kernels do). */
    private final class Counted implements Storage {

        private final Storage cpuStorage;

        Counted(Storage cpuStorage) {
            this.cpuStorage = cpuStorage;
        }

        @Override
        public Device device() {
            return cpuStorage.device();
        }

        @Override
        public int size() {
            return cpuStorage.size();
        }

        @Override
        public void copyFromHost(float[] src, int srcPos, int offset, int n) {
            tick();
            cpuStorage.copyFromHost(src, srcPos, offset, n);
        }

        @Override
        public void copyToHost(int offset, float[] dst, int dstPos, int n) {
            tick();
            cpuStorage.copyToHost(offset, dst, dstPos, n);
        }
    }

    /** The CPU's storage under one of the fake's (null stays null: an absent bias or momentum buffer). */
    private static Storage in(Storage s) {
        return s == null ? null : ((Counted) s).cpuStorage;
    }

    private void tick() {
        if (calls.incrementAndGet() >= failAt) {
            throw new IllegalStateException(FAILURE);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Storage allocate(Device d, int size) {
        tick();
        return new Counted(cpu.allocate(d, size));
    }

    @Override
    public Storage upload(Device d, float[] values) {
        tick();
        return new Counted(cpu.upload(d, values));
    }

    @Override
    public Storage allocateIndices(Device d, int size) {
        tick();
        return new Counted(cpu.allocateIndices(d, size));
    }

    @Override
    public void fill(Storage out, float value) {
        tick();
        cpu.fill(in(out), value);
    }

    @Override
    public void unary(UnaryOp op, float alpha, Storage x, Storage out, int n) {
        tick();
        cpu.unary(op, alpha, in(x), in(out), n);
    }

    @Override
    public void unaryBackward(UnaryOp op, float alpha, Storage x, Storage y, Storage gy, Storage gx, int n) {
        tick();
        cpu.unaryBackward(op, alpha, in(x), in(y), in(gy), in(gx), n);
    }

    @Override
    public void binary(BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, Storage out, int[] outShape) {
        tick();
        cpu.binary(op, in(a), aShape, in(b), bShape, in(out), outShape);
    }

    @Override
    public void broadcast(Storage x, int[] xShape, Storage out, int[] outShape) {
        tick();
        cpu.broadcast(in(x), xShape, in(out), outShape);
    }

    @Override
    public void sum(Storage x, int outer, int reduce, int inner, Storage out) {
        tick();
        cpu.sum(in(x), outer, reduce, inner, in(out));
    }

    @Override
    public void max(Storage x, int outer, int reduce, int inner, Storage out) {
        tick();
        cpu.max(in(x), outer, reduce, inner, in(out));
    }

    @Override
    public void matmul(Storage a, boolean transA, Storage b, boolean transB, Storage c, int m, int k, int n) {
        tick();
        cpu.matmul(in(a), transA, in(b), transB, in(c), m, k, n);
    }

    @Override
    public void transpose(Storage x, int rows, int cols, Storage out) {
        tick();
        cpu.transpose(in(x), rows, cols, in(out));
    }

    @Override
    public void convolution(Storage x, Storage w, Storage bias, Storage y, ConvShape s) {
        tick();
        cpu.convolution(in(x), in(w), in(bias), in(y), s);
    }

    @Override
    public void convolutionBackwardInput(Storage gy, Storage w, Storage gx, ConvShape s) {
        tick();
        cpu.convolutionBackwardInput(in(gy), in(w), in(gx), s);
    }

    @Override
    public void convolutionBackwardWeight(Storage x, Storage gy, Storage gw, ConvShape s) {
        tick();
        cpu.convolutionBackwardWeight(in(x), in(gy), in(gw), s);
    }

    @Override
    public void maxPool2d(Storage x, Storage y, Storage argmax, PoolShape s) {
        tick();
        cpu.maxPool2d(in(x), in(y), in(argmax), s);
    }

    @Override
    public void maxPool2dBackward(Storage gy, Storage argmax, Storage gx, PoolShape s) {
        tick();
        cpu.maxPool2dBackward(in(gy), in(argmax), in(gx), s);
    }

    @Override
    public void avgPool2d(Storage x, Storage y, PoolShape s) {
        tick();
        cpu.avgPool2d(in(x), in(y), s);
    }

    @Override
    public void avgPool2dBackward(Storage gy, Storage gx, PoolShape s) {
        tick();
        cpu.avgPool2dBackward(in(gy), in(gx), s);
    }

    @Override
    public void sgdStep(Storage p, Storage grad, Storage buf, int n, float lr, float momentum, float weightDecay,
                        boolean nesterov, boolean first) {
        tick();
        cpu.sgdStep(in(p), in(grad), in(buf), n, lr, momentum, weightDecay, nesterov, first);
    }

    @Override
    public void adamStep(Storage p, Storage grad, Storage m, Storage v, int n, float stepSize, float bias2Sqrt,
                         float oneMinusBeta1, float beta2, float oneMinusBeta2, float eps, float weightDecay) {
        tick();
        cpu.adamStep(in(p), in(grad), in(m), in(v), n, stepSize, bias2Sqrt, oneMinusBeta1, beta2, oneMinusBeta2, eps, weightDecay);
    }

    @Override
    public void batchNormRunningStats(Storage runningMean, Storage runningVar, Storage batchesTracked, Storage mean,
                                      Storage var, int channels, float momentum, float unbias) {
        tick();
        cpu.batchNormRunningStats(in(runningMean), in(runningVar), in(batchesTracked), in(mean), in(var), channels, momentum, unbias);
    }

    @Override
    public void loss(LossOp op, Storage x, Storage target, int rows, int columns, Storage out) {
        tick();
        cpu.loss(op, in(x), in(target), rows, columns, in(out));
    }

    @Override
    public void lossBackward(LossOp op, Storage x, Storage target, Storage gy, int rows, int columns, Storage gx) {
        tick();
        cpu.lossBackward(op, in(x), in(target), in(gy), rows, columns, in(gx));
    }

    @Override
    public void countCorrect(Storage p, Storage labels, int rows, int columns, boolean clamp, Storage out) {
        tick();
        cpu.countCorrect(in(p), in(labels), rows, columns, clamp, in(out));
    }
}
