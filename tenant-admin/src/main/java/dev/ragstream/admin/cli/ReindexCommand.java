package dev.ragstream.admin.cli;

import dev.ragstream.platform.tenant.Tenant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/**
 * {@code tenant reindex --tenant=<id> [--document=<uuid>] [--gateway=<url>] [--wait]}: chunks and
 * embeds documents again from their stored text, through the gateway's admin API with the tenant's
 * ADMIN_API_KEY — one document, or every indexed and failed one (listed first, then queued one by
 * one). One line per document and a summary on stdout, progress of {@code --wait} on stderr; exits
 * non-zero when a document was refused or failed. Stops at once when the gateway is unreachable or
 * refuses the key.
 */
@Command(name = "reindex", description = "Reindex one or every document of a tenant through the gateway.")
final class ReindexCommand implements Callable<Integer> {

    private static final Duration POLL = Duration.ofSeconds(1);
    private static final int PAGE_SIZE = 100;

    @ParentCommand
    TenantCli cli;

    @Option(names = "--tenant", required = true, paramLabel = "<id>", description = "Tenant id.")
    String tenantId;

    @Option(names = "--document", paramLabel = "<uuid>", converter = DocumentIdConverter.class,
            description = "Only this document (default: every indexed or failed one).")
    UUID documentId;

    @Mixin
    GatewayOptions gatewayOptions;

    /** A document as the admin API lists it; the filename with control characters made harmless. */
    record Document(String id, String filename) {
        static Document of(JsonNode view) {
            return new Document(view.path("document_id").asString(), view.path("filename").asString().replaceAll("\\p{Cntrl}", "?"));
        }

        String line(String outcome) {
            return id + (filename.isEmpty() ? "" : " " + filename) + ": " + outcome;
        }
    }

    @Override
    public Integer call() {
        Tenant tenant = TenantFolder.existing(cli, tenantId).tenant();
        String key = tenant.adminApiKey().orElseThrow(() -> new IllegalStateException("tenant " + tenant.id()
                + " has no ADMIN_API_KEY: run 'tenant regenerate-keys " + tenant.id() + "'"));
        GatewayAdmin api = new GatewayAdmin(gatewayOptions.gatewayUri(), tenant.id(), key);
        List<Document> documents = new ArrayList<>();
        int refused = 0;
        if (documentId == null) {
            documents.addAll(list(api, "indexed"));
            documents.addAll(list(api, "failed"));
        } else {
            GatewayAdmin.Reply found = api.call("GET", "/admin/documents/" + documentId);
            if (found.status() == 200) {
                documents.add(Document.of(found.body()));
            } else {
                System.out.println(new Document(documentId.toString(), "").line(found.error()));
                refused++;
            }
        }
        List<Document> unique = documents.stream().distinct().toList(); // pages may shift while listing
        Map<Document, Integer> queued = reindex(api, unique);
        refused += unique.size() - queued.size();
        System.out.println("Reindexing " + queued.size() + " documents (" + refused + " refused)");
        boolean failed = false;
        if (gatewayOptions.wait && !queued.isEmpty()) {
            Map<Document, String> notIndexed = new Wait(api, cli.terminal.redrawable(), gatewayOptions.waitTimeout).await(queued.keySet());
            System.out.println("Indexed " + (queued.size() - notIndexed.size()) + " documents (" + notIndexed.size() + " failed)");
            if (!notIndexed.isEmpty()) {
                System.out.println("Failed:");
                notIndexed.forEach((document, reason) -> System.out.println("  " + document.line(reason)));
            }
            failed = !notIndexed.isEmpty();
        }
        return refused == 0 && !failed ? 0 : 1;
    }

    /** Every document with {@code status}, page by page, listed before any is reindexed (which changes its status). */
    private List<Document> list(GatewayAdmin api, String status) {
        List<Document> documents = new ArrayList<>();
        for (int page = 0; ; page++) {
            GatewayAdmin.Reply reply = api.call("GET", "/admin/documents?status=" + status + "&page=" + page + "&size=" + PAGE_SIZE);
            if (reply.status() != 200) {
                throw new IllegalStateException("cannot list the " + status + " documents of tenant " + tenantId + ": "
                        + reply.error() + " (HTTP " + reply.status() + ")");
            }
            List<Document> items = reply.body().path("items").valueStream().map(Document::of).toList();
            documents.addAll(items);
            if (items.isEmpty() || documents.size() >= reply.body().path("total").asLong()) {
                return documents;
            }
        }
    }

    /** Queues each document, printing its line; returns the queued ones with their new version. */
    private static Map<Document, Integer> reindex(GatewayAdmin api, List<Document> documents) {
        Map<Document, Integer> queued = new LinkedHashMap<>();
        for (Document document : documents) {
            GatewayAdmin.Reply reply = api.call("POST", "/admin/documents/" + document.id() + "/reindex");
            if (reply.status() == 202) {
                queued.put(document, reply.body().path("version").asInt());
                System.out.println(document.line("queued as version " + queued.get(document)));
            } else {
                System.out.println(document.line(reply.error()));
            }
        }
        return queued;
    }

    /** Polls {@code GET /admin/documents/<id>} until each document is indexed or failed. */
    private record Wait(GatewayAdmin api, boolean redraw, Duration timeout) {

        /** @return the documents that failed, with the reason; empty when all were indexed */
        Map<Document, String> await(Collection<Document> documents) {
            List<Document> pending = new ArrayList<>(documents);
            Map<Document, String> failed = new LinkedHashMap<>();
            Map<String, Integer> states = new LinkedHashMap<>();
            ProgressBar progress = new ProgressBar(System.err, redraw, documents.size());
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                for (int shown = -1; ; pause()) {
                    states.clear();
                    pending.removeIf(document -> settled(document, failed, states));
                    if (documents.size() - pending.size() != shown) {
                        shown = documents.size() - pending.size();
                        progress.step(shown, "indexed or failed");
                    }
                    if (pending.isEmpty()) {
                        return failed;
                    }
                    if (System.nanoTime() - deadline > 0) {
                        throw new IllegalStateException("gave up waiting after " + DurationConverter.format(timeout) + ": "
                                + pending.size() + " documents not yet indexed (" + states.toString().replaceAll("[{}]", "") + ")");
                    }
                }
            } finally {
                progress.finish();
            }
        }

        /** True once indexed or failed; a 5xx is asked again next round, any other refusal counts as failed. */
        private boolean settled(Document document, Map<Document, String> failed, Map<String, Integer> states) {
            GatewayAdmin.Reply reply = api.call("GET", "/admin/documents/" + document.id());
            String state = reply.status() == 200 ? reply.body().path("status").asString() : "HTTP " + reply.status();
            if (reply.status() == 200 && state.equals("indexed")) {
                return true;
            }
            if ((reply.status() != 200 && reply.status() < 500) || state.equals("failed")) {
                String reason = reply.body().path("reason").asString();
                failed.put(document, reply.status() != 200 ? reply.error() : reason.isEmpty() ? state : reason);
                return true;
            }
            states.merge(state, 1, Integer::sum);
            return false;
        }

        private static void pause() {
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for indexing", e);
            }
        }
    }

    /** A document id is a UUID; picocli's own message would name the Java exception. */
    static final class DocumentIdConverter implements CommandLine.ITypeConverter<UUID> {
        @Override
        public UUID convert(String value) {
            try {
                return UUID.fromString(value.strip());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a document id (a UUID as the admin API lists it)");
            }
        }
    }
}
