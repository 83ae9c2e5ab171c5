package dev.ragstream.ingest.conversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import dev.ragstream.ingest.conversion.DocumentConverter.ConvertedDocument;
import dev.ragstream.platform.kafka.PermanentException;
import dev.ragstream.testsupport.fixtures.Fixtures;
import java.io.ByteArrayInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.assertj.core.api.AbstractStringAssert;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tests of this class up to {@link TikaSpecifics} use only the {@link DocumentConverter} port
 * and {@link #converter(int)}: they are the future {@code DocumentConverterContract}.
 */
class TikaDocumentConverterTest {

    private static final int LARGE = 1_000_000;

    /** The implementation under test, keeping at most {@code maxChars} characters of a document. */
    DocumentConverter converter(int maxChars) {
        return new TikaDocumentConverter(maxChars);
    }

    @Test
    void turnsHtmlHeadingsListsAndParagraphsIntoMarkdown() {
        String markdown = convert(Fixtures.bytes(Fixtures.PRODUCT), "product.html", "text/html").markdown();

        assertThat(markdown.lines()).startsWith("# Kestrel K2 Autonomous Mobile Robot: Product Notes")
                .contains("## Specifications", "## Safety and Certification", "## Deprecations",
                        "- Payload: up to 120 kg on the top plate, or 300 kg when towing a cart",
                        "- Weight: 148 kg without payload",
                        "- Battery percentage may read 3% low for the first ten minutes after a firmware update.");
        assertThat(markdown).contains("\n\n## Specifications\n\n",
                "It replaces the Kestrel K1, which reached end of sale on 30 June 2024.");
    }

    @Test
    void htmlSourceIndentationDoesNotLeakIntoTheMarkdown() {
        String markdown = convert(Fixtures.bytes(Fixtures.PRODUCT), "product.html", "text/html").markdown();

        assertThat(markdown.lines()).noneMatch(line -> line.startsWith(" ") || line.contains("  "));
        assertThat(markdown).contains("- Payload: up to 120 kg on the top plate, or 300 kg when towing a cart\n"
                + "- Runtime: 9.5 hours on one charge at typical duty\n");
    }

    @Test
    void detectsHtmlWithoutAFileExtensionOrContentType() {
        String markdown = convert(Fixtures.bytes(Fixtures.PRODUCT), "upload", null).markdown();

        assertThat(markdown.lines()).contains("## Specifications", "- Maximum ramp slope: 6 degrees");
    }

    @Test
    void tablesBecomeMarkdownTablesWithTheFirstRowAsHeader() {
        String html = """
                <html><body><p>Before.</p><table>
                <tr><th>Drink</th><th>Price | EUR</th></tr>
                <tr><td>Espresso</td><td> 2.80 </td></tr>
                <tr><td><p>Flat</p><p>white</p></td><td>3.40</td><td>new</td></tr>
                <tr><td>Nested <table><tr><td>inner</td></tr></table></td></tr>
                </table><p>After.</p></body></html>
                """;

        String markdown = convert(html.getBytes(StandardCharsets.UTF_8), "prices.html", "text/html").markdown();

        assertThat(markdown).isEqualTo("""
                Before.

                | Drink | Price \\| EUR | |
                | --- | --- | --- |
                | Espresso | 2.80 | |
                | Flat white | 3.40 | new |
                | Nested inner | | |

                After.""");
    }

    @Test
    void everyPdfPageStartsWithAPageMarkerAndThePagesAreCounted() throws Exception {
        byte[] pdf;
        try (var doc = new org.apache.pdfbox.pdmodel.PDDocument(); var out = new java.io.ByteArrayOutputStream()) {
            for (String line : new String[] {"First page text.", "Second page text."}) {
                var page = new org.apache.pdfbox.pdmodel.PDPage();
                doc.addPage(page);
                try (var text = new org.apache.pdfbox.pdmodel.PDPageContentStream(doc, page)) {
                    text.beginText();
                    text.setFont(new org.apache.pdfbox.pdmodel.font.PDType1Font(
                            org.apache.pdfbox.pdmodel.font.Standard14Fonts.FontName.HELVETICA), 12);
                    text.newLineAtOffset(72, 720);
                    text.showText(line);
                    text.endText();
                }
            }
            doc.save(out);
            pdf = out.toByteArray();
        }

        ConvertedDocument converted = convert(pdf, "two.pdf", "application/pdf");

        assertThat(converted.markdown()).isEqualTo("<!-- page 1 -->\n\nFirst page text.\n\n<!-- page 2 -->\n\nSecond page text.");
        assertThat(converted.metadata()).containsEntry("pages", "2");
    }

    @Test
    void embeddedDocumentsAreParsedUpToACountAndADepth() {
        String inner = mime("Inner", "inner body", attachment("deep.txt", "deepest walrus"));
        String mail = mime("Outer", "outer body", attachment("one.txt", "first alpha"), attachment("two.txt", "second beta"),
                "Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename=\"inner.eml\"\r\n\r\n" + inner);

        ConvertedDocument all = new TikaDocumentConverter(1_000_000)
                .convert(new java.io.ByteArrayInputStream(mail.getBytes(StandardCharsets.UTF_8)), "mail.eml", "message/rfc822");
        assertThat(all.markdown()).contains("outer body", "first alpha", "second beta", "inner body", "deepest walrus");
        assertThat(all.metadata()).doesNotContainKey("embedded_limit_reached");

        ConvertedDocument twoShallow = new TikaDocumentConverter(1_000_000, 2, 1)
                .convert(new java.io.ByteArrayInputStream(mail.getBytes(StandardCharsets.UTF_8)), "mail.eml", "message/rfc822");
        assertThat(twoShallow.markdown()).contains("outer body", "first alpha", "second beta")
                .doesNotContain("inner body", "deepest walrus");
        assertThat(twoShallow.metadata()).containsEntry("embedded_limit_reached", "true");

        ConvertedDocument oneLevel = new TikaDocumentConverter(1_000_000, 10, 1)
                .convert(new java.io.ByteArrayInputStream(mail.getBytes(StandardCharsets.UTF_8)), "mail.eml", "message/rfc822");
        assertThat(oneLevel.markdown()).contains("inner body").doesNotContain("deepest walrus");
    }

    private static String mime(String subject, String body, String... parts) {
        String boundary = "b-" + subject;
        StringBuilder mail = new StringBuilder("From: a@example.com\r\nTo: b@example.com\r\nSubject: " + subject
                + "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n--" + boundary
                + "\r\nContent-Type: text/plain\r\n\r\n" + body + "\r\n");
        for (String part : parts) {
            mail.append("--").append(boundary).append("\r\n").append(part).append("\r\n");
        }
        return mail.append("--").append(boundary).append("--\r\n").toString();
    }

    private static String attachment(String name, String text) {
        return "Content-Type: text/plain; name=\"" + name + "\"\r\nContent-Disposition: attachment; filename=\"" + name
                + "\"\r\n\r\n" + text;
    }

    @Test
    void aTitleThatIsNotInTheTextHeadsIt() {
        String mail = "From: a@example.com\r\nTo: b@example.com\r\nSubject: Shipment delayed\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n\r\nThe tugboat is late.\r\n";

        String markdown = convert(mail.getBytes(StandardCharsets.UTF_8), "delay.eml", "message/rfc822").markdown();

        assertThat(markdown).startsWith("# Shipment delayed\n\n").contains("The tugboat is late.");
    }

    @Test
    void leavesOutScriptAndStyleText() {
        String html = """
                <html><head><title>Page</title><style>.banner { color: red }</style>
                <script>var tracker = "head-script";</script></head>
                <body><h1>Visible heading</h1><script>alert("body-script")</script>
                <p>Visible text.</p><style>p { margin: 0 }</style><noscript>enable scripts</noscript></body></html>
                """;

        String markdown = convert(html.getBytes(StandardCharsets.UTF_8), "page.html", "text/html").markdown();

        assertThat(markdown).contains("# Visible heading", "Visible text.")
                .doesNotContain("color", "tracker", "head-script", "alert", "body-script", "margin");
    }

    @Test
    void takesTheTitleFromTheHtmlTitleElement() {
        ConvertedDocument converted = convert(Fixtures.bytes(Fixtures.PRODUCT), "product.html", "text/html");

        assertThat(converted.metadata()).containsEntry("title", "Kestrel K2 Product Notes - Northwind Robotics")
                .doesNotContainKey("truncated");
        assertThat(converted.markdown()).doesNotContain("Product Notes - Northwind Robotics");
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "docs/handbook.md,   handbook.md,  null",
            "docs/handbook.md,   upload,       text/markdown",
            "docs/faq.txt,       faq.txt,      null",
            "docs/faq.txt,       upload,       text/plain",
            "docs/zebra-facts.txt, upload,     text/plain; charset=UTF-8",
            "docs/zebra-facts.txt, zebras.TXT, application/octet-stream"})
    void passesMarkdownAndPlainTextThroughUnchanged(String fixture, String filename, String contentType) {
        ConvertedDocument converted = convert(Fixtures.bytes(fixture), filename, contentType);

        assertThat(converted.markdown()).isEqualTo(Fixtures.string(fixture).strip());
        assertThat(converted.metadata()).doesNotContainKey("truncated");
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "empty.txt,  text/plain", "empty.md, null", "empty.html, text/html",
            "empty.pdf,  application/pdf", "empty.docx, null", "empty, null"})
    void emptyFileHasNoExtractableText(String filename, String contentType) {
        assertRejected(new byte[0], filename, contentType).isEqualTo("no_extractable_text");
    }

    @Test
    void whitespaceOnlyTextHasNoExtractableText() {
        assertRejected(" \n\t\r\n  ".getBytes(StandardCharsets.UTF_8), "blank.txt", "text/plain")
                .isEqualTo("no_extractable_text");
    }

    @Test
    void htmlWithoutTextHasNoExtractableText() {
        byte[] html = "<html><head><title>Empty</title></head><body><div> </div></body></html>".getBytes(StandardCharsets.UTF_8);

        assertRejected(html, "empty.html", "text/html").isEqualTo("no_extractable_text");
    }

    @Test
    void anArchiveThatInflatesFarBeyondItsCompressedSizeIsRefusedBeforeParsing() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(out)) {
            zip.putNextEntry(new java.util.zip.ZipEntry("content.xml"));
            zip.write(new byte[8 << 20]); // 8 MB of zeros: about 8 KB compressed
            zip.closeEntry();
        }

        assertRejected(out.toByteArray(), "bomb.odt", null).isEqualTo("compression_ratio_exceeded");
    }

    @Test
    void binaryGarbageDeclaredAsTextIsRejectedAsUnsupported() {
        byte[] garbage = new byte[4000];
        new Random(42).nextBytes(garbage);

        assertRejected(garbage, "notes.txt", "text/plain").isEqualTo("unsupported_type");
    }

    @Test
    void binaryWithoutZeroBytesDeclaredAsTextIsRejectedAsUnsupported() {
        byte[] garbage = new byte[4000];
        new Random(7).nextBytes(garbage);
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (garbage[i] | 0x80);
        }

        assertRejected(garbage, "notes.txt", "text/plain").isEqualTo("unsupported_type");
    }

    @Test
    void cutsTextAtMaxCharsAndSaysSo() {
        String handbook = Fixtures.string(Fixtures.HANDBOOK);

        ConvertedDocument converted = converter(1000).convert(
                new ByteArrayInputStream(Fixtures.bytes(Fixtures.HANDBOOK)), "handbook.md", null);

        assertThat(converted.markdown()).hasSizeLessThanOrEqualTo(1000).isNotBlank();
        assertThat(handbook).startsWith(converted.markdown());
        assertThat(converted.metadata()).containsEntry("truncated", "true");
    }

    @Test
    void cutsHtmlAtMaxCharsAndSaysSo() {
        ConvertedDocument converted = converter(300).convert(
                new ByteArrayInputStream(Fixtures.bytes(Fixtures.PRODUCT)), "product.html", "text/html");

        assertThat(converted.markdown()).hasSizeLessThanOrEqualTo(300)
                .startsWith("# Kestrel K2").doesNotContain("Deprecations");
        List<String> lines = converted.markdown().lines().toList();
        assertThat(lines.get(lines.size() - 1)).as("last line is text, not an empty heading or list marker")
                .matches(".*\\w.*");
        assertThat(converted.metadata()).containsEntry("truncated", "true");
    }

    @Test
    void textExactlyAtMaxCharsIsNotTruncated() {
        byte[] text = "x".repeat(1000).getBytes(StandardCharsets.UTF_8);

        ConvertedDocument converted = converter(1000).convert(new ByteArrayInputStream(text), "x.txt", "text/plain");

        assertThat(converted.markdown()).hasSize(1000);
        assertThat(converted.metadata()).doesNotContainKey("truncated");
    }

    /** What only Tika's conversion promises: text decoding and the shape of its HTML output. */
    @Nested
    class TikaSpecifics {

        @Test
        void dropsAUtf8ByteOrderMarkSoTheFirstHeadingStaysAHeading() {
            byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
            byte[] markdown = concat(bom, "# Title\n\nBody.".getBytes(StandardCharsets.UTF_8));

            assertThat(convert(markdown, "notes.md", null).markdown()).isEqualTo("# Title\n\nBody.");
        }

        @Test
        void decodesUtf16TextWithAByteOrderMark() {
            byte[] text = "# Größe\n\nÜber Zebras.".getBytes(StandardCharsets.UTF_16);

            assertThat(convert(text, "notes.txt", "text/plain").markdown()).isEqualTo("# Größe\n\nÜber Zebras.");
        }

        @Test
        void readsLegacyWindows1252TextWithoutReplacementCharacters() {
            byte[] text = "Café opening hours: 9–17, Monday to Friday.".getBytes(Charset.forName("windows-1252"));

            assertThat(convert(text, "hours.txt", "text/plain").markdown())
                    .isEqualTo("Café opening hours: 9–17, Monday to Friday.");
        }

        @Test
        void honoursTheDeclaredCharset() {
            byte[] text = "Ελληνικά κείμενα".getBytes(Charset.forName("ISO-8859-7"));

            assertThat(convert(text, "greek.txt", "text/plain; charset=ISO-8859-7").markdown())
                    .isEqualTo("Ελληνικά κείμενα");
        }

        @Test
        void listItemsWrappedInParagraphsStayListItems() {
            String html = "<html><body><ul><li><p>First item</p></li><li>Second item</li></ul></body></html>";

            String markdown = convert(html.getBytes(StandardCharsets.UTF_8), "list.html", "text/html").markdown();

            assertThat(markdown.lines()).contains("- First item", "- Second item").doesNotContain("-");
        }

        @Test
        void keepsPreformattedTextVerbatimInsideACodeFence() {
            String html = "<html><body><h1>Setup</h1><pre># install\nmake   all\n</pre><p>Done.</p></body></html>";

            String markdown = convert(html.getBytes(StandardCharsets.UTF_8), "setup.html", "text/html").markdown();

            assertThat(markdown).isEqualTo("# Setup\n\n```\n# install\nmake   all\n```\n\nDone.");
        }
    }

    private ConvertedDocument convert(byte[] bytes, String filename, String contentType) {
        return converter(LARGE).convert(new ByteArrayInputStream(bytes), filename, contentType);
    }

    /** Asserts that conversion fails permanently, and returns an assertion on the reason. */
    private AbstractStringAssert<?> assertRejected(byte[] bytes, String filename, String contentType) {
        AbstractThrowableAssert<?, ? extends Throwable> thrown =
                assertThatThrownBy(() -> convert(bytes, filename, contentType)).isInstanceOf(PermanentException.class);
        return thrown.asInstanceOf(type(PermanentException.class)).extracting(PermanentException::reason)
                .asString();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
