package dev.ragstream.query.widget;

import dev.ragstream.platform.tenant.ChatDatabase;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantId;
import dev.ragstream.platform.web.ApiException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * A tenant's customer widgets, as the admin API stores them in chatdb ({@code widget_settings}):
 * widget key → settings object. The widget {@value #DEFAULT_KEY} exists for every tenant (built-in
 * settings until the tenant stores its own); any other key must have been stored. Settings are read
 * at most every {@link #MAX_AGE} per widget, so an admin's change shows within that time.
 */
@Component
public class Widgets {

    public static final String DEFAULT_KEY = "default";
    static final String DEFAULT_GREETING = "Hi! How can I help you?";
    /** The settings a browser may see; everything else (the tone prompt above all) stays on the server. */
    static final List<String> PUBLIC_SETTINGS = List.of("title", "greeting", "placeholder", "primary_color", "position",
            "language", "avatar_url", "lead_form", "lead_form_text");
    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Duration MAX_AGE = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(Widgets.class);

    /** One widget's settings (an object, possibly empty). */
    public record Widget(String key, JsonNode settings) {

        /** The widget's tone prompt for the language model, null when it has none. */
        public String tonePrompt() {
            JsonNode tone = settings.get("tone_prompt");
            return tone != null && tone.isString() && !tone.asString().isBlank() ? tone.asString().strip() : null;
        }

        /** Whether visitors may leave an inquiry through this widget's lead form (off unless set). */
        public boolean leadForm() {
            return settings.path("lead_form").asBoolean(false);
        }

        /** What {@code /widget-config} shows: the public settings, with the greeting and lead form always present. */
        Map<String, Object> publicView(TenantId tenant) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("tenant", tenant.value());
            view.put("widget_key", key);
            for (String name : PUBLIC_SETTINGS) {
                JsonNode value = settings.get(name);
                if (value != null && value.isValueNode() && !value.isNull()) {
                    view.put(name, value.isBoolean() ? value.asBoolean() : value.isNumber() ? value.numberValue() : value.asString());
                }
            }
            view.putIfAbsent("greeting", DEFAULT_GREETING);
            view.put("lead_form", leadForm());
            return view;
        }
    }

    private record Cached(Widget widget, long readAt) {
    }

    private record Key(TenantId tenant, String widget) {
    }

    private final ChatDatabase chatDatabase;
    private final Map<Key, Cached> cache = new ConcurrentHashMap<>();

    Widgets(ChatDatabase chatDatabase) {
        this.chatDatabase = chatDatabase;
    }

    /**
     * The widget {@code key} of {@code tenant} ({@value #DEFAULT_KEY} when null).
     * @throws ApiException 400 for a malformed key, 404 for a widget the tenant does not have,
     *                      503 when chatdb cannot be read
     */
    public Widget find(Tenant tenant, String key) {
        String widgetKey = key == null ? DEFAULT_KEY : key;
        if (!KEY.matcher(widgetKey).matches()) {
            throw ApiException.badRequest("invalid-widget-key", "widget_key must be 1-64 lowercase letters, digits, '-' or '_'");
        }
        Key cacheKey = new Key(tenant.id(), widgetKey);
        Cached cached = cache.get(cacheKey);
        if (cached != null && System.nanoTime() - cached.readAt() < MAX_AGE.toNanos()) {
            return cached.widget();
        }
        JsonNode settings;
        try {
            settings = chatDatabase.inTenant(tenant, c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT settings FROM widget_settings WHERE widget_key = ?")) {
                    ps.setString(1, widgetKey);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? JsonMapper.shared().readTree(rs.getString(1)) : null;
                    }
                }
            });
        } catch (SQLException e) {
            log.error("Tenant {}: cannot read widget settings (SQL state {})", tenant.id(), e.getSQLState());
            throw ApiException.unavailable("chatdb-unavailable", "The widget settings are unavailable; please retry");
        }
        if (settings == null || !settings.isObject()) {
            cache.remove(cacheKey);
            if (!widgetKey.equals(DEFAULT_KEY)) {
                throw ApiException.notFound("widget-not-found", "Widget not found");
            }
            settings = JsonNodeFactory.instance.objectNode();
        }
        Widget widget = new Widget(widgetKey, settings);
        cache.put(cacheKey, new Cached(widget, System.nanoTime()));
        return widget;
    }
}
