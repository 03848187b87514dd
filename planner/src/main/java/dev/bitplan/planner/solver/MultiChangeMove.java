package dev.bitplan.planner.solver;

import dev.bitplan.planner.domain.LayerDecision;
import dev.bitplan.planner.domain.LayerPlan;
import dev.bitplan.planner.domain.OptionChoice;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.optaplanner.core.api.score.director.ScoreDirector;
import org.optaplanner.core.impl.heuristic.move.AbstractMove;

/** Sets several decisions at once (each listed once); its undo restores their previous options. */
final class MultiChangeMove extends AbstractMove<LayerPlan> {

    private static final String VARIABLE = "option";

    private final List<LayerDecision> decisions;
    private final List<OptionChoice> options;

    MultiChangeMove(List<LayerDecision> decisions, List<OptionChoice> options) {
        this.decisions = decisions;
        this.options = options;
    }

    @Override
    public boolean isMoveDoable(ScoreDirector<LayerPlan> scoreDirector) {
        for (int i = 0; i < decisions.size(); i++) {
            if (!options.get(i).equals(decisions.get(i).getOption())) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected MultiChangeMove createUndoMove(ScoreDirector<LayerPlan> scoreDirector) {
        List<OptionChoice> previous = new ArrayList<>();
        decisions.forEach(d -> previous.add(d.getOption()));
        return new MultiChangeMove(decisions, previous);
    }

    @Override
    protected void doMoveOnGenuineVariables(ScoreDirector<LayerPlan> scoreDirector) {
        for (int i = 0; i < decisions.size(); i++) {
            LayerDecision d = decisions.get(i);
            scoreDirector.beforeVariableChanged(d, VARIABLE);
            d.setOption(options.get(i));
            scoreDirector.afterVariableChanged(d, VARIABLE);
        }
    }

    @Override
    public MultiChangeMove rebase(ScoreDirector<LayerPlan> destinationScoreDirector) {
        // Options are immutable values shared by every clone; only the decisions need looking up.
        return new MultiChangeMove(rebaseList(decisions, destinationScoreDirector), options);
    }

    @Override
    public Collection<?> getPlanningEntities() {
        return decisions;
    }

    @Override
    public Collection<?> getPlanningValues() {
        return options;
    }

    @Override
    public String toString() {
        return "MultiChangeMove" + decisions + " -> " + options.stream().map(OptionChoice::label).toList();
    }
}
