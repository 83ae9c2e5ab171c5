package dev.ragstream.admin.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with columns as wide as their widest cell; control characters in cells made harmless. */
final class DltTable {

    private final List<String[]> rows = new ArrayList<>();

    DltTable(String... header) {
        rows.add(header);
    }

    void add(String... cells) {
        rows.add(java.util.Arrays.stream(cells).map(cell -> cell.replaceAll("\\p{Cntrl}", "?")).toArray(String[]::new));
    }

    void print(PrintStream out) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            out.println(line);
        }
    }
}
