package dev.ragstream.gateway.urlimport;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a WebVTT or SRT caption file into transcript paragraphs: cue identifiers, timings, settings,
 * styling tags and {@code NOTE}/{@code STYLE}/{@code REGION} blocks are dropped, a line repeated by
 * rolling captions is kept once, and a pause of {@value #PAUSE_MILLIS} ms or more (or a long
 * paragraph reaching a sentence end) starts a new paragraph.
 */
final class Captions {

    static final long PAUSE_MILLIS = 2000;
    private static final int LONG_PARAGRAPH = 600;
    private static final Pattern TIMING = Pattern.compile(
            "^\\s*((?:\\d+:)?\\d{1,2}:\\d{2}[.,]\\d{1,3})\\s*-->\\s*((?:\\d+:)?\\d{1,2}:\\d{2}[.,]\\d{1,3})");

    private Captions() {
    }

    /** The transcript, paragraphs separated by a blank line; empty when the file has no cue text. */
    static List<String> paragraphs(String captions) {
        List<String> paragraphs = new ArrayList<>();
        StringBuilder paragraph = new StringBuilder();
        String lastLine = null;
        long lastEnd = Long.MIN_VALUE;
        String text = captions.replace("\uFEFF", "").replace("\r\n", "\n").replace('\r', '\n');
        for (String block : text.split("\n\\s*\n")) {
            List<String> lines = block.lines().toList();
            int timing = timingLine(lines);
            if (timing < 0) {
                continue; // header, NOTE, STYLE, REGION, or a stray identifier
            }
            Matcher m = TIMING.matcher(lines.get(timing));
            m.find();
            long start = millis(m.group(1));
            boolean sentenceEnd = paragraph.length() > 0 && ".?!".indexOf(paragraph.charAt(paragraph.length() - 1)) >= 0;
            if (paragraph.length() > 0 && (start - lastEnd >= PAUSE_MILLIS || (paragraph.length() >= LONG_PARAGRAPH && sentenceEnd))) {
                paragraphs.add(paragraph.toString());
                paragraph.setLength(0);
            }
            lastEnd = millis(m.group(2));
            for (String raw : lines.subList(timing + 1, lines.size())) {
                String line = HtmlPage.text(raw.replaceFirst("^-\\s+", ""));
                if (line.isEmpty() || line.equals(lastLine)) {
                    continue;
                }
                lastLine = line;
                paragraph.append(paragraph.length() == 0 ? "" : " ").append(line);
            }
        }
        if (paragraph.length() > 0) {
            paragraphs.add(paragraph.toString());
        }
        return paragraphs;
    }

    /** Where a block's timing line is; -1 for blocks without one. */
    private static int timingLine(List<String> lines) {
        for (int i = 0; i < Math.min(lines.size(), 2); i++) {
            if (TIMING.matcher(lines.get(i)).find()) {
                return i;
            }
        }
        return -1;
    }

    private static long millis(String timestamp) {
        String[] parts = timestamp.replace(',', '.').split("[:.]");
        int n = parts.length;
        long hours = n == 4 ? Long.parseLong(parts[0]) : 0;
        long fraction = Long.parseLong((parts[n - 1] + "00").substring(0, 3));
        return ((hours * 60 + Long.parseLong(parts[n - 3])) * 60 + Long.parseLong(parts[n - 2])) * 1000 + fraction;
    }
}
