package com.layerlab.engine.tensor;

import com.layerlab.engine.cuda.CudaProvider;
import com.layerlab.engine.opencl.OpenClProvider;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * The compute backends this engine knows, and the rule that turns an experiment's {@code backend} name
 * ({@code auto}, {@code cpu}, {@code opencl}, {@code cuda}) into the {@link Device} a run is given:
 * {@code Backends.standard().device(experiment.backend())}.
 *
 * <p>The providers are listed the CPU first, then the others in rising preference: {@code auto} walks
 * the list from the end and takes the first backend that starts on a GPU (CUDA, then OpenCL on a GPU),
 * and the first provider, the CPU, when none does. A backend that is missing or fails to start is
 * reported in one log line and the next is taken. A backend named explicitly is given its first GPU, or
 * its device 0; where it is missing or fails to start, the run is refused ({@link UnavailableException})
 * with the reason, and {@code auto} suggested.
 *
 * <p>Thread-safe; the providers probe once and remember, and auto chooses once, so asking again costs nothing.
 */
public final class Backends {

    /** The name that lets the registry choose. */
    public static final String AUTO = "auto";

    /** Every backend of this build, one line each: the CPU first, then in rising preference for auto. */
    private static final Backends STANDARD = new Backends(List.of(
            new CpuProvider(),
            new OpenClProvider(),
            new CudaProvider()));

    private final List<BackendProvider> providers;
    private final BiConsumer<System.Logger.Level, String> log;
    /** auto's choice, once made: the probes do not change, and its log lines are said once, not per run. */
    private volatile Device autoChoice;

    /** {@code providers}, the CPU first (auto's fallback) and the most preferred last; the log is the JDK's. */
    public Backends(List<BackendProvider> providers) {
        this(providers, Backends::logToJdk);
    }

    /** As {@link #Backends(List)}, with {@code log} receiving the lines about backends auto passed over. */
    public Backends(List<BackendProvider> providers, BiConsumer<System.Logger.Level, String> log) {
        if (providers.isEmpty()) {
            throw new IllegalArgumentException("Backends: no providers (the CPU comes first)");
        }
        Set<String> names = new HashSet<>();
        for (BackendProvider p : providers) {
            if (p.name().equals(AUTO) || !names.add(p.name())) {
                throw new IllegalArgumentException("Backends: provider name \"" + p.name() + "\" is "
                        + (p.name().equals(AUTO) ? "reserved" : "given twice"));
            }
        }
        this.providers = List.copyOf(providers);
        this.log = log;
    }

    /** The registry of the app and the command line: every backend of this build. */
    public static Backends standard() {
        return STANDARD;
    }

    /** The providers, in the order {@code info} lists them (the CPU first). */
    public List<BackendProvider> providers() {
        return providers;
    }

    /** The names a run may ask for: {@code auto} and every provider's. */
    public List<String> names() {
        return Stream.concat(Stream.of(AUTO), providers.stream().map(BackendProvider::name)).toList();
    }

    /**
     * The device a run asking for backend {@code name} is given: {@code auto}'s choice, or the named
     * backend's first GPU (device 0 where it has none).
     *
     * @throws UnavailableException when the named backend is not in this build, not available here or
     *                              fails to start; the message names what is missing and suggests auto
     */
    public Device device(String name) {
        if (name.equals(AUTO)) {
            return auto();
        }
        BackendProvider p = providers.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
        if (p == null) {
            throw new UnavailableException(name, "this build has no " + name + " backend (it has "
                    + String.join(", ", names()) + ")");
        }
        BackendProvider.Availability a = availability(p);
        if (!a.available()) {
            throw new UnavailableException(name, a.reason());
        }
        int index = a.gpus().isEmpty() ? 0 : a.gpus().get(0);
        try {
            return p.device(index);
        } catch (RuntimeException | LinkageError e) {
            throw new UnavailableException(name, name + ":" + index + " failed to start: " + message(e));
        }
    }

    /**
     * {@code auto}'s choice: from the last provider back, the first that is available, has a GPU and
     * starts on it; else the CPU (the first provider) on its device 0. Chosen once, then remembered.
     */
    public Device auto() {
        Device d = autoChoice;
        if (d == null) {
            d = chooseAuto();
            autoChoice = d;
        }
        return d;
    }

    private Device chooseAuto() {
        for (int i = providers.size() - 1; i > 0; i--) {
            BackendProvider p = providers.get(i);
            String next = providers.get(i - 1).name();
            BackendProvider.Availability a = availability(p);
            if (!a.available()) {
                log.accept(System.Logger.Level.INFO, "backend auto: " + p.name() + " is not available: " + a.reason()
                        + "; trying " + next);
                continue;
            }
            if (a.gpus().isEmpty()) {
                log.accept(System.Logger.Level.INFO, "backend auto: " + p.name() + " has no GPU (its devices: "
                        + String.join(", ", a.devices()) + "); trying " + next);
                continue;
            }
            int index = a.gpus().get(0);
            try {
                return p.device(index);
            } catch (RuntimeException | LinkageError e) {
                log.accept(System.Logger.Level.WARNING, "backend auto: " + p.name() + ":" + index + " failed to start: "
                        + message(e) + "; trying " + next);
            }
        }
        return providers.get(0).device(0);
    }

    private static void logToJdk(System.Logger.Level level, String message) {
        System.getLogger(Backends.class.getName()).log(level, message);
    }

    /** A provider's probe; one that throws (against its contract) counts as not available, with the error as reason. */
    private static BackendProvider.Availability availability(BackendProvider p) {
        try {
            return p.availability();
        } catch (RuntimeException | LinkageError e) {
            return BackendProvider.Availability.missing("its probe failed: " + message(e));
        }
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** A named backend that this build lacks, this machine cannot run, or that failed to start. */
    public static final class UnavailableException extends IllegalStateException {

        private final String backend;

        UnavailableException(String backend, String reason) {
            super("backend \"" + backend + "\" is not available: " + reason + "; backend \"auto\" takes the best one "
                    + "available");
            this.backend = backend;
        }

        /** The backend that was asked for. */
        public String backend() {
            return backend;
        }
    }
}
