package dev.ragstream.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.testsupport.fixtures.Fixtures;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The seed's chat filters ({@code speaker}, {@code topic}, {@code file_id}, {@code document_type})
 * and {@code filename} on the real stack: labels given at upload, filters given in the chat's
 * {@code metadata} and to {@code /debug-rag}. A filter still yields a full candidate list — through
 * the HNSW index when it leaves many chunks, by an exact scan when it leaves few (the threshold is
 * set low here so that both paths run). Full-text search finds its candidates through a
 * question's rarest words (its candidate budget is set low here as well).
 */
class MetadataFiltersIT {

    private static final String VACATION = "How many vacation days do employees get?";
    private static final int EXACT_SCAN_BELOW = 40;
    private static final int CANDIDATES = 20;
    private static final int KEYWORD_CANDIDATES = 40;

    @TempDir
    static Path home;

    static TestTenants tenants;
    static TestTenants.Created tenant;
    static Standalone system;
    static GatewayClient gateway;
    static String handbook;

    @BeforeAll
    static void start() throws IOException, SQLException {
        tenants = new TestTenants(home.resolve("tenants"));
        tenant = tenants.create("filters");
        system = Standalone.start(tenants.settings(home.resolve("data"),
                Map.of("ragstream.query.exact-scan-below", String.valueOf(EXACT_SCAN_BELOW),
                        "ragstream.query.keyword-candidates", String.valueOf(KEYWORD_CANDIDATES))));
        gateway = new GatewayClient(system.gatewayUrl());
        handbook = TwoTenantsEndToEndIT.uploadAndAwaitIndexed(gateway, tenant, "handbook.md", Fixtures.bytes(Fixtures.HANDBOOK));
        uploadLabelled("ada-talk.md", """
                # The Analytical Engine

                The engine has a store that holds numbers and a mill that operates on them. Operation cards and
                variable cards are punched like the cards of a Jacquard loom.

                ## Notes

                The engine might compose elaborate pieces of music, if the relations of pitched sounds were expressed
                as numbers. It has no pretensions to originate anything.""",
                "speaker", "Ada Lovelace", "topic", "engines", "document_type", "Transcript");
        uploadLabelled("grace-talk.md", """
                # Compilers

                A compiler translates programs written in words into machine code, so people can write in English-like
                statements. The first bug was a moth found in a relay of the Mark II.""",
                "speaker", "Grace Hopper", "topic", "compilers");
        StringBuilder manual = new StringBuilder("# Gadget manual\n\n");
        for (int i = 1; i <= 60; i++) {
            manual.append("## Gadget ").append(i).append("\n\nGadget ").append(i).append(" is a ").append(i % 2 == 0 ? "blue" : "green")
                    .append(" device with ").append(i + 2).append(" buttons. Press the round button to start it, hold it for ")
                    .append(i).append(" seconds to reset it, and keep it away from water and direct sunlight at all times.\n\n");
        }
        uploadLabelled("manual.md", manual.toString(), "topic", "manual");
        tenant.execute("ANALYZE chunks"); // the planner's word statistics, as autovacuum keeps them
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        if (tenants != null) {
            tenants.close();
        }
    }

    @Test
    void aSelectiveFilterIsSearchedExactlyAndOnlyItsDocumentsAnswer() {
        JsonNode debug = debugRag(VACATION, "speaker", "ada lovelace");

        assertThat(debug.path("vector_search").asString()).isEqualTo("exact");
        assertThat(filenames(debug)).isNotEmpty().containsOnly("ada-talk.md");
        assertThat(vectorCandidates(debug)).as("every chunk of the one document").isEqualTo(chunksOf("ada-talk.md"));
        assertThat(filenames(debugRag("Who found a moth in a relay?", "topic", "COMPILERS"))).containsOnly("grace-talk.md");
        assertThat(filenames(debugRag("engine music", "document_type", "transcript"))).containsOnly("ada-talk.md");
        assertThat(filenames(debugRag(VACATION, "file_id", handbook))).isNotEmpty().containsOnly("handbook.md");
        assertThat(filenames(debugRag(VACATION, "filename", "HANDBOOK.md"))).isNotEmpty().containsOnly("handbook.md");
        assertThat(filenames(debugRag(VACATION, "document_type", "markdown")))
                .as("the kind of the detected content when the upload named none").contains("handbook.md")
                .doesNotContain("ada-talk.md");
    }

    @Test
    void aBroadFilterStillGetsAFullListFromTheIndex() {
        JsonNode unfiltered = debugRag(VACATION);
        assertThat(filenames(unfiltered).get(0)).isEqualTo("handbook.md");

        JsonNode debug = debugRag(VACATION, "topic", "manual");

        assertThat(debug.path("vector_search").asString()).isEqualTo("hnsw");
        assertThat(chunksOf("manual.md")).isGreaterThan(EXACT_SCAN_BELOW);
        assertThat(vectorCandidates(debug)).as("as many as without a filter").isEqualTo(CANDIDATES);
        assertThat(filenames(debug)).containsOnly("manual.md");
    }

    @Test
    void fullTextFindsItsCandidatesThroughTheRarestWords() {
        // 'gadget' is in each of the manual's 60 chunks, 'loom' in one chunk of one talk: with 40 candidates at most,
        // only 'loom' finds them; without that, 'gadget' would bring in the manual
        assertThat(keywordFilenames(debugRag("Which gadget mentions a loom?"))).containsOnly("ada-talk.md");
        // common words only: the rarest of them still finds candidates
        assertThat(keywordFilenames(debugRag("gadget button"))).contains("manual.md");
    }

    @Test
    void fullTextRanksARareWordAboveCommonOnesSaidOften() {
        // 'loom' is in one chunk, 'blue' in 30 and 'gadget' twice in each of the manual's 60: the 31 chunks with 'loom'
        // or 'blue' are the candidates, and the one with the rare word leads (BM25); counting matches alone (cover
        // density) would put the 30 blue gadgets first
        JsonNode debug = debugRag("Which blue gadget is a loom?");

        assertThat(keywordFilenames(debug)).contains("manual.md");
        assertThat(keywordRanked(debug).get(0)).isEqualTo("ada-talk.md");
        assertThat(keywordRanked(debug).subList(1, CANDIDATES)).containsOnly("manual.md");
    }

    @Test
    void chatAnswersOnlyFromTheFilteredDocuments() {
        GatewayClient.Reply filtered = chat("{\"file_id\": \"" + handbook + "\", \"speaker\": \"\"}");
        assertThat(filtered.status()).isEqualTo(200);
        assertThat(filtered.body().path("context_used").asBoolean()).isTrue();
        assertThat(filtered.body().path("sources").findValuesAsString("filename")).isNotEmpty().containsOnly("handbook.md");

        GatewayClient.Reply nobody = chat("{\"speaker\": \"Nobody\"}");
        assertThat(nobody.status()).isEqualTo(200);
        assertThat(nobody.text("response")).isEqualTo("I don't have enough information to answer that question.");
        assertThat(nobody.body().path("context_used").asBoolean()).isFalse();
    }

    @Test
    void invalidFiltersAndLabelsAreRefusedWithAClearMessage() {
        GatewayClient.Reply unknown = chat("{\"colour\": \"red\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.text("error")).isEqualTo("Unknown metadata filter 'colour'; known are speaker, topic, file_id, document_type, filename");
        assertThat(chat("{\"file_id\": \"handbook\"}").text("error")).isEqualTo("metadata.file_id must be a document id (a UUID)");
        assertThat(chat("\"speaker\"").status()).isEqualTo(400);
        assertThat(chat("{\"speaker\": {\"name\": \"Ada\"}}").status()).isEqualTo(400);
        assertThat(gateway.admin("GET", "/debug-rag?query=x&file_id=nope", tenant.id(), tenant.adminKey(), null).status())
                .isEqualTo(400);

        GatewayClient.Reply badType = gateway.upload(tenant.id(), tenant.uploadKey(), List.of(
                GatewayClient.Part.file("note.md", "# Note\n\nA note.".getBytes(StandardCharsets.UTF_8)),
                GatewayClient.Part.field("document_type", "not a type!")));
        assertThat(badType.status()).isEqualTo(400);
        assertThat(badType.text("error")).isEqualTo("document_type must be 1-40 lowercase letters, digits, '.', '-' or '_'");
        assertThat(gateway.upload(tenant.id(), tenant.uploadKey(), List.of(
                GatewayClient.Part.field("speaker", "x".repeat(201)),
                GatewayClient.Part.file("note.md", "# Note\n\nA note.".getBytes(StandardCharsets.UTF_8)))).status()).isEqualTo(400);
    }

    private static void uploadLabelled(String filename, String markdown, String... labels) {
        List<GatewayClient.Part> parts = new ArrayList<>();
        parts.add(GatewayClient.Part.file(filename, markdown.getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < labels.length; i += 2) {
            parts.add(GatewayClient.Part.field(labels[i], labels[i + 1]));
        }
        TwoTenantsEndToEndIT.uploadAndAwaitIndexed(gateway, tenant, parts);
    }

    private static GatewayClient.Reply chat(String metadata) {
        return gateway.chat(tenant.chatKey(), "{\"tenant_id\": \"" + tenant.id() + "\", \"session_id\": \"s-" + System.nanoTime()
                + "\", \"message\": \"" + VACATION + "\", \"metadata\": " + metadata + "}");
    }

    private static JsonNode debugRag(String query, String... filters) {
        StringBuilder path = new StringBuilder("/debug-rag?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        for (int i = 0; i < filters.length; i += 2) {
            path.append('&').append(filters[i]).append('=').append(URLEncoder.encode(filters[i + 1], StandardCharsets.UTF_8));
        }
        GatewayClient.Reply reply = gateway.admin("GET", path.toString(), tenant.id(), tenant.adminKey(), null);
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
        return reply.body();
    }

    private static List<String> filenames(JsonNode debug) {
        return debug.path("candidates").findValuesAsString("filename");
    }

    /** The files of the candidates that full-text search found. */
    private static List<String> keywordFilenames(JsonNode debug) {
        List<String> filenames = new ArrayList<>();
        for (JsonNode candidate : debug.path("candidates")) {
            if (!candidate.path("keyword_rank").isNull()) {
                filenames.add(candidate.path("filename").asString());
            }
        }
        return filenames;
    }

    /** The files of the full-text candidates, in their keyword rank. */
    private static List<String> keywordRanked(JsonNode debug) {
        List<JsonNode> ranked = new ArrayList<>();
        debug.path("candidates").forEach(candidate -> {
            if (!candidate.path("keyword_rank").isNull()) {
                ranked.add(candidate);
            }
        });
        ranked.sort(Comparator.comparingInt(candidate -> candidate.path("keyword_rank").asInt()));
        return ranked.stream().map(candidate -> candidate.path("filename").asString()).toList();
    }

    private static long vectorCandidates(JsonNode debug) {
        long n = 0;
        for (JsonNode candidate : debug.path("candidates")) {
            n += candidate.path("vector_rank").isNull() ? 0 : 1;
        }
        return n;
    }

    private static int chunksOf(String filename) {
        for (JsonNode document : debugRagDocuments()) {
            if (document.path("filename").asString().equals(filename)) {
                return document.path("chunk_count").asInt();
            }
        }
        throw new AssertionError(filename + " is not among the tenant's documents");
    }

    private static JsonNode debugRagDocuments() {
        return gateway.admin("GET", "/debug-rag", tenant.id(), tenant.adminKey(), null).body().path("documents");
    }
}
