package dev.ragstream.ingest.conversion;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xml.sax.Attributes;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Writes Tika's XHTML events as markdown: {@code h1}–{@code h6} become {@code #} headings, block
 * elements become paragraphs, list items become {@code -} items, {@code pre} becomes a fenced code
 * block, a {@code table} a markdown table (first row as its header; a nested table's text stays in
 * its cell), and each page Tika marks ({@code <div class="page">}, e.g. of a PDF) starts with a
 * {@code <!-- page N -->} line. Outside {@code pre}, whitespace collapses as a browser collapses it, so the indentation
 * of the source never reaches the markdown. Stops collecting at {@code maxChars} so a decompression
 * bomb cannot exhaust memory.
 */
final class MarkdownContentHandler extends DefaultHandler {

    private static final String FENCE = "```";

    private final StringBuilder out = new StringBuilder();
    private final int maxChars;
    private int skipDepth;
    private int preDepth;
    private boolean truncated;
    /** The outermost table being read: its rows of cells; null outside tables. */
    private List<List<StringBuilder>> table;
    private int tableDepth;
    private int tableChars;
    private int pages;

    MarkdownContentHandler(int maxChars) {
        this.maxChars = maxChars;
    }

    @Override
    public void startElement(String uri, String localName, String qName, Attributes attributes) {
        String name = localName.toLowerCase(Locale.ROOT);
        if (isSkipped(name)) {
            skipDepth++;
        }
        if (skipDepth > 0 || truncated) {
            return;
        }
        if (name.equals("table") && tableDepth++ == 0) {
            paragraphBreak();
            table = new ArrayList<>();
            return;
        }
        if (table != null) {
            if (tableDepth == 1 && name.equals("tr")) {
                table.add(new ArrayList<>());
            } else if (tableDepth == 1 && (name.equals("td") || name.equals("th"))) {
                if (table.isEmpty()) {
                    table.add(new ArrayList<>());
                }
                table.get(table.size() - 1).add(new StringBuilder());
            } else {
                cellText(" ");
            }
            return;
        }
        int level = headingLevel(name);
        if (name.equals("div") && "page".equals(attributes.getValue("class"))) {
            paragraphBreak();
            out.append("<!-- page ").append(++pages).append(" -->\n\n");
        } else if (level > 0) {
            paragraphBreak();
            out.append("#".repeat(level)).append(' ');
        } else if (name.equals("li")) {
            lineBreak();
            out.append("- ");
        } else if (name.equals("br")) {
            lineBreak();
        } else if (name.equals("pre")) {
            paragraphBreak();
            if (preDepth++ == 0) {
                out.append(FENCE).append('\n');
            }
        } else if (isBlock(name)) {
            paragraphBreak();
        }
    }

    @Override
    public void endElement(String uri, String localName, String qName) {
        String name = localName.toLowerCase(Locale.ROOT);
        if (isSkipped(name)) {
            skipDepth--;
        } else if (skipDepth > 0 || truncated) {
            return;
        } else if (name.equals("table") && table != null && --tableDepth == 0) {
            writeTable();
        } else if (table != null) {
            return;
        } else if (name.equals("pre")) {
            if (--preDepth == 0) {
                lineBreak();
                out.append(FENCE);
            }
            paragraphBreak();
        } else if (isBlock(name) || headingLevel(name) > 0) {
            paragraphBreak();
        }
    }

    @Override
    public void characters(char[] ch, int start, int length) {
        if (skipDepth > 0 || truncated) {
            return;
        }
        if (table != null) {
            cellText(new String(ch, start, length));
            return;
        }
        String text = preDepth > 0 ? new String(ch, start, length) : collapsed(ch, start, length);
        int room = maxChars - out.length();
        if (text.length() > room) {
            truncated = true;
            text = text.substring(0, Math.max(0, room));
        }
        out.append(text);
    }

    @Override
    public void ignorableWhitespace(char[] ch, int start, int length) {
        characters(ch, start, length);
    }

    /** Text inside the current table cell (dropped between cells); counted against {@code maxChars}. */
    private void cellText(String text) {
        if (table.isEmpty() || table.get(table.size() - 1).isEmpty()) {
            return;
        }
        StringBuilder cell = table.get(table.size() - 1).get(table.get(table.size() - 1).size() - 1);
        if (out.length() + tableChars + text.length() > maxChars) {
            truncated = true;
            return;
        }
        cell.append(text);
        tableChars += text.length();
    }

    /** The table as markdown: its first row as header, cells trimmed, pipes escaped, rows padded. */
    private void writeTable() {
        List<List<String>> rows = new ArrayList<>();
        for (List<StringBuilder> row : table) {
            List<String> cells = row.stream().map(c -> c.toString().replaceAll("\\s+", " ").strip().replace("|", "\\|")).toList();
            if (cells.stream().anyMatch(c -> !c.isEmpty())) {
                rows.add(cells);
            }
        }
        table = null;
        tableChars = 0;
        if (rows.isEmpty()) {
            return;
        }
        int columns = rows.stream().mapToInt(List::size).max().orElse(1);
        paragraphBreak();
        for (int r = 0; r < rows.size(); r++) {
            out.append('|');
            for (int c = 0; c < columns; c++) {
                String cell = c < rows.get(r).size() ? rows.get(r).get(c) : "";
                out.append(cell.isEmpty() ? " |" : " " + cell + " |");
            }
            out.append('\n');
            if (r == 0) {
                out.append('|').append(" --- |".repeat(columns)).append('\n');
            }
        }
        paragraphBreak();
    }

    /** Pages Tika marked, 0 for a source without pages. */
    int pages() {
        return pages;
    }

    boolean truncated() {
        return truncated;
    }

    /** The markdown: trailing spaces trimmed, at most one blank line between blocks. */
    String markdown() {
        return out.toString().replace("\r\n", "\n").replaceAll("[ \t\u00a0]+\n", "\n")
                .replaceAll("\n{3,}", "\n\n").strip();
    }

    /** HTML whitespace: a run becomes one space, and none is kept at the start of a line. */
    private String collapsed(char[] ch, int start, int length) {
        StringBuilder text = new StringBuilder(length);
        boolean afterSpace = out.isEmpty() || out.charAt(out.length() - 1) == ' ' || out.charAt(out.length() - 1) == '\n';
        for (int i = start; i < start + length; i++) {
            boolean space = ch[i] == ' ' || ch[i] == '\t' || ch[i] == '\n' || ch[i] == '\r' || ch[i] == '\f';
            if (!space) {
                text.append(ch[i]);
            } else if (!afterSpace) {
                text.append(' ');
            }
            afterSpace = space;
        }
        return text.toString();
    }

    private static boolean isSkipped(String name) {
        return name.equals("script") || name.equals("style") || name.equals("head");
    }

    private static int headingLevel(String name) {
        boolean heading = name.length() == 2 && name.charAt(0) == 'h' && name.charAt(1) >= '1' && name.charAt(1) <= '6';
        return heading ? name.charAt(1) - '0' : 0;
    }

    private static boolean isBlock(String name) {
        return switch (name) {
            case "p", "div", "ul", "ol", "table", "tr", "blockquote", "section", "article", "body" -> true;
            default -> false;
        };
    }

    private void lineBreak() {
        if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') {
            out.append('\n');
        }
    }

    /** Breaks the paragraph, unless a list item has only just begun (as in {@code <li><p>}). */
    private void paragraphBreak() {
        int length = out.length();
        if (length >= 2 && out.charAt(length - 1) == ' ' && out.charAt(length - 2) == '-'
                && (length == 2 || out.charAt(length - 3) == '\n')) {
            return;
        }
        lineBreak();
        if (out.length() >= 2 && out.charAt(out.length() - 2) != '\n') {
            out.append('\n');
        }
    }
}
