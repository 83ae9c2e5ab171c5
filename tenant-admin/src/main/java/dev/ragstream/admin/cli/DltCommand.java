package dev.ragstream.admin.cli;

import dev.ragstream.platform.tenant.Tenant;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/**
 * {@code tenant dlt list|redrive --tenant=<id> [--gateway=<url>]}: a tenant's dead letters (pipeline
 * events given up on) through the gateway's admin API with the tenant's ADMIN_API_KEY — a table of
 * them, or their redrive with one line per letter and a summary. Exits non-zero when the gateway
 * refuses or cannot be reached.
 */
@Command(name = "dlt", mixinStandardHelpOptions = true, description = "List or redrive a tenant's dead letters through the gateway.",
        subcommands = {DltCommand.ListLetters.class, DltCommand.Redrive.class})
final class DltCommand implements Callable<Integer> {

    private static final int PAGE_SIZE = 100;

    @ParentCommand
    TenantCli cli;

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    /** The options both subcommands share, and the admin API as the tenant. */
    static final class Target {
        @Option(names = "--tenant", required = true, paramLabel = "<id>", description = "Tenant id.")
        String tenantId;

        @Mixin
        GatewayUrl gateway;

        GatewayAdmin api(TenantCli cli) {
            Tenant tenant = TenantFolder.existing(cli, tenantId).tenant();
            String key = tenant.adminApiKey().orElseThrow(() -> new IllegalStateException("tenant " + tenant.id()
                    + " has no ADMIN_API_KEY: run 'tenant regenerate-keys " + tenant.id() + "'"));
            return new GatewayAdmin(gateway.uri(), tenant.id(), key);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Show the tenant's dead letters, oldest first per topic.")
    static final class ListLetters implements Callable<Integer> {
        @ParentCommand
        DltCommand dlt;

        @Mixin
        Target target;

        @Override
        public Integer call() {
            GatewayAdmin api = target.api(dlt.cli);
            List<JsonNode> letters = new ArrayList<>();
            for (int page = 0; ; page++) {
                JsonNode body = ok(api.call("GET", "/admin/dead-letters?page=" + page + "&size=" + PAGE_SIZE), "list the dead letters");
                List<JsonNode> items = body.path("items").valueStream().toList();
                letters.addAll(items);
                if (items.isEmpty() || letters.size() >= body.path("total").asLong()) {
                    break;
                }
            }
            if (letters.isEmpty()) {
                System.out.println("No dead letters for tenant " + target.tenantId);
                return 0;
            }
            DltTable table = new DltTable("ID", "DOCUMENT", "VERSION", "REASON", "ORIGIN", "EXCEPTION", "DEAD-LETTERED");
            for (JsonNode letter : letters) {
                table.add(letter.path("id").asString(), letter.path("document_id").asString("-"), letter.path("version").asString("-"),
                        letter.path("reason").asString("-"), origin(letter), simpleName(letter.path("exception").asString("-")),
                        letter.path("timestamp").asString());
            }
            table.print(System.out);
            System.out.println(letters.size() + " dead letters");
            return 0;
        }

        private static String origin(JsonNode letter) {
            return letter.path("original_topic").asString("?") + ":" + letter.path("original_partition").asString("?")
                    + ":" + letter.path("original_offset").asString("?");
        }

        private static String simpleName(String className) {
            return className.substring(className.lastIndexOf('.') + 1);
        }
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true, description = "Send the tenant's dead letters (or one) through the pipeline again;"
            + " letters whose document moved on are skipped.")
    static final class Redrive implements Callable<Integer> {
        @ParentCommand
        DltCommand dlt;

        @Mixin
        Target target;

        @Option(names = "--offset", paramLabel = "<offset>", description = "Only the letter at this offset.")
        Long offset;

        @Option(names = "--id", paramLabel = "<topic:partition:offset>", description = "Only this letter, as 'dlt list' shows it.")
        String id;

        @Override
        public Integer call() {
            GatewayAdmin api = target.api(dlt.cli);
            StringBuilder query = new StringBuilder();
            if (id != null) {
                query.append(query.isEmpty() ? "?" : "&").append("id=").append(URLEncoder.encode(id.strip(), StandardCharsets.UTF_8));
            }
            if (offset != null) {
                query.append(query.isEmpty() ? "?" : "&").append("offset=").append(offset);
            }
            JsonNode body = ok(api.call("POST", "/admin/dead-letters/redrive" + query), "redrive the dead letters");
            for (JsonNode item : body.path("items")) {
                String outcome = item.path("outcome").asString().equals("redriven")
                        ? "redriven as version " + item.path("version").asInt()
                        : "skipped (" + item.path("detail").asString() + ")";
                System.out.println(item.path("id").asString() + " " + item.path("document_id").asString("-") + ": " + outcome);
            }
            System.out.println("Redrove " + body.path("redriven").asInt() + " dead letters (" + body.path("skipped").asInt() + " skipped)");
            return 0;
        }
    }

    /** The body of a 200 answer. @throws IllegalStateException with the gateway's message otherwise */
    private static JsonNode ok(GatewayAdmin.Reply reply, String what) {
        if (reply.status() != 200) {
            throw new IllegalStateException("cannot " + what + ": " + reply.error() + " (HTTP " + reply.status() + ")");
        }
        return reply.body();
    }
}
