package com.layerlab.engine.tensor;

import java.util.List;

/**
 * One kind of backend as this machine has it: whether it can run here, on which devices, and why not.
 * The engine's registry of backends (for {@code info}, {@code --backend} and {@code auto}) asks every
 * provider; a provider probes once and remembers, and never throws from its probe (a missing driver or
 * native library is a reason, not an error).
 */
public interface BackendProvider {

    /**
     * What a probe found.
     *
     * @param available whether runs can use this backend here
     * @param devices   its devices, in index order, as a person reads them ("NVIDIA H100 80GB", "pthread-cpu (PoCL)");
     *                  a backend that is not available may still list the devices it found
     * @param kernels   what computes on it ("OpenBLAS 0.3.31", "Aparapi 3.0.2 OpenCL kernels"); empty when not available
     * @param reason    why it is not available (names what is missing); null when it is
     * @param gpus      the indices of the devices that are GPUs, ascending: {@code auto} takes a backend only on
     *                  a GPU (OpenCL on PoCL's CPU device is slower than the {@code cpu} backend on the same cores)
     */
    record Availability(boolean available, List<String> devices, String kernels, String reason, List<Integer> gpus) {

        public Availability {
            devices = List.copyOf(devices);
            gpus = List.copyOf(gpus);
            for (int g : gpus) {
                if (g < 0 || g >= devices.size()) {
                    throw new IllegalArgumentException("Availability: GPU index " + g + " is not one of the "
                            + devices.size() + " devices");
                }
            }
        }

        /** None of the devices a GPU ({@link #withGpus} says which are). */
        public Availability(boolean available, List<String> devices, String kernels, String reason) {
            this(available, devices, kernels, reason, List.of());
        }

        /** Available on {@code devices}, none of them a GPU ({@link #withGpus} says which are). */
        public static Availability of(List<String> devices, String kernels) {
            return new Availability(true, devices, kernels, null);
        }

        public static Availability missing(String reason) {
            return new Availability(false, List.of(), "", reason);
        }

        /** The same, with the devices at {@code indices} marked as GPUs. */
        public Availability withGpus(List<Integer> indices) {
            return new Availability(available, devices, kernels, reason, indices.stream().sorted().toList());
        }
    }

    /** The experiment file's name for it: "cpu", "opencl", "cuda". */
    String name();

    /** The probe's result (probed once, then remembered). */
    Availability availability();

    /**
     * Device {@code index} of this backend.
     *
     * @throws IllegalStateException naming the reason when the backend or that device is not available
     */
    Device device(int index);
}
