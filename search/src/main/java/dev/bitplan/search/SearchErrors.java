package dev.bitplan.search;

import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.planner.InfeasibleBudgetException;

/** Which failures of a search are about the user's input, so that trying again gives the same answer. */
public final class SearchErrors {

    private SearchErrors() {
    }

    /** The engine's refusals of a file or plan, and budgets no plan meets. */
    public static boolean permanent(Throwable t) {
        return t instanceof InvalidInputException || t instanceof InfeasibleBudgetException;
    }
}
