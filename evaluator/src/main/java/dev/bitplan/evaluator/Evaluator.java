package dev.bitplan.evaluator;

import dev.bitplan.contracts.messaging.EvaluateCandidate;
import dev.bitplan.contracts.messaging.Topics;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.messaging.Worker;
import dev.bitplan.messaging.WorkerSettings;
import dev.bitplan.search.SearchErrors;

/** A running evaluator: its clients and its loop over the evaluation requests. */
public final class Evaluator extends Worker<EvaluateCandidate> {

    public static final String GROUP = "bitplan-evaluators";

    /** @param topic  {@link Topics#EVAL_REQUESTS}; tests use a topic of their own */
    public Evaluator(WorkerSettings settings, RuntimeOptions runtime, String topic, String group) {
        super(settings, topic, group, EvaluateCandidate.class, services -> new CandidateEvaluationHandler(services, runtime),
                SearchErrors::permanent);
    }

    public static Evaluator start(WorkerSettings settings, RuntimeOptions runtime) {
        return new Evaluator(settings, runtime, Topics.EVAL_REQUESTS, GROUP);
    }
}
