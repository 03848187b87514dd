package dev.bitplan.engine.smooth;

import dev.bitplan.engine.layers.Layer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SmoothQuant's measured scales for one model: where folding is exact ({@link SmoothingSites}), one {@code s} per site
 * (shared by all of the site's readers, since the LayerNorm's constants are), and the alpha they were computed at.
 * Which readers use them is a plan's choice ({@link SmoothQuantFolding#apply}).
 *
 * @param sites      the sites, in graph order
 * @param scales     s per site, keyed by {@link SmoothingSite#output()}
 * @param alpha      the migration strength the scales were computed with
 * @param leftAlone  MatMul inputs that are no site, each with the reason
 */
public record Smoothing(List<SmoothingSite> sites, Map<String, float[]> scales, double alpha, Map<String, String> leftAlone) {

    /** Suffix of the smoothed LayerNorm output ({@code y / s}) that smoothed readers read. */
    public static final String SMOOTHED_SUFFIX = "/smoothquant/smoothed";

    public Smoothing {
        sites = List.copyOf(sites);
        scales = Map.copyOf(scales);
        leftAlone = Map.copyOf(leftAlone);
        for (SmoothingSite s : sites) {
            float[] v = scales.get(s.output());
            if (v == null || v.length != s.channels()) {
                throw new IllegalArgumentException("no " + s.channels() + " scales for " + s.output());
            }
        }
    }

    /** The site a MatMul layer reads as its activation, if it reads one. */
    public Optional<SmoothingSite> siteOf(String layer) {
        for (SmoothingSite s : sites) {
            for (Layer l : s.readers()) {
                if (l.name().equals(layer)) {
                    return Optional.of(s);
                }
            }
        }
        return Optional.empty();
    }

    public float[] scales(SmoothingSite site) {
        return scales.get(site.output());
    }

    /** The tensor a smoothed reader of {@code site} reads instead of the LayerNorm's output. */
    public static String smoothedTensor(SmoothingSite site) {
        return site.output() + SMOOTHED_SUFFIX;
    }

    /** What a report says when {@code readers} (layer names) read smoothed values. */
    public List<String> notes(Collection<String> readers) {
        Map<String, Integer> bySite = new LinkedHashMap<>();
        for (String r : readers) {
            siteOf(r).ifPresent(s -> bySite.merge(s.output(), 1, Integer::sum));
        }
        int total = sites.stream().mapToInt(s -> s.readers().size()).sum();
        List<String> notes = new ArrayList<>();
        notes.add(String.format("SmoothQuant alpha %s: %d LayerNorm output%s smoothed into the weights of %d MatMul layer%s "
                        + "(of %d that read a LayerNorm it can fold into); %d MatMul input%s no LayerNorm to fold into", alpha,
                bySite.size(), bySite.size() == 1 ? "" : "s", readers.size(), readers.size() == 1 ? "" : "s", total,
                leftAlone.size(), leftAlone.size() == 1 ? " has" : "s have"));
        return notes;
    }
}
