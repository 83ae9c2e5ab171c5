package dev.ragstream.platform.egress;

import dev.ragstream.platform.egress.EgressRefusedException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP/1.1 we speak: one {@code GET} per connection ({@code Connection: close}, identity
 * encoding), a bounded response head, and bodies framed by chunking, {@code Content-Length} or the
 * end of the connection.
 */
final class Http1Exchange {

    private static final int MAX_LINE = 8 * 1024;
    private static final int MAX_HEADER_FIELDS = 100;
    private static final int MAX_INTERIM_RESPONSES = 5;
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] ([1-5]\\d\\d)(?: .*)?");
    private static final Pattern FIELD_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern CONTENT_LENGTH = Pattern.compile("\\d{1,18}");

    /** A final response's status and header fields (names case-insensitive, values in order). */
    record Head(int status, Map<String, List<String>> headers) {

        Optional<String> first(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }
    }

    private Http1Exchange() {
    }

    static void writeRequest(OutputStream out, EgressUrl url, String userAgent) throws IOException {
        String request = "GET " + url.pathAndQuery() + " HTTP/1.1\r\n"
                + "Host: " + url.authority() + "\r\n"
                + "User-Agent: " + userAgent + "\r\n"
                + "Accept: */*\r\n"
                + "Accept-Encoding: identity\r\n"
                + "Connection: close\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads up to the first final (non-1xx) response head. */
    static Head readHead(InputStream in, String origin) throws IOException {
        for (int interim = 0; interim <= MAX_INTERIM_RESPONSES; interim++) {
            String statusLine = readLine(in, origin);
            if (statusLine == null) {
                throw invalid(origin, "the server closed the connection without a response");
            }
            Matcher status = STATUS_LINE.matcher(statusLine);
            if (!status.matches()) {
                throw invalid(origin, "the response does not start with an HTTP/1.x status line");
            }
            Head head = new Head(Integer.parseInt(status.group(1)), readFields(in, origin));
            if (head.status() == 101) {
                throw invalid(origin, "the server switched protocols");
            }
            if (head.status() >= 200) {
                return head;
            }
        }
        throw invalid(origin, "too many interim responses");
    }

    /** The body as the head frames it, capped at {@code maxBytes}; closing it closes the connection. */
    static InputStream body(Head head, InputStream in, long maxBytes, String origin) throws EgressRefusedException {
        InputStream framed;
        Optional<String> transferEncoding = head.first("Transfer-Encoding");
        if (head.status() == 204 || head.status() == 304) {
            framed = new FixedLengthInputStream(in, 0, origin);
        } else if (transferEncoding.isPresent()) {
            if (head.headers().get("Transfer-Encoding").size() > 1 || !transferEncoding.get().equalsIgnoreCase("chunked")) {
                throw invalid(origin, "unsupported transfer coding");
            }
            framed = new ChunkedInputStream(in, origin);
        } else if (head.headers().containsKey("Content-Length")) {
            long length = contentLength(head.headers().get("Content-Length"), origin);
            if (length > maxBytes) {
                throw CappedInputStream.tooLarge(origin, maxBytes);
            }
            framed = new FixedLengthInputStream(in, length, origin);
        } else {
            framed = in;
        }
        return new CappedInputStream(framed, maxBytes, origin);
    }

    /**
     * One line, without its CRLF (a bare LF is accepted), bytes read as ISO-8859-1.
     *
     * @return null at the end of the stream before any byte
     */
    static String readLine(InputStream in, String origin) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != -1; ) {
            if (c == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            if (line.length() == MAX_LINE) {
                throw invalid(origin, "a response line is longer than " + MAX_LINE + " bytes");
            }
            line.append((char) c);
        }
        if (line.length() == 0) {
            return null;
        }
        throw invalid(origin, "the response head is truncated");
    }

    static EgressRefusedException invalid(String origin, String message) {
        return new EgressRefusedException(Reason.INVALID_RESPONSE, origin + ": " + message);
    }

    private static Map<String, List<String>> readFields(InputStream in, String origin) throws IOException {
        Map<String, List<String>> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int count = 0; ; count++) {
            String line = readLine(in, origin);
            if (line == null) {
                throw invalid(origin, "the response head is truncated");
            }
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (count == MAX_HEADER_FIELDS || colon <= 0 || !FIELD_NAME.matcher(line.substring(0, colon)).matches()) {
                throw invalid(origin, "malformed or too many header fields");
            }
            fields.computeIfAbsent(line.substring(0, colon), name -> new ArrayList<>()).add(line.substring(colon + 1).strip());
        }
        fields.replaceAll((name, values) -> List.copyOf(values));
        return Collections.unmodifiableMap(fields);
    }

    /** Repeated or list-valued {@code Content-Length} must agree on one number. */
    private static long contentLength(List<String> values, String origin) throws EgressRefusedException {
        List<String> lengths = values.stream().flatMap(v -> List.of(v.split(",", -1)).stream()).map(String::strip).distinct().toList();
        if (lengths.size() != 1 || !CONTENT_LENGTH.matcher(lengths.get(0)).matches()) {
            throw invalid(origin, "malformed Content-Length");
        }
        return Long.parseLong(lengths.get(0));
    }
}
