package dev.ragstream.gateway.urlimport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the gateway reads from an HTML page: its title, whether it declares video or audio, and its
 * caption tracks. A forward-only scan over the tags (comments, scripts and styles skipped), not a
 * parser: it reads only already-capped text, every search moves forward, and no pattern can
 * backtrack over more than one tag, so hostile markup costs linear time.
 *
 * @param title           {@code og:title}, else {@code <title>}; null when the page has neither
 * @param declaresMedia   a {@code <video>} or {@code <audio>} element, an {@code og:video} or a video {@code og:type}
 * @param tracks          caption and subtitle tracks in document order, {@code src} as written
 * @param durationSeconds from {@code video:duration} / {@code og:video:duration} meta, when declared
 */
record HtmlPage(String title, boolean declaresMedia, List<Track> tracks, OptionalDouble durationSeconds) {

    /** A {@code <track kind="captions|subtitles">} (the HTML default kind is subtitles). */
    record Track(String src, String kind, String language) {
    }

    private static final int MAX_TAG = 16 * 1024;
    private static final Pattern ATTRIBUTE =
            Pattern.compile("([^\\s\"'=<>/]+)(?:\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'=<>`]+)))?");
    private static final Pattern NUMERIC = Pattern.compile("&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));");

    boolean hasCaptions() {
        return !tracks.isEmpty();
    }

    /** Scans {@code html}; never throws for any input. */
    static HtmlPage scan(String html) {
        String lower = html.toLowerCase(Locale.ROOT);
        String titleTag = null;
        Map<String, String> meta = new LinkedHashMap<>();
        List<Track> tracks = new ArrayList<>();
        boolean media = false;
        int i = 0;
        while ((i = lower.indexOf('<', i)) >= 0) {
            if (lower.startsWith("<!--", i)) {
                int end = lower.indexOf("-->", i + 4);
                i = end < 0 ? lower.length() : end + 3;
                continue;
            }
            if (i + 1 >= lower.length() || !Character.isLetter(lower.charAt(i + 1))) {
                i++; // closing tags, declarations and a bare "<" in text carry nothing we read
                continue;
            }
            int end = tagEnd(lower, i);
            if (end < 0) {
                break;
            }
            String name = tagName(lower, i + 1);
            Map<String, String> attributes = end - i <= MAX_TAG ? attributes(html.substring(i + 1 + name.length(), end)) : Map.of();
            i = end + 1;
            switch (name) {
                case "script", "style" -> i = skipTo(lower, "</" + name, i);
                case "title" -> {
                    int close = lower.indexOf("</title", i);
                    if (titleTag == null) {
                        titleTag = text(html.substring(i, close < 0 ? html.length() : close));
                    }
                    i = close < 0 ? lower.length() : close;
                }
                case "video", "audio" -> media = true;
                case "meta" -> {
                    String key = attributes.getOrDefault("property", attributes.get("name"));
                    if (key != null && attributes.containsKey("content")) {
                        meta.putIfAbsent(key.toLowerCase(Locale.ROOT), attributes.get("content"));
                    }
                }
                case "track" -> {
                    String kind = attributes.getOrDefault("kind", "subtitles").toLowerCase(Locale.ROOT);
                    String src = attributes.get("src");
                    if ((kind.equals("captions") || kind.equals("subtitles")) && src != null && !src.isBlank()) {
                        tracks.add(new Track(src.strip(), kind, attributes.get("srclang")));
                    }
                }
                default -> { }
            }
        }
        String ogTitle = meta.containsKey("og:title") ? text(meta.get("og:title")) : null;
        String title = ogTitle != null && !ogTitle.isEmpty() ? ogTitle : titleTag != null && !titleTag.isEmpty() ? titleTag : null;
        media |= meta.containsKey("og:video") || meta.containsKey("og:video:url") || meta.containsKey("og:video:secure_url")
                || meta.getOrDefault("og:type", "").toLowerCase(Locale.ROOT).startsWith("video") || !tracks.isEmpty();
        return new HtmlPage(title, media, List.copyOf(tracks), duration(meta));
    }

    private static OptionalDouble duration(Map<String, String> meta) {
        String value = meta.getOrDefault("video:duration", meta.get("og:video:duration"));
        if (value != null && value.strip().matches("\\d{1,9}(\\.\\d{1,3})?")) {
            return OptionalDouble.of(Double.parseDouble(value.strip()));
        }
        return OptionalDouble.empty();
    }

    /** The index of the {@code >} closing the tag at {@code start}, quotes respected; -1 when unclosed. */
    private static int tagEnd(String s, int start) {
        char quote = 0;
        for (int j = start + 1; j < s.length(); j++) {
            char c = s.charAt(j);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = s.charAt(j - 1) == '=' || Character.isWhitespace(s.charAt(j - 1)) ? c : 0;
            } else if (c == '>') {
                return j;
            }
        }
        return -1;
    }

    private static String tagName(String lower, int from) {
        int j = from;
        while (j < lower.length() && Character.isLetterOrDigit(lower.charAt(j))) {
            j++;
        }
        return lower.substring(from, j);
    }

    private static int skipTo(String lower, String closing, int from) {
        int close = lower.indexOf(closing, from);
        return close < 0 ? lower.length() : close;
    }

    private static Map<String, String> attributes(String inside) {
        Map<String, String> attributes = new LinkedHashMap<>();
        Matcher m = ATTRIBUTE.matcher(inside);
        while (m.find()) {
            String value = m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : m.group(4) != null ? m.group(4) : "";
            attributes.putIfAbsent(m.group(1).toLowerCase(Locale.ROOT), decode(value));
        }
        return attributes;
    }

    /** Text content: tags dropped, entities decoded, whitespace collapsed. */
    static String text(String markup) {
        return decode(markup.replaceAll("<[^<>]{0,16384}>", " ")).replaceAll("\\s+", " ").strip();
    }

    /** The named entities common in titles and captions, and numeric references. */
    static String decode(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = NUMERIC.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            int code = m.group(1) != null ? Integer.parseInt(m.group(1), 16) : Integer.parseInt(m.group(2));
            String replacement = Character.isValidCodePoint(code) && code != 0 ? Character.toString(code) : "\uFFFD";
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString().replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&apos;", "'").replace("&nbsp;", " ").replace("&amp;", "&");
    }
}
