package dev.bitplan.worker;

import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.messaging.WorkerSettings;
import dev.bitplan.workerapp.WorkerApp;
import jakarta.enterprise.context.ApplicationScoped;

/** The search-worker app: the shared lifecycle starts a {@link SearchWorker} on the search requests. */
@ApplicationScoped
public class SearchWorkerApp implements WorkerApp {

    @Override
    public String name() {
        return "search-worker";
    }

    @Override
    public SearchWorker start(WorkerSettings settings, RuntimeOptions runtime) {
        return SearchWorker.start(settings, runtime);
    }
}
