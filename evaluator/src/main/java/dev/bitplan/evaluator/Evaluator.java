package dev.bitplan.evaluator;

import dev.bitplan.planner.search.SearchErrors;
import dev.bitplan.contracts.messaging.EvaluateCandidate;
import dev.bitplan.contracts.messaging.Topics;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.messaging.TopicSetup;
import dev.bitplan.messaging.WorkLoop;
import dev.bitplan.messaging.WorkerServices;
import dev.bitplan.messaging.WorkerSettings;

/** A running evaluator: its clients and its loop over the evaluation requests. Plain, so tests run it without Quarkus. */
public final class Evaluator implements AutoCloseable {

    public static final String GROUP = "bitplan-evaluators";

    private final WorkerServices services;
    private final WorkLoop<EvaluateCandidate> loop;

    /** @param topic  {@link Topics#EVAL_REQUESTS}; tests use a topic of their own */
    public Evaluator(WorkerSettings settings, RuntimeOptions runtime, String topic, String group) {
        TopicSetup.ensure(settings.bootstrap());
        this.services = new WorkerServices(settings);
        this.loop = services.loop(topic, group, EvaluateCandidate.class, new CandidateEvaluationHandler(services, runtime))
                .permanentWhen(SearchErrors::permanent).start();
    }

    public static Evaluator start(WorkerSettings settings, RuntimeOptions runtime) {
        return new Evaluator(settings, runtime, Topics.EVAL_REQUESTS, GROUP);
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
