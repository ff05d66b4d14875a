package com.layerlab.engine.cuda;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * The one thread that talks to one CUDA device. A CUDA context is current on one thread at a time, so
 * every driver call for a device runs here, in the order the callers gave them: a run's thread hands
 * over its work and waits only where it needs an answer (an allocation, a copy to the host); kernel
 * launches are queued and the caller goes on, as CUDA's own stream does.
 *
 * <p>A queued launch that fails makes the device failed: every later call throws, naming the first
 * failure, as CUDA's errors are sticky for a context. A run then reports it and goes on elsewhere.
 */
final class DeviceThread {

    private final String name;
    private final ExecutorService executor;
    private volatile Thread thread;
    private volatile RuntimeException failure;

    DeviceThread(String name) {
        this.name = name;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            // a run that is left never stops the JVM from ending
            t.setDaemon(true);
            thread = t;
            return t;
        });
    }

    /** Runs {@code work} on the device thread after everything queued before it, and returns its result. */
    <T> T call(Callable<T> work) {
        checkHealthy();
        if (Thread.currentThread() == thread) {
            return run(work);
        }
        Future<T> f;
        try {
            f = executor.submit(() -> run(work));
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException(name + " is closed");
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + ": interrupted while waiting for the device", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(name + ": " + cause, cause);
        }
    }

    /** Runs {@code work} on the device thread as {@link #call} does, without a result. */
    void call(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }

    /** Queues {@code work} (a kernel launch) after everything queued before it, without waiting for it. */
    void launch(Runnable work) {
        checkHealthy();
        if (Thread.currentThread() == thread) {
            run(work);
            return;
        }
        try {
            executor.execute(() -> {
                if (failure != null) {
                    return;
                }
                try {
                    work.run();
                } catch (RuntimeException | Error e) {
                    // no caller waits for a launch: its error is the device's, reported at the next call; caught
                    // here also so that the thread, the one with the context, lives on
                    fail(e);
                }
            });
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException(name + " is closed");
        }
    }

    private <T> T run(Callable<T> work) {
        try {
            return work.call();
        } catch (RuntimeException | Error e) {
            remember(e);
            throw e;
        } catch (Exception e) {
            IllegalStateException wrapped = new IllegalStateException(name + ": " + e.getMessage(), e);
            remember(wrapped);
            throw wrapped;
        }
    }

    private void run(Runnable work) {
        run(() -> {
            work.run();
            return null;
        });
    }

    /** A CUDA error leaves the context unusable; a refused argument (checked before any driver call) does not. */
    private void remember(Throwable e) {
        if (e instanceof CudaFailure) {
            fail(e);
        }
    }

    private synchronized void fail(Throwable e) {
        if (failure == null) {
            failure = e instanceof RuntimeException r ? r : new IllegalStateException(name + ": " + e, e);
        }
    }

    private void checkHealthy() {
        RuntimeException f = failure;
        if (f != null) {
            throw new IllegalStateException(name + " failed earlier and takes no more work: " + f.getMessage(), f);
        }
    }
}
