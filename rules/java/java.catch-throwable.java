import java.io.*;
import java.util.*;


class Worker {
    void run(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) { // expect: java.catch-throwable
            throw new IllegalStateException(t);
        }
        try {
            task.run();
        } catch (IllegalArgumentException e) { // ok: java.catch-throwable
            throw e;
        }
    }
}

class Rethrowing {
    void copy(Runnable step, java.io.Closeable resource) throws java.io.IOException {
        try {
            step.run();
        } catch (Throwable failure) { // ok: java.catch-throwable
            throw rethrowAfterClosing(failure, resource);
        }
        try {
            step.run();
        } catch (Error fatal) { // ok: java.catch-throwable
            resource.close();
            throw fatal;
        }
    }

    RuntimeException rethrowAfterClosing(Throwable failure, java.io.Closeable resource) {
        return new RuntimeException(failure);
    }
}

class HandingOn {
    java.util.concurrent.CompletableFuture<String> result = new java.util.concurrent.CompletableFuture<>();
    Throwable first;
    java.util.logging.Logger logger;

    void run(java.util.concurrent.Callable<String> job) {
        try {
            result.complete(job.call());
        } catch (Throwable failure) { // ok: java.catch-throwable
            result.completeExceptionally(failure);
        }
        try {
            job.call();
        } catch (Throwable failure) { // ok: java.catch-throwable
            if (first == null) {
                first = failure;
            }
        }
        try {
            job.call();
        } catch (Throwable failure) { // expect: java.catch-throwable
            logger.log(java.util.logging.Level.WARNING, "job failed", failure);
        }
        try {
            job.call();
        } catch (Throwable failure) { // expect: java.catch-throwable
            result.complete("fallback");
        }
    }
}

class Wrapping {
    Object attempt(java.util.concurrent.Callable<Object> step) {
        try {
            return step.call();
        } catch (Throwable cause) { // ok: java.catch-throwable
            throw new AssertionError(cause);
        }
    }

    Object outcome(java.util.concurrent.Callable<Object> step) {
        try {
            return step.call();
        } catch (Throwable cause) { // ok: java.catch-throwable
            return new java.util.concurrent.CompletionException(cause);
        }
    }
}
