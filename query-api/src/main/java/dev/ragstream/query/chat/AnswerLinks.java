package dev.ragstream.query.chat;

import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantDataSources;
import dev.ragstream.platform.tenant.TenantId;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Keeps a model's answer from leading anywhere but the tenant's own documents: a Markdown image,
 * link, autolink or bare URL stays only when it points at an origin (scheme, host and port) that
 * one of the tenant's documents was imported from; otherwise a link becomes its text and an image,
 * autolink or URL is removed. Relative links and anchors stay; other schemes ({@code javascript:},
 * {@code data:} …) and protocol-relative URLs go. A rendered image fetches its URL by itself, which
 * is how a prompt-injected answer would exfiltrate a conversation; this closes that door.
 */
@Component
class AnswerLinks {

    private static final Duration ORIGINS_MAX_AGE = Duration.ofSeconds(60);
    private static final String URL = "<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*";
    private static final Pattern LINKS = Pattern.compile(
            "!\\[([^\\]\\n]*)]\\(\\s*" + URL + "\\)"      // 1, 2: image
                    + "|\\[([^\\]\\n]*)]\\(\\s*" + URL + "\\)" // 3, 4: link
                    + "|<((?:https?:)?//[^>\\s]+)>"          // 5: autolink
                    + "|((?:https?:)?//[^\\s)\\]>\"']+)",     // 6: bare or protocol-relative URL
            Pattern.CASE_INSENSITIVE);

    private record Origins(Set<String> origins, long readAt) {
    }

    private final TenantDataSources dataSources;
    private final Map<TenantId, Origins> origins = new ConcurrentHashMap<>();

    AnswerLinks(TenantDataSources dataSources) {
        this.dataSources = dataSources;
    }

    /** The origins the tenant's documents were imported from, read at most every {@link #ORIGINS_MAX_AGE}. */
    Set<String> origins(Tenant tenant) throws SQLException {
        Origins cached = origins.get(tenant.id());
        if (cached != null && System.nanoTime() - cached.readAt() < ORIGINS_MAX_AGE.toNanos()) {
            return cached.origins();
        }
        Set<String> read = dataSources.inTransaction(tenant, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT DISTINCT metadata->>'source_url' FROM documents
                    WHERE source = 'url' AND status <> 'deleted' AND metadata->>'source_url' IS NOT NULL""");
                 ResultSet rs = ps.executeQuery()) {
                Set<String> found = new HashSet<>();
                while (rs.next()) {
                    String origin = origin(rs.getString(1));
                    if (origin != null) {
                        found.add(origin);
                    }
                }
                return Set.copyOf(found);
            }
        });
        origins.put(tenant.id(), new Origins(read, System.nanoTime()));
        return read;
    }

    /** {@code text} with every link, image and URL outside {@code allowed} origins taken out. */
    static String clean(String text, Set<String> allowed) {
        Matcher m = LINKS.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String kept;
            if (m.group(2) != null) {
                kept = allowed(m.group(2), allowed) ? m.group() : "";
            } else if (m.group(4) != null) {
                kept = allowed(m.group(4), allowed) ? m.group() : m.group(3);
            } else if (m.group(5) != null) {
                kept = allowed(m.group(5), allowed) ? m.group() : "";
            } else {
                kept = allowed(m.group(6), allowed) ? m.group() : "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(kept));
        }
        return m.appendTail(out).toString();
    }

    private static boolean allowed(String url, Set<String> allowed) {
        String lower = url.strip().toLowerCase(Locale.ROOT);
        if (lower.startsWith("//")) {
            return false;
        }
        if (!lower.matches("^[a-z][a-z0-9+.-]*:.*")) {
            return true; // relative to the page the widget is on, or an anchor
        }
        String origin = origin(url.strip());
        return origin != null && allowed.contains(origin);
    }

    /** {@code scheme://host:port} of an http(s) URL, null for anything else. */
    static String origin(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
                return null;
            }
            int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    /**
     * {@link #clean} for an answer that arrives piece by piece: text is passed on up to the last
     * whitespace that no unfinished link, image or autolink spans, the rest held until it is
     * complete. Not thread-safe: one per answer.
     */
    static final class Guard {
        private final Set<String> allowed;
        private final StringBuilder pending = new StringBuilder();

        Guard(Set<String> allowed) {
            this.allowed = allowed;
        }

        /** @return the cleaned text that may be passed on now, possibly empty */
        String accept(String piece) {
            pending.append(piece);
            int cut = safeCut();
            if (cut == 0) {
                return "";
            }
            String ready = pending.substring(0, cut);
            pending.delete(0, cut);
            return clean(ready, allowed);
        }

        /** @return the cleaned rest, at the end of the answer */
        String finish() {
            String rest = clean(pending.toString(), allowed);
            pending.setLength(0);
            return rest;
        }

        private int safeCut() {
            int cut = 0;
            for (int i = pending.length() - 1; i >= 0; i--) {
                if (Character.isWhitespace(pending.charAt(i))) {
                    cut = i + 1;
                    break;
                }
            }
            for (int i = 0; i < cut; i++) {
                char ch = pending.charAt(i);
                if ((ch == '[' || ch == '<') && !closed(i, cut)) {
                    return i > 0 && ch == '[' && pending.charAt(i - 1) == '!' ? i - 1 : i; // an image keeps its '!'
                }
            }
            return cut;
        }

        /** Whether the construct opening at {@code start} ends before {@code end}. */
        private boolean closed(int start, int end) {
            if (pending.charAt(start) == '<') {
                int close = pending.indexOf(">", start);
                return close >= 0 && close < end;
            }
            int bracket = pending.indexOf("]", start);
            if (bracket < 0 || bracket >= end) {
                return false;
            }
            // bracket + 1 < end: the text before end ends in whitespace, which is no bracket
            if (pending.charAt(bracket + 1) != '(') {
                return true;
            }
            int paren = pending.indexOf(")", bracket);
            return paren >= 0 && paren < end;
        }
    }
}
