package dev.ragstream.admin.cli;

import dev.ragstream.platform.security.ApiKeys;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code tenant regenerate-keys <id>}: new ADMIN_API_KEY, CHAT_API_KEY and UPLOAD_API_KEY,
 * written into the tenant's .env in place (atomically; every other line and the permissions
 * stay). Running services notice the changed file on their registry's next poll, and from then
 * on accept only the new keys.
 */
@Command(name = "regenerate-keys", description = "Replace a tenant's API keys (the old ones stop working).")
final class RegenerateKeysCommand implements Callable<Integer> {

    static final List<String> API_KEYS = List.of("ADMIN_API_KEY", "CHAT_API_KEY", "UPLOAD_API_KEY");

    @ParentCommand
    TenantCli cli;

    @Parameters(index = "0", paramLabel = "<id>", description = "Tenant id.")
    String id;

    @Override
    public Integer call() {
        TenantFolder folder = TenantFolder.existing(cli, id);
        folder.tenant(); // a .env the services cannot read is not rewritten
        Map<String, String> keys = new LinkedHashMap<>();
        API_KEYS.forEach(key -> keys.put(key, ApiKeys.generate()));
        try {
            EnvEditor.update(folder.envFile(), keys);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + folder.envFile() + ": " + TenantFolder.reason(e)
                    + " (the old keys are still valid)", e);
        }
        System.out.println("Regenerated API keys of tenant " + folder.id() + ":");
        keys.forEach((key, value) -> System.out.println("  " + key + ": " + value));
        System.out.println("(shown in full this one time; running services accept only these once they re-read "
                + folder.envFile() + ", within seconds)");
        return 0;
    }
}
