package dev.ragstream.gateway.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueryParametersTest {

    @Test
    void returnsTheFirstDecodedValue() {
        assertThat(QueryParameters.first("a=1&tenant=acme%2Dcorp&tenant=other", "tenant")).isEqualTo("acme-corp");
        assertThat(QueryParameters.first("te%6Eant=x", "tenant")).isEqualTo("x");
        assertThat(QueryParameters.first("tenant", "tenant")).isEmpty();
    }

    @Test
    void absentOrUndecodableIsNull() {
        assertThat(QueryParameters.first(null, "tenant")).isNull();
        assertThat(QueryParameters.first("tenants=x&xtenant=y", "tenant")).isNull();
        assertThat(QueryParameters.first("tenant=%zz", "tenant")).isNull();
        assertThat(QueryParameters.first("tenant=%zz&tenant=ok", "tenant")).isEqualTo("ok");
    }
}
