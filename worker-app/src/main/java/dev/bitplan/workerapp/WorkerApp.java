package dev.bitplan.workerapp;

import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.messaging.Worker;
import dev.bitplan.messaging.WorkerSettings;

/** What a worker app adds to the shared {@link WorkerLifecycle}: its name and the worker it starts. One bean per app. */
public interface WorkerApp {

    /** For the log, e.g. {@code search-worker}. */
    String name();

    /** Connects and starts the app's worker on its topic; the lifecycle closes it on shutdown. */
    Worker<?> start(WorkerSettings settings, RuntimeOptions runtime);
}
