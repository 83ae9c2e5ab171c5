package dev.ragstream.query.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantId;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LlmPricesTest {

    private static LlmSettings model(String name) {
        return new LlmSettings("openai", name, "sk", URI.create("https://api.openai.com/v1"));
    }

    @Test
    void knownModelsCostTheirListPriceTheLongestNameFirst() {
        Tenant tenant = tenant(Map.of());
        assertThat(LlmPrices.of(tenant, model("gpt-4o-mini-2024-07-18"))).isEqualTo(new LlmPrices(0.15, 0.60));
        assertThat(LlmPrices.of(tenant, model("gpt-4o"))).isEqualTo(new LlmPrices(2.50, 10.00));
        assertThat(LlmPrices.of(tenant, model("llama3.1:8b")).cost(1_000_000, 1_000_000)).isZero();
        assertThat(new LlmPrices(3, 15).cost(2_000, 500)).isCloseTo(0.0135, within(1e-12));
    }

    @Test
    void aTenantsOwnPricesWinAndMustBeNumbers() {
        assertThat(LlmPrices.of(tenant(Map.of("LLM_PRICE_INPUT_PER_MTOK", "1", "LLM_PRICE_OUTPUT_PER_MTOK", "2")),
                model("gpt-4o"))).isEqualTo(new LlmPrices(1, 2));
        assertThatThrownBy(() -> LlmPrices.of(tenant(Map.of("LLM_PRICE_INPUT_PER_MTOK", "cheap")), model("gpt-4o")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LLM_PRICE_INPUT_PER_MTOK");
    }

    private static Tenant tenant(Map<String, String> env) {
        return new Tenant(TenantId.of("acme"), env);
    }
}
