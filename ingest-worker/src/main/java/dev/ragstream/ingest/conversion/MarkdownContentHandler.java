package dev.ragstream.ingest.conversion;

import java.util.Locale;
import org.xml.sax.Attributes;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Writes Tika's XHTML events as markdown: {@code h1}–{@code h6} become {@code #} headings, block
 * elements become paragraphs, list items become {@code -} items. Stops collecting at
 * {@code maxChars} so a decompression bomb cannot exhaust memory.
 */
final class MarkdownContentHandler extends DefaultHandler {

    private final StringBuilder out = new StringBuilder();
    private final int maxChars;
    private int skipDepth;
    private boolean truncated;

    MarkdownContentHandler(int maxChars) {
        this.maxChars = maxChars;
    }

    @Override
    public void startElement(String uri, String localName, String qName, Attributes attributes) {
        String name = localName.toLowerCase(Locale.ROOT);
        if (name.equals("script") || name.equals("style") || name.equals("head")) {
            skipDepth++;
            return;
        }
        if (name.length() == 2 && name.charAt(0) == 'h' && Character.isDigit(name.charAt(1))) {
            paragraphBreak();
            out.append("#".repeat(Math.max(1, Math.min(6, name.charAt(1) - '0')))).append(' ');
        } else if (name.equals("li")) {
            lineBreak();
            out.append("- ");
        } else if (name.equals("br")) {
            lineBreak();
        } else if (isBlock(name)) {
            paragraphBreak();
        }
    }

    @Override
    public void endElement(String uri, String localName, String qName) {
        String name = localName.toLowerCase(Locale.ROOT);
        if (name.equals("script") || name.equals("style") || name.equals("head")) {
            skipDepth--;
        } else if (isBlock(name) || (name.length() == 2 && name.charAt(0) == 'h' && Character.isDigit(name.charAt(1)))) {
            paragraphBreak();
        }
    }

    @Override
    public void characters(char[] ch, int start, int length) {
        if (skipDepth > 0 || truncated) {
            return;
        }
        int room = maxChars - out.length();
        if (length > room) {
            truncated = true;
            length = Math.max(0, room);
        }
        out.append(ch, start, length);
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

    private static boolean isBlock(String name) {
        return switch (name) {
            case "p", "div", "ul", "ol", "table", "tr", "blockquote", "pre", "section", "article", "body" -> true;
            default -> false;
        };
    }

    private void lineBreak() {
        if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') {
            out.append('\n');
        }
    }

    private void paragraphBreak() {
        lineBreak();
        if (out.length() >= 2 && out.charAt(out.length() - 2) != '\n') {
            out.append('\n');
        }
    }
}
