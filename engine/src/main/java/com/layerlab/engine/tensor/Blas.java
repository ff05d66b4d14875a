package com.layerlab.engine.tensor;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * OpenBLAS's single-precision matrix product (SGEMM), through the bytedeco presets: the jar for
 * linux-x86_64 carries the native library, so nothing is installed. Where it cannot load (another
 * platform, a missing jar), or where {@value #SWITCH_PROPERTY}=java (system property) or
 * {@value #SWITCH_ENV}=java (environment) asks for it, the CPU backend runs its plain-Java kernels,
 * and one log line says why.
 *
 * <p>Determinism. OpenBLAS gives the same bits for the same call every time (checked: 200 repeats of
 * each shape), but not for the same product cut differently: one call against two calls of half the
 * rows, or the same call on 1 and on 2 OpenBLAS threads, differ in the last bits (its kernels and
 * blocking follow the shapes each thread gets). So OpenBLAS runs on the calling thread only (its own
 * threads set to 1, once, at load), and {@link BlasKernels} cuts the work into calls that depend on
 * the shapes alone; the backend's thread pool runs those calls side by side. The bits then depend
 * neither on the thread count nor on the timing. (They may differ from one CPU model to another:
 * OpenBLAS picks its kernels for the CPU it finds, unless {@code OPENBLAS_CORETYPE} in the environment
 * names others. On the development machine, a Zen 4, it picks its AVX-512 kernels, about 1.3 times
 * faster on the convolutions than the AVX2 ones that {@code OPENBLAS_CORETYPE=Haswell} gives.)
 *
 * <p>The operands are copied into native buffers owned by the calling thread, grown on demand and
 * kept: passing Java arrays to the preset's {@code float[]} overloads copies each array in and out
 * again on every call, measured up to ten times slower for the products here.
 */
final class Blas {

    /** System property that chooses the CPU kernels: {@code java} forces the plain-Java ones. */
    static final String SWITCH_PROPERTY = "layerlab.cpu.kernels";
    /** Environment variable with the same meaning, for the places where no JVM option can be given. */
    static final String SWITCH_ENV = "LAYERLAB_CPU_KERNELS";

    private Blas() {
    }

    /** Loaded when the first CPU backend is made (about 0.2 to 0.9 s here), once per JVM. */
    private static final class Library {
        /** Null once OpenBLAS is loaded and set to one thread; otherwise why the plain-Java kernels run. */
        static final String PROBLEM = load();
        static final String DESCRIPTION = PROBLEM == null ? openblas_nolapack.OPENBLAS_VERSION.trim() + " sgemm (one thread per call)" : null;
    }

    private static String load() {
        String env = System.getenv(SWITCH_ENV);
        String choice = System.getProperty(SWITCH_PROPERTY, env == null ? "" : env).trim();
        System.Logger log = System.getLogger(Blas.class.getName());
        if (choice.equalsIgnoreCase("java")) {
            String why = "chosen by " + (System.getProperty(SWITCH_PROPERTY) != null ? "-D" + SWITCH_PROPERTY : SWITCH_ENV) + "=java";
            log.log(System.Logger.Level.INFO, "CPU backend: plain-Java matrix kernels, " + why);
            return why;
        }
        if (!choice.isEmpty() && !choice.equalsIgnoreCase("openblas")) {
            log.log(System.Logger.Level.WARNING, "CPU backend: " + SWITCH_PROPERTY + "/" + SWITCH_ENV + " is \"" + choice
                    + "\"; expected java or openblas; trying OpenBLAS");
        }
        try {
            Loader.load(openblas_nolapack.class);
            openblas_nolapack.blas_set_num_threads(1);
            return null;
        } catch (Throwable e) {
            // UnsatisfiedLinkError (no native library for this platform), NoClassDefFoundError (no jar), ...
            String why = "OpenBLAS did not load: " + e.getClass().getSimpleName() + ": " + e.getMessage();
            log.log(System.Logger.Level.WARNING, "CPU backend: plain-Java matrix kernels, " + why);
            return why;
        }
    }

    /** Whether the native SGEMM can be called. */
    static boolean available() {
        return Library.PROBLEM == null;
    }

    /** The native kernels in words, for {@code info} and the benchmark: OpenBLAS's version; null where it did not load. */
    static String description() {
        return Library.DESCRIPTION;
    }

    /** Why the plain-Java kernels run (switched off or failed to load); null where OpenBLAS loaded. */
    static String problem() {
        return Library.PROBLEM;
    }

    /**
     * Native buffers of one thread for the three operands of a product, grown on demand and kept (freed
     * with the thread's workspace when the thread ends). Java arrays go in and out through each buffer's
     * {@link FloatBuffer} view: a bulk copy in Java, where a JNI call per row measured several times
     * slower for the many short rows of an unfolded input.
     */
    static final class Workspace {
        private final FloatPointer[] pointers = new FloatPointer[3];
        private final FloatBuffer[] views = new FloatBuffer[3];
        /** The call whose operand 0 this holds ({@link #holds}); null once anything else is put there. */
        private Object operand0Of;

        /** Operand {@code which} (0, 1, 2: A, B, C), at least {@code n} floats. */
        FloatPointer buffer(int which, long n) {
            FloatPointer p = pointers[which];
            if (p == null || p.capacity() < n) {
                if (p != null) {
                    p.close();
                }
                // a little headroom: the next call's shapes are often a few columns larger
                p = new FloatPointer(Math.max(n + n / 8, 1 << 12));
                pointers[which] = p;
                views[which] = p.asBuffer();
                if (which == 0) {
                    operand0Of = null;
                }
            }
            return p.position(0);
        }

        /** Copies src[off .. off+n) into operand {@code which} from float index {@code at}. */
        void put(int which, long at, float[] src, int off, int n) {
            if (which == 0) {
                operand0Of = null;
            }
            views[which].put(Math.toIntExact(at), src, off, n);
        }

        /**
         * Whether operand 0 still holds what {@code call} (an object made for one call, never reused)
         * put there: the thread's later tasks of a call skip copying the same weights again.
         */
        boolean holds(Object call) {
            return operand0Of == call;
        }

        /** Marks operand 0 as holding {@code call}'s operand, just put there. */
        void holding(Object call) {
            operand0Of = call;
        }

        /** Copies operand {@code which}'s floats from index {@code at} into dst[off .. off+n). */
        void get(int which, long at, float[] dst, int off, int n) {
            views[which].get(Math.toIntExact(at), dst, off, n);
        }
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    static Workspace workspace() {
        return WORKSPACE.get();
    }

    /**
     * C[m, n] = op(A)[m, k] op(B)[k, n] (+ C when {@code accumulate}), row-major, all three in native
     * buffers from float index aAt, bAt, cAt with leading dimensions lda, ldb, ldc.
     */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, FloatPointer a, long aAt, int lda,
                      FloatPointer b, long bAt, int ldb, FloatPointer c, long cAt, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) {
            return;
        }
        try {
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                    transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                    transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                    m, n, k, 1f, a.position(aAt), lda, b.position(bAt), ldb, accumulate ? 1f : 0f, c.position(cAt), ldc);
        } finally {
            a.position(0);
            b.position(0);
            c.position(0);
        }
    }
}
