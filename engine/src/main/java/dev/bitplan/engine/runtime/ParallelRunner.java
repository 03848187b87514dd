package dev.bitplan.engine.runtime;

import dev.bitplan.engine.data.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a model over samples with one single-thread session per core, each taking the next batch as it
 * finishes one. On small models this beats one multi-thread session: ONNX Runtime's element-wise kernels
 * (QuantizeLinear, DequantizeLinear, layout reorders) do not use extra threads, batches do.
 */
public final class ParallelRunner implements AutoCloseable {

    private final List<OrtModel> sessions = new ArrayList<>();
    private final ExecutorService pool;

    /** {@code options.threads()} sessions of one thread each. */
    public ParallelRunner(byte[] model, RuntimeOptions options) {
        this(model, options, false);
    }

    /**
     * @param oneSession one session with all of {@code options.threads()} instead: for a few samples on a large model,
     *                   where creating a session per core costs more than the run (BGE-small: a session takes longer to
     *                   create than 16 sentences take to run)
     */
    public ParallelRunner(byte[] model, RuntimeOptions options, boolean oneSession) {
        int workers = oneSession ? 1 : Math.max(1, options.threads());
        RuntimeOptions perSession = oneSession ? options : options.withThreads(1);
        try {
            for (int i = 0; i < workers; i++) {
                sessions.add(OrtModel.load(model, perSession));
            }
        } catch (RuntimeException e) {
            sessions.forEach(OrtModel::close);
            throw e;
        }
        pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "bitplan-ort");
            t.setDaemon(true);
            return t;
        });
    }

    /** Like {@link BatchRunner#run}, but batches run concurrently: {@code consumer} must be thread-safe. */
    public void run(Map<String, NdArray> inputs, int[] samples, int batchSize, Set<String> outputs,
                    BatchRunner.BatchConsumer consumer) {
        int batch = Math.max(1, sessions.get(0).batchLimit(batchSize));
        int batches = (samples.length + batch - 1) / batch;
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (OrtModel session : sessions) {
            futures.add(pool.submit(() -> {
                for (int b = next.getAndIncrement(); b < batches; b = next.getAndIncrement()) {
                    int offset = b * batch;
                    int count = Math.min(batch, samples.length - offset);
                    int[] idx = Arrays.copyOfRange(samples, offset, offset + count);
                    Map<String, NdArray> feed = new LinkedHashMap<>();
                    inputs.forEach((k, v) -> feed.put(k, v.selectSamples(idx)));
                    consumer.accept(offset, count, session.run(feed, outputs));
                }
            }));
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running the model", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        sessions.forEach(OrtModel::close);
    }
}
