package dev.bitplan.qat.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.bitplan.qat.graph.DjlGraph;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The FP32 teacher's outputs, computed on a thread of their own for the next batch while the student trains on this
 * one. libtorch runs each op on the calling thread (one intra-op thread), so on two cores the teacher's forward pass
 * leaves the step's critical path instead of adding to it. At most one batch's outputs wait, as plain floats.
 */
final class TeacherAhead implements AutoCloseable {

    private record Outputs(float[] values, Shape shape) {
    }

    private final DjlGraph teacher;
    private final TrainingData data;
    private final NDManager manager;
    private final String output;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "qat-teacher");
        t.setDaemon(true);
        return t;
    });

    TeacherAhead(DjlGraph teacher, TrainingData data, NDManager manager) {
        this.teacher = teacher;
        this.data = data;
        this.manager = manager;
        this.output = teacher.outputs().get(0);
    }

    /** Starts the teacher on {@code batch}; the result is taken with {@link #take}. */
    Future<?> start(int[] batch) {
        return thread.submit(() -> {
            try (NDScope ignored = new NDScope()) {
                NDArray y = teacher.run(manager, BatchFeeder.feed(manager, data.batch(batch, false).inputs())).get(output);
                return new Outputs(y.toFloatArray(), y.getShape());
            }
        });
    }

    /** The teacher's outputs of a started batch, as an array of {@code into} (within the caller's scope). */
    NDArray take(Future<?> started, NDManager into) {
        try {
            Outputs o = (Outputs) started.get();
            return into.create(o.values(), o.shape());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for the teacher's outputs");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException("teacher forward pass failed", cause);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
