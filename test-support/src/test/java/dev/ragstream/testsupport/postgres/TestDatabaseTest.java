package dev.ragstream.testsupport.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class TestDatabaseTest {

    @Test
    void uniqueNamesArePrefixedLowercaseAndDistinct() {
        String first = TestDatabase.uniqueName("rag_acme");
        String second = TestDatabase.uniqueName("rag_acme");

        assertThat(first).matches("rag_acme_[a-z]{12}");
        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void rejectsPrefixesThatNeedQuotingOrOverflowTheNameLimit() {
        assertThatThrownBy(() -> TestDatabase.uniqueName("Rag")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TestDatabase.uniqueName("rag;drop")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TestDatabase.uniqueName("r".repeat(42))).isInstanceOf(IllegalArgumentException.class);
        assertThat(TestDatabase.uniqueName("r".repeat(41))).hasSize(54);
    }

    @Test
    void environmentOverridesTheLocalDefaults() {
        assertThat(PostgresServer.from(Map.of()).jdbcUrl("x")).isEqualTo("jdbc:postgresql://127.0.0.1:5432/x");
        PostgresServer remote = PostgresServer.from(Map.of(
                "RAGSTREAM_TEST_PG_HOST", "db.internal",
                "RAGSTREAM_TEST_PG_PORT", "6543",
                "RAGSTREAM_TEST_PG_USER", "ci"));
        assertThat(remote.jdbcUrl("x")).isEqualTo("jdbc:postgresql://db.internal:6543/x");
        assertThat(remote.user()).isEqualTo("ci");
    }

    @Test
    void quotesNamesWithHyphensAndQuotes() {
        assertThat(PostgresServer.quote("rag_acme-corp")).isEqualTo("\"rag_acme-corp\"");
        assertThat(PostgresServer.quote("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThatThrownBy(() -> PostgresServer.quote("")).isInstanceOf(IllegalArgumentException.class);
    }
}
