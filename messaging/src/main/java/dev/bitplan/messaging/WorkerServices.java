package dev.bitplan.messaging;

/**
 * The clients one worker process shares between its loop and its handler: the producer, the cancellation
 * listener, the api, the file cache and the uploader. Closing closes the Kafka clients.
 */
public final class WorkerServices implements AutoCloseable {

    private final WorkerSettings settings;
    private final Publisher publisher;
    private final JobControlListener cancellations;
    private final InternalApiClient api;
    private final BlobCache blobs;
    private final BlobUploader uploads;

    public WorkerServices(WorkerSettings settings) {
        this.settings = settings;
        this.api = new InternalApiClient(settings.apiUrl(), settings.internalToken(), settings.outageLimit());
        this.blobs = new BlobCache(api, settings.cacheDir());
        this.uploads = new BlobUploader(api);
        this.publisher = new Publisher(settings.bootstrap(), settings.workerId(), settings.outageLimit());
        try {
            this.cancellations = new JobControlListener(settings.bootstrap(), settings.workerId());
        } catch (RuntimeException e) {
            publisher.close();
            throw e;
        }
    }

    public WorkerSettings settings() {
        return settings;
    }

    public String workerId() {
        return settings.workerId();
    }

    public Publisher publisher() {
        return publisher;
    }

    public JobControlListener cancellations() {
        return cancellations;
    }

    public InternalApiClient api() {
        return api;
    }

    public BlobCache blobs() {
        return blobs;
    }

    /** Puts files (exported models) into the api's blob store. */
    public BlobUploader uploads() {
        return uploads;
    }

    /** A loop over {@code topic} wired to these services and settings; the caller adds what is specific and starts it. */
    public <T> WorkLoopBuilder<T> loop(String topic, String group, Class<T> type, WorkHandler<T> handler) {
        return WorkLoop.builder(topic, type, handler).bootstrap(settings.bootstrap()).group(group).workerId(settings.workerId())
                .sessionTimeoutMs(settings.sessionTimeoutMs()).retry(settings.retry()).publisher(publisher).cancellations(cancellations);
    }

    @Override
    public void close() {
        cancellations.close();
        publisher.close();
    }
}
