package com.layerlab.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.LossSpec;
import com.layerlab.engine.experiment.OptimizerSpec;
import com.layerlab.engine.experiment.RegularizationSpec;
import com.layerlab.engine.experiment.Safetensors;
import com.layerlab.engine.tensor.Device;
import com.layerlab.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A run on its device: its tensors live there, and runs side by side in one JVM give the bits they give alone. */
class DevicesTest {

    /** Every kind of state on the device: BatchNorm's running statistics and the optimizer's buffers. */
    private static Experiment cnn(OptimizerSpec o) {
        return ImageExperiments.mnist(160, 5, List.of(
                        LayerSpec.of("Conv2d", Map.of("out_channels", 4, "kernel_size", 3, "padding", 1)),
                        LayerSpec.of("BatchNorm2d"),
                        LayerSpec.of("ReLU"),
                        LayerSpec.of("MaxPool2d", Map.of("kernel_size", 2)),
                        LayerSpec.of("Flatten"),
                        LayerSpec.linear(10)))
                .withOptimizer(o);
    }

    private static Experiment xor() {
        return Experiment.of("xor", 3, "classification", DataSpec.of2D("xor", 300, 0, null, 0.5, 10),
                List.of(LayerSpec.linear(4), LayerSpec.of("Tanh"), LayerSpec.linear(1)), LossSpec.of("BCEWithLogitsLoss"),
                OptimizerSpec.adam(0.01), RegularizationSpec.of("L2", 0.001), 3);
    }

    /** What a run ends with, bit for bit: its statistics, weights and optimizer state. */
    private record Outcome(List<EpochStats> history, Map<String, int[]> weights, Map<String, int[]> optimizer) {
    }

    private static Outcome train(Experiment e, Device device) {
        try (Trainer t = new Trainer(e, null, device)) {
            for (int i = 0; i < e.epochs(); i++) {
                t.trainEpoch();
            }
            for (Tensor p : t.model().stateDict().values()) {
                assertEquals(device, p.device(), "the model's tensors live on the run's device");
            }
            Checkpoint c = t.checkpoint();
            Map<String, Tensor> optimizerState = Safetensors.fromBytes(c.optimizerState());
            return new Outcome(t.history(), Bits.of(t), Bits.of(optimizerState));
        }
    }

    private static void assertSameBits(Outcome expected, Outcome actual, String what) {
        assertEquals(expected.history(), actual.history(), what + ": statistics");
        Bits.assertSame(expected.weights(), actual.weights(), what);
        Bits.assertSame(expected.optimizer(), actual.optimizer(), what + ": optimizer");
    }

    @Test
    void twoRunsOnOneDeviceAndTwoOnOthersTrainAtOnceWithTheBitsEachGivesAlone() throws Exception {
        Device shared = Device.cpu();
        Device one = Device.cpu(1, 1);
        Device two = Device.cpu(2, 2);
        List<Experiment> experiments = List.of(cnn(OptimizerSpec.sgd(0.05, 0.9, 1e-3, true)), cnn(OptimizerSpec.adam(0.005)),
                cnn(OptimizerSpec.sgd(0.05, 0.9, 1e-3, true)), xor());
        List<Device> devices = List.of(shared, shared, one, two);
        List<Outcome> alone = new ArrayList<>();
        for (int i = 0; i < experiments.size(); i++) {
            alone.add(train(experiments.get(i), devices.get(i)));
        }
        // the same run gives the same bits on another device with another thread count
        assertSameBits(alone.get(0), alone.get(2), "SGD CNN on cpu:0 and on cpu:1");
        assertNotEquals(alone.get(0).history(), alone.get(1).history(), "two different runs");

        ExecutorService pool = Executors.newFixedThreadPool(experiments.size());
        try {
            CyclicBarrier start = new CyclicBarrier(experiments.size());
            List<Future<Outcome>> together = new ArrayList<>();
            for (int i = 0; i < experiments.size(); i++) {
                Experiment e = experiments.get(i);
                Device d = devices.get(i);
                together.add(pool.submit(() -> {
                    start.await();
                    return train(e, d);
                }));
            }
            for (int i = 0; i < experiments.size(); i++) {
                assertSameBits(alone.get(i), together.get(i).get(5, TimeUnit.MINUTES),
                        "run " + i + " on " + devices.get(i) + " beside the others");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTensorOfAnotherDeviceIsRefusedNamingBothDevices() {
        Device other = Device.cpu(1, 1);
        try (Trainer t = new Trainer(xor(), null, other)) {
            assertEquals(other, t.device());
            Tensor x = Tensor.zeros(Device.cpu(), 5, 2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.model().forward(x));
            assertEquals("matmul: tensors on different devices, cpu:0 and cpu:1 (move one with to(device))", e.getMessage());
            Tensor y = t.model().forward(x.to(other));
            assertArrayEquals(new int[] {5, 1}, y.shape());
            assertEquals(other, y.device());
        }
    }
}
