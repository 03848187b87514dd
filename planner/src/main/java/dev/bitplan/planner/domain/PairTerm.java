package dev.bitplan.planner.domain;

/**
 * Problem fact: a pair interaction between two decisions, in cost millionths (may be negative).
 * It applies when decision A takes label A and decision B takes label B.
 */
public record PairTerm(String decisionA, String labelA, String decisionB, String labelB, long scaledExtra) {
}
