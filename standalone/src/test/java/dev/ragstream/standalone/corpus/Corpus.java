package dev.ragstream.standalone.corpus;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.poi.xslf.usermodel.XMLSlideShow;
import org.apache.poi.xslf.usermodel.XSLFTextBox;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFTable;

/**
 * The conversion corpus: one document per supported format and the hostile ones, generated here
 * (PDFBox, Apache POI, hand-built ZIP containers) with the outcome each must have in the pipeline.
 * Each indexable document carries marker words that must reach the index.
 */
public final class Corpus {

    /** What must become of a document: indexed with its markers, failed with a reason, or refused at upload. */
    public record Outcome(String status, String reason, int httpStatus) {
        static Outcome indexed() {
            return new Outcome("indexed", null, 202);
        }

        static Outcome failed(String reason) {
            return new Outcome("failed", reason, 202);
        }

        static Outcome refused(int httpStatus) {
            return new Outcome(null, null, httpStatus);
        }
    }

    /**
     * @param markers   words that must be in the document's chunks when it is indexed
     * @param forbidden text that must never reach the index (e.g. what an external entity would pull in)
     */
    public record Case(String filename, byte[] content, Outcome outcome, List<String> markers, List<String> forbidden) {
        @Override
        public String toString() {
            return filename;
        }
    }

    /** Contents of {@code /etc/passwd}'s first line on every Linux machine: must never be indexed. */
    static final String PASSWD = "root:x:0:0";

    private Corpus() {
    }

    public static List<Case> cases() {
        return List.of(
                new Case("manual.pdf", textPdf(), Outcome.indexed(), List.of("pelican", "turbine", "hydrant"), List.of()),
                new Case("scan.pdf", scannedPdf(), Outcome.failed("no_extractable_text"), List.of(), List.of()),
                new Case("locked.pdf", encryptedPdf(), Outcome.failed("encrypted_document"), List.of(), List.of()),
                new Case("broken.pdf", corruptPdf(), Outcome.failed("corrupt_document"), List.of(), List.of()),
                new Case("report.docx", docx(), Outcome.indexed(), List.of("marmalade", "Quarterly", "| Zone"), List.of()),
                new Case("slides.pptx", pptx(), Outcome.indexed(), List.of("lighthouse", "harbour"), List.of()),
                new Case("prices.xlsx", xlsx(), Outcome.indexed(), List.of("| Espresso", "| 2.80", "Prices"), List.of()),
                new Case("letter.odt", odt(), Outcome.indexed(), List.of("Saffron", "kettle", "Kitchen letter"), List.of()),
                new Case("memo.rtf", rtf(), Outcome.indexed(), List.of("cobblestone"), List.of()),
                new Case("page.html", html(), Outcome.indexed(), List.of("walrus", "glacier"), List.of("alert(")),
                new Case("notes.md", markdown(), Outcome.indexed(), List.of("hazelnut", "Parental leave"), List.of()),
                new Case("stock.csv", csv(), Outcome.indexed(), List.of("rutabaga"), List.of()),
                new Case("delay.eml", eml(), Outcome.indexed(), List.of("tugboat", "Shipment delayed"), List.of()),
                new Case("novel.epub", epub(), Outcome.indexed(), List.of("albatross", "lantern"), List.of()),
                new Case("xxe.docx", docxWithExternalEntity(), Outcome.failed("corrupt_document"), List.of(), List.of(PASSWD)),
                new Case("laughs.docx", docxWithBillionLaughs(), Outcome.failed("corrupt_document"), List.of(), List.of("lollollol")),
                new Case("laughs.xml", billionLaughsXml(), Outcome.refused(415), List.of(), List.of()),
                new Case("bomb.zip", zipBomb(), Outcome.refused(413), List.of(), List.of()),
                new Case("bomb.docx", docxBomb(), Outcome.failed("compression_ratio_exceeded"), List.of(), List.of()));
    }

    static byte[] textPdf() {
        try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            String[][] pages = {
                    {"Maintenance manual", "Page one: the pelican pump is checked every morning."},
                    {"Chapter two", "Page two: the turbine is inspected every Friday by two technicians."},
                    {"Chapter three", "Page three: each fire hydrant is flushed twice a year."}};
            for (String[] lines : pages) {
                PDPage page = new PDPage();
                doc.addPage(page);
                try (PDPageContentStream text = new PDPageContentStream(doc, page)) {
                    text.beginText();
                    text.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                    text.newLineAtOffset(72, 720);
                    for (String line : lines) {
                        text.showText(line);
                        text.newLineAtOffset(0, -18);
                    }
                    for (int i = 1; i <= 6; i++) { // enough text that each page becomes a chunk of its own
                        text.showText("Step " + i + ": write the date, the reading and your initials into the maintenance log.");
                        text.newLineAtOffset(0, -18);
                    }
                    text.endText();
                }
            }
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A page that is only a picture (a scan without a text layer). */
    static byte[] scannedPdf() {
        try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDPage page = new PDPage();
            doc.addPage(page);
            BufferedImage image = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
            var g = image.createGraphics();
            g.drawString("scanned words are pixels", 10, 50);
            g.dispose();
            try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
                content.drawImage(LosslessFactory.createFromImage(doc, image), 72, 500);
            }
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] encryptedPdf() {
        try (PDDocument doc = org.apache.pdfbox.Loader.loadPDF(textPdf()); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-secret", "user-secret", new AccessPermission());
            policy.setEncryptionKeyLength(128);
            doc.protect(policy);
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A PDF header with a broken body: no readable object, no cross-reference table. */
    static byte[] corruptPdf() {
        byte[] valid = textPdf();
        byte[] broken = Arrays.copyOf(valid, valid.length / 3);
        for (int i = 400; i < broken.length; i += 7) {
            broken[i] = (byte) (broken[i] ^ 0x5A);
        }
        return broken;
    }

    static byte[] docx() {
        try (XWPFDocument doc = new XWPFDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            doc.createParagraph().createRun().setText("Quarterly warehouse report");
            doc.createParagraph().createRun().setText("The marmalade stock lasts until the end of the quarter.");
            XWPFTable table = doc.createTable(3, 2);
            String[][] cells = {{"Zone", "Pallets"}, {"North", "120"}, {"South", "85"}};
            for (int r = 0; r < cells.length; r++) {
                for (int c = 0; c < 2; c++) {
                    table.getRow(r).getCell(c).setText(cells[r][c]);
                }
            }
            doc.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] pptx() {
        try (XMLSlideShow slides = new XMLSlideShow(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            String[] texts = {"The lighthouse keeper arrives at dawn.", "The harbour closes at nine in winter."};
            for (String text : texts) {
                XSLFTextBox box = slides.createSlide().createTextBox();
                box.setAnchor(new java.awt.Rectangle(50, 50, 500, 100));
                box.setText(text);
            }
            slides.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] xlsx() {
        try (XSSFWorkbook book = new XSSFWorkbook(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            XSSFSheet sheet = book.createSheet("Prices");
            Object[][] rows = {{"Drink", "Price"}, {"Espresso", 2.8}, {"Cappuccino", 3.4}};
            for (int r = 0; r < rows.length; r++) {
                var row = sheet.createRow(r);
                for (int c = 0; c < rows[r].length; c++) {
                    if (rows[r][c] instanceof Double d) {
                        row.createCell(c).setCellValue(d);
                    } else {
                        row.createCell(c).setCellValue((String) rows[r][c]);
                    }
                }
            }
            var format = book.createCellStyle();
            format.setDataFormat(book.createDataFormat().getFormat("0.00"));
            sheet.getRow(1).getCell(1).setCellStyle(format);
            sheet.getRow(2).getCell(1).setCellStyle(format);
            book.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] odt() {
        String content = """
                <?xml version="1.0" encoding="UTF-8"?>
                <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
                    xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
                  <office:body><office:text>
                    <text:h text:outline-level="1">Kitchen letter</text:h>
                    <text:p>Saffron is kept in the top drawer next to the kettle.</text:p>
                  </office:text></office:body>
                </office:document-content>""";
        String manifest = """
                <?xml version="1.0" encoding="UTF-8"?>
                <manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
                  <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
                  <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
                </manifest:manifest>""";
        return zip("application/vnd.oasis.opendocument.text", "content.xml", content, "META-INF/manifest.xml", manifest);
    }

    static byte[] rtf() {
        return "{\\rtf1\\ansi{\\fonttbl\\f0\\fswiss Helvetica;}\\f0\\pard The cobblestone path was repaired in May.\\par}"
                .getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] html() {
        return """
                <!doctype html><html><head><title>Arctic page</title><script>alert("x")</script></head>
                <body><h1>Arctic animals</h1><p>The walrus rests on the glacier edge.</p></body></html>"""
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] markdown() {
        return """
                # Handbook

                ## Leave

                ### Parental leave

                Employees may take parental leave; the hazelnut committee approves it within a week.
                """.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] csv() {
        return "sku,item,stock\nV-1,rutabaga,40\nV-2,parsnip,12\n".getBytes(StandardCharsets.UTF_8);
    }

    static byte[] eml() {
        return ("From: Dispatch <dispatch@example.com>\r\nTo: Sales <sales@example.com>\r\nSubject: Shipment delayed\r\n"
                + "Date: Tue, 3 Mar 2026 10:00:00 +0000\r\nMessage-ID: <corpus-1@example.com>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n\r\n"
                + "The tugboat is late; the shipment arrives on Thursday instead.\r\n").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] epub() {
        String container = """
                <?xml version="1.0"?>
                <container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
                  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
                </container>""";
        String opf = """
                <?xml version="1.0" encoding="UTF-8"?>
                <package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
                  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
                    <dc:identifier id="id">corpus-novel</dc:identifier><dc:title>Sea novel</dc:title><dc:language>en</dc:language>
                  </metadata>
                  <manifest><item id="c1" href="chapter1.xhtml" media-type="application/xhtml+xml"/></manifest>
                  <spine><itemref idref="c1"/></spine>
                </package>""";
        String chapter = """
                <?xml version="1.0" encoding="UTF-8"?>
                <html xmlns="http://www.w3.org/1999/xhtml"><head><title>Chapter one</title></head>
                <body><h1>Chapter one</h1><p>The albatross circled the ship while the lantern swung.</p></body></html>""";
        return zip("application/epub+zip", "META-INF/container.xml", container, "OEBPS/content.opf", opf,
                "OEBPS/chapter1.xhtml", chapter);
    }

    /** A DOCX whose body declares an external entity pointing at /etc/passwd (XXE). */
    static byte[] docxWithExternalEntity() {
        return rewriteDocumentXml(docx(), xml -> xml.replaceFirst("<w:document", "<!DOCTYPE w:document [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><w:document")
                .replaceFirst("marmalade", "marmalade &xxe;"));
    }

    /** A DOCX whose body is the billion-laughs entity expansion. */
    static byte[] docxWithBillionLaughs() {
        return rewriteDocumentXml(docx(), xml -> xml.replaceFirst("<w:document", laughsDoctype("w:document") + "<w:document")
                .replaceFirst("marmalade", "marmalade &lol9;"));
    }

    static byte[] billionLaughsXml() {
        return ("<?xml version=\"1.0\"?>" + laughsDoctype("lolz") + "<lolz>&lol9;</lolz>").getBytes(StandardCharsets.UTF_8);
    }

    private static String laughsDoctype(String root) {
        StringBuilder doctype = new StringBuilder("<!DOCTYPE " + root + " [<!ENTITY lol \"lol\">");
        for (int i = 1; i <= 9; i++) {
            String previous = i == 1 ? "lol" : "lol" + (i - 1);
            doctype.append("<!ENTITY lol").append(i).append(" \"").append(("&" + previous + ";").repeat(10)).append("\">");
        }
        return doctype.append("]>").toString();
    }

    /** 1 GB of zeros that compresses to about 1 MB. */
    static byte[] zipBomb() {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream(); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.setLevel(9);
            zip.putNextEntry(new ZipEntry("zeros.txt"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 1024; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
            zip.finish();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A DOCX that also holds 200 MB of zeros compressed to about 200 KB (a part no parser would read). */
    static byte[] docxBomb() {
        return rewriteDocx(docx(), xml -> xml, "word/media/padding.bin", new byte[200 << 20]);
    }

    /** An OpenDocument-style container: {@code mimetype} first and stored, then the named entries. */
    private static byte[] zip(String mimetype, String... namesAndContents) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream(); ZipOutputStream zip = new ZipOutputStream(out)) {
            byte[] type = mimetype.getBytes(StandardCharsets.US_ASCII);
            ZipEntry first = new ZipEntry("mimetype");
            first.setMethod(ZipEntry.STORED);
            first.setSize(type.length);
            CRC32 crc = new CRC32();
            crc.update(type);
            first.setCrc(crc.getValue());
            zip.putNextEntry(first);
            zip.write(type);
            zip.closeEntry();
            for (int i = 0; i < namesAndContents.length; i += 2) {
                zip.putNextEntry(new ZipEntry(namesAndContents[i]));
                zip.write(namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            zip.finish();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] rewriteDocumentXml(byte[] docx, java.util.function.UnaryOperator<String> edit) {
        return rewriteDocx(docx, edit, null, null);
    }

    /** The DOCX with its body edited and, unless {@code extraName} is null, one more part. */
    private static byte[] rewriteDocx(byte[] docx, java.util.function.UnaryOperator<String> edit, String extraName,
                                      byte[] extraBytes) {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(docx));
             ByteArrayOutputStream out = new ByteArrayOutputStream(); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                byte[] bytes = in.readAllBytes();
                if (entry.getName().equals("word/document.xml")) {
                    bytes = edit.apply(new String(bytes, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                }
                zip.putNextEntry(new ZipEntry(entry.getName()));
                zip.write(bytes);
                zip.closeEntry();
            }
            if (extraName != null) {
                zip.putNextEntry(new ZipEntry(extraName));
                zip.write(extraBytes);
                zip.closeEntry();
            }
            zip.finish();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
