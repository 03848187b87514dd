package dev.bitplan.cli;

import dev.bitplan.contracts.messaging.CandidateEvaluated;
import dev.bitplan.contracts.messaging.JobEvent;
import dev.bitplan.contracts.messaging.Topics;
import dev.bitplan.messaging.JsonSerde;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How often the workers did each job's work, read from what they published: profiles per job (one search each) and
 * evaluation results per candidate. "None twice" means every count is 1.
 *
 * @param profiles     job id -> profiles published
 * @param evaluations  candidate id -> results published
 */
record DeliveryCounts(Map<String, Integer> profiles, Map<String, Integer> evaluations) {

    /** Reads both topics from the beginning, keeping the given jobs. */
    static DeliveryCounts read(String bootstrap, Set<String> jobIds) {
        Map<String, Integer> profiles = new TreeMap<>();
        Map<String, Integer> evaluations = new TreeMap<>();
        TopicReader.readAll(bootstrap, Topics.JOB_EVENTS, r -> {
            JobEvent e = JsonSerde.read(r.value(), JobEvent.class);
            if (e instanceof JobEvent.Profiled && jobIds.contains(e.jobId())) {
                profiles.merge(e.jobId(), 1, Integer::sum);
            }
        });
        TopicReader.readAll(bootstrap, Topics.EVAL_RESULTS, r -> {
            CandidateEvaluated c = JsonSerde.read(r.value(), CandidateEvaluated.class);
            if (jobIds.contains(c.jobId())) {
                evaluations.merge(c.candidateId(), 1, Integer::sum);
            }
        });
        return new DeliveryCounts(profiles, evaluations);
    }

    /** Jobs searched more than once and candidates evaluated more than once, as {@code id xN}. */
    List<String> repeats() {
        return java.util.stream.Stream.concat(profiles.entrySet().stream(), evaluations.entrySet().stream())
                .filter(e -> e.getValue() > 1).map(e -> e.getKey() + " x" + e.getValue()).toList();
    }

    /** Jobs of {@code jobIds} with no profile at all. */
    List<String> unprofiled(Collection<String> jobIds) {
        return jobIds.stream().filter(id -> !profiles.containsKey(id)).toList();
    }
}
