package dev.bitplan.planner.domain;

import java.util.List;
import org.optaplanner.core.api.domain.entity.PlanningEntity;
import org.optaplanner.core.api.domain.lookup.PlanningId;
import org.optaplanner.core.api.domain.valuerange.ValueRangeProvider;
import org.optaplanner.core.api.domain.variable.PlanningVariable;

/**
 * Planning entity: the option of one layer, or of a whole tie group so that tied layers share one
 * variable. Each decision offers only its own options (an entity-scoped value range).
 */
@PlanningEntity
public class LayerDecision {

    @PlanningId
    private String id;

    private List<String> layers;

    @ValueRangeProvider(id = "optionRange")
    private List<OptionChoice> options;

    @PlanningVariable(valueRangeProviderRefs = "optionRange")
    private OptionChoice option;

    /** Cost of the cheapest option: the soft score counts cost above it, never negative. */
    private long cheapestScaledCost;

    /** For OptaPlanner's cloner. */
    public LayerDecision() {
    }

    public LayerDecision(String id, List<String> layers, List<OptionChoice> options) {
        this.id = id;
        this.layers = layers;
        this.options = options;
        this.cheapestScaledCost = options.stream().mapToLong(OptionChoice::scaledCost).min().orElseThrow();
    }

    /** A decision already set to one option (for tests). */
    public LayerDecision(String id, List<OptionChoice> options, OptionChoice option) {
        this(id, List.of(id), options);
        this.option = option;
    }

    public String getId() {
        return id;
    }

    public List<String> getLayers() {
        return layers;
    }

    public List<OptionChoice> getOptions() {
        return options;
    }

    public OptionChoice getOption() {
        return option;
    }

    public long getCheapestScaledCost() {
        return cheapestScaledCost;
    }

    /** Cost of the current option above the cheapest one (>= 0 even when measured costs are negative). */
    public long getExtraScaledCost() {
        return option.scaledCost() - cheapestScaledCost;
    }

    public void setOption(OptionChoice option) {
        this.option = option;
    }

    /** Label of the current option; only called on assigned decisions. */
    public String getLabel() {
        return option.label();
    }

    @Override
    public String toString() {
        return id + "=" + (option == null ? "?" : option.label());
    }
}
