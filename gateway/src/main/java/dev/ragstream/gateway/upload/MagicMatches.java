package dev.ragstream.gateway.upload;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.w3c.dom.Element;

/**
 * Whether a magic of Tika's registry can match a head, answered without Tika's allocations: Tika's
 * {@code MagicMatch} makes a stream, a {@code Metadata} and a window copy for every match it tries
 * (a third of what an upload allocated, and most of its detection time, for the ~850 magics a text
 * head is tried against). Each top-level {@code match} of a {@code magic} is one magic in Tika; its
 * own pattern is tested here exactly as Tika's {@code MagicDetector} tests it, and its nested
 * matches, which can only narrow it, are not: so "no" is exact and "yes" means "perhaps". A
 * {@code minShouldMatch} clause may match when that many of its nested matches may. A match of a
 * form not known here always may.
 */
final class MagicMatches {

    /** Tika's window for a regular expression, whatever its length. */
    private static final int REGEX_WINDOW = 8 * 1024;
    /** What Tika's {@code Character.toLowerCase} makes of each (sign-extended) byte, by its unsigned value. */
    private static final int[] LOWER = new int[256];

    static {
        for (int b = Byte.MIN_VALUE; b <= Byte.MAX_VALUE; b++) {
            LOWER[b & 0xff] = Character.toLowerCase(b);
        }
    }

    /** One top-level match of a magic. */
    interface Match {
        boolean mayMatch(byte[] head);
    }

    private MagicMatches() {
    }

    /** The test of one {@code match} element of Tika's definitions. */
    static Match of(Element match) {
        String min = match.getAttribute("minShouldMatch");
        if (!min.isEmpty()) {
            List<Match> nested = MagicRegistries.matches(match).stream().map(MagicMatches::of).toList();
            int needed = Integer.parseInt(min);
            return head -> {
                int may = 0;
                for (int i = 0; i < nested.size() && may < needed; i++) {
                    may += nested.get(i).mayMatch(head) ? 1 : 0;
                }
                return may >= needed;
            };
        }
        try {
            return own(match.getAttribute("type").isEmpty() ? "string" : match.getAttribute("type"),
                    match.getAttribute("offset"), match.getAttribute("value"),
                    match.hasAttribute("mask") ? match.getAttribute("mask") : null);
        } catch (RuntimeException e) { // Tika would fail on it too (when it first tries it): it stays in the question
            return head -> true;
        }
    }

    /** As Tika's {@code MagicDetector.parse} reads a match, and its constructor normalises the pattern and mask. */
    private static Match own(String type, String offset, String value, String mask) {
        int start = 0;
        int end = 0;
        if (!offset.isEmpty()) {
            int colon = offset.indexOf(':');
            start = Integer.parseInt(colon < 0 ? offset : offset.substring(0, colon));
            end = colon < 0 ? start : Integer.parseInt(offset.substring(colon + 1));
        }
        byte[] pattern = decode(value, type);
        byte[] maskBytes = mask != null ? decode(mask, type) : null;
        if (pattern == null || start < 0 || end < start) {
            return head -> true;
        }
        if (type.equals("regex")) {
            return maskBytes == null ? new RegexMatch(start, end, Pattern.compile(new String(pattern, StandardCharsets.UTF_8)))
                    : head -> true;
        }
        int length = Math.max(pattern.length, maskBytes != null ? maskBytes.length : 0);
        byte[] fullMask = new byte[length];
        byte[] masked = new byte[length];
        for (int i = 0; i < length; i++) {
            fullMask[i] = maskBytes != null && i < maskBytes.length ? maskBytes[i] : -1;
            masked[i] = i < pattern.length ? (byte) (pattern[i] & fullMask[i]) : 0;
        }
        boolean ignoreCase = type.equals("stringignorecase");
        boolean[] first = new boolean[256];
        for (int b = 0; b < 256; b++) {
            int m = (byte) b & fullMask[0];
            first[b] = length > 0 && (ignoreCase ? LOWER[m & 0xff] : m) == masked[0];
        }
        return new BytesMatch(start, end, masked, fullMask, ignoreCase, first);
    }

    /**
     * Tika's test of a byte pattern: the head needs one whole window at the first offset; past its end
     * it reads as zeros (Tika's window is a zeroed array, filled as far as the head goes).
     */
    record BytesMatch(int start, int end, byte[] pattern, byte[] mask, boolean ignoreCase, boolean[] first) implements Match {
        @Override
        public boolean mayMatch(byte[] head) {
            if (head.length < start + pattern.length) {
                return false;
            }
            for (int i = start; i <= end; i++) {
                if (pattern.length > 0 && !first[i < head.length ? head[i] & 0xff : 0]) {
                    continue; // the bytes a window can begin with, looked up: most offsets end here
                }
                boolean match = true;
                for (int j = 0; match && j < pattern.length; j++) {
                    int masked = (i + j < head.length ? head[i + j] : 0) & mask[j];
                    match = (ignoreCase ? LOWER[masked & 0xff] : masked) == pattern[j];
                }
                if (match) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Tika's test of a regular expression: from each offset of the range, whether it matches at the
     * start of an 8 KB window of the head read as ISO-8859-1 (zeros past its end).
     */
    record RegexMatch(int start, int end, Pattern regex) implements Match {
        @Override
        public boolean mayMatch(byte[] head) {
            if (head.length < start) {
                return false;
            }
            Matcher matcher = regex.matcher(new Window(head, start, REGEX_WINDOW + end - start));
            for (int i = 0; i <= end - start; i++) {
                matcher.region(i, REGEX_WINDOW + i);
                if (matcher.lookingAt()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Bytes of a head from an offset, read as ISO-8859-1 and padded with zeros to a length: Tika's regex window. */
    private record Window(byte[] head, int from, int length) implements CharSequence {
        @Override
        public char charAt(int index) {
            return from + index < head.length ? (char) (head[from + index] & 0xff) : 0;
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new StringBuilder(end - start).append(this, start, end);
        }

        @Override
        public String toString() {
            return subSequence(0, length).toString();
        }
    }

    /**
     * The characters of a value that is not hex, with Tika's escapes read as its {@code decodeString} reads them:
     * {@code \\}, {@code \xNN}, {@code \r}, {@code \n}, else up to three digits as an octal byte (none: a zero).
     * @throws RuntimeException where Tika's reading fails too
     */
    static String unescape(String value) {
        StringBuilder decoded = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\\') {
                decoded.append(c);
            } else if (value.charAt(i + 1) == '\\') {
                decoded.append('\\');
                i++;
            } else if (value.charAt(i + 1) == 'x') {
                decoded.append((char) Integer.parseInt(value.substring(i + 2, i + 4), 16));
                i += 3;
            } else if (value.charAt(i + 1) == 'r') {
                decoded.append('\r');
                i++;
            } else if (value.charAt(i + 1) == 'n') {
                decoded.append('\n');
                i++;
            } else { // up to three digits, read as Short.decode reads "0" and them (octal), as a signed byte
                int j = i + 1;
                while (j < i + 4 && j < value.length() && Character.isDigit(value.charAt(j))) {
                    j++;
                }
                decoded.append((char) Short.decode("0" + value.substring(i + 1, j)).byteValue());
                i = j - 1;
            }
        }
        return decoded.toString();
    }

    /** Tika's {@code MagicDetector.decodeValue}: null for a type it does not know. */
    private static byte[] decode(String value, String type) {
        boolean hex = value.startsWith("0x");
        String digits = hex ? value.substring(2) : value;
        int radix = hex ? 16 : 8;
        return switch (type) {
            case "string", "regex", "unicodeLE", "unicodeBE" -> decodeString(value, type);
            case "stringignorecase" -> decodeString(value.toLowerCase(Locale.ROOT), type);
            case "byte" -> digits.getBytes(StandardCharsets.UTF_8);
            case "host16", "little16" -> {
                int i = Integer.parseInt(digits, radix);
                yield new byte[] {(byte) (i & 0xff), (byte) (i >> 8)};
            }
            case "big16" -> {
                int i = Integer.parseInt(digits, radix);
                yield new byte[] {(byte) (i >> 8), (byte) (i & 0xff)};
            }
            case "host32", "little32" -> {
                long i = Long.parseLong(digits, radix);
                yield new byte[] {(byte) i, (byte) (i >> 8), (byte) (i >> 16), (byte) (i >> 24)};
            }
            case "big32" -> {
                long i = Long.parseLong(digits, radix);
                yield new byte[] {(byte) (i >> 24), (byte) (i >> 16), (byte) (i >> 8), (byte) i};
            }
            default -> null;
        };
    }

    /** Tika's {@code MagicDetector.decodeString}: hex, or text with its escapes, cut to bytes (two per character for unicode). */
    private static byte[] decodeString(String value, String type) {
        if (value.startsWith("0x")) {
            byte[] bytes = new byte[(value.length() - 2) / 2];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) Integer.parseInt(value.substring(2 + i * 2, 4 + i * 2), 16);
            }
            return bytes;
        }
        String decoded = unescape(value);
        boolean le = type.equals("unicodeLE");
        boolean be = type.equals("unicodeBE");
        byte[] bytes = new byte[le || be ? decoded.length() * 2 : decoded.length()];
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (le) {
                bytes[2 * i] = (byte) (c & 0xff);
                bytes[2 * i + 1] = (byte) (c >> 8);
            } else if (be) {
                bytes[2 * i] = (byte) (c >> 8);
                bytes[2 * i + 1] = (byte) (c & 0xff);
            } else {
                bytes[i] = (byte) c;
            }
        }
        return bytes;
    }
}
