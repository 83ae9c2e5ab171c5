package dev.ragstream.admin.cli;

import java.util.HashMap;
import java.util.Map;

/**
 * The {@code .env} of a new tenant: every variable of the PHP system's template, in its order and
 * sections. Values are written so that {@code EnvFile} reads them back unchanged.
 */
final class EnvTemplate {

    /**
     * A new tenant's embedding model: the int8 build of all-MiniLM-L6-v2, twice as fast as fp32 and
     * within 0.01 of it on the labelled retrieval set ({@code bin/ragstream bench quality}).
     */
    static final String EMBEDDING_MODEL = "all-minilm-l6-v2-q";

    private EnvTemplate() {
    }

    /** @throws IllegalArgumentException when a value cannot be written to a .env file (names the variable only) */
    static String render(Map<String, String> variables) {
        Map<String, String> v = new HashMap<>();
        variables.forEach((key, value) -> v.put(key, quoted(key, value)));
        return """
                # ===========================================
                # Tenant Identification
                # ===========================================
                TENANT_ID=%s
                TENANT_NAME=%s

                # ===========================================
                # Database (tenant-specific RAG data)
                # ===========================================
                DB_HOST=%s
                DB_PORT=%s
                DB_NAME=%s
                DB_USER=%s
                DB_PASSWORD=%s

                # ===========================================
                # Admin Database (shared chatdb)
                # ===========================================
                ADMIN_DB_HOST=%s
                ADMIN_DB_PORT=%s
                ADMIN_DB_NAME=%s
                ADMIN_DB_USER=%s
                ADMIN_DB_PASSWORD=%s

                # ===========================================
                # API Keys (unique per tenant)
                # ===========================================
                ADMIN_API_KEY=%s
                CHAT_API_KEY=%s
                UPLOAD_API_KEY=%s

                # ===========================================
                # LLM Provider (empty: extractive answers, no LLM)
                # ===========================================
                LLM_PROVIDER=
                OPENAI_API_KEY=
                OPENAI_MODEL=gpt-5.2

                # Optional: Claude
                ANTHROPIC_API_KEY=
                CLAUDE_MODEL=claude-sonnet-4-20250514

                # ===========================================
                # Embedding model (local: all-minilm-l6-v2-q, the int8 build, or all-minilm-l6-v2;
                # openai / openai-compatible: see docs/configuration.md)
                # ===========================================
                EMBEDDING_PROVIDER=local
                EMBEDDING_MODEL=%s

                # ===========================================
                # Docling Service (empty: Apache Tika only)
                # ===========================================
                DOCLING_SERVICE_URL=

                # ===========================================
                # Upload Settings
                # ===========================================
                MAX_UPLOAD_SIZE_MB=100

                # ===========================================
                # CORS Allowed Origins
                # ===========================================
                ALLOWED_ORIGINS=

                # ===========================================
                # Admin Dashboard
                # ===========================================
                ADMIN_USERNAME=admin
                ADMIN_PASSWORD=%s

                # ===========================================
                # Debug (optional)
                # ===========================================
                API_DEBUG_LOGGING_ENABLED=false
                API_DEBUG_LOG_PATH=./logs/api_debug
                API_DEBUG_USERNAME=admin
                API_DEBUG_PASSWORD=%s

                # ===========================================
                # Endpoint Toggles (default: true if not set)
                # ===========================================
                # ENDPOINT_CHAT_ENABLED=true
                # ENDPOINT_CUSTOMER_CHAT_ENABLED=true
                # ENDPOINT_WIDGET_CONFIG_ENABLED=true
                # ENDPOINT_UPLOAD_ENABLED=true
                # ENDPOINT_MEDIA_INFO_ENABLED=true
                # ENDPOINT_ADMIN_ENABLED=true
                # ENDPOINT_API_DEBUG_ENABLED=true
                """.formatted(v.get("TENANT_ID"), v.get("TENANT_NAME"),
                v.get("DB_HOST"), v.get("DB_PORT"), v.get("DB_NAME"), v.get("DB_USER"), v.get("DB_PASSWORD"),
                v.get("ADMIN_DB_HOST"), v.get("ADMIN_DB_PORT"), v.get("ADMIN_DB_NAME"), v.get("ADMIN_DB_USER"),
                v.get("ADMIN_DB_PASSWORD"), v.get("ADMIN_API_KEY"), v.get("CHAT_API_KEY"), v.get("UPLOAD_API_KEY"),
                EMBEDDING_MODEL, v.get("ADMIN_PASSWORD"), v.get("API_DEBUG_PASSWORD"));
    }

    /**
     * The value bare when it reads back as is; else in single quotes (taken literally), else in
     * double quotes. A bare value loses surrounding blanks and everything from " #" on.
     */
    static String quoted(String key, String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        if (value.contains("\n") || value.contains("\r")) {
            throw new IllegalArgumentException(key + " must not contain line breaks");
        }
        boolean bare = value.equals(value.strip()) && !value.contains(" #") && !value.contains("\t#")
                && !value.startsWith("'") && !value.startsWith("\"");
        if (bare) {
            return value;
        }
        if (!value.contains("'")) {
            return "'" + value + "'";
        }
        if (!value.contains("\"") && !value.contains("\\n")) {
            return '"' + value + '"';
        }
        throw new IllegalArgumentException(key + " cannot be written to a .env file: it would need quotes,"
                + " but contains both ' and \"");
    }
}
