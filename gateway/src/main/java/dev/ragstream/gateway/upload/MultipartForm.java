package dev.ragstream.gateway.upload;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Reads a {@code multipart/form-data} body (RFC 7578) part by part as it arrives, in constant
 * memory. A part ends at the delimiter CRLF {@code --boundary}, which is looked for only at the
 * CRs of the data and compared whole: a boundary (1–70 characters of RFC 2046's set) holds no CR,
 * so the candidates' comparisons never overlap and a search is one pass whatever the content
 * (commons-fileupload's byte-by-byte matcher took 13 % of the gateway's CPU in bench gateway).
 * Part headers are UTF-8, as browsers send them; {@code filename*} (RFC 5987) wins over
 * {@code filename}. A part's content is readable until the next part is asked for.
 */
final class MultipartForm {

    private static final int BUFFER_BYTES = 64 * 1024;
    private static final int MAX_HEADER_BYTES = 8 * 1024;
    private static final Pattern BOUNDARY = Pattern.compile("[0-9A-Za-z'()+_,./:=? -]{0,69}[0-9A-Za-z'()+_,./:=?-]");

    /** One part: its field name, its file name (null for a plain field) and its content. */
    record Part(String field, String filename, InputStream content) {
        boolean isFile() {
            return filename != null;
        }
    }

    /** The body breaks the multipart syntax, or ended before its close delimiter. */
    static final class MalformedException extends IOException {
        MalformedException(String message) {
            super(message);
        }
    }

    /** The body is longer than the reader was allowed to read. */
    static final class TooLargeException extends IOException {
        TooLargeException(long maxBytes) {
            super("The multipart body exceeds " + maxBytes + " bytes");
        }
    }

    private final InputStream in;
    private final long maxBodyBytes;
    private long bodyBytes;
    private final byte[] delimiter;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int head;
    private int tail;
    /** No delimiter starts before this index (at or after {@code head} when it matters). */
    private int searched;
    /** Where the current part's delimiter starts, -1 while it is not in the buffer. */
    private int found = -1;
    private PartStream current = new PartStream(); // the preamble: a part nobody reads
    private boolean done;

    /** A POST whose content type is {@code multipart/*}. */
    static boolean isMultipart(HttpServletRequest request) {
        String type = request.getContentType();
        return "POST".equalsIgnoreCase(request.getMethod()) && type != null
                && type.toLowerCase(Locale.ROOT).startsWith("multipart/");
    }

    /**
     * @param maxBodyBytes how much of {@code in} may be read, whichever parts the bytes belong to (also those
     *                     skipped unread); one byte more ends the reading with a {@link TooLargeException}
     * @throws MalformedException when {@code contentType} names no valid boundary
     */
    MultipartForm(InputStream in, String contentType, long maxBodyBytes) throws MalformedException {
        String boundary = contentType == null ? null : parameters(contentType).get("boundary");
        if (boundary == null || !BOUNDARY.matcher(boundary).matches()) {
            throw new MalformedException("The content type names no valid multipart boundary");
        }
        this.in = in;
        this.maxBodyBytes = maxBodyBytes;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        buffer[0] = '\r'; // the first delimiter may open the body, without the CRLF of the others
        buffer[1] = '\n';
        tail = 2;
    }

    /** The next part with a field name, after skipping what is left of the previous one; null after the last. */
    Part next() throws IOException {
        while (!done) {
            current.drain();
            require(2);
            if (buffer[head] == '-' && buffer[head + 1] == '-') {
                done = true; // the close delimiter: the epilogue is not read
                return null;
            }
            for (require(1); buffer[head] == ' ' || buffer[head] == '\t'; require(1)) {
                head++; // transport padding
            }
            require(2);
            if (buffer[head] != '\r' || buffer[head + 1] != '\n') {
                throw new MalformedException("A multipart delimiter is not followed by a line break");
            }
            head += 2;
            Map<String, String> disposition = disposition();
            searched = head;
            current = new PartStream();
            if (disposition.get("name") != null) {
                return new Part(disposition.get("name"), disposition.get("filename"), current);
            }
        }
        return null;
    }

    /** The part's headers up to the empty line; the parameters of its Content-Disposition, or none. */
    private Map<String, String> disposition() throws IOException {
        Map<String, String> disposition = Map.of();
        for (int size = 0, end; ; size += end - head + 2, head = end + 2) {
            while ((end = lineEnd()) < 0) {
                if (size + tail - head > MAX_HEADER_BYTES || !fill()) {
                    throw new MalformedException("A part's headers are unfinished or longer than " + MAX_HEADER_BYTES + " bytes");
                }
            }
            if (size + end - head > MAX_HEADER_BYTES) {
                throw new MalformedException("A part's headers are longer than " + MAX_HEADER_BYTES + " bytes");
            }
            if (end == head) {
                head += 2;
                return disposition;
            }
            String line = new String(buffer, head, end - head, StandardCharsets.UTF_8);
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("Content-Disposition")) {
                disposition = parameters(line.substring(colon + 1));
            }
        }
    }

    private int lineEnd() {
        for (int i = head; i < tail - 1; i++) {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Reads until at least {@code n} unread bytes are buffered. */
    private void require(int n) throws IOException {
        while (tail - head < n) {
            if (!fill()) {
                throw new MalformedException("The multipart body ended before its close delimiter");
            }
        }
    }

    /** Moves the unread bytes to the front and reads more; false at the end of the input. */
    private boolean fill() throws IOException {
        if (head > 0) {
            System.arraycopy(buffer, head, buffer, 0, tail - head);
            tail -= head;
            searched = Math.max(0, searched - head);
            found = found < 0 ? -1 : found - head;
            head = 0;
        }
        if (tail == buffer.length) {
            throw new IllegalStateException("a full buffer always holds a part's bytes or a header line's end");
        }
        long room = maxBodyBytes - bodyBytes; // one byte past it is enough to notice the cap
        int n = in.read(buffer, tail, room >= buffer.length - tail ? buffer.length - tail : (int) room + 1);
        if (n < 0) {
            return false;
        }
        bodyBytes += n;
        if (bodyBytes > maxBodyBytes) {
            throw new TooLargeException(maxBodyBytes);
        }
        tail += n;
        return true;
    }

    /** Finds the delimiter in what was not searched yet, or moves {@code searched} to where one could still begin. */
    private void search() {
        int i = Math.max(searched, head);
        for (int last = tail - delimiter.length; i <= last; i++) {
            if (buffer[i] == '\r' && Arrays.equals(buffer, i, i + delimiter.length, delimiter, 0, delimiter.length)) {
                found = i;
                searched = i;
                return;
            }
        }
        while (i < tail && buffer[i] != '\r') {
            i++;
        }
        searched = i;
    }

    /**
     * The parameters of a header value such as {@code form-data; name="file"; filename="a.txt"}: names
     * lower-cased, quoted values unquoted ({@code \"} and {@code \\} unescaped), a {@code name*}
     * value (RFC 5987) decoded under {@code name}, where it wins.
     */
    static Map<String, String> parameters(String value) {
        Map<String, String> parameters = new HashMap<>();
        Map<String, String> extended = new HashMap<>();
        int i = value.indexOf(';');
        while (i >= 0 && i < value.length()) {
            int eq = value.indexOf('=', i + 1);
            int semicolon = value.indexOf(';', i + 1);
            if (eq < 0 || (semicolon >= 0 && semicolon < eq)) {
                i = semicolon; // a parameter without a value
                continue;
            }
            String name = value.substring(i + 1, eq).strip().toLowerCase(Locale.ROOT);
            StringBuilder parsed = new StringBuilder();
            int j = eq + 1;
            while (j < value.length() && value.charAt(j) == ' ') {
                j++;
            }
            if (j < value.length() && value.charAt(j) == '"') {
                for (j++; j < value.length() && value.charAt(j) != '"'; j++) {
                    boolean escape = value.charAt(j) == '\\' && j + 1 < value.length()
                            && (value.charAt(j + 1) == '"' || value.charAt(j + 1) == '\\');
                    parsed.append(value.charAt(escape ? ++j : j));
                }
                j = value.indexOf(';', j);
            } else {
                int end = value.indexOf(';', j);
                parsed.append(value.substring(j, end < 0 ? value.length() : end).strip());
                j = end;
            }
            if (name.endsWith("*")) {
                String decoded = extendedValue(parsed.toString());
                if (decoded != null) {
                    extended.put(name.substring(0, name.length() - 1), decoded);
                }
            } else {
                parameters.putIfAbsent(name, parsed.toString());
            }
            i = j;
        }
        parameters.putAll(extended);
        return parameters;
    }

    /** {@code charset'language'percent-encoded} (RFC 5987) in UTF-8 or ISO-8859-1; null when malformed. */
    private static String extendedValue(String value) {
        String[] pieces = value.split("'", 3);
        if (pieces.length != 3) {
            return null;
        }
        Charset charset = switch (pieces[0].strip().toUpperCase(Locale.ROOT)) {
            case "UTF-8" -> StandardCharsets.UTF_8;
            case "ISO-8859-1" -> StandardCharsets.ISO_8859_1;
            default -> null;
        };
        if (charset == null) {
            return null;
        }
        byte[] bytes = new byte[pieces[2].length()];
        int n = 0;
        for (int i = 0; i < pieces[2].length(); i++) {
            char c = pieces[2].charAt(i);
            if (c == '%') {
                int hex = i + 2 < pieces[2].length() ? hexByte(pieces[2], i + 1) : -1;
                if (hex < 0) {
                    return null;
                }
                bytes[n++] = (byte) hex;
                i += 2;
            } else if (c < 0x80) {
                bytes[n++] = (byte) c;
            } else {
                return null; // RFC 5987 allows only ASCII outside the %-escapes
            }
        }
        return new String(bytes, 0, n, charset);
    }

    /** The two hexadecimal digits at {@code at} as a byte value, -1 when they are not. */
    private static int hexByte(String s, int at) {
        int high = Character.digit(s.charAt(at), 16);
        int low = Character.digit(s.charAt(at + 1), 16);
        return high < 0 || low < 0 ? -1 : high * 16 + low;
    }

    /** The content of the current part: its bytes up to the delimiter. */
    private final class PartStream extends InputStream {
        private boolean ended;

        @Override
        public int read() throws IOException {
            return ready() < 0 ? -1 : buffer[head++] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            int n = len == 0 ? 0 : ready();
            if (n <= 0) {
                return n;
            }
            n = Math.min(n, len);
            System.arraycopy(buffer, head, b, off, n);
            head += n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            int ready = n <= 0 ? 0 : ready();
            int skipped = (int) Math.min(Math.max(ready, 0), n);
            head += skipped;
            return skipped;
        }

        @Override
        public int available() {
            return ended || current != this ? 0 : Math.max(0, (found >= 0 ? found : searched) - head);
        }

        /** Skips the rest of the part. */
        void drain() throws IOException {
            for (int n; (n = ready()) >= 0; ) {
                head += n;
            }
        }

        /** How many of the part's bytes are buffered at {@code head} (more are read when none are); -1 at its end. */
        private int ready() throws IOException {
            if (current != this) {
                throw new IOException("The next part was asked for: this one was skipped");
            }
            if (ended) {
                return -1;
            }
            while (true) {
                if (found < 0) {
                    search();
                }
                int end = found >= 0 ? found : searched;
                if (end > head) {
                    return end - head;
                }
                if (found == head) {
                    head += delimiter.length;
                    found = -1;
                    ended = true;
                    return -1;
                }
                if (!fill()) {
                    throw new MalformedException("The multipart body ended inside a part");
                }
            }
        }
    }
}
