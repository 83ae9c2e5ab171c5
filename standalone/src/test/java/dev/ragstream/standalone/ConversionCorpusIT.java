package dev.ragstream.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ragstream.standalone.corpus.Corpus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated conversion corpus ({@link Corpus}) through the real gateway and workers: every
 * format becomes an indexed document whose chunks hold its marker words, every hostile document
 * ends failed with its reason or is refused at the door, nothing hostile reaches the index, and
 * the workers keep going after each of them.
 */
class ConversionCorpusIT {

    @TempDir
    static Path home;

    static TestTenants tenants;
    static TestTenants.Created tenant;
    static Standalone system;
    static GatewayClient gateway;

    @BeforeAll
    static void start() throws java.io.IOException {
        tenants = new TestTenants(home.resolve("tenants"));
        tenant = tenants.create("corpus");
        system = Standalone.start(tenants.settings(home.resolve("data")));
        gateway = new GatewayClient(system.gatewayUrl());
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
    void everyDocumentOfTheCorpusEndsAsExpected() {
        Map<Corpus.Case, String> accepted = new LinkedHashMap<>();
        SoftAssertions soft = new SoftAssertions();
        for (Corpus.Case c : Corpus.cases()) {
            GatewayClient.Reply reply = gateway.upload(tenant.id(), tenant.uploadKey(), c.filename(), c.content());
            soft.assertThat(reply.status()).as("%s: HTTP status (%s)", c, reply.body()).isEqualTo(c.outcome().httpStatus());
            if (reply.status() == 202) {
                accepted.put(c, reply.text("document_id"));
            }
        }
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> accepted.forEach((c, id) ->
                assertThat(status(id)).as("%s", c).isIn("indexed", "failed")));
        accepted.forEach((c, id) -> {
            String[] state = row(id);
            soft.assertThat(state[0] + " " + state[1]).as("%s: status and reason", c)
                    .isEqualTo(c.outcome().status() + " " + c.outcome().reason());
            String text = chunkText(id);
            if ("manual.pdf".equals(c.filename())) {
                soft.assertThat(pages(id)).as("pages the PDF's chunks start on").isEqualTo("1,2,3");
            }
            for (String marker : c.markers()) {
                soft.assertThat(text).as("%s: chunks", c).contains(marker);
            }
            for (String forbidden : c.forbidden()) {
                soft.assertThat(text + " " + state[2]).as("%s: chunks and markdown", c).doesNotContain(forbidden);
            }
        });
        soft.assertAll();
    }

    private static String status(String id) {
        return gateway.status(tenant.id(), tenant.uploadKey(), id).text("status");
    }

    /** {status, reason, markdown} of a document. */
    private static String[] row(String id) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT status, reason, coalesce(markdown, '') FROM documents WHERE id = ?::uuid")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new String[] {rs.getString(1), rs.getString(2), rs.getString(3)};
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The pages the document's chunks start on, in order ("" for chunks without one). */
    private static String pages(String id) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT string_agg(coalesce(page::text, ''), ',' ORDER BY chunk_index) FROM chunks WHERE document_id = ?::uuid")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return String.valueOf(rs.getString(1));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The chunks as they are embedded: each under its heading path. */
    private static String chunkText(String id) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT coalesce(string_agg(coalesce(heading_path, '') || E'\\n' || content, ' ' ORDER BY chunk_index), '')"
                        + " FROM chunks WHERE document_id = ?::uuid")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Connection connect() throws java.sql.SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + tenant.database(), "postgres", "");
    }
}
