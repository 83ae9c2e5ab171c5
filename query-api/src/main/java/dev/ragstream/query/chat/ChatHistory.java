package dev.ragstream.query.chat;

import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantDataSources;
import dev.ragstream.query.llm.Turn;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Chat sessions and messages, in the tenant's own ragdb. */
@Component
class ChatHistory {

    /**
     * One question and its answer.
     * @param model    the language model that answered, null for extractive or no-context answers
     * @param complete false when the answer was cut off (the provider failed mid-answer): never shown as whole
     */
    record Exchange(String sessionId, String question, String answer, List<Map<String, Object>> sources, String provider,
                    String model, int promptTokens, int completionTokens, long latencyMs, boolean complete) {
    }

    /** A session as the next question finds it: how many messages it holds and its latest complete turns, oldest first. */
    record Session(int messages, List<Turn> recent) {
    }

    private final TenantDataSources dataSources;
    private final JsonMapper json;

    ChatHistory(TenantDataSources dataSources, JsonMapper json) {
        this.dataSources = dataSources;
        this.json = json;
    }

    /** The session's message count and its last {@code turns} complete messages (cut-off answers left out). */
    Session session(Tenant tenant, String sessionId, int turns) throws SQLException {
        return dataSources.inTransaction(tenant, c -> {
            int messages = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT message_count FROM chat_sessions WHERE id = ?")) {
                ps.setString(1, sessionId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        messages = rs.getInt(1);
                    } else {
                        return new Session(0, List.of());
                    }
                }
            }
            List<Turn> recent = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT role, content FROM chat_messages WHERE session_id = ? AND complete AND role IN ('user', 'assistant')
                    ORDER BY id DESC LIMIT ?""")) {
                ps.setString(1, sessionId);
                ps.setInt(2, turns);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        recent.add(0, new Turn(rs.getString(1), rs.getString(2)));
                    }
                }
            }
            return new Session(messages, List.copyOf(recent));
        });
    }

    /** Records one exchange in one transaction. */
    void record(Tenant tenant, Exchange exchange) throws SQLException {
        dataSources.inTransaction(tenant, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO chat_sessions (id, message_count) VALUES (?, 2)
                    ON CONFLICT (id) DO UPDATE SET last_active_at = now(), message_count = chat_sessions.message_count + 2""")) {
                ps.setString(1, exchange.sessionId());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO chat_messages (session_id, role, content, sources, provider, model, prompt_tokens,
                                               completion_tokens, latency_ms, complete)
                    VALUES (?, 'user', ?, '[]', NULL, NULL, NULL, NULL, NULL, true),
                           (?, 'assistant', ?, ?::jsonb, ?, ?, ?, ?, ?, ?)""")) {
                ps.setString(1, exchange.sessionId());
                ps.setString(2, exchange.question());
                ps.setString(3, exchange.sessionId());
                ps.setString(4, exchange.answer());
                ps.setString(5, json.writeValueAsString(exchange.sources()));
                ps.setString(6, exchange.provider());
                ps.setString(7, exchange.model());
                setTokens(ps, 8, exchange.promptTokens());
                setTokens(ps, 9, exchange.completionTokens());
                ps.setLong(10, exchange.latencyMs());
                ps.setBoolean(11, exchange.complete());
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static void setTokens(PreparedStatement ps, int index, int tokens) throws SQLException {
        if (tokens > 0) {
            ps.setInt(index, tokens);
        } else {
            ps.setNull(index, Types.INTEGER);
        }
    }
}
