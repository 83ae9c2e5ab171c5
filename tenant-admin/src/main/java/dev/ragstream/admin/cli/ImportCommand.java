package dev.ragstream.admin.cli;

import dev.ragstream.platform.tenant.Tenant;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code tenant import --tenant=<id> [--gateway=<url>] [--wait] <path>…}: uploads files and
 * folders through the gateway, exactly as {@code POST /upload} with the tenant's UPLOAD_API_KEY
 * would, so they take the same pipeline. Progress on stderr, a summary on stdout; exits non-zero
 * when any file failed. Stops at once when the gateway is unreachable or refuses the key.
 */
@Command(name = "import", description = "Upload files or folders to a tenant through the gateway.")
final class ImportCommand implements Callable<Integer> {

    @ParentCommand
    TenantCli cli;

    @Option(names = "--tenant", required = true, paramLabel = "<id>", description = "Tenant id.")
    String tenantId;

    @Mixin
    GatewayOptions gatewayOptions;

    @Parameters(arity = "1..*", paramLabel = "<path>", description = "Files or folders (recursive; hidden files skipped).")
    List<Path> paths;

    @Override
    public Integer call() {
        TenantFolder folder = TenantFolder.existing(cli, tenantId);
        Tenant tenant = folder.tenant();
        String key = tenant.uploadApiKey().orElseThrow(() -> new IllegalStateException("tenant " + tenant.id()
                + " has no UPLOAD_API_KEY in " + folder.envFile() + ": run 'tenant regenerate-keys " + tenant.id() + "'"));
        GatewayUploads uploads = new GatewayUploads(gatewayOptions.gatewayUri(), tenant.id(), key);
        List<Path> files = ImportFiles.collect(paths);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no files to import in " + paths + " (hidden files are skipped)");
        }
        Map<String, Path> accepted = new LinkedHashMap<>();
        Map<Path, String> failed = new LinkedHashMap<>();
        UUID job = UUID.randomUUID();
        int unchanged = upload(uploads, job, files, accepted, failed);
        System.out.println("Imported " + accepted.size() + " files (" + (unchanged > 0 ? unchanged + " already there, " : "")
                + failed.size() + " failed)");
        if (!accepted.isEmpty()) {
            System.out.println("Upload job: /upload/jobs/" + job + "?tenant=" + tenant.id());
        }
        printFailures(failed);
        boolean indexingFailed = false;
        if (gatewayOptions.wait && !accepted.isEmpty()) {
            Map<Path, String> notIndexed = new IndexingWait(uploads, cli.terminal.redrawable(), gatewayOptions.waitTimeout).await(accepted);
            System.out.println("Indexed " + (accepted.size() - notIndexed.size()) + " documents (" + notIndexed.size() + " failed)");
            printFailures(notIndexed);
            indexingFailed = !notIndexed.isEmpty();
        }
        return failed.isEmpty() && !indexingFailed ? 0 : 1;
    }

    /** @return how many files the tenant already had (same bytes): nothing to import for them */
    private int upload(GatewayUploads uploads, UUID job, List<Path> files, Map<String, Path> accepted,
                       Map<Path, String> failed) {
        ProgressBar progress = new ProgressBar(System.err, cli.terminal.redrawable(), files.size());
        int unchanged = 0;
        try {
            for (int i = 0; i < files.size(); i++) {
                Path file = files.get(i);
                GatewayUploads.Reply reply = uploadOne(uploads, file, job);
                if (reply.accepted()) {
                    accepted.put(reply.documentId(), file);
                } else if (reply.duplicate()) {
                    unchanged++;
                } else if (reply.status() == 401 || reply.status() == 403 || reply.status() == 404) {
                    throw new IllegalStateException("the gateway refused uploads for tenant " + tenantId + ": "
                            + reply.error() + " (HTTP " + reply.status() + "); " + accepted.size() + " files were imported");
                } else {
                    failed.put(file, reply.error() != null ? reply.error() : "HTTP " + reply.status());
                }
                progress.step(i + 1, file.toString());
            }
        } finally {
            progress.finish();
        }
        return unchanged;
    }

    private static GatewayUploads.Reply uploadOne(GatewayUploads uploads, Path file, UUID job) {
        try {
            return uploads.upload(file, job);
        } catch (IOException e) {
            return new GatewayUploads.Reply(0, null, null, GatewayUploads.reason(e));
        }
    }

    private static void printFailures(Map<Path, String> failures) {
        if (!failures.isEmpty()) {
            System.out.println("Failed:");
            failures.forEach((file, error) -> System.out.println("  " + file + ": " + error));
        }
    }
}
