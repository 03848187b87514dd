package dev.bitplan.engine.data;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/** The arrays of one .npz (or .npy) file, by name, in the order they were stored. */
public final class NpzFile {

    private final Map<String, NdArray> arrays;

    private NpzFile(Map<String, NdArray> arrays) {
        this.arrays = Collections.unmodifiableMap(arrays);
    }

    /** The given arrays, keyed by their names, which must be distinct. */
    public static NpzFile of(Collection<NdArray> arrays) {
        Map<String, NdArray> map = new LinkedHashMap<>();
        for (NdArray a : arrays) {
            if (map.putIfAbsent(a.name(), a) != null) {
                throw new IllegalArgumentException("two arrays named '" + a.name() + "'");
            }
        }
        return new NpzFile(map);
    }

    public static NpzFile of(NdArray... arrays) {
        return of(List.of(arrays));
    }

    /** The array called {@code name}; throws NoSuchElementException listing the names there are. */
    public NdArray get(String name) {
        NdArray a = arrays.get(name);
        if (a == null) {
            throw new NoSuchElementException("no array '" + name + "'; arrays: " + names());
        }
        return a;
    }

    public boolean contains(String name) {
        return arrays.containsKey(name);
    }

    /** Array names in file order. */
    public List<String> names() {
        return List.copyOf(arrays.keySet());
    }

    /** Arrays in file order. */
    public List<NdArray> arrays() {
        return List.copyOf(arrays.values());
    }

    public int size() {
        return arrays.size();
    }

    @Override
    public String toString() {
        return arrays.values().toString();
    }
}
