package dev.ragstream.ingest.conversion;

import java.util.Locale;
import org.xml.sax.Attributes;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Writes Tika's XHTML events as markdown: {@code h1}–{@code h6} become {@code #} headings, block
 * elements become paragraphs, list items become {@code -} items, {@code pre} becomes a fenced code
 * block. Outside {@code pre}, whitespace collapses as a browser collapses it, so the indentation of
 * the source never reaches the markdown. Stops collecting at {@code maxChars} so a decompression
 * bomb cannot exhaust memory.
 */
final class MarkdownContentHandler extends DefaultHandler {

    private static final String FENCE = "```";

    private final StringBuilder out = new StringBuilder();
    private final int maxChars;
    private int skipDepth;
    private int preDepth;
    private boolean truncated;

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
        int level = headingLevel(name);
        if (level > 0) {
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
