package com.layerlab.app.training;

import com.layerlab.engine.tensor.Backend;
import com.layerlab.engine.tensor.BackendProvider;
import com.layerlab.engine.tensor.CpuBackend;
import com.layerlab.engine.tensor.Device;
import com.layerlab.engine.tensor.Storage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A GPU backend as the tests need one: the CPU's kernels (so its results are the CPU's bits) behind a
 * backend named as the OpenCL one (an experiment names one of the backends FORMAT.md knows), which counts
 * its primitive calls and its storages' copies to and from the host and, from call {@code failAt} on,
 * throws what a device that ran out of memory throws. Every primitive does the same (count, then the
 * CPU's on the CPU's storages), so one handler behind a {@link Proxy} of {@link Backend} does them all.
 */
public final class FailingBackend {

    public static final String NAME = "opencl";
    public static final String FAILURE = "opencl:0 is out of device memory (fake)";

    private final Backend cpu = CpuBackend.INSTANCE;
    private final AtomicLong calls = new AtomicLong();
    private volatile long failAt;
    private final Backend backend = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
            new Class<?>[] {Backend.class}, this::delegate);
    final Device device = Device.of(backend, 0);

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

    private void tick() {
        if (calls.incrementAndGet() >= failAt) {
            throw new IllegalStateException(FAILURE);
        }
    }

    /**
     * A call of the fake backend: its name; the CPU's default methods (release) uncounted; every primitive
     * counted, then run by the CPU on the CPU's storages under the fake's (null stays null: an absent bias
     * or momentum buffer), a storage it allocates handed back as the fake's.
     */
    private Object delegate(Object proxy, Method m, Object[] args) throws Throwable {
        if (m.getDeclaringClass() == Object.class) {
            return switch (m.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "FailingBackend";
            };
        }
        if (m.getName().equals("name")) {
            return NAME;
        }
        if (!m.isDefault()) {
            tick();
        }
        Object[] cpuArgs = args == null ? null : Arrays.stream(args).map(a -> a instanceof Counted c ? c.cpuStorage : a).toArray();
        try {
            Object result = m.invoke(cpu, cpuArgs);
            return result instanceof Storage s ? new Counted(s) : result;
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
