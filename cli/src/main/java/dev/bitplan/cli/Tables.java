package dev.bitplan.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with columns as wide as their widest cell. */
final class Tables {

    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    Tables(String... header) {
        this.header = header;
    }

    void row(String... cells) {
        rows.add(cells);
    }

    void print(PrintStream out) {
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
            for (String[] r : rows) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        printRow(out, header, width);
        for (String[] r : rows) {
            printRow(out, r, width);
        }
    }

    private static void printRow(PrintStream out, String[] cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            sb.append(String.format("%-" + (width[i] + 2) + "s", cells[i]));
        }
        out.println(sb.toString().stripTrailing());
    }

    static String shape(List<Long> dims) {
        return dims.stream().map(d -> d < 0 ? "?" : Long.toString(d)).toList().toString();
    }
}
