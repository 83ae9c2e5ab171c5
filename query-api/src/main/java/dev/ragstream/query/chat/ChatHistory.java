package dev.ragstream.query.chat;

import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantDataSources;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Chat sessions and messages, in the tenant's own ragdb. */
@Component
class ChatHistory {

    private final TenantDataSources dataSources;
    private final JsonMapper json;

    ChatHistory(TenantDataSources dataSources, JsonMapper json) {
        this.dataSources = dataSources;
        this.json = json;
    }

    /** Records one exchange (question and answer) in one transaction. */
    void record(Tenant tenant, String sessionId, String question, String answer, List<Map<String, Object>> sources,
                String provider, long latencyMs) throws SQLException {
        dataSources.inTransaction(tenant, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO chat_sessions (id) VALUES (?)
                    ON CONFLICT (id) DO UPDATE SET last_active_at = now(), message_count = chat_sessions.message_count + 2""")) {
                ps.setString(1, sessionId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO chat_messages (session_id, role, content, sources, provider, latency_ms)
                    VALUES (?, 'user', ?, '[]', NULL, NULL), (?, 'assistant', ?, ?::jsonb, ?, ?)""")) {
                ps.setString(1, sessionId);
                ps.setString(2, question);
                ps.setString(3, sessionId);
                ps.setString(4, answer);
                ps.setString(5, json.writeValueAsString(sources));
                ps.setString(6, provider);
                ps.setLong(7, latencyMs);
                ps.executeUpdate();
            }
            return null;
        });
    }
}
