package dev.ragstream.ingest.chunking;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads markdown as a sequence of headings and paragraphs. An ATX heading line ends the paragraph
 * before it even without a blank line; inside a fenced code block nothing is a heading and a blank
 * line does not end the block, so a shell comment such as {@code # install} stays code. Page
 * markers ({@code <!-- page 3 -->} lines, written by the conversion at the start of each page) end
 * a paragraph and are not text: every block carries the page it starts on.
 */
final class MarkdownBlocks {

    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})(?:[ \\t]+(.*?))?[ \\t]*$");
    private static final Pattern CLOSING_HASHES = Pattern.compile("(?:^|[ \\t]+)#+$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
    private static final Pattern PAGE_MARKER = Pattern.compile("^<!-- page (\\d{1,9}) -->$");

    /** A heading of level 1–6 with its title, or a paragraph (level 0) with its text; page null without markers. */
    record Block(int headingLevel, String text, Integer page) {
        boolean isHeading() {
            return headingLevel > 0;
        }
    }

    private MarkdownBlocks() {
    }

    static List<Block> parse(String markdown) {
        List<Block> blocks = new ArrayList<>();
        StringBuilder paragraph = new StringBuilder();
        String fence = null;
        Integer page = null;
        Integer paragraphPage = null;
        for (String line : markdown.lines().toList()) {
            Matcher heading = HEADING.matcher(line);
            Matcher opening = FENCE.matcher(line);
            Matcher marker = PAGE_MARKER.matcher(line.strip());
            if (fence == null && marker.matches()) {
                endParagraph(blocks, paragraph, paragraphPage);
                page = Integer.valueOf(marker.group(1));
                continue;
            }
            if (paragraph.isEmpty()) {
                paragraphPage = page;
            }
            if (fence != null) {
                fence = closes(line, fence) ? null : fence;
                append(paragraph, line);
            } else if (opening.find()) {
                fence = opening.group(1);
                append(paragraph, line);
            } else if (heading.matches()) {
                endParagraph(blocks, paragraph, paragraphPage);
                String title = heading.group(2) == null ? "" : CLOSING_HASHES.matcher(heading.group(2)).replaceFirst("");
                blocks.add(new Block(heading.group(1).length(), title.strip(), page));
            } else if (line.isBlank()) {
                endParagraph(blocks, paragraph, paragraphPage);
            } else {
                append(paragraph, line);
            }
        }
        endParagraph(blocks, paragraph, paragraphPage);
        return blocks;
    }

    /** A closing fence is a run of the opening character at least as long, and nothing else. */
    private static boolean closes(String line, String fence) {
        String stripped = line.strip();
        return stripped.length() >= fence.length() && stripped.chars().allMatch(c -> c == fence.charAt(0));
    }

    private static void append(StringBuilder paragraph, String line) {
        if (!paragraph.isEmpty()) {
            paragraph.append('\n');
        }
        paragraph.append(line);
    }

    private static void endParagraph(List<Block> blocks, StringBuilder paragraph, Integer page) {
        String text = paragraph.toString().strip();
        if (!text.isEmpty()) {
            blocks.add(new Block(0, text, page));
        }
        paragraph.setLength(0);
    }
}
