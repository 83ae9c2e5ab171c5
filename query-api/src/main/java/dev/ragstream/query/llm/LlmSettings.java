package dev.ragstream.query.llm;

import dev.ragstream.platform.tenant.Tenant;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * A tenant's language model, as its {@code .env} names it:
 * <ul>
 *   <li>{@code LLM_PROVIDER=openai}: {@code OPENAI_API_KEY} (required), {@code OPENAI_MODEL}
 *       (default {@value #OPENAI_DEFAULT_MODEL}), {@code OPENAI_BASE_URL} (default OpenAI's);</li>
 *   <li>{@code LLM_PROVIDER=claude}: {@code ANTHROPIC_API_KEY} (required), {@code CLAUDE_MODEL}
 *       (default {@value #CLAUDE_DEFAULT_MODEL}), {@code ANTHROPIC_BASE_URL} (default Anthropic's);</li>
 *   <li>{@code LLM_PROVIDER=openai-compatible} (Ollama, vLLM, LM Studio …): {@code LLM_BASE_URL}
 *       and {@code LLM_MODEL} (required), {@code LLM_API_KEY} (optional);</li>
 *   <li>no {@code LLM_PROVIDER}, or {@code none}: no model — answers are extractive.</li>
 * </ul>
 * {@link #toString()} masks the key.
 */
public record LlmSettings(String provider, String model, String apiKey, URI baseUrl) {

    public static final String OPENAI = "openai";
    public static final String CLAUDE = "claude";
    public static final String OPENAI_COMPATIBLE = "openai-compatible";
    static final String OPENAI_DEFAULT_MODEL = "gpt-4o-mini";
    static final String CLAUDE_DEFAULT_MODEL = "claude-sonnet-4-20250514";

    /**
     * The tenant's model, empty when it has none.
     * @throws IllegalArgumentException when the settings name an unknown provider or lack a required value
     */
    public static Optional<LlmSettings> of(Tenant tenant) {
        String provider = value(tenant, "LLM_PROVIDER").orElse("none");
        return switch (provider) {
            case "none", "extractive" -> Optional.empty();
            case OPENAI -> Optional.of(new LlmSettings(OPENAI, value(tenant, "OPENAI_MODEL").orElse(OPENAI_DEFAULT_MODEL),
                    required(tenant, "OPENAI_API_KEY", provider),
                    url(value(tenant, "OPENAI_BASE_URL").orElse("https://api.openai.com/v1"), "OPENAI_BASE_URL")));
            case CLAUDE -> Optional.of(new LlmSettings(CLAUDE, value(tenant, "CLAUDE_MODEL").orElse(CLAUDE_DEFAULT_MODEL),
                    required(tenant, "ANTHROPIC_API_KEY", provider),
                    url(value(tenant, "ANTHROPIC_BASE_URL").orElse("https://api.anthropic.com/v1/"), "ANTHROPIC_BASE_URL")));
            case OPENAI_COMPATIBLE -> Optional.of(new LlmSettings(OPENAI_COMPATIBLE, required(tenant, "LLM_MODEL", provider),
                    value(tenant, "LLM_API_KEY").orElse(null), url(required(tenant, "LLM_BASE_URL", provider), "LLM_BASE_URL")));
            default -> throw new IllegalArgumentException("Unknown LLM_PROVIDER '" + provider + "': expected " + OPENAI + ", "
                    + CLAUDE + ", " + OPENAI_COMPATIBLE + " or none");
        };
    }

    /** The provider's server: what one circuit breaker guards. */
    String server() {
        return provider + " " + baseUrl.getScheme() + "://" + baseUrl.getAuthority();
    }

    @Override
    public String toString() {
        return "LlmSettings[" + provider + ", " + model + ", key " + (apiKey == null ? "none" : "set") + ", " + baseUrl.getHost() + "]";
    }

    private static Optional<String> value(Tenant tenant, String key) {
        return tenant.get(key).map(String::strip).filter(v -> !v.isEmpty());
    }

    private static String required(Tenant tenant, String key, String provider) {
        return value(tenant, key).orElseThrow(() -> new IllegalArgumentException("LLM_PROVIDER=" + provider + " needs " + key));
    }

    /** The URL is never echoed: it may carry credentials. */
    private static URI url(String value, String key) {
        try {
            URI uri = new URI(value);
            if (uri.getHost() == null || uri.getRawUserInfo() != null
                    || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalArgumentException(key + " must be an absolute http or https URL with a host and without user info");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(key + " is not a valid URL");
        }
    }
}
