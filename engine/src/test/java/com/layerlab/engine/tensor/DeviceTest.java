package com.layerlab.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Tensors live on a device: created there, moved or copied between devices, never mixed in one operation. */
class DeviceTest {

    private final Device other = Device.cpu(1, 1);

    @Test
    void devicesAreValuesNamedByBackendAndIndex() {
        assertEquals("cpu:0", Device.cpu().toString());
        assertSame(Device.cpu(), Device.cpu());
        assertEquals("cpu:1", other.toString());
        assertNotEquals(Device.cpu(), other);
        assertEquals(1, ((CpuBackend) other.backend()).threads());
        assertEquals("Device.cpu: index must be at least 0, got -1",
                assertThrows(IllegalArgumentException.class, () -> Device.cpu(-1, 1)).getMessage());
    }

    @Test
    void tensorsAreCreatedOnTheirDeviceAndResultsStayThere() {
        Tensor a = Tensor.of(other, new float[] {1, 2, 3}, 3);
        assertEquals(other, a.device());
        assertEquals(other, a.storage().device());
        assertEquals(other, Tensor.zeros(other, 2).device());
        assertArrayEquals(new float[] {7, 7}, Tensor.full(other, 7f, 2).toHost());
        Tensor y = a.mul(2f).add(a).sum();
        assertEquals(other, y.device());
        assertEquals(18f, y.item());
        assertEquals(Device.cpu(), Tensor.ones(3).device());
    }

    @Test
    void mixingDevicesIsRefusedNamingBoth() {
        Tensor a = Tensor.ones(Device.cpu(), 2, 2);
        Tensor b = Tensor.ones(other, 2, 2);
        assertEquals("add: tensors on different devices, cpu:0 and cpu:1 (move one with to(device))",
                assertThrows(IllegalArgumentException.class, () -> a.add(b)).getMessage());
        assertEquals("matmul: tensors on different devices, cpu:1 and cpu:0 (move one with to(device))",
                assertThrows(IllegalArgumentException.class, () -> b.matmul(a)).getMessage());
        Tensor x = Tensor.ones(other, 1, 1, 3, 3);
        Tensor w = Tensor.ones(Device.cpu(), 1, 1, 2, 2);
        int[] one = {1, 1};
        assertEquals("conv2d: tensors on different devices, cpu:1 and cpu:0 (move one with to(device))",
                assertThrows(IllegalArgumentException.class, () -> x.conv(w, null, one, new int[] {0, 0}, one, 1))
                        .getMessage());
    }

    @Test
    void toCopiesToAnotherDeviceAndMoveToMovesALeafWithItsGradient() {
        Tensor a = Tensor.of(new float[] {1, -2}, 2).requiresGrad(true);
        assertSame(a, a.to(Device.cpu()));
        Tensor copy = a.to(other);
        assertEquals(other, copy.device());
        assertArrayEquals(new float[] {1, -2}, copy.toHost());
        assertNotSame(a.storage(), copy.storage());

        a.square().sum().backward();
        a.moveTo(other);
        assertEquals(other, a.device());
        assertEquals(other, a.grad().device());
        assertArrayEquals(new float[] {2, -4}, a.grad().toHost());
        Tensor result = a.mul(2f);
        assertEquals("moveTo(cpu:0): only leaf tensors move in place; use to(device)",
                assertThrows(IllegalStateException.class, () -> result.moveTo(Device.cpu())).getMessage());
    }

    @Test
    void hostCopiesAreTheOnlyWayInAndOut() {
        Tensor t = Tensor.zeros(other, 2, 2);
        float[] host = t.toHost();
        host[0] = 5f;
        assertArrayEquals(new float[] {0, 0, 0, 0}, t.toHost(), "a host copy is a copy");
        t.copyFromHost(new float[] {1, 2, 3, 4});
        assertArrayEquals(new float[] {1, 2, 3, 4}, t.toHost());
        assertEquals("copyFromHost: 3 values for a tensor of shape [2, 2] (4 values)",
                assertThrows(IllegalArgumentException.class, () -> t.copyFromHost(new float[3])).getMessage());
    }

    @Test
    void aRunsScopeIsItsDeviceAndOnlyAScopeIsReleased() {
        Device scope = other.scope();
        assertEquals(other, scope, "the same device: tensors of both mix");
        assertEquals(other.hashCode(), scope.hashCode());
        assertTrue(scope.isScope() && !other.isScope());
        Tensor a = Tensor.of(scope, new float[] {1, 2}, 2);
        Tensor b = Tensor.of(other, new float[] {3, 4}, 2);
        assertArrayEquals(new float[] {4, 6}, a.add(b).toHost());
        // the CPU's memory is the garbage collector's: a released scope's tensors stay usable
        scope.release();
        assertArrayEquals(new float[] {1, 2}, a.toHost());
        assertEquals("release: cpu:1 is not a run's scope (Device.scope()); its storages are freed when they are no "
                + "longer reachable", assertThrows(IllegalStateException.class, other::release).getMessage());
        assertTrue(other.isCpu() && scope.isCpu());
    }
}
