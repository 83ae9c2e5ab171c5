package dev.ragstream.gateway.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonFieldsTest {

    @Test
    void readsTheTenantTheSessionAndTheMessageLength() {
        JsonFields fields = parse("{\"tenant_id\": \"acme\", \"session_id\": \"s-1\", \"message\": \"hello\", \"metadata\": {}}");

        assertThat(fields.tenantId()).isEqualTo("acme");
        assertThat(fields.sessionId()).isEqualTo("s-1");
        assertThat(fields.messageLength()).hasValue(5);
    }

    @Test
    void countsCharactersNotUtf16UnitsOrBytes() {
        assertThat(parse("{\"message\": \"\\ud83d\\ude00\\ud83d\\ude00é\"}").messageLength()).hasValue(3);
        assertThat(parse("{\"message\": \"😀😀é\"}").messageLength()).hasValue(3);
    }

    @Test
    void scalarsAreReadAsTheControllerReadsThemAndStructuresAreIgnored() {
        JsonFields fields = parse("{\"tenant_id\": 42, \"session_id\": {\"x\": 1}, \"message\": [\"a\"]}");

        assertThat(fields.tenantId()).isEqualTo("42");
        assertThat(fields.sessionId()).isNull();
        assertThat(fields.messageLength()).isEmpty();
    }

    @Test
    void anythingButAJsonObjectYieldsNothing() {
        assertThat(parse("[1, 2]")).isEqualTo(JsonFields.NONE);
        assertThat(parse("{\"tenant_id\": ")).isEqualTo(JsonFields.NONE);
        assertThat(parse("")).isEqualTo(JsonFields.NONE);
        assertThat(parse("{\"tenant_id\": null}").tenantId()).isNull();
    }

    @Test
    void anOpenAiRequestNamesItsTenantAsTheModelItsSessionAsUserAndItsMessageAsTheLastOne() {
        JsonFields fields = parse("{\"model\": \"ragstream:acme\", \"user\": \"visitor-7\", \"messages\": ["
                + "{\"role\": \"user\", \"content\": \"a long first question\"}, {\"role\": \"user\", \"content\": \"hi\"}]}");

        assertThat(fields.tenantId()).isEqualTo("acme");
        assertThat(fields.sessionId()).isEqualTo("visitor-7");
        assertThat(fields.messageLength()).hasValue(2);
        assertThat(parse("{\"model\": \"gpt-4o\", \"tenant_id\": \"beta\"}").tenantId()).isEqualTo("beta");
        assertThat(parse("{\"model\": \"gpt-4o\"}").tenantId()).isNull();
    }

    private static JsonFields parse(String json) {
        return JsonFields.parse(json.getBytes(StandardCharsets.UTF_8));
    }
}
