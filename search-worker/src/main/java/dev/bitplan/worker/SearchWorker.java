package dev.bitplan.worker;

import dev.bitplan.contracts.messaging.SearchRequested;
import dev.bitplan.contracts.messaging.Topics;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.messaging.Worker;
import dev.bitplan.messaging.WorkerSettings;
import dev.bitplan.search.SearchErrors;

/** A running search worker: its clients and its loop over the search requests. */
public final class SearchWorker extends Worker<SearchRequested> {

    public static final String GROUP = "bitplan-search-workers";

    /** @param topic  {@link Topics#SEARCH_REQUESTS}; tests use a topic of their own */
    public SearchWorker(WorkerSettings settings, RuntimeOptions runtime, String topic, String group) {
        super(settings, topic, group, SearchRequested.class, services -> new SearchJobHandler(services, runtime), SearchErrors::permanent);
    }

    public static SearchWorker start(WorkerSettings settings, RuntimeOptions runtime) {
        return new SearchWorker(settings, runtime, Topics.SEARCH_REQUESTS, GROUP);
    }
}
