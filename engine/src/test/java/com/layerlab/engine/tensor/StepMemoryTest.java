package com.layerlab.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.engine.nn.AvgPool2d;
import com.layerlab.engine.nn.BatchNorm2d;
import com.layerlab.engine.nn.Conv2d;
import com.layerlab.engine.nn.ConvTranspose2d;
import com.layerlab.engine.nn.CrossEntropyLoss;
import com.layerlab.engine.nn.Flatten;
import com.layerlab.engine.nn.LeakyReLU;
import com.layerlab.engine.nn.Linear;
import com.layerlab.engine.nn.MaxPool2d;
import com.layerlab.engine.nn.ReLU;
import com.layerlab.engine.nn.Sequential;
import com.layerlab.engine.nn.Sigmoid;
import com.layerlab.engine.nn.Tanh;
import com.layerlab.engine.optim.SGD;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Steps whose temporaries are the last step's arrays (not zeroed: every primitive overwrites its output)
 * train to the same bits, and a stale result fails.
 */
class StepMemoryTest {

    private static final int STEPS = 4;

    /**
     * A model through the primitives of a CNN step and both convolution routes: shifted products (16
     * output channels, fewer and as many input channels), unfolding (stride 2), the transposed convolution,
     * batch norm, pooling of both kinds and the element-wise functions.
     */
    private static Sequential model() {
        Random rng = new Random(3);
        int[] one = {1, 1};
        int[] two = {2, 2};
        int[] zero = {0, 0};
        int[] three = {3, 3};
        return new Sequential(new Conv2d(3, 16, three, one, one, one, 1, true, rng), new BatchNorm2d(16, 1e-5, 0.1),
                new ReLU(), new Conv2d(16, 16, three, one, one, one, 1, true, rng), new LeakyReLU(0.1f),
                new MaxPool2d(two, two, zero, one, false), new Conv2d(16, 8, three, two, one, one, 1, true, rng), new Tanh(),
                new ConvTranspose2d(8, 4, two, two, zero, zero, one, 1, true, rng), new Sigmoid(),
                new AvgPool2d(two, two, zero, false), new Flatten(), new Linear(4 * 4 * 4, 10, true, rng));
    }

    /**
     * The weights' bits after {@link #STEPS} steps with momentum on {@code device}, each step in a step of
     * {@code memory} when given.
     */
    private static int[] train(Device device, StepMemory memory) {
        Sequential m = model();
        m.to(device);
        SGD opt = new SGD(m.parameters(), 0.05, 0.9, 0.01, false);
        Random data = new Random(11);
        for (int s = 0; s < STEPS; s++) {
            float[] x = new float[8 * 3 * 16 * 16];
            float[] y = new float[8];
            for (int i = 0; i < x.length; i++) x[i] = (float) data.nextGaussian();
            for (int i = 0; i < y.length; i++) y[i] = data.nextInt(10);
            StepMemory.Step step = memory == null ? null : memory.open();
            try {
                opt.zeroGrad();
                Tensor loss = new CrossEntropyLoss().apply(m.forward(Tensor.of(device, x, 8, 3, 16, 16)),
                        Tensor.of(device, y, 8));
                loss.backward();
                opt.step();
            } finally {
                if (step != null) {
                    step.close();
                }
            }
        }
        int size = 0;
        for (Tensor t : m.stateDict().values()) size += t.numel();
        int[] bits = new int[size];
        int at = 0;
        for (Tensor t : m.stateDict().values()) {
            for (float v : t.toHost()) bits[at++] = Float.floatToRawIntBits(v);
        }
        return bits;
    }

    @Test
    void stepsReusingTheirArraysTrainToTheSameBits() {
        Device blas = Device.cpu();
        assertArrayEquals(train(blas, null), train(blas, new StepMemory(blas)));
        // the plain-Java kernels, on two threads
        Device java = Device.of(new CpuBackend(2, false), 0);
        assertArrayEquals(train(java, null), train(java, new StepMemory(java)));
    }

    @Test
    void theNextStepGetsTheArraysBackAndAStaleResultFailsSayingSo() {
        StepMemory memory = new StepMemory(Device.cpu());
        Tensor x = Tensor.full(2f, 1000);
        Tensor first;
        float[] array;
        try (StepMemory.Step ignored = memory.open()) {
            first = x.mul(x);
            array = ((CpuStorage) first.storage()).array();
            assertEquals(4f, first.toHost()[999]);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, first::toHost);
        assertTrue(e.getMessage().contains("after the step ended"), e.getMessage());
        try (StepMemory.Step ignored = memory.open()) {
            Tensor second = x.neg();
            assertSame(array, ((CpuStorage) second.storage()).array(), "the array of the last step");
            assertEquals(-2f, second.toHost()[0]);
            // results of other sizes, and tensors made by the factories, are the device's own
            Tensor zeros = Tensor.zeros(1000);
            assertEquals(0f, zeros.toHost()[999]);
        }
        assertNull(StepMemory.current(), "no step is left open on the thread");
    }

    @Test
    void releasedMemoryKeepsNoArray() {
        StepMemory memory = new StepMemory(Device.cpu());
        Tensor x = Tensor.full(2f, 1000);
        float[] array;
        try (StepMemory.Step ignored = memory.open()) {
            array = ((CpuStorage) x.neg().storage()).array();
        }
        memory.release();
        try (StepMemory.Step ignored = memory.open()) {
            assertNotSame(array, ((CpuStorage) x.neg().storage()).array());
        }
    }

    @Test
    void aLeafGradientOutlivesTheStepThatMadeIt() {
        StepMemory memory = new StepMemory(Device.cpu());
        Tensor w = Tensor.full(3f, 2000).requiresGrad(true);
        try (StepMemory.Step ignored = memory.open()) {
            w.mul(w).sum().backward();
        }
        assertEquals(6f, w.grad().toHost()[1999]);
    }

    @Test
    void smallTensorsAndOtherDevicesAllocateAsUsual() {
        StepMemory memory = new StepMemory(Device.cpu());
        Device other = Device.cpu(1, 1);
        Tensor small = Tensor.full(1f, 10);
        Tensor elsewhere = Tensor.full(other, 1f, 1000);
        Tensor a;
        Tensor b;
        try (StepMemory.Step ignored = memory.open()) {
            a = small.add(small);
            b = elsewhere.add(elsewhere);
        }
        assertEquals(2f, a.toHost()[9]);
        assertEquals(2f, b.toHost()[999]);
    }
}
