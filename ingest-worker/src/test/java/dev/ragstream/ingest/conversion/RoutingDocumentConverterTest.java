package dev.ragstream.ingest.conversion;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ragstream.ingest.IngestProperties;
import dev.ragstream.ingest.conversion.DocumentConverter.ConvertedDocument;
import dev.ragstream.platform.kafka.PermanentException;
import dev.ragstream.platform.metrics.TenantMetrics;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

/** Docling against a local server that speaks docling-serve's wire format; Tika is the real one. */
class RoutingDocumentConverterTest {

    private static final String CANARY = "canary-7f3a9c-secret-text";
    private static final String HTML = "<html><body><h1>Tika heading</h1><p>Tika paragraph " + CANARY + ".</p></body></html>";
    private static final String TIKA_MARKDOWN = "# Tika heading\n\nTika paragraph " + CANARY + ".";
    private static final int MAX_PAGES = 40;
    private static final int BREAKER_MINIMUM_CALLS = 3;

    private final FakeDoclingServer docling = new FakeDoclingServer();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(RoutingDocumentConverter.class);
    private RoutingDocumentConverter converter = converter(Duration.ofSeconds(10), DataSize.ofMegabytes(1));

    @BeforeEach
    void captureLogs() {
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void stop() {
        logger.detachAppender(logs);
        docling.close();
    }

    @Test
    void doclingMarkdownComesBackWithAMarkerAtTheStartOfEachPage() {
        docling.answer(200, success(
                "# Annual report\n\nFirst page text.\n\n" + DoclingResponse.PAGE_BREAK + "\n\nThird page text.\n\n<!-- image -->",
                3, "[{\"$ref\": \"#/texts/0\"}, {\"$ref\": \"#/groups/0\"}]",
                "{\"children\": [{\"$ref\": \"#/texts/1\"}, {\"$ref\": \"#/texts/2\"}]}",
                text(1), text(1), text(3)));

        ConvertedDocument converted = convert(tenant(docling.url().toString()), "report.html");

        assertThat(converted.markdown()).isEqualTo(
                "<!-- page 1 -->\n\n# Annual report\n\nFirst page text.\n\n<!-- page 3 -->\n\nThird page text.");
        assertThat(converted.metadata()).containsEntry("converter", "docling").containsEntry("pages", "3")
                .doesNotContainKeys("page_limit_reached", "truncated");
        assertThat(count("docling", "ok")).isEqualTo(1);
    }

    @Test
    void asksDoclingForMarkdownJsonAndTheFirstPagesWithinTheTimeout() {
        docling.answer(200, success("Some text.", 0, "[]", "{}"));

        convert(tenant(docling.url() + "/"), "report.html");

        assertThat(docling.lastContentType()).startsWith("multipart/form-data; boundary=");
        assertThat(docling.lastRequest()).startsWith("POST /v1/convert/file\n")
                .contains(field("to_formats", "md"), field("to_formats", "json"), field("page_range", "1"),
                        field("page_range", String.valueOf(MAX_PAGES)), field("document_timeout", "10.0"),
                        field("md_page_break_placeholder", DoclingResponse.PAGE_BREAK),
                        "name=\"files\"; filename=\"report.html\"\r\nContent-Type: text/html\r\n\r\n" + HTML + "\r\n");
    }

    @Test
    void pagesAreNumberedInOrderWhenDoclingsJsonDoesNotMatchTheBreaks() {
        docling.answer(200, success("One.\n\n" + DoclingResponse.PAGE_BREAK + "\n\nTwo.", 2, "[]", "{}"));

        ConvertedDocument converted = convert(tenant(docling.url().toString()), "scan.pdf");

        assertThat(converted.markdown()).isEqualTo("<!-- page 1 -->\n\nOne.\n\n<!-- page 2 -->\n\nTwo.");
    }

    @Test
    void documentWithAsManyPagesAsTheLimitMayHaveMore() {
        docling.answer(200, success("Text.", MAX_PAGES, "[]", "{}"));

        assertThat(convert(tenant(docling.url().toString()), "long.pdf").metadata())
                .containsEntry("pages", String.valueOf(MAX_PAGES)).containsEntry("page_limit_reached", "true");
    }

    @Test
    void slowDoclingTimesOutAndTikaConverts() {
        converter = converter(Duration.ofMillis(300), DataSize.ofMegabytes(1));
        docling.hang();

        ConvertedDocument converted = convert(tenant(docling.url().toString()), "report.html");

        assertThat(converted.markdown()).isEqualTo(TIKA_MARKDOWN);
        assertThat(converted.metadata()).containsEntry("converter", "tika");
        assertThat(docling.calls()).isEqualTo(1);
        assertThat(count("tika", "timeout")).isEqualTo(1);
    }

    @Test
    void failingDoclingLeavesTheDocumentToTika() {
        docling.answer(500, "{\"detail\": \"" + CANARY + "\"}");

        ConvertedDocument converted = convert(tenant(docling.url().toString()), "report.html");

        assertThat(converted.markdown()).isEqualTo(TIKA_MARKDOWN);
        assertThat(count("tika", "server_error")).isEqualTo(1);
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
                .contains("acme", "HTTP 500").doesNotContain(CANARY);
    }

    @Test
    void unreachableDoclingLeavesTheDocumentToTika() {
        String url = docling.url().toString();
        docling.close();

        assertThat(convert(tenant(url), "report.html").markdown()).isEqualTo(TIKA_MARKDOWN);
        assertThat(count("tika", "unavailable")).isEqualTo(1);
    }

    @Test
    void answerThatIsNoConversionResultLeavesTheDocumentToTikaWithoutQuotingIt() {
        docling.answer(200, "not json at all: " + CANARY);

        assertThat(convert(tenant(docling.url().toString()), "report.html").markdown()).isEqualTo(TIKA_MARKDOWN);
        assertThat(count("tika", "bad_response")).isEqualTo(1);
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(m -> m.contains(CANARY));
    }

    @Test
    void afterRepeatedFailuresTheBreakerOpensAndTikaAnswersWithoutAskingDocling() {
        docling.answer(503, "{}");
        Tenant tenant = tenant(docling.url().toString());
        for (int i = 0; i < BREAKER_MINIMUM_CALLS; i++) {
            convert(tenant, "report.html");
        }

        ConvertedDocument converted = convert(tenant, "report.html");
        convert(tenant, "report.html");

        assertThat(converted.markdown()).isEqualTo(TIKA_MARKDOWN);
        assertThat(docling.calls()).isEqualTo(BREAKER_MINIMUM_CALLS);
        assertThat(count("tika", "server_error")).isEqualTo(BREAKER_MINIMUM_CALLS);
        assertThat(count("tika", "circuit_open")).isEqualTo(2);
    }

    @Test
    void documentsDoclingRejectsGetTikasVerdictAndDoNotOpenTheBreaker() {
        docling.answer(200, "{\"document\": {\"md_content\": \"\"}, \"status\": \"failure\", \"errors\": [{}]}");
        byte[] empty = "<html><body><div> </div></body></html>".getBytes(UTF_8);
        Tenant tenant = tenant(docling.url().toString());

        for (int i = 0; i <= BREAKER_MINIMUM_CALLS; i++) {
            assertThatThrownBy(() -> converter.convert(tenant, new ByteArrayInputStream(empty), "empty.html", "text/html"))
                    .isInstanceOf(PermanentException.class).extracting(e -> ((PermanentException) e).reason())
                    .isEqualTo("no_extractable_text");
        }

        assertThat(docling.calls()).isEqualTo(BREAKER_MINIMUM_CALLS + 1);
        assertThat(count("tika", "rejected")).isEqualTo(BREAKER_MINIMUM_CALLS + 1);
    }

    @Test
    void unsupportedTypeStatusFromDoclingIsARejectionToo() {
        docling.answer(415, "{\"detail\": \"unsupported\"}");

        assertThat(convert(tenant(docling.url().toString()), "report.html").markdown()).isEqualTo(TIKA_MARKDOWN);
        assertThat(count("tika", "rejected")).isEqualTo(1);
    }

    @Test
    void fileLargerThanTheLimitIsNotSentToDoclingButConvertedWholeByTika() {
        converter = converter(Duration.ofSeconds(10), DataSize.ofBytes(20));
        docling.answer(200, success("Docling text.", 1, "[]", "{}"));

        assertThat(convert(tenant(docling.url().toString()), "report.html").markdown()).isEqualTo(TIKA_MARKDOWN);
        assertThat(docling.calls()).isZero();
        assertThat(count("tika", "too_large")).isEqualTo(1);
    }

    @Test
    void tenantWithoutDoclingUrlIsConvertedByTika() {
        ConvertedDocument converted = convert(tenant(" "), "report.html");

        assertThat(converted.markdown()).isEqualTo(TIKA_MARKDOWN);
        assertThat(converted.metadata()).containsEntry("converter", "tika");
        assertThat(count("tika", "not_configured")).isEqualTo(1);
        assertThat(logs.list).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:5001", "ftp://docling:5001", "/v1/convert/file", "http://", "http://docling host:5001",
            "http://docling:5001/?key=" + CANARY, "http://user:" + CANARY + "@docling:5001"})
    void malformedDoclingUrlIsReportedOnceAndTikaConverts(String url) {
        Tenant tenant = tenant(url);

        assertThat(convert(tenant, "report.html").markdown()).isEqualTo(TIKA_MARKDOWN);
        assertThat(convert(tenant, "report.html").markdown()).isEqualTo(TIKA_MARKDOWN);

        assertThat(count("tika", "invalid_url")).isEqualTo(2);
        assertThat(logs.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).hasToString("ERROR");
            assertThat(event.getFormattedMessage()).contains("DOCLING_SERVICE_URL", "acme").doesNotContain(CANARY);
        });
    }

    private RoutingDocumentConverter converter(Duration timeout, DataSize maxBytes) {
        IngestProperties.Docling limits = new IngestProperties.Docling(MAX_PAGES, maxBytes, timeout,
                BREAKER_MINIMUM_CALLS, Duration.ofMinutes(10));
        return new RoutingDocumentConverter(new TikaDocumentConverter(1_000_000), limits, 1_000_000,
                JsonMapper.builder().build(), new TenantMetrics(meters));
    }

    private ConvertedDocument convert(Tenant tenant, String filename) {
        return converter.convert(tenant, new ByteArrayInputStream(HTML.getBytes(UTF_8)), filename, "text/html");
    }

    private static Tenant tenant(String doclingUrl) {
        return new Tenant(TenantId.of("acme"), Map.of("DOCLING_SERVICE_URL", doclingUrl));
    }

    private double count(String converter, String reason) {
        Counter counter = meters.find("ragstream.ingest.conversions")
                .tags("tenant", "acme", "converter", converter, "reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private static String field(String name, String value) {
        return "Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }

    /** docling-serve's answer for one converted file, with a DoclingDocument of {@code pages} pages. */
    private static String success(String markdown, int pages, String bodyChildren, String group, String... texts) {
        StringBuilder pageMap = new StringBuilder();
        for (int page = 1; page <= pages; page++) {
            pageMap.append(page > 1 ? ", " : "").append("\"").append(page).append("\": {\"page_no\": ").append(page).append("}");
        }
        String json = "{\"schema_name\": \"DoclingDocument\", \"body\": {\"children\": " + bodyChildren + "}, "
                + "\"groups\": [" + group + "], \"texts\": [" + String.join(", ", texts) + "], "
                + "\"pages\": {" + pageMap + "}}";
        return "{\"document\": {\"filename\": \"report.html\", \"md_content\": " + quoted(markdown) + ", \"json_content\": " + json
                + "}, \"status\": \"success\", \"errors\": [], \"processing_time\": 0.4, \"timings\": {}}";
    }

    private static String text(int page) {
        return "{\"label\": \"text\", \"text\": \"…\", \"prov\": [{\"page_no\": " + page + ", \"bbox\": {}, \"charspan\": [0, 1]}]}";
    }

    private static String quoted(String text) {
        return JsonMapper.builder().build().writeValueAsString(text);
    }
}
