package dev.bitplan.worker;

import dev.bitplan.planner.search.SearchErrors;
import dev.bitplan.contracts.messaging.SearchRequested;
import dev.bitplan.contracts.messaging.Topics;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.messaging.TopicSetup;
import dev.bitplan.messaging.WorkLoop;
import dev.bitplan.messaging.WorkerServices;
import dev.bitplan.messaging.WorkerSettings;

/** A running search worker: its clients and its loop over the search requests. Plain, so tests run it without Quarkus. */
public final class SearchWorker implements AutoCloseable {

    public static final String GROUP = "bitplan-search-workers";

    private final WorkerServices services;
    private final WorkLoop<SearchRequested> loop;

    /** @param topic  {@link Topics#SEARCH_REQUESTS}; tests use a topic of their own */
    public SearchWorker(WorkerSettings settings, RuntimeOptions runtime, String topic, String group) {
        TopicSetup.ensure(settings.bootstrap());
        this.services = new WorkerServices(settings);
        this.loop = services.loop(topic, group, SearchRequested.class, new SearchJobHandler(services, runtime))
                .permanentWhen(SearchErrors::permanent).start();
    }

    public static SearchWorker start(WorkerSettings settings, RuntimeOptions runtime) {
        return new SearchWorker(settings, runtime, Topics.SEARCH_REQUESTS, GROUP);
    }

    public WorkerServices services() {
        return services;
    }

    @Override
    public void close() {
        loop.close();
        services.close();
    }
}
