package com.layerlab.engine.tensor;

import com.layerlab.engine.tensor.Backend.BinaryOp;
import com.layerlab.engine.tensor.Backend.LossOp;
import com.layerlab.engine.tensor.Backend.UnaryOp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A float32 tensor: a shape and a dense row-major {@link Storage} on one {@link Device}, with
 * reverse-mode automatic differentiation.
 *
 * <p>An operation runs on the {@link Backend} of its inputs' device, and its result lives there too;
 * inputs on two devices are refused, naming both. The host sees the elements only through explicit
 * copies ({@link #toHost()}, {@link #copyFromHost}, {@link #item()}), the edges of a run.
 *
 * <p>Every differentiable operation is one of a few primitives that run on the {@link Backend}
 * (element-wise unary and binary ops with broadcasting, sum and max over an axis, broadcast,
 * matrix product, transpose, reshape, convolution, pooling, the losses); the rest (mean, square, softmax, logSoftmax, ...) is composed
 * from them, so its gradient comes for free. An operation records its inputs and a backward function
 * only when an input requires a gradient and gradient recording is on ({@link #noGrad}).
 *
 * <p>As in PyTorch, gradients accumulate into {@link #grad()} of leaf tensors (parameters) until
 * {@link #zeroGrad()}; intermediate results keep no gradient. A tensor with shape {@code []} is a
 * scalar. Tensors are not thread-safe; different threads may use different tensors freely.
 */
public final class Tensor {

    private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    private static final AtomicLong BACKWARD_PASSES = new AtomicLong();

    private static final String[] OP_NAMES = {"add", "sub", "mul", "div", "eq"};

    /** The elements, on this tensor's device; replaced only when a leaf moves ({@link #moveTo}). */
    private Storage data;
    private final int[] shape;
    private boolean requiresGrad;
    /** Accumulated gradient of a leaf. */
    private Tensor grad;

    // autograd graph: set only on results of recorded operations
    private Tensor[] parents;
    private BackwardFn backwardFn;
    /** Gradient flowing into a non-leaf during one backward pass. */
    private Storage pendingGrad;
    private long visitedPass;

    /** Adds this result's share of the gradient into its parents, given dLoss/dThis. */
    @FunctionalInterface
    private interface BackwardFn {
        void apply(Tensor self, Storage gy);
    }

    private Tensor(Storage data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    // ---------------------------------------------------------------- creation

    /** A tensor on the default device ({@link Device#cpu()}) over {@code data}: see {@link #of(Device, float[], int...)}. */
    public static Tensor of(float[] data, int... shape) {
        return of(Device.cpu(), data, shape);
    }

    /**
     * A tensor on {@code device} holding {@code data}, which it may keep (the CPU does): the caller
     * gives the array up.
     */
    public static Tensor of(Device device, float[] data, int... shape) {
        int[] s = checkedShape("Tensor.of", shape);
        if (data == null) {
            throw new IllegalArgumentException("Tensor.of: data is null");
        }
        if (data.length != numel(s)) {
            throw new IllegalArgumentException("Tensor.of: " + data.length + " values do not fill shape "
                    + Arrays.toString(s) + " (" + numel(s) + " values)");
        }
        return new Tensor(checkedDevice("Tensor.of", device).backend().upload(device, data), s);
    }

    public static Tensor zeros(int... shape) {
        return zeros(Device.cpu(), shape);
    }

    public static Tensor zeros(Device device, int... shape) {
        int[] s = checkedShape("Tensor.zeros", shape);
        return new Tensor(checkedDevice("Tensor.zeros", device).allocate(numel(s)), s);
    }

    public static Tensor full(float value, int... shape) {
        return full(Device.cpu(), value, shape);
    }

    public static Tensor full(Device device, float value, int... shape) {
        int[] s = checkedShape("Tensor.full", shape);
        Storage d = checkedDevice("Tensor.full", device).allocate(numel(s));
        device.backend().fill(d, value);
        return new Tensor(d, s);
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor ones(Device device, int... shape) {
        return full(device, 1f, shape);
    }

    /** A tensor of shape {@code []} on the default device. */
    public static Tensor scalar(float value) {
        return scalar(Device.cpu(), value);
    }

    /** A tensor of shape {@code []}. */
    public static Tensor scalar(Device device, float value) {
        return full(device, value);
    }

    private static Device checkedDevice(String op, Device device) {
        if (device == null) {
            throw new IllegalArgumentException(op + ": device is null");
        }
        return device;
    }

    // ---------------------------------------------------------------- grad mode

    /** Whether operations on this thread are being recorded for autograd. */
    public static boolean isGradEnabled() {
        return NO_GRAD_DEPTH.get()[0] == 0;
    }

    /** Runs {@code body} without recording operations (evaluation, weight updates). */
    public static void noGrad(Runnable body) {
        try (NoGrad ignored = noGradScope()) {
            body.run();
        }
    }

    /** Computes a value without recording operations (evaluation). */
    public static <T> T noGrad(Supplier<T> body) {
        try (NoGrad ignored = noGradScope()) {
            return body.get();
        }
    }

    /** {@code try (var g = Tensor.noGradScope()) { ... }}: nothing inside is recorded. */
    public static NoGrad noGradScope() {
        NO_GRAD_DEPTH.get()[0]++;
        return new NoGrad();
    }

    /** Ends a no-grad region when closed; scopes nest. */
    public static final class NoGrad implements AutoCloseable {
        private boolean closed;

        private NoGrad() {
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                NO_GRAD_DEPTH.get()[0]--;
            }
        }
    }

    // ---------------------------------------------------------------- shape and data

    public int[] shape() {
        return shape.clone();
    }

    /** Row-major strides in elements; storage is always contiguous. */
    public int[] strides() {
        int[] st = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            st[d] = s;
            s *= shape[d];
        }
        return st;
    }

    public int dim() {
        return shape.length;
    }

    /** The size of axis {@code d}; negative {@code d} counts from the end. */
    public int size(int d) {
        return shape[axis("size", d)];
    }

    public int numel() {
        return data.size();
    }

    /** The device this tensor's elements live on; its operations run there. */
    public Device device() {
        return data.device();
    }

    /**
     * This tensor on {@code device}: itself when it is there already, else a copy outside the autograd
     * graph (through the host until backends copy between themselves).
     */
    public Tensor to(Device device) {
        checkedDevice("to", device);
        if (device.equals(device())) {
            return this;
        }
        return new Tensor(device.backend().upload(device, toHost()), shape);
    }

    /**
     * Moves this leaf (a parameter or a buffer) and its gradient to {@code device} in place, as
     * PyTorch's {@code module.to(device)} does with a module's tensors.
     */
    public void moveTo(Device device) {
        checkedDevice("moveTo", device);
        if (parents != null) {
            throw new IllegalStateException("moveTo(" + device + "): only leaf tensors move in place; use to(device)");
        }
        if (device.equals(device())) {
            return;
        }
        data = device.backend().upload(device, toHost());
        if (grad != null) {
            grad.moveTo(device);
        }
    }

    /** A host copy of the elements (row-major): for the edges of a run (metrics, maps, export, checkpoints). */
    public float[] toHost() {
        float[] out = new float[data.size()];
        data.copyToHost(0, out, 0, out.length);
        return out;
    }

    /** Overwrites the elements with host {@code values} (loading weights, a batch): an edge of a run. */
    public void copyFromHost(float[] values) {
        if (values == null || values.length != data.size()) {
            throw new IllegalArgumentException("copyFromHost: " + (values == null ? "null" : values.length + " values")
                    + " for a tensor of shape " + Arrays.toString(shape) + " (" + data.size() + " values)");
        }
        data.copyFromHost(values, 0, 0, values.length);
    }

    public float item() {
        if (data.size() != 1) {
            throw new IllegalStateException("item() needs a one-element tensor, this one has shape "
                    + Arrays.toString(shape));
        }
        float[] one = new float[1];
        data.copyToHost(0, one, 0, 1);
        return one[0];
    }

    /** The storage, for the optimizers and layers that update tensors in place through backend primitives. */
    public Storage storage() {
        return data;
    }

    private Backend backend() {
        return data.device().backend();
    }

    /**
     * Storage for an operation's result or a gradient, which the primitive called next overwrites: from the
     * step open on this thread, if any ({@link StepMemory}; then it holds the last step's values, not zeros).
     */
    private Storage alloc(int n) {
        return StepMemory.allocate(data.device(), n);
    }

    /** Refuses operands on another device than this tensor's, naming both. */
    private void sameDevice(String op, Tensor o) {
        if (o != null && !o.data.device().equals(data.device())) {
            throw new IllegalArgumentException(op + ": tensors on different devices, " + data.device() + " and "
                    + o.data.device() + " (move one with to(device))");
        }
    }

    // ---------------------------------------------------------------- autograd

    public Tensor grad() {
        return grad;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf tensor (a parameter) as one whose gradient {@link #backward()} computes. */
    public Tensor requiresGrad(boolean on) {
        if (parents != null) {
            throw new IllegalStateException("requiresGrad(" + on + "): only leaf tensors can be changed; "
                    + "use detach() for a copy outside the graph");
        }
        requiresGrad = on;
        return this;
    }

    /** Zeroes the accumulated gradient in place (keeping its storage for the next backward pass). */
    public void zeroGrad() {
        if (grad != null) {
            grad.backend().fill(grad.data, 0f);
        }
    }

    /** A tensor sharing this one's storage, outside the autograd graph. */
    public Tensor detach() {
        return new Tensor(data, shape);
    }

    public boolean isLeaf() {
        return parents == null;
    }

    /** Back-propagates from this one-element tensor (typically the loss) into every leaf it depends on. */
    public void backward() {
        if (data.size() != 1) {
            throw new IllegalStateException("backward() needs a one-element tensor (a loss), this one has shape "
                    + Arrays.toString(shape));
        }
        if (!requiresGrad) {
            throw new IllegalStateException("backward(): this tensor does not depend on any tensor that requires "
                    + "a gradient (or it was computed inside noGrad)");
        }
        List<Tensor> order = topologicalOrder();
        Storage seed = alloc(1);
        backend().fill(seed, 1f);
        accumulate(this, seed, true);
        for (int i = order.size() - 1; i >= 0; i--) {
            Tensor node = order.get(i);
            if (node.parents == null) {
                continue;
            }
            Storage g = node.pendingGrad;
            node.pendingGrad = null;
            if (g != null) {
                node.backwardFn.apply(node, g);
            }
        }
    }

    /** Nodes that need a gradient, every node after all of its inputs (iterative: graphs can be deep). */
    private List<Tensor> topologicalOrder() {
        long pass = BACKWARD_PASSES.incrementAndGet();
        List<Tensor> order = new ArrayList<>(64);
        List<Tensor> stack = new ArrayList<>(64);
        int[] next = new int[64];
        stack.add(this);
        visitedPass = pass;
        while (!stack.isEmpty()) {
            int top = stack.size() - 1;
            Tensor node = stack.get(top);
            if (node.parents != null && next[top] < node.parents.length) {
                Tensor p = node.parents[next[top]++];
                if (p.requiresGrad && p.visitedPass != pass) {
                    p.visitedPass = pass;
                    stack.add(p);
                    if (stack.size() > next.length) {
                        next = Arrays.copyOf(next, next.length * 2);
                    }
                    next[stack.size() - 1] = 0;
                }
            } else {
                stack.remove(top);
                order.add(node);
            }
        }
        return order;
    }

    /** Adds g (shaped as t) into t's gradient; {@code owned} says g may be kept without copying. */
    private static void accumulate(Tensor t, Storage g, boolean owned) {
        if (!t.requiresGrad) {
            return;
        }
        if (t.parents == null) {
            if (t.grad == null) {
                // a leaf's gradient outlives the step: never one of the step's storages
                boolean keep = owned && StepMemory.current() == null;
                t.grad = new Tensor(keep ? g : t.lastingCopyOf(g), t.shape);
            } else {
                t.addInto(t.grad.data, g);
            }
        } else if (t.pendingGrad == null) {
            t.pendingGrad = owned ? g : t.copyOf(g);
        } else {
            t.addInto(t.pendingGrad, g);
        }
    }

    /** A copy of g, shaped as this tensor. */
    private Storage copyOf(Storage g) {
        return copyInto(alloc(g.size()), g);
    }

    /** A copy of g, shaped as this tensor, in storage of the device's own (never a step's). */
    private Storage lastingCopyOf(Storage g) {
        return copyInto(data.device().allocate(g.size()), g);
    }

    private Storage copyInto(Storage c, Storage g) {
        backend().broadcast(g, shape, c, shape);
        return c;
    }

    /** acc += g, both shaped as this tensor. */
    private void addInto(Storage acc, Storage g) {
        backend().binary(BinaryOp.ADD, acc, shape, g, shape, acc, shape);
    }

    /** Wraps an operation's output, recording the graph edge when a gradient is needed. */
    private static Tensor result(Storage data, int[] shape, BackwardFn fn, Tensor... inputs) {
        Tensor out = new Tensor(data, shape);
        if (isGradEnabled()) {
            for (Tensor in : inputs) {
                if (in.requiresGrad) {
                    out.requiresGrad = true;
                    out.parents = inputs;
                    out.backwardFn = fn;
                    break;
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- primitive: element-wise unary

    private Tensor unary(UnaryOp op, float alpha) {
        int n = data.size();
        Storage out = alloc(n);
        backend().unary(op, alpha, data, out, n);
        return result(out, shape, (self, gy) -> {
            Storage gx = alloc(n);
            backend().unaryBackward(op, alpha, data, self.data, gy, gx, n);
            accumulate(this, gx, true);
        }, this);
    }

    public Tensor neg() {
        return unary(UnaryOp.NEG, 0f);
    }

    public Tensor exp() {
        return unary(UnaryOp.EXP, 0f);
    }

    public Tensor log() {
        return unary(UnaryOp.LOG, 0f);
    }

    public Tensor abs() {
        return unary(UnaryOp.ABS, 0f);
    }

    public Tensor relu() {
        return unary(UnaryOp.RELU, 0f);
    }

    public Tensor leakyRelu(float negativeSlope) {
        return unary(UnaryOp.LEAKY_RELU, negativeSlope);
    }

    public Tensor tanh() {
        return unary(UnaryOp.TANH, 0f);
    }

    public Tensor sigmoid() {
        return unary(UnaryOp.SIGMOID, 0f);
    }

    /** log(1 + exp(x)), stable for large |x|. */
    public Tensor softplus() {
        return unary(UnaryOp.SOFTPLUS, 0f);
    }

    public Tensor sqrt() {
        return unary(UnaryOp.SQRT, 0f);
    }

    // ---------------------------------------------------------------- primitive: element-wise binary

    private Tensor binary(BinaryOp op, Tensor o) {
        sameDevice(OP_NAMES[op.ordinal()], o);
        int[] outShape = broadcastShape(OP_NAMES[op.ordinal()], shape, o.shape);
        Storage out = alloc(numel(outShape));
        backend().binary(op, data, shape, o.data, o.shape, out, outShape);
        if (op == BinaryOp.EQ) {
            return new Tensor(out, outShape);
        }
        return result(out, outShape, (self, gy) -> binaryBackward(op, this, o, self, gy), this, o);
    }

    private static void binaryBackward(BinaryOp op, Tensor a, Tensor b, Tensor y, Storage gy) {
        Backend be = y.backend();
        int[] ys = y.shape;
        switch (op) {
            case ADD -> {
                reduceInto(a, gy, ys, false);
                reduceInto(b, gy, ys, false);
            }
            case SUB -> {
                reduceInto(a, gy, ys, false);
                if (b.requiresGrad) {
                    Storage ng = y.alloc(gy.size());
                    be.unary(UnaryOp.NEG, 0f, gy, ng, gy.size());
                    reduceInto(b, ng, ys, true);
                }
            }
            case MUL -> {
                if (a.requiresGrad) {
                    Storage ga = y.alloc(gy.size());
                    be.binary(BinaryOp.MUL, gy, ys, b.data, b.shape, ga, ys);
                    reduceInto(a, ga, ys, true);
                }
                if (b.requiresGrad) {
                    Storage gb = y.alloc(gy.size());
                    be.binary(BinaryOp.MUL, gy, ys, a.data, a.shape, gb, ys);
                    reduceInto(b, gb, ys, true);
                }
            }
            case DIV -> {
                if (a.requiresGrad) {
                    Storage ga = y.alloc(gy.size());
                    be.binary(BinaryOp.DIV, gy, ys, b.data, b.shape, ga, ys);
                    reduceInto(a, ga, ys, true);
                }
                if (b.requiresGrad) {
                    // d(a/b)/db = -(a/b)/b = -y/b
                    Storage gb = y.alloc(gy.size());
                    be.binary(BinaryOp.MUL, gy, ys, y.data, ys, gb, ys);
                    be.binary(BinaryOp.DIV, gb, ys, b.data, b.shape, gb, ys);
                    be.unary(UnaryOp.NEG, 0f, gb, gb, gb.size());
                    reduceInto(b, gb, ys, true);
                }
            }
            case EQ -> throw new IllegalStateException("eq has no gradient");
        }
    }

    /** Sums g (shaped gShape) down to t's shape, undoing broadcasting, and accumulates it into t. */
    private static void reduceInto(Tensor t, Storage g, int[] gShape, boolean owned) {
        if (!t.requiresGrad) {
            return;
        }
        if (g.size() == t.data.size()) {
            accumulate(t, g, owned);
            return;
        }
        accumulate(t, t.sumToShape(g, gShape), true);
    }

    /** The sum of g over the axes along which {@code target} was broadcast to {@code gShape}. */
    private Storage sumToShape(Storage g, int[] gShape) {
        int[] target = shape;
        int lead = gShape.length - target.length;
        int leadCount = 1;
        for (int d = 0; d < lead; d++) leadCount *= gShape[d];
        int rest = g.size() / Math.max(1, leadCount);
        Storage cur = g;
        if (lead > 0) {
            cur = alloc(rest);
            backend().sum(g, 1, leadCount, rest, cur);
        }
        int[] curShape = Arrays.copyOfRange(gShape, lead, gShape.length);
        for (int d = 0; d < target.length; d++) {
            if (target[d] == 1 && curShape[d] != 1) {
                int outer = 1;
                for (int e = 0; e < d; e++) outer *= curShape[e];
                int inner = 1;
                for (int e = d + 1; e < curShape.length; e++) inner *= curShape[e];
                Storage next = alloc(outer * inner);
                backend().sum(cur, outer, curShape[d], inner, next);
                cur = next;
                curShape[d] = 1;
            }
        }
        return cur == g ? copyOf(g) : cur;
    }

    public Tensor add(Tensor o) {
        return binary(BinaryOp.ADD, o);
    }

    public Tensor sub(Tensor o) {
        return binary(BinaryOp.SUB, o);
    }

    public Tensor mul(Tensor o) {
        return binary(BinaryOp.MUL, o);
    }

    public Tensor div(Tensor o) {
        return binary(BinaryOp.DIV, o);
    }

    public Tensor add(float v) {
        return binary(BinaryOp.ADD, scalar(device(), v));
    }

    public Tensor sub(float v) {
        return binary(BinaryOp.SUB, scalar(device(), v));
    }

    public Tensor mul(float v) {
        return binary(BinaryOp.MUL, scalar(device(), v));
    }

    public Tensor div(float v) {
        return binary(BinaryOp.DIV, scalar(device(), v));
    }

    /** 1 where the elements are equal, else 0; not differentiable. */
    public Tensor eq(Tensor o) {
        return binary(BinaryOp.EQ, o);
    }

    // ---------------------------------------------------------------- primitive: reductions

    /** Sum over axis {@code dim} (negative counts from the end). */
    public Tensor sum(int dim, boolean keepdim) {
        int d = axis("sum", dim);
        int outer = 1;
        for (int e = 0; e < d; e++) outer *= shape[e];
        int inner = 1;
        for (int e = d + 1; e < shape.length; e++) inner *= shape[e];
        Storage out = alloc(outer * inner);
        backend().sum(data, outer, shape[d], inner, out);
        int[] keptShape = shape.clone();
        keptShape[d] = 1;
        return result(out, keepdim ? keptShape : dropAxis(shape, d), (self, gy) -> {
            Storage gx = alloc(data.size());
            backend().broadcast(gy, keptShape, gx, shape);
            accumulate(this, gx, true);
        }, this);
    }

    /** Sum of all elements, shape []. */
    public Tensor sum() {
        Storage out = alloc(1);
        backend().sum(data, 1, data.size(), 1, out);
        return result(out, new int[0], (self, gy) -> {
            Storage gx = alloc(data.size());
            backend().broadcast(gy, new int[0], gx, shape);
            accumulate(this, gx, true);
        }, this);
    }

    /**
     * Maximum over axis {@code dim}. The gradient goes to the maximal elements, split evenly between
     * ties (as PyTorch's amax).
     */
    public Tensor max(int dim, boolean keepdim) {
        int d = axis("max", dim);
        if (shape[d] == 0) {
            throw new IllegalArgumentException("max: axis " + dim + " of shape " + Arrays.toString(shape) + " is empty");
        }
        int outer = 1;
        for (int e = 0; e < d; e++) outer *= shape[e];
        int inner = 1;
        for (int e = d + 1; e < shape.length; e++) inner *= shape[e];
        Storage out = alloc(outer * inner);
        backend().max(data, outer, shape[d], inner, out);
        int[] keptShape = shape.clone();
        keptShape[d] = 1;
        int reduce = shape[d];
        int o = outer;
        int in = inner;
        return result(out, keepdim ? keptShape : dropAxis(shape, d), (self, gy) -> {
            Backend be = backend();
            Storage mask = alloc(data.size());
            be.binary(BinaryOp.EQ, data, shape, self.data, keptShape, mask, shape);
            Storage count = alloc(self.data.size());
            be.sum(mask, o, reduce, in, count);
            Storage share = alloc(count.size());
            be.binary(BinaryOp.DIV, gy, keptShape, count, keptShape, share, keptShape);
            be.binary(BinaryOp.MUL, mask, shape, share, keptShape, mask, shape);
            accumulate(this, mask, true);
        }, this);
    }

    // ---------------------------------------------------------------- primitive: movement

    /** Broadcasts to a larger shape (NumPy rules), copying. */
    public Tensor expand(int... newShape) {
        int[] target = checkedShape("expand", newShape);
        int[] check = broadcastShape("expand", shape, target);
        if (!Arrays.equals(check, target)) {
            throw new IllegalArgumentException("expand: shape " + Arrays.toString(shape) + " cannot be expanded to "
                    + Arrays.toString(target));
        }
        Storage out = alloc(numel(target));
        backend().broadcast(data, shape, out, target);
        return result(out, target, (self, gy) -> reduceInto(this, gy, target, false), this);
    }

    /** Same elements, new shape (one size may be -1); shares the storage. */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int known = 1;
        int free = -1;
        for (int d = 0; d < s.length; d++) {
            if (s[d] == -1) {
                if (free >= 0) {
                    throw new IllegalArgumentException("reshape: only one size can be -1, got " + Arrays.toString(newShape));
                }
                free = d;
            } else if (s[d] < 0) {
                throw new IllegalArgumentException("reshape: negative size in " + Arrays.toString(newShape));
            } else {
                known *= s[d];
            }
        }
        if (free >= 0 && known > 0 && data.size() % known == 0) {
            s[free] = data.size() / known;
        }
        if ((free >= 0 && s[free] < 0) || numel(s) != data.size()) {
            throw new IllegalArgumentException("reshape: cannot reshape " + Arrays.toString(shape) + " ("
                    + data.size() + " values) to " + Arrays.toString(newShape));
        }
        return result(data, s, (self, gy) -> accumulate(this, gy, false), this);
    }

    /** The transpose of a 2D tensor (a copy). */
    public Tensor transpose() {
        if (shape.length != 2) {
            throw new IllegalArgumentException("transpose: needs a 2D tensor, got shape " + Arrays.toString(shape));
        }
        int rows = shape[0];
        int cols = shape[1];
        Storage out = alloc(data.size());
        backend().transpose(data, rows, cols, out);
        return result(out, new int[] {cols, rows}, (self, gy) -> {
            Storage gx = alloc(data.size());
            backend().transpose(gy, cols, rows, gx);
            accumulate(this, gx, true);
        }, this);
    }

    // ---------------------------------------------------------------- primitive: matrix product

    /** The matrix product of two 2D tensors. */
    public Tensor matmul(Tensor o) {
        return matmul(o, false, false);
    }

    /**
     * op(this) x op(o) for 2D tensors, op transposing when its flag is set, without copying:
     * {@code x.matmul(w, false, true)} is x times w-transposed, as in a Linear layer.
     */
    public Tensor matmul(Tensor o, boolean transposeThis, boolean transposeOther) {
        if (shape.length != 2 || o.shape.length != 2) {
            throw new IllegalArgumentException("matmul: needs two 2D tensors, got shapes " + Arrays.toString(shape)
                    + " and " + Arrays.toString(o.shape));
        }
        sameDevice("matmul", o);
        boolean ta = transposeThis;
        boolean tb = transposeOther;
        int m = ta ? shape[1] : shape[0];
        int k = ta ? shape[0] : shape[1];
        int k2 = tb ? o.shape[1] : o.shape[0];
        int n = tb ? o.shape[0] : o.shape[1];
        if (k != k2) {
            throw new IllegalArgumentException("matmul: shapes " + Arrays.toString(shape) + (ta ? "^T" : "") + " and "
                    + Arrays.toString(o.shape) + (tb ? "^T" : "") + " do not fit (" + k + " columns vs " + k2 + " rows)");
        }
        Storage out = alloc(numel(new int[] {m, n}));
        backend().matmul(data, ta, o.data, tb, out, m, k, n);
        return result(out, new int[] {m, n}, (self, gy) -> {
            Backend be = backend();
            if (requiresGrad) {
                Storage ga = alloc(data.size());
                if (!ta) {
                    be.matmul(gy, false, o.data, !tb, ga, m, n, k);
                } else {
                    be.matmul(o.data, tb, gy, true, ga, k, n, m);
                }
                accumulate(this, ga, true);
            }
            if (o.requiresGrad) {
                Storage gb = alloc(o.data.size());
                if (!tb) {
                    be.matmul(data, !ta, gy, false, gb, k, m, n);
                } else {
                    be.matmul(gy, true, data, ta, gb, n, m, k);
                }
                accumulate(o, gb, true);
            }
        }, this, o);
    }

    // ---------------------------------------------------------------- primitive: convolution

    /**
     * The convolution of this batch {@code [N, C_in, *in]} (1 to 3 spatial axes) with {@code weight}
     * {@code [C_out, C_in/groups, *kernel]} plus {@code bias} {@code [C_out]} (or null), as
     * torch.nn.functional.conv1d/conv2d/conv3d; stride, padding and dilation have one value per axis.
     */
    public Tensor conv(Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        int dims = weight.shape.length - 2;
        String op = "conv" + Math.max(dims, 1) + "d";
        if (dims < 1 || dims > 3 || shape.length != dims + 2) {
            throw new IllegalArgumentException(op + ": needs input [N, C, *spatial] and weight [C_out, C_in/groups, *kernel] "
                    + "with 1 to 3 spatial axes, got input " + Arrays.toString(shape) + " and weight "
                    + Arrays.toString(weight.shape));
        }
        if (groups < 1 || weight.shape[1] * groups != shape[1]) {
            throw new IllegalArgumentException(op + ": input " + Arrays.toString(shape) + " has " + shape[1]
                    + " channels but weight " + Arrays.toString(weight.shape) + " with groups " + groups + " expects "
                    + (long) weight.shape[1] * groups);
        }
        int cout = weight.shape[0];
        checkBias(op, bias, cout);
        sameDevice(op, weight);
        sameDevice(op, bias);
        ConvShape s = ConvShape.of(shape[0], shape[1], Arrays.copyOfRange(shape, 2, shape.length), cout,
                Arrays.copyOfRange(weight.shape, 2, weight.shape.length), stride, padding, dilation, groups);
        int[] outShape = s.outputShape();
        Storage out = alloc(numel(outShape));
        backend().convolution(data, weight.data, bias == null ? null : bias.data, out, s);
        return result(out, outShape, (self, gy) -> {
            Backend be = backend();
            if (requiresGrad) {
                Storage gx = alloc(data.size());
                be.convolutionBackwardInput(gy, weight.data, gx, s);
                accumulate(this, gx, true);
            }
            if (weight.requiresGrad) {
                Storage gw = alloc(weight.data.size());
                be.convolutionBackwardWeight(data, gy, gw, s);
                accumulate(weight, gw, true);
            }
            if (bias != null && bias.requiresGrad) {
                accumulate(bias, channelSums(gy, outShape), true);
            }
        }, bias == null ? new Tensor[] {this, weight} : new Tensor[] {this, weight, bias});
    }

    /**
     * The transposed convolution of this batch {@code [N, C_in, *in]} with {@code weight}
     * {@code [C_in, C_out/groups, *kernel]} plus {@code bias} {@code [C_out]} (or null), as
     * torch.nn.functional.conv_transpose1d/2d/3d: the adjoint of the convolution with the same arguments.
     * Output size per axis: (in - 1) stride - 2 padding + dilation (kernel - 1) + output_padding + 1.
     */
    public Tensor convTranspose(Tensor weight, Tensor bias, int[] stride, int[] padding, int[] outputPadding,
                                int[] dilation, int groups) {
        int dims = weight.shape.length - 2;
        String op = "conv_transpose" + Math.max(dims, 1) + "d";
        if (dims < 1 || dims > 3 || shape.length != dims + 2) {
            throw new IllegalArgumentException(op + ": needs input [N, C, *spatial] and weight [C_in, C_out/groups, *kernel] "
                    + "with 1 to 3 spatial axes, got input " + Arrays.toString(shape) + " and weight "
                    + Arrays.toString(weight.shape));
        }
        if (groups < 1 || weight.shape[0] != shape[1] || shape[1] % groups != 0) {
            throw new IllegalArgumentException(op + ": input " + Arrays.toString(shape) + " has " + shape[1]
                    + " channels but weight " + Arrays.toString(weight.shape) + " expects " + weight.shape[0]
                    + " (divisible by groups " + groups + ")");
        }
        int cout = weight.shape[1] * groups;
        checkBias(op, bias, cout);
        sameDevice(op, weight);
        sameDevice(op, bias);
        int[] in = Arrays.copyOfRange(shape, 2, shape.length);
        int[] kernel = Arrays.copyOfRange(weight.shape, 2, weight.shape.length);
        if (stride == null || padding == null || outputPadding == null || dilation == null || stride.length != dims
                || padding.length != dims || outputPadding.length != dims || dilation.length != dims) {
            throw new IllegalArgumentException(op + ": stride, padding, output_padding and dilation need " + dims
                    + " values each");
        }
        int[] outSize = new int[dims];
        for (int a = 0; a < dims; a++) {
            if (stride[a] < 1 || dilation[a] < 1 || padding[a] < 0 || outputPadding[a] < 0) {
                throw new IllegalArgumentException(op + ": stride and dilation must be positive, padding and output_padding "
                        + "non-negative, got stride " + Arrays.toString(stride) + ", padding " + Arrays.toString(padding)
                        + ", output_padding " + Arrays.toString(outputPadding) + ", dilation " + Arrays.toString(dilation));
            }
            if (outputPadding[a] >= Math.max(stride[a], dilation[a])) {
                throw new IllegalArgumentException(op + ": output_padding " + Arrays.toString(outputPadding)
                        + " must be smaller than stride " + Arrays.toString(stride) + " or dilation " + Arrays.toString(dilation));
            }
            long o = (long) (in[a] - 1) * stride[a] - 2L * padding[a] + (long) dilation[a] * (kernel[a] - 1) + outputPadding[a] + 1;
            if (o < 1 || o > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(op + ": input " + Arrays.toString(shape) + " with kernel "
                        + Arrays.toString(kernel) + " and padding " + Arrays.toString(padding) + " gives output size " + o);
            }
            outSize[a] = (int) o;
        }
        // the convolution that maps our output back onto our input: its weight layout is ours
        ConvShape s = ConvShape.of(shape[0], cout, outSize, shape[1], kernel, stride, padding, dilation, groups).withOutput(in);
        int[] outShape = s.inputShape();
        Storage out = alloc(numel(outShape));
        backend().convolutionBackwardInput(data, weight.data, out, s);
        if (bias != null) {
            int[] rows = {shape[0], cout, out.size() / Math.max(1, shape[0] * cout)};
            backend().binary(BinaryOp.ADD, out, rows, bias.data, new int[] {cout, 1}, out, rows);
        }
        return result(out, outShape, (self, gy) -> {
            Backend be = backend();
            if (requiresGrad) {
                Storage gx = alloc(data.size());
                be.convolution(gy, weight.data, null, gx, s);
                accumulate(this, gx, true);
            }
            if (weight.requiresGrad) {
                Storage gw = alloc(weight.data.size());
                be.convolutionBackwardWeight(gy, data, gw, s);
                accumulate(weight, gw, true);
            }
            if (bias != null && bias.requiresGrad) {
                accumulate(bias, channelSums(gy, outShape), true);
            }
        }, bias == null ? new Tensor[] {this, weight} : new Tensor[] {this, weight, bias});
    }

    private static void checkBias(String op, Tensor bias, int channels) {
        if (bias != null && (bias.shape.length != 1 || bias.shape[0] != channels)) {
            throw new IllegalArgumentException(op + ": bias must have shape [" + channels + "], got "
                    + Arrays.toString(bias.shape));
        }
    }

    /** g [N, C, *spatial] summed over everything but the channel axis: the gradient of a per-channel bias. */
    private Storage channelSums(Storage g, int[] shape) {
        int n = shape[0];
        int c = shape[1];
        int plane = g.size() / Math.max(1, n * c);
        Storage perSample = alloc(n * c);
        backend().sum(g, n * c, plane, 1, perSample);
        Storage out = alloc(c);
        backend().sum(perSample, 1, n, c, out);
        return out;
    }

    // ---------------------------------------------------------------- primitive: pooling

    /**
     * 2D max pooling of this {@code [N, C, H, W]} batch, as torch.nn.functional.max_pool2d (padding never
     * wins; the gradient goes to the first maximum of each window).
     */
    public Tensor maxPool2d(int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        PoolShape s = poolShape("max_pool2d", kernel, stride, padding, dilation, ceilMode);
        int[] outShape = s.outputShape();
        Storage out = alloc(numel(outShape));
        Storage argmax = StepMemory.allocateIndices(device(), out.size());
        backend().maxPool2d(data, out, argmax, s);
        return result(out, outShape, (self, gy) -> {
            Storage gx = alloc(data.size());
            backend().maxPool2dBackward(gy, argmax, gx, s);
            accumulate(this, gx, true);
        }, this);
    }

    /**
     * 2D average pooling of this {@code [N, C, H, W]} batch, as torch.nn.functional.avg_pool2d with
     * count_include_pad=True (padding counts as zeros; ceil-mode windows past the padding divide by less).
     */
    public Tensor avgPool2d(int[] kernel, int[] stride, int[] padding, boolean ceilMode) {
        PoolShape s = poolShape("avg_pool2d", kernel, stride, padding, new int[] {1, 1}, ceilMode);
        int[] outShape = s.outputShape();
        Storage out = alloc(numel(outShape));
        backend().avgPool2d(data, out, s);
        return result(out, outShape, (self, gy) -> {
            Storage gx = alloc(data.size());
            backend().avgPool2dBackward(gy, gx, s);
            accumulate(this, gx, true);
        }, this);
    }

    private PoolShape poolShape(String op, int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        if (shape.length != 4) {
            throw new IllegalArgumentException(op + ": needs input [N, C, H, W], got " + Arrays.toString(shape));
        }
        try {
            return PoolShape.of(shape[0], shape[1], shape[2], shape[3], kernel, stride, padding, dilation, ceilMode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + e.getMessage().substring("pooling".length()), e);
        }
    }

    // ---------------------------------------------------------------- primitive: losses and metrics

    /**
     * The mean loss {@code op} of this output against {@code target}, shape [] (see {@link LossOp}): for
     * MSE and BCE_WITH_LOGITS the target has this tensor's size; for CROSS_ENTROPY this is [rows, classes]
     * logits and the target [rows] class indices. The target gets no gradient.
     */
    public Tensor loss(LossOp op, Tensor target) {
        String name = op.name().toLowerCase(Locale.ROOT) + "_loss";
        sameDevice(name, target);
        if (target.requiresGrad && isGradEnabled()) {
            throw new IllegalArgumentException(name + ": the target gets no gradient; detach() it");
        }
        int rows = data.size();
        int columns = 1;
        if (op == LossOp.CROSS_ENTROPY) {
            if (shape.length != 2) {
                throw new IllegalArgumentException(name + ": needs [rows, classes] logits, got " + Arrays.toString(shape));
            }
            rows = shape[0];
            columns = shape[1];
        }
        if (target.data.size() != (op == LossOp.CROSS_ENTROPY ? rows : data.size())) {
            throw new IllegalArgumentException(name + ": output shape " + Arrays.toString(shape) + " and target shape "
                    + Arrays.toString(target.shape) + " do not fit");
        }
        int r = rows;
        int c = columns;
        Storage out = alloc(1);
        backend().loss(op, data, target.data, r, c, out);
        return result(out, new int[0], (self, gy) -> {
            Storage gx = alloc(data.size());
            backend().lossBackward(op, data, target.data, gy, r, c, gx);
            accumulate(this, gx, true);
        }, this);
    }

    /**
     * How many rows of these class scores ([rows, classes], or [rows, 1] holding P(class 1)) predict their
     * label ({@code labels}: [rows] class indices), as a [] tensor on this device: see
     * {@link Backend#countCorrect}. Not differentiable.
     */
    public Tensor countCorrect(Tensor labels, boolean clamp) {
        sameDevice("count_correct", labels);
        if (shape.length != 2 || labels.data.size() != shape[0]) {
            throw new IllegalArgumentException("count_correct: needs [rows, classes] scores and [rows] labels, got "
                    + Arrays.toString(shape) + " and " + Arrays.toString(labels.shape));
        }
        Storage out = alloc(1);
        backend().countCorrect(data, labels.data, shape[0], shape[1], clamp, out);
        return new Tensor(out, new int[0]);
    }

    // ---------------------------------------------------------------- composite operations

    public Tensor square() {
        return mul(this);
    }

    public Tensor mean() {
        return sum().div((float) data.size());
    }

    public Tensor mean(int dim, boolean keepdim) {
        return sum(dim, keepdim).div((float) shape[axis("mean", dim)]);
    }

    /** log(softmax(x)) along {@code dim}, shifted by the maximum so that exp never overflows. */
    public Tensor logSoftmax(int dim) {
        // the shift cancels out of the result and of its gradient, so it needs no gradient itself
        Tensor shifted = sub(max(dim, true).detach());
        return shifted.sub(shifted.exp().sum(dim, true).log());
    }

    public Tensor softmax(int dim) {
        return logSoftmax(dim).exp();
    }

    // ---------------------------------------------------------------- helpers

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(shape=").append(Arrays.toString(shape)).append(", data=[");
        int show = Math.min(data.size(), 12);
        float[] first = new float[show];
        data.copyToHost(0, first, 0, show);
        for (int i = 0; i < show; i++) {
            if (i > 0) sb.append(", ");
            sb.append(first[i]);
        }
        if (show < data.size()) sb.append(", ...");
        sb.append(']');
        if (requiresGrad) sb.append(", requiresGrad");
        return sb.append(')').toString();
    }

    private int axis(String op, int dim) {
        int d = dim < 0 ? dim + shape.length : dim;
        if (d < 0 || d >= shape.length) {
            throw new IllegalArgumentException(op + ": axis " + dim + " is out of range for shape " + Arrays.toString(shape));
        }
        return d;
    }

    private static int[] dropAxis(int[] shape, int d) {
        int[] s = new int[shape.length - 1];
        System.arraycopy(shape, 0, s, 0, d);
        System.arraycopy(shape, d + 1, s, d, shape.length - d - 1);
        return s;
    }

    private static int[] checkedShape(String op, int[] shape) {
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException(op + ": negative size in shape " + Arrays.toString(shape));
            }
        }
        numel(shape);
        return shape.clone();
    }

    /** NumPy broadcasting: shapes aligned on the right, each pair of sizes equal or one of them 1. */
    private static int[] broadcastShape(String op, int[] a, int[] b) {
        if (Arrays.equals(a, b)) {
            return a;
        }
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int d = 0; d < rank; d++) {
            int sa = d < rank - a.length ? 1 : a[d - (rank - a.length)];
            int sb = d < rank - b.length ? 1 : b[d - (rank - b.length)];
            if (sa != sb && sa != 1 && sb != 1) {
                throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " cannot be broadcast together");
            }
            out[d] = sa == 1 ? sb : sa;
        }
        return out;
    }

    static int numel(int[] shape) {
        return CpuBackend.numel(shape);
    }
}
