package dev.bitplan.evaluator;

import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.messaging.WorkerSettings;
import dev.bitplan.workerapp.WorkerApp;
import jakarta.enterprise.context.ApplicationScoped;

/** The evaluator app: the shared lifecycle starts an {@link Evaluator} on the evaluation requests. */
@ApplicationScoped
public class EvaluatorApp implements WorkerApp {

    @Override
    public String name() {
        return "evaluator";
    }

    @Override
    public Evaluator start(WorkerSettings settings, RuntimeOptions runtime) {
        return Evaluator.start(settings, runtime);
    }
}
