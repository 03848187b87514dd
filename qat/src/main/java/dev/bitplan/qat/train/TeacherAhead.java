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
 * leaves the step's critical path instead of adding to it. The batch's rows are read once, here, for both teacher and
 * student. At most one batch waits, its outputs as plain floats.
 */
final class TeacherAhead implements AutoCloseable {

    /** A batch read ahead: how many samples, their rows (and labels when asked) and the teacher's outputs on them. */
    record Batch(int size, TrainingData.Batch rows, float[] targets, Shape shape) {

        /** The teacher's outputs as an array of {@code into} (within the caller's scope). */
        NDArray targets(NDManager into) {
            return into.create(targets, shape);
        }
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

    /** Starts reading {@code samples} and running the teacher on them; the result is taken with {@link #take}. */
    Future<Batch> start(int[] samples, boolean withLabels) {
        return thread.submit(() -> {
            TrainingData.Batch rows = data.batch(samples, withLabels);
            try (NDScope ignored = new NDScope()) {
                NDArray y = teacher.run(manager, BatchFeeder.feed(manager, rows.inputs())).get(output);
                return new Batch(samples.length, rows, y.toFloatArray(), y.getShape());
            }
        });
    }

    /** A started batch, once read and taught. */
    Batch take(Future<Batch> started) {
        try {
            return started.get();
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
