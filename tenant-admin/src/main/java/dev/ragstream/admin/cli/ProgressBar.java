package dev.ragstream.admin.cli;

import java.io.PrintStream;

/**
 * Progress of a long command on stderr, as {@code [#####.....] 12/40 file.pdf}: redrawn in place
 * with {@code \r} on a terminal, one plain line per step otherwise (logs, CI). Not thread-safe.
 */
final class ProgressBar {

    private static final int WIDTH = 20;
    private static final int MAX_LINE = 79;

    private final PrintStream err;
    private final boolean redraw;
    private final int total;
    private int drawn;

    ProgressBar(PrintStream err, boolean redraw, int total) {
        this.err = err;
        this.redraw = redraw;
        this.total = total;
    }

    /** Shows that {@code done} of the total are done, the last being {@code label}. */
    void step(int done, String label) {
        String line = render(done, total, label);
        if (redraw) {
            String line80 = line.length() > MAX_LINE ? line.substring(0, MAX_LINE - 1) + "…" : line;
            err.print("\r" + line80 + " ".repeat(Math.max(0, drawn - line80.length())));
            drawn = line80.length();
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Ends a redrawn line, so that what is printed next starts on a line of its own. */
    void finish() {
        if (redraw && drawn > 0) {
            err.println();
            drawn = 0;
        }
    }

    static String render(int done, int total, String label) {
        int filled = total <= 0 ? WIDTH : (int) ((long) WIDTH * Math.min(done, total) / total);
        return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + done + "/" + total
                + (label == null || label.isEmpty() ? "" : " " + label.replaceAll("\\p{Cntrl}", "?"));
    }
}
