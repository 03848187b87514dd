package dev.bitplan.contracts.config;

/**
 * The configuration keys of the api and the workers, with their meaning, in one place: the apps read them through
 * typed {@code @ConfigMapping} interfaces, and plain Java that sets or reads them ({@code bitplan up}, tests,
 * {@code WorkerSettings}) names them by these constants instead of repeating the strings. Each key also works as an
 * environment variable in MicroProfile's form ({@code bitplan.kafka.bootstrap} = {@code BITPLAN_KAFKA_BOOTSTRAP}).
 */
public final class ConfigKeys {

    private ConfigKeys() {
    }

    /** Common root of every BitPlan key; the apps' config mappings use it as their prefix. */
    public static final String PREFIX = "bitplan";

    /** Kafka bootstrap servers (host:port, comma-separated); api and workers. Default {@code localhost:9092}. */
    public static final String KAFKA_BOOTSTRAP = "bitplan.kafka.bootstrap";

    /** Token for the admin endpoints (tenants, tokens); api. Unset or blank: every admin call is refused. */
    public static final String ADMIN_TOKEN = "bitplan.admin-token";

    /**
     * Token the workers send to the api's {@code /internal/**} endpoints (blobs, stored layers); api and workers.
     * Unset or blank on the api: every internal call is refused.
     */
    public static final String INTERNAL_TOKEN = "bitplan.internal-token";

    /** Largest model upload in bytes; api. Default 512 MiB. */
    public static final String LIMITS_MODEL_BYTES = "bitplan.limits.model-bytes";

    /** Largest dataset upload in bytes (and the most one NPZ may unpack to); api. Default 1 GiB. */
    public static final String LIMITS_DATASET_BYTES = "bitplan.limits.dataset-bytes";

    /** Where workers fetch uploaded files from: the api's base URL, e.g. {@code http://api:8080}; workers, required. */
    public static final String API_URL = "bitplan.api.url";

    /**
     * The api's static Kafka group membership id (unique per api process, stable across its restarts), so that a
     * restarted api gets its partitions back at once instead of after the dead member's session expires (30 s); api.
     * Unset: dynamic membership.
     */
    public static final String API_INSTANCE_ID = "bitplan.api.instance-id";

    /**
     * When the nightly re-search runs, a Quartz-style cron (seconds first) in the api's time zone; api. Default
     * {@code 0 0 2 * * ?} (02:00). {@code off} disables the schedule ({@code POST /api/nightly/run} still runs it).
     */
    public static final String NIGHTLY_CRON = "bitplan.nightly.cron";

    /** A drop of the best metric within the budgets larger than this marks a nightly regression; api. Default 0.005. */
    public static final String NIGHTLY_REGRESSION_THRESHOLD = "bitplan.nightly.regression-threshold";

    /** How long a watched model's source URI may take to answer, in ms; api. Default 30000. */
    public static final String NIGHTLY_SOURCE_TIMEOUT_MS = "bitplan.nightly.source-timeout-ms";

    /** Directory of the workers' verified file cache; workers. Default {@code $TMPDIR/bitplan-cache}. */
    public static final String CACHE_DIR = "bitplan.cache-dir";

    /**
     * Names a worker in events and dead letters, and is its static Kafka group membership id, so it must be unique per
     * running worker; workers. Default: host name and process id.
     */
    public static final String WORKER_ID = "bitplan.worker.id";

    /** How soon (ms) the Kafka group notices a dead worker and hands its work to another; workers. Default 10000. */
    public static final String WORKER_SESSION_TIMEOUT_MS = "bitplan.worker.session-timeout-ms";

    /** Tries of one message before it goes to its dead-letter topic; workers. Default 3. */
    public static final String WORKER_MAX_ATTEMPTS = "bitplan.worker.max-attempts";

    /**
     * How long (ms) a worker waits out an api or broker it cannot reach before the work's try counts as failed;
     * workers. Default 600000 (10 minutes): an outage is not the job's fault, so it costs none of its tries meanwhile.
     */
    public static final String WORKER_OUTAGE_LIMIT_MS = "bitplan.worker.outage-limit-ms";

    /** ONNX Runtime threads per worker; 0 means all cores; workers. Default 0. */
    public static final String WORKER_THREADS = "bitplan.worker.threads";
}
