package dev.ragstream.gateway.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultipartFormTest {

    private static final String BOUNDARY = "----rsBoundary7MA4YWxkTrZu0gW";

    /** A part as sent or received: its content as ISO-8859-1, a string with one char per byte that compares by value. */
    private record Sent(String field, String filename, String content) {
        Sent(String field, String filename, byte[] content) {
            this(field, filename, new String(content, StandardCharsets.ISO_8859_1));
        }

        byte[] bytes() {
            return content.getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void readsFieldsAndFilesWithTheirExactBytesAroundPreambleTransportPaddingAndEpilogue() throws IOException {
        byte[] tricky = ("line\r\n--" + BOUNDARY.substring(0, 10) + "\r\r\n--\r\n-" + BOUNDARY + "x\r").getBytes(StandardCharsets.UTF_8);
        String body = "a preamble to ignore\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"topic\"\r\n\r\ntravel"
                + "\r\n--" + BOUNDARY + " \t\r\ncontent-disposition: form-data; name=file; filename=\"a \\\"b\\\".txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n" + new String(tricky, StandardCharsets.UTF_8)
                + "\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"empty.txt\"\r\n\r\n"
                + "\r\n--" + BOUNDARY + "--\r\nan epilogue, not read";
        MultipartForm form = form(body.getBytes(StandardCharsets.UTF_8), 1);

        MultipartForm.Part topic = form.next();
        assertThat(topic.isFile()).isFalse();
        assertThat(topic.field()).isEqualTo("topic");
        assertThat(topic.content().readAllBytes()).asString().isEqualTo("travel");
        MultipartForm.Part file = form.next();
        assertThat(file.filename()).isEqualTo("a \"b\".txt");
        assertThat(file.content().readAllBytes()).isEqualTo(tricky);
        MultipartForm.Part empty = form.next();
        assertThat(empty.filename()).isEqualTo("empty.txt");
        assertThat(empty.content().read()).isEqualTo(-1);
        assertThat(form.next()).isNull();
        assertThat(form.next()).isNull();
    }

    @Test
    void readsTheSamePartsHoweverTheBodyArrives() throws IOException {
        Random random = new Random(7);
        byte[] alphabet = ("\r\n-" + BOUNDARY + "ab").getBytes(StandardCharsets.ISO_8859_1);
        for (int round = 0; round < 200; round++) {
            List<Sent> sent = new ArrayList<>();
            for (int i = random.nextInt(4); i >= 0; i--) {
                byte[] content = new byte[random.nextInt(round % 10 == 0 ? 300_000 : 3_000)];
                for (int b = 0; b < content.length; b++) { // dense in CRs, dashes and pieces of the boundary
                    content[b] = random.nextBoolean() ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt(256);
                }
                sent.add(new Sent(random.nextBoolean() ? "file" : "topic", random.nextBoolean() ? "f" + i + ".bin" : null, content));
            }
            byte[] body = body(sent);
            assertThat(received(form(body, Integer.MAX_VALUE))).isEqualTo(sent);
            assertThat(received(form(body, 1 + random.nextInt(13)))).isEqualTo(sent);
        }
    }

    @Test
    void aPartLeftUnreadIsSkippedAndCannotBeReadAfterTheNext() throws IOException {
        byte[] body = body(List.of(new Sent("file", "a.txt", new byte[200_000]), new Sent("topic", null, "x")));
        MultipartForm form = form(body, 4096);
        MultipartForm.Part first = form.next();
        assertThat(first.content().read()).isZero();
        MultipartForm.Part second = form.next();
        assertThat(second.content().readAllBytes()).asString().isEqualTo("x");
        assertThatThrownBy(() -> first.content().read()).isInstanceOf(IOException.class).hasMessageContaining("skipped");
    }

    @Test
    void theBodyIsReadUpToItsCapWhicheverPartsHoldTheBytes() throws IOException {
        byte[] body = body(List.of(new Sent("padding", null, new byte[300_000]), new Sent("file", "a.txt", "small")));
        assertThat(received(form(body, 8192, body.length))).extracting(Sent::field).containsExactly("padding", "file");

        MultipartForm capped = form(body, 8192, body.length - 1);
        assertThat(capped.next().field()).isEqualTo("padding");
        assertThatThrownBy(capped::next).as("skipping the unread part reads past the cap")
                .isInstanceOf(MultipartForm.TooLargeException.class);
        MultipartForm read = form(body, 8192, 100_000);
        MultipartForm.Part padding = read.next();
        assertThatThrownBy(() -> padding.content().readAllBytes()).isInstanceOf(MultipartForm.TooLargeException.class);
    }

    @Test
    void aBodyThatEndsBeforeItsCloseDelimiterIsMalformed() throws IOException {
        String open = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nsome text";
        MultipartForm.Part part = form(open.getBytes(StandardCharsets.UTF_8), 3).next();
        assertThatThrownBy(() -> part.content().readAllBytes()).isInstanceOf(MultipartForm.MalformedException.class);

        MultipartForm afterDelimiter = form(("--" + BOUNDARY).getBytes(StandardCharsets.UTF_8), 5);
        assertThatThrownBy(afterDelimiter::next).isInstanceOf(MultipartForm.MalformedException.class);
        MultipartForm noLineBreak = form(("--" + BOUNDARY + "garbage\r\n").getBytes(StandardCharsets.UTF_8), 5);
        assertThatThrownBy(noLineBreak::next).isInstanceOf(MultipartForm.MalformedException.class);
        MultipartForm noBoundary = form("no boundary anywhere".getBytes(StandardCharsets.UTF_8), 5);
        assertThatThrownBy(noBoundary::next).isInstanceOf(MultipartForm.MalformedException.class);
    }

    @Test
    void aContentTypeWithoutAValidBoundaryIsMalformed() {
        InputStream empty = InputStream.nullInputStream();
        for (String type : new String[] {"multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=\"a\rb\"",
                "multipart/form-data; boundary=" + "x".repeat(71), "multipart/form-data; boundary=\"ends with space \""}) {
            assertThatThrownBy(() -> new MultipartForm(empty, type, Long.MAX_VALUE)).as(type).isInstanceOf(MultipartForm.MalformedException.class);
        }
    }

    @Test
    void headersLongerThanEightKilobytesAreMalformed() throws IOException {
        String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nX-Padding: "
                + "p".repeat(9_000) + "\r\n\r\ntext\r\n--" + BOUNDARY + "--\r\n";
        MultipartForm form = form(body.getBytes(StandardCharsets.UTF_8), 1000);
        assertThatThrownBy(form::next).isInstanceOf(MultipartForm.MalformedException.class).hasMessageContaining("8192");
    }

    @Test
    void aPartWithoutAFieldNameIsSkipped() throws IOException {
        String body = "--" + BOUNDARY + "\r\nContent-Type: text/plain\r\n\r\nnameless\r\n--" + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"topic\"\r\n\r\nnamed\r\n--" + BOUNDARY + "--";
        MultipartForm form = form(body.getBytes(StandardCharsets.UTF_8), 7);
        MultipartForm.Part part = form.next();
        assertThat(part.field()).isEqualTo("topic");
        assertThat(part.content().readAllBytes()).asString().isEqualTo("named");
        assertThat(form.next()).isNull();
    }

    @Test
    void parametersAreUnquotedAndAnExtendedFilenameWins() {
        assertThat(MultipartForm.parameters("form-data; NAME=\"file\"; filename=\"r\u00e9sum\u00e9.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt"))
                .containsEntry("name", "file").containsEntry("filename", "\u20ac rates.txt");
        assertThat(MultipartForm.parameters("form-data; name=topic ; filename=\"C:\\docs\\a.txt\""))
                .containsEntry("name", "topic").containsEntry("filename", "C:\\docs\\a.txt");
        assertThat(MultipartForm.parameters("form-data; name=\"a;b\"; flag; filename*=UTF-8''%ZZ"))
                .containsEntry("name", "a;b").doesNotContainKey("filename");
        assertThat(MultipartForm.parameters("form-data; filename=\"plain.txt\"; filename*=UTF-8''r\u00e9sum\u00e9.txt"))
                .as("raw non-ASCII is no RFC 5987 value").containsEntry("filename", "plain.txt");
        assertThat(MultipartForm.parameters("multipart/form-data; boundary=\"quoted boundary\"")).containsEntry("boundary", "quoted boundary");
    }

    private static List<Sent> received(MultipartForm form) throws IOException {
        List<Sent> received = new ArrayList<>();
        for (MultipartForm.Part part; (part = form.next()) != null; ) {
            received.add(new Sent(part.field(), part.filename(), part.content().readAllBytes()));
        }
        return received;
    }

    private static byte[] body(List<Sent> parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Sent part : parts) {
            body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + part.field() + "\""
                    + (part.filename() == null ? "" : "; filename=\"" + part.filename() + "\"") + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(part.bytes());
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    /** A form over {@code body} that arrives at most {@code chunk} bytes per read. */
    private static MultipartForm form(byte[] body, int chunk) throws IOException {
        return form(body, chunk, Long.MAX_VALUE);
    }

    private static MultipartForm form(byte[] body, int chunk, long maxBodyBytes) throws IOException {
        InputStream in = new ByteArrayInputStream(body) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
        return new MultipartForm(in, "multipart/form-data; boundary=" + BOUNDARY, maxBodyBytes);
    }
}
