package com.layerlab.engine.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import jcuda.nvrtc.JNvrtc;
import jcuda.nvrtc.nvrtcProgram;
import jcuda.nvrtc.nvrtcResult;

/**
 * The cuda backend's kernels (the resource {@value #SOURCE}), compiled at run time by NVRTC to PTX for
 * one compute capability; the driver then translates the PTX for the GPU. JCuda 12.0.0's NVRTC binding
 * links {@code libnvrtc.so.12}; where only CUDA 13 is installed, .ci/gpu-pack re-links it to
 * {@code libnvrtc.so.13} (the README says how).
 */
final class Nvrtc {

    static final String SOURCE = "/layerlab/cuda/primitives.cu";

    /**
     * Contractions off: a * b + c rounds as the CPU backend's Java rounds it (the kernels call fmaf where a
     * fused multiply-add is meant); precise division and square root are NVRTC's default.
     */
    private static final String[] OPTIONS = {"--fmad=false", "--std=c++17"};

    private Nvrtc() {
    }

    /** NVRTC's version, "13.0"; throws a {@link LinkageError} where its library does not load. */
    static String version() {
        int[] major = new int[1];
        int[] minor = new int[1];
        check(JNvrtc.nvrtcVersion(major, minor), "nvrtcVersion", null);
        return major[0] + "." + minor[0];
    }

    /** The kernels' source. */
    static String source() {
        try (InputStream in = Nvrtc.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IllegalStateException("cuda: the kernel source " + SOURCE + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cuda: reading " + SOURCE, e);
        }
    }

    /** The kernels as PTX for compute capability {@code major}.{@code minor}; a compile error names NVRTC's log. */
    static String compile(int major, int minor) {
        nvrtcProgram program = new nvrtcProgram();
        check(JNvrtc.nvrtcCreateProgram(program, source(), "primitives.cu", 0, null, null), "nvrtcCreateProgram", null);
        try {
            String[] options = new String[OPTIONS.length + 1];
            options[0] = "--gpu-architecture=compute_" + major + minor;
            System.arraycopy(OPTIONS, 0, options, 1, OPTIONS.length);
            int status = JNvrtc.nvrtcCompileProgram(program, options.length, options);
            check(status, "nvrtcCompileProgram for compute " + major + "." + minor, program);
            String[] ptx = new String[1];
            check(JNvrtc.nvrtcGetPTX(program, ptx), "nvrtcGetPTX", program);
            return ptx[0];
        } finally {
            JNvrtc.nvrtcDestroyProgram(program);
        }
    }

    private static void check(int status, String call, nvrtcProgram program) {
        if (status == nvrtcResult.NVRTC_SUCCESS) {
            return;
        }
        String log = "";
        if (program != null) {
            String[] l = new String[1];
            JNvrtc.nvrtcGetProgramLog(program, l);
            log = l[0] == null || l[0].isBlank() ? "" : ":\n" + l[0].trim();
        }
        throw new IllegalStateException("cuda: " + call + " failed: " + nvrtcResult.stringFor(status) + log);
    }
}
