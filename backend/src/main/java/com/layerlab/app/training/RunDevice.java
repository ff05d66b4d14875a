package com.layerlab.app.training;

import com.layerlab.engine.tensor.BackendProvider;
import com.layerlab.engine.tensor.Backends;
import com.layerlab.engine.tensor.CpuBackend;
import com.layerlab.engine.tensor.Device;
import java.util.List;
import java.util.Optional;

/**
 * Where a run trains: the device its experiments' {@code backend} field resolves to in the app's
 * {@link Backends}, and how the logs and pages name it; or, where that backend is not available here,
 * why the run was refused.
 *
 * @param device  the run's device; null when refused
 * @param backend the backend's name ("cpu", "cuda"), or the one asked for when refused
 * @param name    the device as the backend's probe names it ("AMD EPYC 9R14 (2 threads)"); "none" when refused
 * @param refusal the registry's message when the backend is not available here; null otherwise
 */
public record RunDevice(Device device, String backend, String name, String refusal) {

    /** The device {@code backends} gives a run asking for backend {@code asked} ("auto", "cpu", ...), or the refusal. */
    public static RunDevice resolve(Backends backends, String asked) {
        Device d;
        try {
            d = backends.device(asked);
        } catch (Backends.UnavailableException e) {
            return new RunDevice(null, asked, "none", e.getMessage());
        }
        return new RunDevice(d, d.backend().name(), name(backends, d), null);
    }

    /** Whether it is the CPU: where a run goes on when another device fails, and where a failure is the run's. */
    public boolean onCpu() {
        return device != null && device.backend() instanceof CpuBackend;
    }

    public boolean refused() {
        return device == null;
    }

    /** "cpu backend, AMD EPYC 9R14 (2 threads)", or the refusal. */
    public String text() {
        return refused() ? refusal : backend + " backend, " + name;
    }

    /**
     * What a page says of where {@code run} trains, read anew at every frame (its device may fail and the
     * run go on on the CPU): "on opencl backend, …"; after such a failure "on cpu backend, … · opencl failed
     * (…): training goes on on the CPU from epoch 2"; "" when the run was refused (its status says why).
     */
    public static String where(Run<?> run) {
        RunDevice d = run.device();
        String note = run.deviceNote();
        return d.refused() ? "" : "on " + d.text() + (note == null ? "" : " \u00b7 " + note);
    }

    /** The device's name in its provider's probe; the device's own ("cpu:0") where the probe does not list it. */
    private static String name(Backends backends, Device d) {
        Optional<BackendProvider> p = backends.providers().stream()
                .filter(x -> x.name().equals(d.backend().name())).findFirst();
        List<String> names = p.map(x -> x.availability().devices()).orElse(List.of());
        return d.index() < names.size() ? names.get(d.index()) : d.toString();
    }
}
