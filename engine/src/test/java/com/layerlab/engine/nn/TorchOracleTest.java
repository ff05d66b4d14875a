package com.layerlab.engine.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.layerlab.engine.optim.Adam;
import com.layerlab.engine.optim.Optimizer;
import com.layerlab.engine.optim.SGD;
import com.layerlab.engine.tensor.GradCheck;
import com.layerlab.engine.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random MLPs against PyTorch (through DJL's PyTorch engine): forward outputs, losses and the
 * gradients of every parameter, then SGD and Adam steps. DJL's optimizers are not torch.optim, so
 * the expected steps apply torch.optim's documented update rules, in double, to the gradients
 * PyTorch computed.
 */
class TorchOracleTest {

    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-6;

    private static NDManager manager;

    @BeforeAll
    static void startPyTorch() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void stopPyTorch() {
        manager.close();
    }

    private static final int REPEATS = 3;

    enum Act { RELU, TANH, SIGMOID, LEAKY_RELU, IDENTITY }

    enum LossKind { MSE, BCE, CE }

    /** A network with the same shape, activation and loss on both sides, with fixed data. */
    private static final class Case {
        final int[] widths;
        final Act act;
        final LossKind loss;
        final int batch;
        final boolean bias;
        final String regularization;
        final double rate;
        final Sequential net;
        final float[] x;
        final float[] target;

        Case(int[] widths, Act act, LossKind loss, int batch, boolean bias, String regularization, double rate, long seed) {
            this.widths = widths;
            this.act = act;
            this.loss = loss;
            this.batch = batch;
            this.bias = bias;
            this.regularization = regularization;
            this.rate = rate;
            Random rng = new Random(seed);
            List<Module> layers = new ArrayList<>();
            for (int i = 0; i + 1 < widths.length; i++) {
                layers.add(new Linear(widths[i], widths[i + 1], bias, rng));
                if (i + 2 < widths.length) layers.add(activation(act));
            }
            net = new Sequential(layers);
            x = new float[batch * widths[0]];
            for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextGaussian() * 1.5);
            int out = widths[widths.length - 1];
            target = new float[loss == LossKind.CE ? batch : batch * out];
            for (int i = 0; i < target.length; i++) {
                target[i] = switch (loss) {
                    case MSE -> (float) rng.nextGaussian();
                    case BCE -> rng.nextBoolean() ? 1f : 0f;
                    case CE -> rng.nextInt(out);
                };
            }
        }

        int outWidth() {
            return widths[widths.length - 1];
        }

        Loss ourLoss() {
            return switch (loss) {
                case MSE -> new MSELoss();
                case BCE -> new BCEWithLogitsLoss();
                case CE -> new CrossEntropyLoss();
            };
        }

        Tensor ourTarget() {
            return loss == LossKind.CE ? Tensor.of(target.clone(), batch) : Tensor.of(target.clone(), batch, outWidth());
        }

        List<Tensor> weights() {
            List<Tensor> w = new ArrayList<>();
            for (Module m : net.layers()) {
                if (m instanceof Linear l) w.add(l.weight());
            }
            return w;
        }

        /** Forward and backward on our side; returns the loss. */
        Tensor ourLossAndGrads() {
            Tensor out = net.forward(Tensor.of(x.clone(), batch, widths[0]));
            Tensor l = ourLoss().apply(out, ourTarget()).add(Regularization.penalty(regularization, rate, weights()));
            l.backward();
            return l;
        }

        @Override
        public String toString() {
            return Arrays.toString(widths) + " " + act + " " + loss + " batch " + batch + (bias ? "" : " no bias")
                    + (rate > 0 ? " " + regularization + " " + rate : "");
        }
    }

    private static Module activation(Act act) {
        return switch (act) {
            case RELU -> new ReLU();
            case TANH -> new Tanh();
            case SIGMOID -> new Sigmoid();
            case LEAKY_RELU -> new LeakyReLU(0.2f);
            case IDENTITY -> new Identity();
        };
    }

    /** What PyTorch computes for a case, with the parameters as they are now. */
    private record TorchResult(float[] output, float loss, List<float[]> grads) {
    }

    private static TorchResult torch(Case c) {
        try (NDManager m = manager.newSubManager()) {
            List<Tensor> params = c.net.parameters();
            List<NDArray> tp = new ArrayList<>();
            for (Tensor p : params) {
                NDArray a = m.create(p.toHost(), shape(p.shape()));
                a.setRequiresGradient(true);
                tp.add(a);
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray h = m.create(c.x.clone(), new Shape(c.batch, c.widths[0]));
                int pi = 0;
                List<NDArray> weights = new ArrayList<>();
                for (int i = 0; i + 1 < c.widths.length; i++) {
                    NDArray w = tp.get(pi++);
                    weights.add(w);
                    h = h.matMul(w.transpose());
                    if (c.bias) h = h.add(tp.get(pi++));
                    if (i + 2 < c.widths.length) h = torchActivation(c.act, h);
                }
                NDArray out = h;
                NDArray loss = switch (c.loss) {
                    case MSE -> out.sub(m.create(c.target.clone(), out.getShape())).square().mean();
                    case BCE -> {
                        // PyTorch's own stable formula: max(x, 0) - x t + log(1 + exp(-|x|))
                        NDArray t = m.create(c.target.clone(), out.getShape());
                        yield out.maximum(0f).sub(out.mul(t)).add(out.abs().neg().exp().add(1f).log()).mean();
                    }
                    case CE -> {
                        float[] oneHot = new float[c.batch * c.outWidth()];
                        for (int i = 0; i < c.batch; i++) oneHot[i * c.outWidth() + (int) c.target[i]] = 1f;
                        NDArray picked = out.logSoftmax(1).mul(m.create(oneHot, out.getShape())).sum();
                        yield picked.neg().div((float) c.batch);
                    }
                };
                if (c.rate > 0) {
                    NDArray penalty = null;
                    for (NDArray w : weights) {
                        NDArray term = c.regularization.equals("L1") ? w.abs().sum() : w.square().sum();
                        penalty = penalty == null ? term : penalty.add(term);
                    }
                    loss = loss.add(penalty.mul((float) (c.regularization.equals("L1") ? c.rate : 0.5 * c.rate)));
                }
                gc.backward(loss);
                List<float[]> grads = new ArrayList<>();
                for (NDArray a : tp) grads.add(a.getGradient().toFloatArray());
                return new TorchResult(out.toFloatArray(), loss.toFloatArray()[0], grads);
            }
        }
    }

    private static NDArray torchActivation(Act act, NDArray h) {
        return switch (act) {
            case RELU -> ai.djl.nn.Activation.relu(h);
            case TANH -> ai.djl.nn.Activation.tanh(h);
            case SIGMOID -> ai.djl.nn.Activation.sigmoid(h);
            case LEAKY_RELU -> ai.djl.nn.Activation.leakyRelu(h, 0.2f);
            case IDENTITY -> h;
        };
    }

    private static Shape shape(int[] s) {
        long[] l = new long[s.length];
        for (int i = 0; i < s.length; i++) l[i] = s[i];
        return new Shape(l);
    }

    static Stream<Arguments> cases() {
        List<Arguments> list = new ArrayList<>();
        long seed = 100;
        for (Act act : Act.values()) {
            for (LossKind loss : LossKind.values()) {
                int out = loss == LossKind.CE ? 4 : (loss == LossKind.BCE ? 1 : 2);
                list.add(Arguments.of(new Case(new int[] {3, 6, 5, out}, act, loss, 7, true, "none", 0, seed++)));
            }
        }
        list.add(Arguments.of(new Case(new int[] {2, 8, 8, 1}, Act.TANH, LossKind.BCE, 10, true, "none", 0, seed++)));
        list.add(Arguments.of(new Case(new int[] {2, 8, 8, 1}, Act.TANH, LossKind.MSE, 10, true, "L2", 0.01, seed++)));
        list.add(Arguments.of(new Case(new int[] {2, 4, 1}, Act.RELU, LossKind.BCE, 10, true, "L1", 0.003, seed++)));
        list.add(Arguments.of(new Case(new int[] {2, 1}, Act.IDENTITY, LossKind.MSE, 5, true, "none", 0, seed++)));
        list.add(Arguments.of(new Case(new int[] {3, 1}, Act.IDENTITY, LossKind.BCE, 1, true, "none", 0, seed++)));
        list.add(Arguments.of(new Case(new int[] {7, 16, 16, 16, 5}, Act.SIGMOID, LossKind.CE, 32, false, "none", 0, seed++)));
        list.add(Arguments.of(new Case(new int[] {64, 48, 3}, Act.LEAKY_RELU, LossKind.CE, 64, true, "L2", 0.05, seed++)));
        return list.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardLossAndGradientsMatchPyTorch(Case c) {
        List<String> names = new ArrayList<>(c.net.stateDict().keySet());
        List<Tensor> params = c.net.parameters();
        TorchResult first = null;
        // several runs: a reference (or an engine) that is right only some of the time must not pass
        for (int run = 1; run <= REPEATS; run++) {
            String what = c + (run == 1 ? "" : " (run " + run + ")");
            TorchResult expected = torch(c);
            if (first == null) first = expected;
            assertArrayEquals(first.output(), expected.output(), what + ": PyTorch's output differs from its first run");
            Tensor output = Tensor.noGrad(() -> c.net.forward(Tensor.of(c.x.clone(), c.batch, c.widths[0])));
            assertClose(what + ": output", expected.output(), output.toHost());
            for (Tensor p : params) p.zeroGrad();
            Tensor loss = c.ourLossAndGrads();
            assertClose(what + ": loss", new float[] {expected.loss()}, loss.toHost());
            for (int i = 0; i < params.size(); i++) {
                assertClose(what + ": gradient of " + names.get(i), expected.grads().get(i), params.get(i).grad().toHost());
            }
        }
        // and our gradients against finite differences of our own loss, where the network is small and smooth
        // (a step across a ReLU's or L1's kink measures the kink, not the gradient; GradCheck's tests cover
        // those ops away from their kinks)
        boolean smooth = (c.act == Act.TANH || c.act == Act.SIGMOID || c.act == Act.IDENTITY) && !c.regularization.equals("L1");
        if (smooth && c.net.parameters().stream().mapToInt(Tensor::numel).sum() <= 200) {
            GradCheck.assertFiniteDifferences(c + " against finite differences", in -> c.ourLoss().apply(
                    c.net.forward(Tensor.of(c.x.clone(), c.batch, c.widths[0])), c.ourTarget())
                    .add(Regularization.penalty(c.regularization, c.rate, c.weights())), new float[] {1f}, 1e-3f, 5e-3,
                    params.toArray(new Tensor[0]));
        }
    }

    // ---- optimizers

    /** torch.optim's rules in double; one instance per parameter. */
    private interface ExpectedRule {
        void step(double[] p, float[] grad);
    }

    private static Supplier<ExpectedRule> torchSgd(double lr, double momentum, double wd, boolean nesterov) {
        return () -> new ExpectedRule() {
            double[] buf;
            boolean started;

            @Override
            public void step(double[] p, float[] grad) {
                if (buf == null && momentum != 0) buf = new double[p.length];
                boolean first = !started;
                started = true;
                for (int i = 0; i < p.length; i++) {
                    double g = grad[i] + wd * p[i];
                    if (momentum != 0) {
                        buf[i] = first ? g : momentum * buf[i] + g;
                        g = nesterov ? g + momentum * buf[i] : buf[i];
                    }
                    p[i] -= lr * g;
                }
            }
        };
    }

    private static Supplier<ExpectedRule> torchAdam(double lr, double b1, double b2, double eps, double wd) {
        return () -> new ExpectedRule() {
            double[] m;
            double[] v;
            int t;

            @Override
            public void step(double[] p, float[] grad) {
                if (m == null) {
                    m = new double[p.length];
                    v = new double[p.length];
                }
                t++;
                for (int i = 0; i < p.length; i++) {
                    double g = grad[i] + wd * p[i];
                    m[i] = b1 * m[i] + (1 - b1) * g;
                    v[i] = b2 * v[i] + (1 - b2) * g * g;
                    double mHat = m[i] / (1 - Math.pow(b1, t));
                    double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                    p[i] -= lr * mHat / denom;
                }
            }
        };
    }

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("SGD lr 0.1", (OptimizerFactory) ps -> new SGD(ps, 0.1, 0, 0, false), torchSgd(0.1, 0, 0, false)),
                Arguments.of("SGD weight decay", (OptimizerFactory) ps -> new SGD(ps, 0.1, 0, 0.05, false), torchSgd(0.1, 0, 0.05, false)),
                Arguments.of("SGD momentum", (OptimizerFactory) ps -> new SGD(ps, 0.05, 0.9, 0, false), torchSgd(0.05, 0.9, 0, false)),
                Arguments.of("SGD momentum weight decay", (OptimizerFactory) ps -> new SGD(ps, 0.05, 0.9, 0.01, false), torchSgd(0.05, 0.9, 0.01, false)),
                Arguments.of("SGD nesterov", (OptimizerFactory) ps -> new SGD(ps, 0.05, 0.8, 0.01, true), torchSgd(0.05, 0.8, 0.01, true)),
                Arguments.of("Adam", (OptimizerFactory) ps -> new Adam(ps, 0.01, 0.9, 0.999, 1e-8, 0), torchAdam(0.01, 0.9, 0.999, 1e-8, 0)),
                Arguments.of("Adam weight decay", (OptimizerFactory) ps -> new Adam(ps, 0.02, 0.8, 0.99, 1e-6, 0.05), torchAdam(0.02, 0.8, 0.99, 1e-6, 0.05)));
    }

    @FunctionalInterface
    interface OptimizerFactory {
        Optimizer create(List<Tensor> params);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void optimizerStepsMatchTorchOptim(String name, OptimizerFactory factory, Supplier<ExpectedRule> rule) {
        for (Case c : List.of(
                new Case(new int[] {2, 8, 8, 1}, Act.TANH, LossKind.BCE, 10, true, "none", 0, 7),
                new Case(new int[] {3, 6, 4}, Act.RELU, LossKind.CE, 9, true, "L2", 0.01, 8))) {
            List<Tensor> params = c.net.parameters();
            Optimizer opt = factory.create(params);
            List<ExpectedRule> rules = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) rules.add(rule.get());
            for (int step = 1; step <= 3; step++) {
                List<float[]> torchGrads = torch(c).grads();
                List<float[]> before = new ArrayList<>();
                for (Tensor p : params) before.add(p.toHost());
                opt.zeroGrad();
                c.ourLossAndGrads();
                opt.step();
                for (int i = 0; i < params.size(); i++) {
                    double[] expected = new double[before.get(i).length];
                    for (int j = 0; j < expected.length; j++) expected[j] = before.get(i)[j];
                    rules.get(i).step(expected, torchGrads.get(i));
                    String what = name + ", " + c + ", step " + step + ", parameter " + i;
                    float[] actual = params.get(i).toHost();
                    assertClose(what, toFloat(expected), actual);
                    // the update itself, not only the updated value, must match
                    for (int j = 0; j < actual.length; j++) {
                        double want = expected[j] - before.get(i)[j];
                        double got = actual[j] - before.get(i)[j];
                        double tol = 1e-3 * Math.abs(want) + 4 * Math.ulp(before.get(i)[j]) + 1e-9;
                        if (!(Math.abs(want - got) <= tol)) {
                            fail(what + ": update of element " + j + " is " + got + ", torch.optim gives " + want);
                        }
                    }
                }
            }
        }
    }

    @Test
    void pyTorchIsReallyComputing() {
        // guards the oracle itself: a wrong answer must be noticed
        Case c = new Case(new int[] {2, 3, 1}, Act.TANH, LossKind.MSE, 4, true, "none", 0, 1);
        TorchResult r = torch(c);
        Tensor first = c.net.parameters().get(0);
        float[] changedWeights = first.toHost();
        changedWeights[0] += 0.5f;
        first.copyFromHost(changedWeights);
        TorchResult changed = torch(c);
        assertEquals(4, r.output().length);
        if (Arrays.equals(r.output(), changed.output())) fail("PyTorch output did not change with the weights");
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    private static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (!(Math.abs(e - a) <= ATOL + RTOL * Math.max(Math.abs(e), Math.abs(a)))) {
                fail(what + ": element " + i + " is " + a + ", PyTorch gives " + e);
            }
        }
    }
}
