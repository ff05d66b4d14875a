package com.layerlab.app.training;

import com.layerlab.engine.tensor.BackendProvider;
import com.layerlab.engine.tensor.Backends;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the Devices page shows: every backend of the runtime's registry (available or not, why not), its
 * devices with the runs on each now and their training slots in use, its kernels, and what {@code auto} chooses.
 *
 * @param backends the registry's backends, in its order (the CPU first)
 * @param auto     where a run asking for {@code auto} trains ("cpu backend, AMD EPYC 9R14 (2 threads)")
 */
public record DevicesReport(List<Backend> backends, String auto) {

    /**
     * One backend.
     *
     * @param kernels what computes on it; empty when not available
     * @param reason  why it is not available; null when it is
     */
    public record Backend(String name, boolean available, List<DeviceRow> devices, String kernels, String reason) {
    }

    /**
     * One device of a backend.
     *
     * @param id    as runs name it: "cpu:0", "cuda:1"
     * @param name  as the backend's probe names it
     * @param gpu   whether it is a GPU
     * @param runs  the runs on it now (training, holding, or resting finished)
     * @param slots its training slots: how many runs compute on it now, of how many at once (the CPU's
     *              are every CPU device's together)
     */
    public record DeviceRow(String id, String name, boolean gpu, long runs, TrainingRuntime.Slots slots) {
    }

    /** The report now: the probes' results (remembered by the providers) and the runtime's runs. */
    public static DevicesReport of(TrainingRuntime runtime) {
        Backends registry = runtime.backends();
        Map<String, Long> runs = runtime.activeRunsPerDevice();
        List<Backend> backends = new ArrayList<>();
        for (BackendProvider p : registry.providers()) {
            BackendProvider.Availability a = p.availability();
            List<DeviceRow> devices = new ArrayList<>();
            for (int i = 0; i < a.devices().size(); i++) {
                // a provider's devices are its backend's, so "name:index" is how Device names the one a run holds
                String id = p.name() + ":" + i;
                devices.add(new DeviceRow(id, a.devices().get(i), a.gpus().contains(i), runs.getOrDefault(id, 0L),
                        runtime.slotsOf(p.name(), i)));
            }
            backends.add(new Backend(p.name(), a.available(), devices, a.kernels(), a.reason()));
        }
        return new DevicesReport(backends, RunDevice.resolve(registry, Backends.AUTO).text());
    }
}
