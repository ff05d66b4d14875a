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
 * backend named as the OpenCL one (an experiment names one of the backends FORMAT.md knows), which counts its primitive calls and, from call {@code failAt} on, throws
 * what a device that ran out of memory throws.
 */
final class FailingBackend implements Backend {

    static final String NAME = "opencl";
    static final String FAILURE = "opencl:0 is out of device memory (fake)";

    private final Backend cpu = CpuBackend.INSTANCE;
    private final AtomicLong calls = new AtomicLong();
    private final long failAt;
    final Device device = Device.of(this, 0);

    /** Fails from primitive call {@code failAt} on (counted from 1); Long.MAX_VALUE: never. */
    FailingBackend(long failAt) {
        this.failAt = failAt;
    }

    /** Primitive calls so far. */
    long calls() {
        return calls.get();
    }

    /** The provider a registry lists it under, with one device. */
    BackendProvider provider() {
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
        return cpu.allocate(d, size);
    }

    @Override
    public Storage upload(Device d, float[] values) {
        tick();
        return cpu.upload(d, values);
    }

    @Override
    public Storage allocateIndices(Device d, int size) {
        tick();
        return cpu.allocateIndices(d, size);
    }

    @Override
    public void fill(Storage out, float value) {
        tick();
        cpu.fill(out, value);
    }

    @Override
    public void unary(UnaryOp op, float alpha, Storage x, Storage out, int n) {
        tick();
        cpu.unary(op, alpha, x, out, n);
    }

    @Override
    public void unaryBackward(UnaryOp op, float alpha, Storage x, Storage y, Storage gy, Storage gx, int n) {
        tick();
        cpu.unaryBackward(op, alpha, x, y, gy, gx, n);
    }

    @Override
    public void binary(BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, Storage out, int[] outShape) {
        tick();
        cpu.binary(op, a, aShape, b, bShape, out, outShape);
    }

    @Override
    public void broadcast(Storage x, int[] xShape, Storage out, int[] outShape) {
        tick();
        cpu.broadcast(x, xShape, out, outShape);
    }

    @Override
    public void sum(Storage x, int outer, int reduce, int inner, Storage out) {
        tick();
        cpu.sum(x, outer, reduce, inner, out);
    }

    @Override
    public void max(Storage x, int outer, int reduce, int inner, Storage out) {
        tick();
        cpu.max(x, outer, reduce, inner, out);
    }

    @Override
    public void matmul(Storage a, boolean transA, Storage b, boolean transB, Storage c, int m, int k, int n) {
        tick();
        cpu.matmul(a, transA, b, transB, c, m, k, n);
    }

    @Override
    public void transpose(Storage x, int rows, int cols, Storage out) {
        tick();
        cpu.transpose(x, rows, cols, out);
    }

    @Override
    public void convolution(Storage x, Storage w, Storage bias, Storage y, ConvShape s) {
        tick();
        cpu.convolution(x, w, bias, y, s);
    }

    @Override
    public void convolutionBackwardInput(Storage gy, Storage w, Storage gx, ConvShape s) {
        tick();
        cpu.convolutionBackwardInput(gy, w, gx, s);
    }

    @Override
    public void convolutionBackwardWeight(Storage x, Storage gy, Storage gw, ConvShape s) {
        tick();
        cpu.convolutionBackwardWeight(x, gy, gw, s);
    }

    @Override
    public void maxPool2d(Storage x, Storage y, Storage argmax, PoolShape s) {
        tick();
        cpu.maxPool2d(x, y, argmax, s);
    }

    @Override
    public void maxPool2dBackward(Storage gy, Storage argmax, Storage gx, PoolShape s) {
        tick();
        cpu.maxPool2dBackward(gy, argmax, gx, s);
    }

    @Override
    public void avgPool2d(Storage x, Storage y, PoolShape s) {
        tick();
        cpu.avgPool2d(x, y, s);
    }

    @Override
    public void avgPool2dBackward(Storage gy, Storage gx, PoolShape s) {
        tick();
        cpu.avgPool2dBackward(gy, gx, s);
    }

    @Override
    public void sgdStep(Storage p, Storage grad, Storage buf, int n, float lr, float momentum, float weightDecay,
                        boolean nesterov, boolean first) {
        tick();
        cpu.sgdStep(p, grad, buf, n, lr, momentum, weightDecay, nesterov, first);
    }

    @Override
    public void adamStep(Storage p, Storage grad, Storage m, Storage v, int n, float stepSize, float bias2Sqrt,
                         float oneMinusBeta1, float beta2, float oneMinusBeta2, float eps, float weightDecay) {
        tick();
        cpu.adamStep(p, grad, m, v, n, stepSize, bias2Sqrt, oneMinusBeta1, beta2, oneMinusBeta2, eps, weightDecay);
    }

    @Override
    public void batchNormRunningStats(Storage runningMean, Storage runningVar, Storage batchesTracked, Storage mean,
                                      Storage var, int channels, float momentum, float unbias) {
        tick();
        cpu.batchNormRunningStats(runningMean, runningVar, batchesTracked, mean, var, channels, momentum, unbias);
    }

    @Override
    public void loss(LossOp op, Storage x, Storage target, int rows, int columns, Storage out) {
        tick();
        cpu.loss(op, x, target, rows, columns, out);
    }

    @Override
    public void lossBackward(LossOp op, Storage x, Storage target, Storage gy, int rows, int columns, Storage gx) {
        tick();
        cpu.lossBackward(op, x, target, gy, rows, columns, gx);
    }

    @Override
    public void countCorrect(Storage p, Storage labels, int rows, int columns, boolean clamp, Storage out) {
        tick();
        cpu.countCorrect(p, labels, rows, columns, clamp, out);
    }
}
