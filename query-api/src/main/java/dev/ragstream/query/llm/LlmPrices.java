package dev.ragstream.query.llm;

import dev.ragstream.platform.tenant.Tenant;
import java.util.Map;

/**
 * What a model's tokens cost, in US dollars per million: the tenant's {@code LLM_PRICE_INPUT_PER_MTOK}
 * and {@code LLM_PRICE_OUTPUT_PER_MTOK} when set, else the list price of a well-known model (by
 * name prefix, longest first), else nothing (0: a self-hosted model, or one this table does not know).
 */
public record LlmPrices(double inputPerMillion, double outputPerMillion) {

    /** List prices per million tokens (input, output), as the providers published them. */
    private static final Map<String, LlmPrices> LIST = Map.of(
            "gpt-4o-mini", new LlmPrices(0.15, 0.60),
            "gpt-4o", new LlmPrices(2.50, 10.00),
            "gpt-4.1-mini", new LlmPrices(0.40, 1.60),
            "gpt-4.1", new LlmPrices(2.00, 8.00),
            "claude-3-5-haiku", new LlmPrices(0.80, 4.00),
            "claude-sonnet-4", new LlmPrices(3.00, 15.00),
            "claude-opus-4", new LlmPrices(15.00, 75.00));

    /** @throws IllegalArgumentException when a price setting is no non-negative number */
    public static LlmPrices of(Tenant tenant, LlmSettings model) {
        LlmPrices listed = LIST.entrySet().stream().filter(e -> model.model().startsWith(e.getKey()))
                .max(Map.Entry.comparingByKey(java.util.Comparator.comparingInt(String::length)))
                .map(Map.Entry::getValue).orElse(new LlmPrices(0, 0));
        return new LlmPrices(price(tenant, "LLM_PRICE_INPUT_PER_MTOK", listed.inputPerMillion()),
                price(tenant, "LLM_PRICE_OUTPUT_PER_MTOK", listed.outputPerMillion()));
    }

    /** The cost of one call. */
    public double cost(int inputTokens, int outputTokens) {
        return (inputTokens * inputPerMillion + outputTokens * outputPerMillion) / 1_000_000;
    }

    private static double price(Tenant tenant, String key, double fallback) {
        String value = tenant.get(key).map(String::strip).filter(v -> !v.isEmpty()).orElse(null);
        if (value == null) {
            return fallback;
        }
        try {
            double price = Double.parseDouble(value);
            if (price < 0 || Double.isNaN(price) || Double.isInfinite(price)) {
                throw new NumberFormatException();
            }
            return price;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a non-negative number of US dollars per million tokens");
        }
    }
}
