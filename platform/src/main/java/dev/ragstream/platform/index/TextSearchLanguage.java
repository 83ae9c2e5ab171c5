package dev.ragstream.platform.index;

import dev.ragstream.platform.tenant.Tenant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL text-search configuration a tenant's chunks are indexed and searched with, from
 * its {@code DOCUMENT_LANGUAGE}: the name of a configuration PostgreSQL ships ({@code english},
 * {@code german}, …) or the ISO 639-1 code of its language ({@code en}, {@code de}, …); unset means
 * {@code english}. Anything else means {@code simple} (no stemming, no stop words), with a warning.
 */
public final class TextSearchLanguage {

    private static final Logger log = LoggerFactory.getLogger(TextSearchLanguage.class);

    /** The configurations of PostgreSQL 15. */
    private static final Set<String> CONFIGURATIONS = Set.of("simple", "arabic", "armenian", "basque", "catalan", "danish",
            "dutch", "english", "finnish", "french", "german", "greek", "hindi", "hungarian", "indonesian", "irish", "italian",
            "lithuanian", "nepali", "norwegian", "portuguese", "romanian", "russian", "serbian", "spanish", "swedish", "tamil",
            "turkish", "yiddish");
    private static final Map<String, String> CODES = Map.ofEntries(Map.entry("ar", "arabic"), Map.entry("hy", "armenian"),
            Map.entry("eu", "basque"), Map.entry("ca", "catalan"), Map.entry("da", "danish"), Map.entry("nl", "dutch"),
            Map.entry("en", "english"), Map.entry("fi", "finnish"), Map.entry("fr", "french"), Map.entry("de", "german"),
            Map.entry("el", "greek"), Map.entry("hi", "hindi"), Map.entry("hu", "hungarian"), Map.entry("id", "indonesian"),
            Map.entry("ga", "irish"), Map.entry("it", "italian"), Map.entry("lt", "lithuanian"), Map.entry("ne", "nepali"),
            Map.entry("no", "norwegian"), Map.entry("nb", "norwegian"), Map.entry("nn", "norwegian"),
            Map.entry("pt", "portuguese"), Map.entry("ro", "romanian"), Map.entry("ru", "russian"), Map.entry("sr", "serbian"),
            Map.entry("es", "spanish"), Map.entry("sv", "swedish"), Map.entry("ta", "tamil"), Map.entry("tr", "turkish"),
            Map.entry("yi", "yiddish"));

    private TextSearchLanguage() {
    }

    /** The configuration for {@code tenant}; always one of PostgreSQL's, so it may be bound as a {@code regconfig}. */
    public static String of(Tenant tenant) {
        String language = tenant.get("DOCUMENT_LANGUAGE").map(v -> v.strip().toLowerCase(Locale.ROOT)).orElse("");
        if (language.isEmpty()) {
            return "english";
        }
        String code = language.split("[-_]")[0]; // en-GB, pt_BR
        if (CONFIGURATIONS.contains(language)) {
            return language;
        }
        if (CODES.containsKey(code)) {
            return CODES.get(code);
        }
        log.warn("Tenant {}: DOCUMENT_LANGUAGE names no text-search language PostgreSQL knows; searching without stemming",
                tenant.id());
        return "simple";
    }
}
