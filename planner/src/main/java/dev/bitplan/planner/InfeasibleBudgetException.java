package dev.bitplan.planner;

/** A budget no plan can meet; the message names the smallest value that is reachable. */
public class InfeasibleBudgetException extends RuntimeException {

    public InfeasibleBudgetException(String message) {
        super(message);
    }
}
